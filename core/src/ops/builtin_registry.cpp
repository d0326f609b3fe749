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

    registry.add(makeMuLawOperator());
    registry.add(makePqOperator());
    registry.add(makeHlgOperator());
    registry.add(makeReinhardOperator());
    registry.add(makeReinhardLocalOperator());
    registry.add(makeDragoOperator());
    registry.add(makeMantiukOperator());
    registry.add(makeDurandOperator());
    for (auto& op : makeMetricOperators()) registry.add(std::move(op));

    registry.add(makeEventFrameOperator());
    registry.add(makeTimeSurfaceOperator());
    registry.add(makeVoxelGridOperator());
    registry.add(makeEventIntensityOperator());
}

} // namespace fuselab
