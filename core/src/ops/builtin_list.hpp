// Private: factories of the built-in operators, one per operator, defined next to each.
#pragma once

#include "fuselab/operator.hpp"

#include <memory>

namespace fuselab {

std::shared_ptr<const Operator> makeExposureGammaOperator();
std::shared_ptr<const Operator> makeMertensOperator();
std::shared_ptr<const Operator> makeAlignMtbOperator();
std::shared_ptr<const Operator> makeAlignHomographyOperator();
std::shared_ptr<const Operator> makeDeghostMaskOperator();
std::shared_ptr<const Operator> makeDebevecMergeOperator();
std::shared_ptr<const Operator> makeRobertsonMergeOperator();
std::shared_ptr<const Operator> makeKnownResponseMergeOperator();

} // namespace fuselab
