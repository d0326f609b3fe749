// Private: factories of the built-in operators, one per operator, defined next to each.
#pragma once

#include "fuselab/base/operator.hpp"

#include <memory>
#include <vector>

namespace fuselab {

std::shared_ptr<const Operator> makeExposureGammaOperator();
std::shared_ptr<const Operator> makeMertensOperator();
std::shared_ptr<const Operator> makeAlignMtbOperator();
std::shared_ptr<const Operator> makeAlignHomographyOperator();
std::shared_ptr<const Operator> makeDeghostMaskOperator();
std::shared_ptr<const Operator> makeDebevecMergeOperator();
std::shared_ptr<const Operator> makeRobertsonMergeOperator();
std::shared_ptr<const Operator> makeKnownResponseMergeOperator();

// Tone curves and tone mappers (tonemap_*.cpp).
std::shared_ptr<const Operator> makeMuLawOperator();
std::shared_ptr<const Operator> makePqOperator();
std::shared_ptr<const Operator> makeHlgOperator();
std::shared_ptr<const Operator> makeReinhardOperator();
std::shared_ptr<const Operator> makeReinhardLocalOperator();
std::shared_ptr<const Operator> makeDragoOperator();
std::shared_ptr<const Operator> makeMantiukOperator();
std::shared_ptr<const Operator> makeDurandOperator();
/// The quality metrics of SPEC §4, one operator each (metric_operators.cpp).
std::vector<std::shared_ptr<const Operator>> makeMetricOperators();

// Event representations (event_operators.cpp).
std::shared_ptr<const Operator> makeEventFrameOperator();
std::shared_ptr<const Operator> makeTimeSurfaceOperator();
std::shared_ptr<const Operator> makeVoxelGridOperator();
std::shared_ptr<const Operator> makeEventIntensityOperator();

} // namespace fuselab
