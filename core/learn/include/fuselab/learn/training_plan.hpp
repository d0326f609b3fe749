// What a training run learns from, where it starts and what it is judged on — as
// `fuselab-cli train` (--data, --init, --validation-hdr, --device) and the GUI's training panel
// (its data and start choices) state it — turned in one place into the trainer's data source and
// configuration, so both front ends train the same way from the same choice. Torch-free.
#pragma once

#include "fuselab/learn/trainer.hpp"
#include "fuselab/learn/training_data.hpp"
#include "fuselab/base/params.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fuselab::learn {

enum class TrainingDataKind {
    Synthetic,       ///< generated exposure stacks, endless
    SyntheticEvents, ///< simulated frame/event samples (a frame/event network)
    RealHdr,         ///< real radiance maps through simulated cameras, mixed with generated scenes
    Stacks,          ///< the caller's exposure stacks (one: "fine-tune on this stack")
};

struct TrainingPlan {
    TrainingDataKind data = TrainingDataKind::Synthetic;
    std::vector<TrainingStack> stacks;       ///< Stacks: the scenes, at their training size
    std::vector<NamedRadiance> radianceMaps; ///< RealHdr
    double syntheticShare = RealHdrSourceOptions{}.syntheticShare; ///< RealHdr: share of generated batches
    /// Judged on this stack itself (fine-tuning on one stack: the stack reduced to
    /// kFineTuneValidationLongSidePx), unless validationRadiance is given.
    std::optional<TrainingStack> validateOnStack;
    /// Held-out radiance maps to validate on (each exposed 5 times 2 stops apart).
    std::vector<NamedRadiance> validationRadiance;
    /// Start from this model file's weights (fine-tuning); empty = fresh weights from the seed.
    std::string initialModelPath;
    int frameEventNetLowResPx = 128; ///< SyntheticEvents: the network's inference resolution (long side)
    DeviceChoice device = DeviceChoice::Auto;
    int threads = 0;           ///< 0 = all cores
    bool distributed = false;  ///< join the process group the environment describes
};

/// The shipped model to start "fine-tune from shipped" from for this kind of data: the exposure
/// model itself, or the frame/event model that lies beside it.
std::string shippedModelFor(TrainingDataKind data, const std::string& shippedExposureModelPath);

struct PreparedTraining {
    std::shared_ptr<const TrainingSource> source;
    TrainerConfig config;
};

/// The source (seeded by the `seed` of `values`, the training parameters) and the trainer's
/// configuration for `plan`. Throws fuselab::Error for a plan without its data (no stacks, no
/// maps) or bad training values.
PreparedTraining prepareTraining(const TrainingPlan& plan, const ParamValues& values);

} // namespace fuselab::learn
