// The training loop shared by `fuselab-cli train` and the GUI's training panel: steps until
// the `steps` value, validates and checkpoints at the configured intervals, saves a checkpoint
// when stopped. Torch-free (it drives a Trainer through its interface).
#pragma once

#include "fuselab/learn/trainer.hpp"
#include "fuselab/base/progress.hpp"

#include <functional>
#include <string>

namespace fuselab::learn {

struct TrainingCallbacks {
    std::function<void(const StepLog&)> onStep;
    std::function<void(const ValidationLog&)> onValidation;
    std::function<void(const std::string& path)> onCheckpoint;
};

struct TrainingRunOptions {
    std::string checkpointPath;  ///< empty = no checkpoints
    bool writeFiles = true;      ///< false on distributed ranks other than 0
};

/// Runs trainer.step() until completedSteps() reaches the `steps` value (read before every
/// step, so a raised value trains further). Every validate_every steps (and after the last)
/// calls validate(); every checkpoint_every steps (and at the end) writes the checkpoint.
/// Cancellation (progress.isCancelled()) is checked between steps: the checkpoint is written,
/// then fuselab::Cancelled is thrown.
void runTraining(Trainer& trainer, const TrainingRunOptions& options, const TrainingCallbacks& callbacks,
                 ProgressSink& progress);

/// "step 120  total 0.4123  l1 0.0213  sf 0.8812 …  lr 1.0e-03  0.41 s" (one line, no newline).
std::string formatStepLog(const StepLog& log);

} // namespace fuselab::learn
