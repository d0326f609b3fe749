// MEF-SSIM (Ma, Zeng, Wang 2015), single- and multi-scale, as the authors' MATLAB computes it.
//
// The reference (mef_ssim.m) visits every window and builds its "desired patch" pixel by
// pixel. Here everything is written with window sums so that separable filters do the work
// (windowed_moments.hpp), with no loop over a window's n² pixels.
//
// Uniform n×n window, N = n² pixels, exposures x_k (k = 1…K), fused image f. Window sums
//     S_k = Σ x_k,        Q_kl = Σ x_k x_l.
// Then Σ (x_k − μ_k)(x_l − μ_l) = Q_kl − S_k S_l / N = M_kl / N   with  M_kl = N Q_kl − S_k S_l,
// which is exact in double: grey levels are integers (multiples of 1/4, 1/16 at the coarser
// scales), so every sum, product and difference here is an exact dyadic number. Hence
//     ‖x_k − μ_k‖²       = M_kk / N          → c_k = sqrt(M_kk / N) + 0.001   (the reference's ed)
//     ‖Σ_k (x_k − μ_k)‖² = Σ_{k,l} M_kl / N  (the numerator of R; cross terms are the M_kl, k ≠ l)
//     Σ_k ‖x_k − μ_k‖    = Σ_k sqrt(M_kk / N) (the denominator of R)
//     R = (num + eps)/(den + eps) (R > 1 → 1 − eps), p = min(tan(πR/2), 10),
//     w_k = (c_k/n)^p + eps, normalised to Σ w = 1.
// The desired patch is r = maxEd · s/‖s‖ with s = Σ_k a_k (x_k − μ_k), a_k = w_k / c_k:
//     ‖s‖² = Σ_{k,l} a_k a_l M_kl / N,
//     r = Σ_k b_k x_k + (a constant over the window),  b_k = a_k · maxEd / ‖s‖
// (b = 0 when ‖s‖ = 0: the reference then keeps s, which is 0 everywhere).
// With the Gaussian window g (Σ g = 1): m_k = Σ g x_k, m_f = Σ g f, G_kl = Σ g x_k x_l,
// G_kf = Σ g x_k f, G_ff = Σ g f². The b_k depend on the window but not on the pixel, and a
// constant changes no variance, so the Gaussian moments of r and f are
//     σ_r²  = Σ_{k,l} b_k b_l (G_kl − m_k m_l)
//     σ_rf  = Σ_k b_k (G_kf − m_k m_f)
//     σ_f²  = G_ff − m_f²
// and the window scores (2σ_rf + C)/(σ_r² + σ_f² + C), C = (0.03·255)². One pass of separable
// filters gives all of it: K + K(K+1)/2 box sums and 2K + 2 + K(K+1)/2 Gaussian sums
// (34 quantities for K = 4).
//
// One numerical care the per-pixel reference does not need: where frame k is exactly flat in
// the window (M_kk = 0) its x_k − μ_k is exactly 0, so b_k is set to 0. Its c_k is then 0.001
// and b_k could reach 1e6, and b_k² would otherwise multiply the rounding left in G_kk − m_k²
// (in the reference that rounding is a constant offset of the patch, which no variance sees).
//
// The per-window arithmetic is in mef_ssim_pixels.cpp (vectorised across a row segment).
#include "fuselab/metrics.hpp"

#include "../isa/isa_choice.hpp"
#include "fuselab/base/error.hpp"
#include "mef_ssim_kernel.hpp"
#include "windowed_moments.hpp"

#include <algorithm>
#include <cmath>

namespace fuselab {

namespace metrics_detail {

MefQuantityLayout mefQuantityLayout(int frames)
{
    MefQuantityLayout q;
    q.frames = frames;
    q.pairIndex.assign(std::size_t(frames * frames), 0);
    for (int k = 0; k < frames; ++k)
        for (int l = k; l < frames; ++l) {
            q.pairIndex[std::size_t(k * frames + l)] = q.pairIndex[std::size_t(l * frames + k)] = q.pairs;
            q.pairFirst.push_back(k);
            q.pairSecond.push_back(l);
            ++q.pairs;
        }
    return q;
}

} // namespace metrics_detail

namespace {

using metrics_detail::MefQuantityLayout;
using metrics_detail::WindowedJob;
using metrics_detail::WindowProduct;

// Grey levels are shifted by this before products (see windowed_moments.hpp): a dyadic
// constant, so the box sums stay exact, and the Gaussian sums cancel 4× less.
constexpr double kGreyOffset = 128.0;

// Planes 0…K−1 are the exposures, plane K the fused image; kernel 0 is the box, 1 the Gaussian.
WindowedJob makeJob(const Image& fused, const std::vector<Image>& sources, const MefQuantityLayout& q, const MefSsimParams& p)
{
    WindowedJob job;
    for (const Image& s : sources) job.planes.push_back(metrics_detail::viewOf(s));
    job.planes.push_back(metrics_detail::viewOf(fused));
    job.offset = kGreyOffset;
    job.kernels = {metrics_detail::boxSumKernel(p.windowPx), metrics_detail::gaussianKernel(p.windowPx, p.sigmaPx)};
    const int K = q.frames;
    job.products.resize(std::size_t(q.quantities()));
    auto put = [&](int index, int a, int b, int kernel) { job.products[std::size_t(index)] = WindowProduct{a, b, kernel}; };
    for (int k = 0; k < K; ++k) {
        put(q.boxSum(k), k, -1, 0);
        put(q.gaussMean(k), k, -1, 1);
        put(q.gaussFusedProduct(k), k, K, 1);
    }
    for (int p = 0; p < q.pairs; ++p) {
        put(q.boxProduct(p), q.pairFirst[std::size_t(p)], q.pairSecond[std::size_t(p)], 0);
        put(q.gaussProduct(p), q.pairFirst[std::size_t(p)], q.pairSecond[std::size_t(p)], 1);
    }
    put(q.gaussFusedMean(), K, -1, 1);
    put(q.gaussFusedSquare(), K, K, 1);
    return job;
}

using SegmentKernel = double (*)(const MefQuantityLayout&, const metrics_detail::MefConstants&, const double* const*, int, float*);

SegmentKernel segmentKernel()
{
#ifdef FUSELAB_HAVE_ISA_V3
    if (useIsaV3()) return &isa_v3::mefSsimSegment;
#endif
    return &isa_base::mefSsimSegment;
}

struct LevelResult {
    double score = 0.0;
    Image map;
};

LevelResult scoreLevel(const Image& fused, const std::vector<Image>& sources, const MefSsimParams& p, ProgressSink& progress)
{
    const int n = p.windowPx;
    const MefQuantityLayout q = metrics_detail::mefQuantityLayout(int(sources.size()));
    const WindowedJob job = makeJob(fused, sources, q, p);
    const int outW = fused.width() - n + 1, outH = fused.height() - n + 1;
    LevelResult result;
    result.map = Image::uninitialised(outW, outH, 1);
    metrics_detail::SegmentSums sums(outW, outH, metrics_detail::validWindowTileWidth(job));
    metrics_detail::MefConstants c;
    c.windowPixels = double(n) * double(n);
    c.windowPx = double(n);
    c.signalOffset = p.signalOffset;
    c.exponentCap = p.exponentCap;
    // Above this R, tan(πR/2) exceeds the cap (tan is increasing on [0, π/2)); the margin
    // keeps the computed tan for R within rounding of the boundary.
    c.capR = std::atan(p.exponentCap) / (M_PI / 2.0) + 1e-12;
    c.c = (p.k * 255.0) * (p.k * 255.0);
    const SegmentKernel kernel = segmentKernel();
    metrics_detail::forEachValidWindow(job, [&](int y, int x0, int count, const double* const* rows) {
        sums.set(y, x0, kernel(q, c, rows, count, result.map.row(y) + x0));
    }, &progress);
    result.score = sums.total() / (double(outW) * double(outH));
    return result;
}

void validate(const Image& fused, const std::vector<Image>& sources, const MefSsimParams& p)
{
    if (sources.empty()) throw Error("MEF-SSIM needs at least one source image");
    if (!(p.k > 0.0) || !std::isfinite(p.k)) throw Error("MEF-SSIM: k must be positive");
    if (p.windowPx < 3 || p.windowPx % 2 == 0) throw Error("MEF-SSIM: the window must be an odd size ≥ 3 px");
    if (!(p.sigmaPx > 0.0)) throw Error("MEF-SSIM: the Gaussian σ must be positive");
    if (!(p.signalOffset > 0.0)) throw Error("MEF-SSIM: the signal-strength offset must be positive");
    if (!(p.exponentCap > 0.0)) throw Error("MEF-SSIM: the exponent cap must be positive");
    if (p.levels < 1) throw Error("MEF-SSIM: at least one level is needed");
    if (int(p.levelWeights.size()) < p.levels)
        throw Error("MEF-SSIM: " + std::to_string(p.levels) + " levels need as many level weights (got " +
                    std::to_string(p.levelWeights.size()) + ")");
    double sum = 0.0;
    for (int l = 0; l < p.levels; ++l) {
        if (!(p.levelWeights[std::size_t(l)] >= 0.0)) throw Error("MEF-SSIM: level weights must be ≥ 0");
        sum += p.levelWeights[std::size_t(l)];
    }
    if (!(sum > 0.0)) throw Error("MEF-SSIM: the level weights sum to 0");
    if (fused.channels() != 1) throw Error("internal: MEF-SSIM needs grey planes");
    for (const Image& s : sources)
        if (s.width() != fused.width() || s.height() != fused.height() || s.channels() != 1)
            throw Error("MEF-SSIM: a source is " + std::to_string(s.width()) + "x" + std::to_string(s.height()) +
                        " but the fused image is " + std::to_string(fused.width()) + "x" + std::to_string(fused.height()));
    const int fit = mefSsimLevelsThatFit(fused.width(), fused.height(), p.windowPx);
    if (fit == 0)
        throw Error("MEF-SSIM: the image (" + std::to_string(fused.width()) + "x" + std::to_string(fused.height()) +
                    ") is smaller than the " + std::to_string(p.windowPx) + "x" + std::to_string(p.windowPx) + " window");
    if (fit < p.levels)
        throw Error("MEF-SSIM: " + std::to_string(p.levels) + " levels need a shorter side of at least " +
                    std::to_string(p.windowPx << (p.levels - 1)) + " px; this " + std::to_string(fused.width()) + "x" +
                    std::to_string(fused.height()) + " image allows " + std::to_string(fit));
}

} // namespace

int mefSsimLevelsThatFit(int widthPx, int heightPx, int windowPx)
{
    // mef_ms_ssim.m: min(H, W) / 2^(level−1) ≥ window.
    int levels = 0;
    while (levels < 30 && double(std::min(widthPx, heightPx)) / double(1 << levels) >= double(windowPx)) ++levels;
    return levels;
}

MefSsimResult mefSsimGrey(const Image& fusedGrey, const std::vector<Image>& sourceGreys, const MefSsimParams& params,
                          ProgressSink& progress)
{
    validate(fusedGrey, sourceGreys, params);
    progress.checkCancelled();
    MefSsimResult result;
    Image fused = fusedGrey;
    std::vector<Image> sources = sourceGreys;
    for (int l = 0; l < params.levels; ++l) {
        ProgressSpan span(progress, 1.0 - std::pow(0.25, l), 1.0 - std::pow(0.25, l + 1));
        span.report(0.0, "MEF-SSIM scale " + std::to_string(l + 1));
        if (l > 0) progress.checkCancelled();
        LevelResult level = scoreLevel(fused, sources, params, progress);
        result.levelScores.push_back(level.score);
        result.maps.push_back(std::move(level.map));
        if (l + 1 < params.levels) {
            fused = downsampleMean2x2(fused);
            for (Image& s : sources) s = downsampleMean2x2(s);
        }
    }
    double weightSum = 0.0;
    for (int l = 0; l < params.levels; ++l) weightSum += params.levelWeights[std::size_t(l)];
    double score = 1.0;
    for (int l = 0; l < params.levels; ++l)
        score *= std::pow(std::max(result.levelScores[std::size_t(l)], 0.0), params.levelWeights[std::size_t(l)] / weightSum);
    result.score = score;
    result.singleScale = result.levelScores.front();
    progress.report(1.0, "MEF-SSIM done");
    return result;
}

namespace {

std::vector<Image> stackGreys(int width, int height, const ExposureStack& stack)
{
    if (stack.frames.empty()) throw Error("MEF-SSIM needs the exposure stack the image was fused from");
    std::vector<Image> sources;
    for (const StackFrame& f : stack.frames) {
        if (f.pixels.width() != width || f.pixels.height() != height)
            throw Error(f.path, "is " + std::to_string(f.pixels.width()) + "x" + std::to_string(f.pixels.height()) +
                                    " but the fused image is " + std::to_string(width) + "x" + std::to_string(height));
        sources.push_back(metricGrey(f.pixels));
    }
    return sources;
}

} // namespace

MefSsimResult mefSsim(const Image& fused, const ExposureStack& stack, const MefSsimParams& params, ProgressSink& progress)
{
    return mefSsimGrey(metricGrey(fused), stackGreys(fused.width(), fused.height(), stack), params, progress);
}

MefSsimResult mefSsim(const SampleImage& fused, const ExposureStack& stack, const MefSsimParams& params, ProgressSink& progress)
{
    return mefSsimGrey(metricGrey(fused), stackGreys(fused.width(), fused.height(), stack), params, progress);
}

} // namespace fuselab
