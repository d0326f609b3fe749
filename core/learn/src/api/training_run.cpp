// The training loop around a Trainer: steps, validation and checkpoints at their intervals.
#include "fuselab/learn/training_run.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/learn/training_params.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

namespace fuselab::learn {

double StepLog::term(const std::string& id) const
{
    for (const auto& [name, value] : terms)
        if (name == id) return value;
    return std::numeric_limits<double>::quiet_NaN();
}

std::string formatStepLog(const StepLog& log)
{
    char buf[96];
    std::snprintf(buf, sizeof buf, "step %lld", static_cast<long long>(log.step));
    std::string line = buf;
    for (const auto& [name, value] : log.terms) {
        std::snprintf(buf, sizeof buf, "  %s %.6g", name.c_str(), value);
        line += buf;
    }
    std::snprintf(buf, sizeof buf, "  lr %.3g  K %d  net %d px  %.2f s", log.learningRate, log.exposures, log.lowResPx,
                  log.seconds);
    line += buf;
    if (log.skipped) line += "  SKIPPED: " + log.note;
    return line;
}

void runTraining(Trainer& trainer, const TrainingRunOptions& options, const TrainingCallbacks& callbacks,
                 ProgressSink& progress)
{
    std::int64_t lastValidated = -1, lastCheckpoint = -1;
    auto checkpoint = [&] {
        lastCheckpoint = trainer.completedSteps();
        if (!options.writeFiles || options.checkpointPath.empty()) return;
        trainer.saveCheckpoint(options.checkpointPath);
        if (callbacks.onCheckpoint) callbacks.onCheckpoint(options.checkpointPath);
    };
    auto validate = [&] {
        lastValidated = trainer.completedSteps();
        const ValidationLog v = trainer.validate();
        if (callbacks.onValidation) callbacks.onValidation(v);
    };
    for (;;) {
        const TrainingSettings settings = TrainingSettings::fromValues(trainer.values());
        const std::int64_t done = trainer.completedSteps();
        if (done >= settings.steps) break;
        if (progress.isCancelled()) {
            checkpoint();
            throw Cancelled();
        }
        const StepLog log = trainer.step();
        if (callbacks.onStep) callbacks.onStep(log);
        const std::int64_t n = trainer.completedSteps();
        progress.report(double(n) / double(settings.steps), "training");
        if (settings.validateEvery > 0 && n % settings.validateEvery == 0) validate();
        if (settings.checkpointEvery > 0 && n % settings.checkpointEvery == 0) checkpoint();
    }
    if (lastValidated != trainer.completedSteps()) validate();
    if (lastCheckpoint != trainer.completedSteps()) checkpoint();
}

} // namespace fuselab::learn
