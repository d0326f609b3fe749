// Border rules shared by every full-resolution implementation in core/learn (LibTorch pyramid,
// split-engine planes, fused weights): fuselab_base's, the ones fuselab_core's pyramid uses.
#pragma once

#include "fuselab/pyramid_geometry.hpp"

namespace fuselab::learn::detail {

using fuselab::coarseNeighbour;
using fuselab::reflect101;

} // namespace fuselab::learn::detail
