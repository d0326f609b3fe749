#include "fuselab/learn/training_plan.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/learn/frame_event.hpp"
#include "fuselab/learn/model_files.hpp"
#include "fuselab/learn/training_params.hpp"


namespace fuselab::learn {

std::string shippedModelFor(TrainingDataKind data, const std::string& shippedExposureModelPath)
{
    if (data != TrainingDataKind::SyntheticEvents) return shippedExposureModelPath;
    return shippedFrameEventModelBeside(shippedExposureModelPath);
}

PreparedTraining prepareTraining(const TrainingPlan& plan, const ParamValues& values)
{
    const std::uint64_t seed = std::uint64_t(TrainingSettings::fromValues(values).seed);
    PreparedTraining out;
    switch (plan.data) {
    case TrainingDataKind::Synthetic: {
        SyntheticSourceOptions o;
        o.seed = seed;
        out.source = makeSyntheticSource(o);
        break;
    }
    case TrainingDataKind::SyntheticEvents: {
        FrameEventSourceOptions o;
        o.seed = seed;
        out.source = makeFrameEventSyntheticSource(o);
        out.config.net = frameEventNetConfig(plan.frameEventNetLowResPx);
        break;
    }
    case TrainingDataKind::RealHdr: {
        RealHdrSourceOptions o;
        o.seed = seed;
        o.syntheticShare = plan.syntheticShare;
        out.source = makeRealHdrSource(plan.radianceMaps, o);
        break;
    }
    case TrainingDataKind::Stacks:
        if (plan.stacks.empty()) throw Error("nothing to train on: no stacks");
        out.source = makeStackListSource(plan.stacks, seed);
        break;
    }
    TrainerConfig& c = out.config;
    c.device = plan.device;
    c.threads = plan.threads;
    c.distributed = plan.distributed;
    c.initialModelPath = plan.initialModelPath;
    if (!plan.validationRadiance.empty()) c.validationSet = makeRealValidationStacks(plan.validationRadiance, 5, c.validationWidthPx);
    else if (plan.validateOnStack) c.validationSet = {*plan.validateOnStack};
    return out;
}

} // namespace fuselab::learn
