#include "learn_support.hpp"

#include "fuselab/learn/learned_operator.hpp"
#include "fuselab/learn/model_files.hpp"
#include "fuselab/pyramid.hpp"

namespace fuselab::cli {

std::string shippedModelPath()
{
    return learn::shippedModelForThisExecutable(FUSELAB_SOURCE_MODELS_DIR);
}

std::string shippedFrameEventModelPath()
{
    // Beside the exposure model, as the GUI and the training plan find it (one rule).
    return learn::shippedFrameEventModelBeside(shippedModelPath());
}

void registerLearnedFusion(OperatorRegistry& registry)
{
    learn::registerLearnOperators(registry, shippedModelPath(), &fuselab::pyramidBlend);
}

std::shared_ptr<const Operator> learnedFusionWithModel(const std::string& modelPath)
{
    return learn::makeLearnedFusionOperator(modelPath, &fuselab::pyramidBlend);
}

} // namespace fuselab::cli
