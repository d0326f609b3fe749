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

const Operator* defaultOperatorOf(const OperatorRegistry& registry, std::string_view category)
{
    struct Default {
        std::string_view category, id;
    };
    static constexpr Default kDefaults[] = {{"fusion", "mertens"}, {"merge", "merge-debevec"}, {"tonemap", "tonemap-reinhard"}};
    for (const Default& d : kDefaults)
        if (d.category == category)
            if (const Operator* op = registry.find(d.id)) return op;
    const std::vector<const Operator*> ops = registry.inCategory(category);
    return ops.empty() ? nullptr : ops.front();
}

} // namespace fuselab
