#include "fuselab/builtin_operators.hpp"

#include "builtin_list.hpp"

namespace fuselab {

void registerBuiltinOperators(OperatorRegistry& registry)
{
    registry.add(makeExposureGammaOperator());
    registry.add(makeMertensOperator());
    registry.add(makeAlignMtbOperator());
    registry.add(makeAlignHomographyOperator());
    registry.add(makeDeghostMaskOperator());
    registry.add(makeDebevecMergeOperator());
    registry.add(makeRobertsonMergeOperator());
    registry.add(makeKnownResponseMergeOperator());
}

} // namespace fuselab
