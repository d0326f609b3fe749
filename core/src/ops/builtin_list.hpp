// Private: factories of the built-in operators, one per operator, defined next to each.
#pragma once

#include "fuselab/operator.hpp"

#include <memory>

namespace fuselab {

std::shared_ptr<const Operator> makeExposureGammaOperator();
std::shared_ptr<const Operator> makeMertensOperator();

} // namespace fuselab
