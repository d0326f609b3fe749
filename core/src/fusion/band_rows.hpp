// Private: row ranges of one pyramid level and the rows a band of one level needs from its
// neighbours — the bookkeeping that lets the banded engine compute each level's band exactly
// as the whole image would (mirrored only at the image's own edges, never at a band's).
#pragma once

#include "fuselab/base/pyramid_geometry.hpp"

#include <algorithm>
#include <climits>
#include <vector>

namespace fuselab::detail {

/// Rows [begin, end) of one level; empty when begin ≥ end.
struct RowRange {
    int begin = 0, end = 0;
    int count() const { return std::max(0, end - begin); }
    bool empty() const { return end <= begin; }
    bool contains(RowRange r) const { return r.empty() || (r.begin >= begin && r.end <= end); }
};

inline RowRange hull(RowRange a, RowRange b)
{
    if (a.empty()) return b;
    if (b.empty()) return a;
    return {std::min(a.begin, b.begin), std::max(a.end, b.end)};
}

/// Rows of the finer level (fineHeight rows) that the 5-tap reduction of coarse rows `r` reads.
inline RowRange rowsReducedFrom(RowRange r, int fineHeight)
{
    if (r.empty()) return {};
    int lo = INT_MAX, hi = INT_MIN;
    for (int i = r.begin; i < r.end; ++i)
        for (int t = 0; t < 5; ++t) {
            const int y = reflect101(2 * i - 2 + t, fineHeight);
            lo = std::min(lo, y);
            hi = std::max(hi, y);
        }
    return {lo, hi + 1};
}

/// Rows of the coarser level that expanding fine rows `r` (of a level fineHeight rows high) reads.
inline RowRange rowsExpandedFrom(RowRange r, int fineHeight)
{
    if (r.empty()) return {};
    int lo = INT_MAX, hi = INT_MIN;
    for (int y = r.begin; y < r.end; ++y) {
        const int i = y / 2;
        const int taps[3] = {coarseNeighbour(i - 1, fineHeight), coarseNeighbour(i, fineHeight), coarseNeighbour(i + 1, fineHeight)};
        for (int t : taps) {
            lo = std::min(lo, t);
            hi = std::max(hi, t);
        }
    }
    return {lo, hi + 1};
}

/// Rows the 3×3 contrast measure of rows `r` reads (one above and below, mirrored at the edges).
inline RowRange rowsAroundFrom(RowRange r, int height)
{
    if (r.empty()) return {};
    int lo = INT_MAX, hi = INT_MIN;
    for (int y : {r.begin - 1, r.begin, r.end - 1, r.end}) {
        const int m = reflect101(y, height);
        lo = std::min(lo, m);
        hi = std::max(hi, m);
    }
    return hull({lo, hi + 1}, r);
}

/// The rows of every level that one band needs. Index j is pyramid level j (0 = full resolution).
struct BandRows {
    std::vector<RowRange> fused;   ///< pass 2: rows of the blended level j the collapse needs
    std::vector<RowRange> gauss;   ///< rows of each frame's Gaussian level j (j ≥ 1)
    std::vector<RowRange> weights; ///< rows of each frame's weight level j (0 = the 16-bit weights)
    RowRange frames;               ///< level-0 rows of the frames themselves
};

/// Pass 1: what level coarseLevel's rows `band` need, down to the frames. levelHeights[j] is
/// level j's height, for j = 0 … coarseLevel (≥ 1).
inline BandRows rowsForCoarseBand(RowRange band, const std::vector<int>& levelHeights, int coarseLevel)
{
    const int l0 = coarseLevel;
    BandRows r;
    r.gauss.resize(std::size_t(l0 + 1));
    r.weights.resize(std::size_t(l0 + 1));
    r.gauss[std::size_t(l0)] = band;
    for (int j = l0 - 1; j >= 1; --j) r.gauss[std::size_t(j)] = rowsReducedFrom(r.gauss[std::size_t(j + 1)], levelHeights[std::size_t(j)]);
    r.weights = r.gauss; // the weight pyramid is reduced alongside, level for level
    r.weights[0] = rowsReducedFrom(r.gauss[1], levelHeights[0]);
    r.frames = hull(r.weights[0], rowsAroundFrom(r.weights[0], levelHeights[0]));
    return r;
}

/// Pass 2: what output rows `band` need. coarseLevel 0 means no pyramid (one level).
inline BandRows rowsForOutputBand(RowRange band, const std::vector<int>& levelHeights, int coarseLevel)
{
    const int l0 = coarseLevel;
    BandRows r;
    r.fused.resize(std::size_t(l0 + 1));
    r.gauss.resize(std::size_t(l0 + 1));
    r.weights.resize(std::size_t(std::max(1, l0)));
    r.fused[0] = band;
    for (int j = 1; j <= l0; ++j) r.fused[std::size_t(j)] = rowsExpandedFrom(r.fused[std::size_t(j - 1)], levelHeights[std::size_t(j - 1)]);
    r.frames = band;
    r.weights[0] = band;
    if (l0 > 0) {
        // Gaussian levels: each level's own Laplacian rows, and what the next level's rows are reduced from.
        r.gauss[std::size_t(l0)] = r.fused[std::size_t(l0)];
        for (int j = l0 - 1; j >= 1; --j)
            r.gauss[std::size_t(j)] = hull(r.fused[std::size_t(j)], rowsReducedFrom(r.gauss[std::size_t(j + 1)], levelHeights[std::size_t(j)]));
        // Weight levels 0 … L0−1 (level L0's weights are in the kept coarse blend).
        if (l0 >= 2) {
            r.weights[std::size_t(l0 - 1)] = r.fused[std::size_t(l0 - 1)];
            for (int j = l0 - 2; j >= 0; --j)
                r.weights[std::size_t(j)] = hull(r.fused[std::size_t(j)], rowsReducedFrom(r.weights[std::size_t(j + 1)], levelHeights[std::size_t(j)]));
        }
        r.frames = hull(r.frames, rowsReducedFrom(r.gauss[1], levelHeights[0]));
    }
    r.frames = hull(r.frames, rowsAroundFrom(r.weights[0], levelHeights[0]));
    return r;
}

} // namespace fuselab::detail
