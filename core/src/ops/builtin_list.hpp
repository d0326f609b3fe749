// Private: factories of the built-in operators, one per operator, defined next to each.
#pragma once

#include "fuselab/operator.hpp"

#include <memory>
#include <vector>

namespace fuselab {

std::shared_ptr<const Operator> makeExposureGammaOperator();
std::shared_ptr<const Operator> makeMertensOperator();
/// The quality metrics of SPEC §4, one operator each (metric_operators.cpp).
std::vector<std::shared_ptr<const Operator>> makeMetricOperators();

} // namespace fuselab
