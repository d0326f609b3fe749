// The geometry every pyramid in FuseLab shares — fuselab_core's (pyramid.hpp), and core/learn's
// LibTorch pyramid, split engine and fused weights: level counts and border rules. One copy in
// fuselab_base, because the engines must index alike or they stop agreeing, and core/learn
// cannot link fuselab_core.
#pragma once

#include <algorithm>

namespace fuselab {

/// Levels such that the coarsest level's short side is still ≥ minSidePx (at least 1). Each
/// level halves the sides rounding up ((w+1)/2).
int autoPyramidLevels(int widthPx, int heightPx, int minSidePx = 2);

/// Mirrors an index into [0, n) without repeating the edge sample (reflect-101, OpenCV's
/// BORDER_REFLECT_101): −1 → 1, n → n − 2.
inline int reflect101(int i, int n)
{
    if (n == 1) return 0;
    while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
    return i;
}

/// Index of the coarse sample j seen from a fine grid of fineSize samples (coarse size
/// n = (fineSize+1)/2), as OpenCV's pyrUp indexes it: the expansion is computed on a 2n grid
/// mirrored without repeating its edge (reflect-101) and cropped to fineSize, so coarse −1
/// maps to 1 and coarse n to n−1 whatever the parity of fineSize. (Mirroring an odd fine
/// grid itself would map coarse n to n−2; the Laplacian pyramid reconstructs exactly either
/// way, but only this rule gives OpenCV's levels, and so MergeMertens's results, at the
/// right and bottom edges of every odd-sized level.)
inline int coarseNeighbour(int j, int fineSize)
{
    const int n = (fineSize + 1) / 2;
    if (j < 0) return n > 1 ? std::min(-j, n - 1) : 0;
    if (j >= n) return n - 1;
    return j;
}

} // namespace fuselab
