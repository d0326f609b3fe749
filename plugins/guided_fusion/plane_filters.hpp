// Filters on one-channel float planes (fuselab::Image with 1 channel), written against core's
// public API only. Windows that reach past the border are clipped to the image and each
// output is normalised by the weight actually inside (no padding values are invented), as
// He et al.'s reference box filter does. Results do not depend on the thread count.
#pragma once

#include "fuselab/base/image.hpp"

namespace gff {

/// Mean over the (2r+1)×(2r+1) window around each pixel, clipped to the image. Sums run in
/// double, so a constant plane comes back exactly constant.
fuselab::Image boxMean(const fuselab::Image& plane, int radiusPx);

/// Gaussian blur with taps exp(−k²/2σ²) for |k| ≤ radiusPx, separable, renormalised at borders.
fuselab::Image gaussianBlur(const fuselab::Image& plane, int radiusPx, double sigmaPx);

/// |4-neighbour Laplacian| (kernel 0 1 0 / 1 −4 1 / 0 1 0), borders replicated.
fuselab::Image absLaplacian(const fuselab::Image& plane);

/// Per-pixel product a·b of two planes of one size.
fuselab::Image multiply(const fuselab::Image& a, const fuselab::Image& b);

/// The guided filter with a grey guide I (He, Sun, Tang, "Guided Image Filtering", ECCV 2010 /
/// TPAMI 2013): q = mean(a)·I + mean(b), a = cov(I,p)/(var(I)+ε), b = mean(p) − a·mean(I), all
/// means over (2r+1)² windows. The guide's statistics are computed once per (guide, r, ε).
class GuidedFilter {
public:
    GuidedFilter(const fuselab::Image& guide, int radiusPx, double epsilon);
    fuselab::Image apply(const fuselab::Image& input) const;

private:
    fuselab::Image m_guide;
    fuselab::Image m_meanGuide;
    fuselab::Image m_varianceGuide;
    int m_radiusPx;
    double m_epsilon;
};

} // namespace gff
