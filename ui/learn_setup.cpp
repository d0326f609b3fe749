#include "learn_setup.hpp"

#include "fuselab/learn/learned_operator.hpp"
#include "fuselab/learn/model_files.hpp"
#include "fuselab/pyramid.hpp"

namespace fuselab::ui {

std::string shippedModelPath()
{
    return learn::shippedModelForThisExecutable(FUSELAB_SOURCE_MODELS_DIR);
}

void registerLearnedOperators(OperatorRegistry& registry)
{
    learn::registerLearnOperators(registry, shippedModelPath(), &fuselab::pyramidBlend);
}

} // namespace fuselab::ui
