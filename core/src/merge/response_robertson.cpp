// Robertson, Borman & Stevenson 2003 response recovery.
//
// Per channel, alternate until the curve stops moving:
//   x_i  = Σ_j w(y_ij) t_j I(y_ij) / Σ_j w(y_ij) t_j²      (irradiance of pixel i)
//   I(m) = mean of t_j x_i over the observations with y_ij = m   (exposure of code m)
//   I   /= I(L/2)                                              (the paper's I(128) = 1)
// with the paper's weight w(i) = e⁴/(e⁴−1)·exp(−(i/63.75 − 2)²) + 1/(1 − e⁴) (scaled to L
// levels: MergeWeighting::Gaussian). Starts from a linear curve. Runs on a regular subsample
// of the pixels. Codes no pixel shows take values interpolated from their neighbours so the
// next x_i update never sees a hole.
#include "merge_internal.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <cmath>

namespace fuselab {
namespace {

// Fills codes nobody observed: linear in I between observed neighbours, proportional to the
// code below the first observed one and beyond the last.
void fillUnobserved(std::vector<double>& curve, const std::vector<double>& counts)
{
    const int n = int(curve.size());
    int prev = -1;
    for (int m = 0; m < n; ++m) {
        if (counts[std::size_t(m)] <= 0.0) continue;
        if (prev < 0) {
            for (int k = 0; k < m; ++k) curve[std::size_t(k)] = curve[std::size_t(m)] * double(k + 1) / double(m + 1);
        } else {
            for (int k = prev + 1; k < m; ++k) {
                const double t = double(k - prev) / double(m - prev);
                curve[std::size_t(k)] = curve[std::size_t(prev)] + t * (curve[std::size_t(m)] - curve[std::size_t(prev)]);
            }
        }
        prev = m;
    }
    if (prev >= 0)
        for (int k = prev + 1; k < n; ++k) curve[std::size_t(k)] = curve[std::size_t(prev)] * double(k + 1) / double(prev + 1);
}

// Codes 0 and L−1 are censored: every exposure beyond saturation reads L−1, so the mean of
// t_j·x_i over them is the mean of everything brighter than the sensor's limit (it came out
// ~15× f⁻¹(1) on the synthetic interior), not the exposure that reaches the top code. Their
// weight is 0, so the paper's merge never uses them; a response table does (for pixels
// clipped in every frame, and when 16-bit codes are read between the last rows). Continue
// the log curve linearly from the neighbouring codes instead, as Debevec's smoothness rows
// do for his g(0) and g(L−1).
void extrapolateCensoredEnds(std::vector<double>& g)
{
    const std::size_t n = g.size();
    if (n < 6) return;
    const double topSlope = (g[n - 2] - g[n - 5]) / 3.0;
    g[n - 1] = g[n - 2] + std::max(topSlope, 0.0);
    const double bottomSlope = (g[4] - g[1]) / 3.0;
    g[0] = g[1] - std::max(bottomSlope, 0.0);
}

struct ChannelResult {
    std::vector<double> curve;  // I(m), I(mid) = 1
    std::vector<double> counts; // observations per code (pixels with a defined x_i)
    int iterations = 0;
    double change = 0.0;
    bool converged = false;
};

} // namespace

CameraResponse recoverResponseRobertson(const ExposureStack& stack, const RobertsonParams& params, ProgressSink& progress,
                                        ResponseRecoveryReport* report)
{
    progress.checkCancelled();
    merge_detail::validateFrames(stack, 2, "response recovery");
    const merge_detail::RecoveryFrames frames{stack.width(), stack.height(), int(stack.size()), merge_detail::colourChannels(stack.channels()),
                                              stack.relativeExposureTimes()};
    return merge_detail::recoverRobertson(merge_detail::StackPixels(stack), frames, params, progress, report);
}

namespace merge_detail {

CameraResponse recoverRobertson(const PixelSource& pixels, const RecoveryFrames& stackFrames, const RobertsonParams& params,
                                ProgressSink& progress, ResponseRecoveryReport* report)
{
    if (params.maxIterations < 1) throw Error("Robertson recovery needs at least one iteration");
    if (params.levels < 2 || params.levels > 4096) throw Error("Robertson recovery needs 2..4096 code levels");
    if (!(params.threshold >= 0.0)) throw Error("Robertson threshold must be ≥ 0");
    if (params.maxSamplePixels < 1) throw Error("Robertson recovery needs at least one sample pixel");
    const std::vector<double>& times = stackFrames.relativeTimes;

    const int levels = params.levels, mid = levels / 2;
    const int frames = stackFrames.frames;
    const int channels = stackFrames.channels;
    const std::vector<std::pair<int, int>> pts = robertsonSamplePixels(stackFrames.widthPx, stackFrames.heightPx, params.maxSamplePixels);
    const int n = int(pts.size());
    const std::vector<double> weight = merge_detail::weightTable(MergeWeighting::Gaussian, levels);

    // codes[c][i * frames + j]
    std::vector<std::vector<int>> codes(std::size_t(channels), std::vector<int>(std::size_t(n) * std::size_t(frames)));
    parallelFor(0, n, 4096, [&](int i0, int i1) {
        for (int i = i0; i < i1; ++i)
            for (int c = 0; c < channels; ++c)
                for (int j = 0; j < frames; ++j)
                    codes[std::size_t(c)][std::size_t(i) * std::size_t(frames) + std::size_t(j)] =
                        pixels.binnedCode(j, pts[std::size_t(i)].first, pts[std::size_t(i)].second, c, levels);
    });
    progress.report(0.05, "sampling pixels");
    progress.checkCancelled();

    std::vector<ChannelResult> results(static_cast<std::size_t>(channels));
    for (ChannelResult& r : results) {
        r.curve.resize(std::size_t(levels));
        for (int m = 0; m < levels; ++m) r.curve[std::size_t(m)] = double(m) / double(mid); // linear start, I(mid) = 1
        r.counts.assign(std::size_t(levels), 0.0);
    }

    std::vector<double> x(static_cast<std::size_t>(n));
    for (int it = 0; it < params.maxIterations; ++it) {
        bool allConverged = true;
        for (int c = 0; c < channels; ++c) {
            ChannelResult& r = results[std::size_t(c)];
            if (r.converged) continue;
            const std::vector<int>& cc = codes[std::size_t(c)];
            const std::vector<double>& curve = r.curve;
            // Irradiance per pixel; NaN marks pixels black or clipped in every frame.
            parallelFor(0, n, 8192, [&](int i0, int i1) {
                for (int i = i0; i < i1; ++i) {
                    double num = 0.0, den = 0.0;
                    for (int j = 0; j < frames; ++j) {
                        const int m = cc[std::size_t(i) * std::size_t(frames) + std::size_t(j)];
                        const double w = weight[std::size_t(m)], t = times[std::size_t(j)];
                        num += w * t * curve[std::size_t(m)];
                        den += w * t * t;
                    }
                    x[std::size_t(i)] = den > 0.0 ? num / den : std::nan("");
                }
            });
            std::vector<double> sum(std::size_t(levels), 0.0), count(std::size_t(levels), 0.0);
            for (int i = 0; i < n; ++i) {
                const double xi = x[std::size_t(i)];
                if (!std::isfinite(xi)) continue;
                for (int j = 0; j < frames; ++j) {
                    const int m = cc[std::size_t(i) * std::size_t(frames) + std::size_t(j)];
                    sum[std::size_t(m)] += times[std::size_t(j)] * xi;
                    count[std::size_t(m)] += 1.0;
                }
            }
            std::vector<double> next(static_cast<std::size_t>(levels));
            for (int m = 0; m < levels; ++m)
                next[std::size_t(m)] = count[std::size_t(m)] > 0.0 ? sum[std::size_t(m)] / count[std::size_t(m)] : 0.0;
            fillUnobserved(next, count);
            const double norm = next[std::size_t(mid)];
            if (!(norm > 0.0) || !std::isfinite(norm))
                throw Error("Robertson recovery found no pixel to calibrate with (every sample is black or clipped)");
            double change = 0.0;
            for (int m = 0; m < levels; ++m) {
                next[std::size_t(m)] /= norm;
                change += std::fabs(next[std::size_t(m)] - curve[std::size_t(m)]);
            }
            change /= double(levels);
            r.curve = std::move(next);
            r.counts = std::move(count);
            r.iterations = it + 1;
            r.change = change;
            r.converged = change < params.threshold;
            allConverged = allConverged && r.converged;
        }
        progress.report(0.05 + 0.9 * double(it + 1) / double(params.maxIterations), "Robertson iteration");
        progress.checkCancelled();
        if (allConverged) break;
    }

    ResponseRecoveryReport rep;
    std::vector<std::vector<double>> curves;
    for (ChannelResult& r : results) {
        // Repair in the log domain: codes near black can come out at 0 or below their
        // neighbours; weight each code by how many observations it had.
        std::vector<double> g(static_cast<std::size_t>(levels));
        const double smallest = [&] {
            double s = 1e300;
            for (double v : r.curve)
                if (v > 0.0) s = std::min(s, v);
            return s < 1e300 ? s : 1e-6;
        }();
        for (int m = 0; m < levels; ++m) g[std::size_t(m)] = std::log(std::max(r.curve[std::size_t(m)], 0.5 * smallest));
        extrapolateCensoredEnds(g);
        rep.monotoneFixes += merge_detail::makeStrictlyIncreasing(g, r.counts);
        curves.push_back(std::move(g));
        rep.iterations = std::max(rep.iterations, r.iterations);
        rep.finalChange = std::max(rep.finalChange, r.change);
        rep.converged = rep.converged && r.converged;
    }
    rep.samplesUsed = n;
    if (report) *report = rep;
    progress.report(1.0, "response recovered");
    return merge_detail::responseFromLogCurves(curves);
}

} // namespace merge_detail
} // namespace fuselab
