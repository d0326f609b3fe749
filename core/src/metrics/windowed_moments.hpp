// Private: windowed moments of image planes with separable kernels, 'valid' region only.
//
// Every windowed metric here (MEF-SSIM, SSIM, VIF) needs, at each window position, sums of
// the form Σ_{u,v} k[u]·k[v]·P(x+u, y+v) where P is a plane or the product of two planes and
// k a 1-D kernel (a Gaussian, or all ones for the uniform box sums). This engine computes
// many such quantities in one pass over the planes, tile by tile: each input row is turned
// into its products and filtered horizontally into a ring of n rows, and each output row is
// the vertical filter of that ring. Tiles are narrow enough for the ring to stay in the
// core's L2 cache and run in parallel; results go to a sink one row segment at a time.
//
// Exactness: samples are converted to double and shifted by `offset` before products (a
// shift changes no covariance but makes E[xy] − E[x]E[y] cancel less). With all-ones
// kernels and dyadic samples (the integer grey and its 2×2 means) every sum is exact.
#pragma once

#include "fuselab/base/image.hpp"
#include "fuselab/base/progress.hpp"

#include <cstddef>
#include <functional>
#include <vector>

namespace fuselab::metrics_detail {

/// A 1-channel plane of double samples (intermediates that float would round).
struct DoublePlane {
    int width = 0;
    int height = 0;
    std::vector<double> samples;

    DoublePlane() = default;
    DoublePlane(int w, int h) : width(w), height(h), samples(std::size_t(w) * std::size_t(h)) {}
    double* row(int y) { return samples.data() + std::size_t(y) * std::size_t(width); }
    const double* row(int y) const { return samples.data() + std::size_t(y) * std::size_t(width); }
};

/// Read-only view of a 1-channel plane of float or double samples.
struct PlaneView {
    const float* floats = nullptr;
    const double* doubles = nullptr;
    std::size_t stride = 0; ///< samples between rows
    int width = 0;
    int height = 0;
};
PlaneView viewOf(const Image& plane);
PlaneView viewOf(const DoublePlane& plane);

/// Quantity = kernel-weighted window sum of plane a (b < 0) or of the product a·b.
struct WindowProduct {
    int a = 0;
    int b = -1;
    int kernel = 0;
};

struct WindowedJob {
    std::vector<PlaneView> planes;              ///< same size
    double offset = 0.0;                        ///< subtracted from every sample first
    std::vector<std::vector<double>> kernels;   ///< 1-D, all of one odd length n; used as k⊗k
    std::vector<WindowProduct> products;
};

/// rows[q][i] = quantity q of the window whose top-left pixel is (x0 + i, y). Called from
/// worker threads, for disjoint segments, each (y, x) exactly once.
using WindowRowSink = std::function<void(int y, int x0, int count, const double* const* rows)>;

/// Runs the job over the (W−n+1)×(H−n+1) 'valid' positions. The caller checks the sizes.
/// `cancel` (may be null) is polled once per tile; Cancelled propagates.
void forEachValidWindow(const WindowedJob& job, const WindowRowSink& sink, const ProgressSink* cancel);

/// Width of the column tiles forEachValidWindow uses for this job: every segment it hands to
/// the sink starts at a multiple of it.
int validWindowTileWidth(const WindowedJob& job);

/// Per-segment partial sums of a map produced through a sink, added up in a fixed order, so
/// that a mean does not depend on which thread finished first.
class SegmentSums {
public:
    SegmentSums(int outWidth, int outHeight, int tileWidth)
        : m_tileWidth(tileWidth), m_tilesX((outWidth + tileWidth - 1) / tileWidth),
          m_sums(std::size_t(m_tilesX) * std::size_t(outHeight), 0.0) {}
    void set(int y, int x0, double sum) { m_sums[std::size_t(y) * std::size_t(m_tilesX) + std::size_t(x0 / m_tileWidth)] = sum; }
    double total() const
    {
        double t = 0.0;
        for (double s : m_sums) t += s;
        return t;
    }

private:
    int m_tileWidth;
    int m_tilesX;
    std::vector<double> m_sums;
};

/// Normalised 1-D Gaussian of `length` taps (odd), σ in px: MATLAB fspecial('gaussian') is
/// the outer product of this with itself, up to its cut-off of weights below eps·max (2.2e-16
/// of the peak; none at the default sizes, and too small to change a result elsewhere).
std::vector<double> gaussianKernel(int length, double sigmaPx);
/// `length` ones: the plain window sum.
std::vector<double> boxSumKernel(int length);

} // namespace fuselab::metrics_detail
