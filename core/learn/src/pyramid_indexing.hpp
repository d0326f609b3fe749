// Border rules shared by every full-resolution implementation in core/learn (LibTorch pyramid,
// split-engine planes, fused weights): they must index alike, or the engines stop agreeing.
// The same rules as fuselab_core's pyramid (which core/learn cannot link).
#pragma once

#include <algorithm>

namespace fuselab::learn::detail {

/// Mirror without repeating the edge sample (OpenCV's BORDER_REFLECT_101): -1 → 1, n → n − 2.
inline int reflect101(int i, int n)
{
    if (n == 1) return 0;
    while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
    return i;
}

/// Coarse sample j seen from a fine grid of fineSize samples (coarse size (fineSize + 1) / 2).
inline int coarseNeighbour(int j, int fineSize)
{
    const int n = (fineSize + 1) / 2;
    if (j < 0) return n > 1 ? std::min(-j, n - 1) : 0;
    if (j >= n) return (fineSize % 2 == 0) ? n - 1 : std::max(n - 2, 0);
    return j;
}

} // namespace fuselab::learn::detail
