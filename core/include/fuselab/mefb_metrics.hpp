// The fusion metrics as the MEFB toolkit computes them (X. Zhang, "Benchmarking and comparing
// multi-exposure image fusion algorithms", Information Fusion 2021; MATLAB in github
// xingchenzhang/MEFB, metrics/metrics<Name>.m, driven by compute_metrics.m). For putting
// FuseLab's numbers beside published MEFB tables; FuseLab's own definitions (metrics.hpp) remain
// the default. The README's "Metric flavours" section lists the differences metric by metric.
//
// MEFB hands every metric the 8-bit RGB files as read. MEF-SSIM converts to grey with rgb2gray
// (rounded); every other metric runs on R, G and B separately and reports the mean of the three
// (a grey image is its one channel). The per-channel functions below take one channel as a
// 1-channel Image holding 0..255 codes (as double in MATLAB). MEFB's metrics are written for two
// sources; for N sources they are generalised as their formulas suggest (documented at each).
#pragma once

#include "fuselab/base/exposure.hpp"
#include "fuselab/base/image.hpp"
#include "fuselab/base/progress.hpp"

#include <vector>

namespace fuselab::mefb {

/// metricsQabf.m on one channel: Sobel by conv2 'same' (zero padding), α = atan(Sy/Sx) or π/2
/// where Sx = 0, relative strength g_F/g_A or g_A/g_F — and, as written there, g_F itself (on
/// codes × 255, so the strength term saturates at Tg) where g_A = g_F; orientation term
/// 1 − |α_A − α_F|/(π/2) without wrap-around; Σ_k Σ Q_kF g_k / Σ_k Σ g_k over the sources
/// (MEFB's two). NaN becomes 0 where no source has an edge (MEFB's failed-metric value).
double qabf(const Image& fused, const std::vector<Image>& sources);

/// metricsVIF.m on one channel (Han, Cai, Cao, Xu 2013 fusion VIF on the Sheikh–Bovik
/// pixel-domain core): 4 scales with Gaussian windows 33/17/9/5 (σ = N/5), σn² = 0.005·255²;
/// per pixel the source with the smallest gain g is selected (ties: the later source), and
/// Σ_scale p_s (ΣVID + C)/(ΣVIND + C), p = [1, 0, 0.15, 1]/2.15, C = 1e-7 per map sample.
/// Needs ≥ 81 px per side (every scale non-empty); throws fuselab::Error otherwise.
double vif(const Image& fused, const std::vector<Image>& sources);

/// metricsNMI.m on one channel: each image min–max stretched to 0..255 and rounded first
/// (normalize1), then 2 Σ_k I(X_k;F) / (H(X_k) + H(F)) with 256-bin histograms, log2. An image
/// that is constant and non-zero makes MEFB's code fail: NaN here, and the bench records 0 for
/// the image, as MEFB's driver does.
double nmi(const Image& fused, const std::vector<Image>& sources);

/// metricsEntropy.m: −Σ p log2 p of the 256-bin histogram of floor(values).
double entropy(const Image& fused);
/// metricsSpatial_frequency.m: sqrt(RF + CF) with both sums divided by M·N.
double spatialFrequency(const Image& fused);
/// metricsSD.m: population standard deviation.
double standardDeviation(const Image& fused);
/// metricsAvg_gradient.m: MATLAB gradient() (central inside, one-sided at the borders),
/// Σ sqrt((Gx² + Gy²)/2) over all M·N pixels divided by (M−1)(N−1).
double averageGradient(const Image& fused);

/// The bench metrics (bench.hpp, benchMetricKeys() order) in the MEFB flavour: MEF-SSIM as the
/// authors' code (fuselab::mefSsim), the rest per channel and averaged as above.
std::vector<double> benchMetrics(const SampleImage& fused, const ExposureStack& stack, ProgressSink& progress);

/// The 8-bit codes of one channel of an image (integer samples scaled to 0..255 and rounded,
/// float samples sRGB-encoded when linear, clipped and rounded), as MEFB's imread gives them.
Image channelCodes(const SampleImage& image, int channel);

} // namespace fuselab::mefb
