#include "fuselab/builtin_operators.hpp"

#include "builtin_list.hpp"

namespace fuselab {

void registerBuiltinOperators(OperatorRegistry& registry)
{
    registry.add(makeExposureGammaOperator());
    registry.add(makeMertensOperator());
    for (auto& op : makeMetricOperators()) registry.add(std::move(op));
}

} // namespace fuselab
