// Private: the per-window arithmetic of MEF-SSIM (see mef_ssim.cpp for the derivation),
// compiled once per instruction set (../fusion/isa.hpp) and picked at run time.
#pragma once

#include <cstddef>
#include <vector>

namespace fuselab::metrics_detail {

/// Where each windowed quantity sits in the engine's output rows, for K frames and the
/// fused image: box sums S_k and Q_kl (k ≤ l), then Gaussian m_k, m_f, G_kl, G_kf, G_ff.
struct MefQuantityLayout {
    int frames = 0;
    int pairs = 0;                 ///< K(K+1)/2
    std::vector<int> pairIndex;    ///< [k·K + l] for any k, l
    std::vector<int> pairFirst;    ///< frame k of pair p (k ≤ l)
    std::vector<int> pairSecond;   ///< frame l of pair p

    int pair(int k, int l) const { return pairIndex[std::size_t(k * frames + l)]; }
    int boxSum(int k) const { return k; }
    int boxProduct(int p) const { return frames + p; }
    int gaussBase() const { return frames + pairs; }
    int gaussMean(int k) const { return gaussBase() + k; }
    int gaussFusedMean() const { return gaussBase() + frames; }
    int gaussProduct(int p) const { return gaussBase() + frames + 1 + p; }
    int gaussFusedProduct(int k) const { return gaussBase() + frames + 1 + pairs + k; }
    int gaussFusedSquare() const { return gaussBase() + frames + 1 + pairs + frames; }
    int quantities() const { return gaussFusedSquare() + 1; }
};
MefQuantityLayout mefQuantityLayout(int frames);

struct MefConstants {
    double windowPixels = 121.0;  ///< N = n²
    double windowPx = 11.0;       ///< n
    double signalOffset = 0.001;
    double exponentCap = 10.0;
    double capR = 0.0;            ///< R above which tan(πR/2) exceeds the cap
    double c = 58.5225;           ///< (k·255)²
};

} // namespace fuselab::metrics_detail

#define FUSELAB_DECLARE_MEF_SSIM_KERNEL(ns)                                                                           \
    namespace fuselab::ns {                                                                                          \
    /* Scores `count` windows: map[i] = score of window i; returns Σ map[i] (added in order, in double). */          \
    double mefSsimSegment(const metrics_detail::MefQuantityLayout& layout, const metrics_detail::MefConstants& c,     \
                          const double* const* rows, int count, float* map);                                        \
    }
FUSELAB_DECLARE_MEF_SSIM_KERNEL(isa_base)
#ifdef FUSELAB_HAVE_ISA_V3
FUSELAB_DECLARE_MEF_SSIM_KERNEL(isa_v3)
#endif
