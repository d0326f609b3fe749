// Debevec & Malik 1997 response recovery.
//
// The paper's least-squares problem, per channel, over g(0..L−1) and ln E_i of N sample pixels:
//   Σ_i Σ_j {w(Z_ij)[g(Z_ij) − ln E_i − ln Δt_j]}² + Σ_{z=1}^{L−2} {λ w(z)[g(z−1) − 2g(z) + g(z+1)]}²,
// with g(L/2) = 0 (the paper's g(128) = 0; λ scales the smoothness rows as in its gsolve.m).
//
// Solving it: rather than an SVD of the (N·P + L − 1) × (N + L) design matrix, the ln E_i are
// eliminated exactly (each appears only in its own pixel's P rows, so its optimum given g is
// the weighted mean Σ_j w²(g − ln Δt_j)/Σ_j w²), and g(L/2) = 0 is substituted. What remains
// is the (L−1)×(L−1) symmetric normal system of the same least-squares problem: its cost no
// longer grows with the sample count, and with λ > 0 (and data that fix the curve's slope) it
// is positive definite, so a Cholesky factorisation solves it (< 1 ms for L = 256, against
// ~30 ms for an SVD of the paper's 605×326 system for 70 samples of 5 frames, measured here with
// OpenCV 4.6). When Cholesky fails or leaves a residual (λ = 0 with
// codes no sample covers, a stack that fixes no slope) cv::solve(DECOMP_SVD) takes over and
// gives the minimum-norm solution, as the paper's SVD would. The normal equations square the
// condition number; with λ > 0 it stays far inside double precision, and the golden test
// Debevec.ReducedSolveMatchesThePapersFullSvd checks both solutions agree to 1e-6 in ln X.
#include "merge_internal.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>

namespace fuselab {
namespace {

struct SampleCodes {
    // codes[c][i * frames + j]: code of sample i in frame j, channel c.
    std::vector<std::vector<int>> codes;
    int samples = 0;
    int frames = 0;
};

SampleCodes gatherSamples(const merge_detail::PixelSource& pixels, const merge_detail::RecoveryFrames& frames, int count, int levels)
{
    const std::vector<std::pair<int, int>> grid = merge_detail::debevecSamplePixels(frames.widthPx, frames.heightPx, count);
    const std::size_t n = std::size_t(frames.frames);
    SampleCodes s;
    s.samples = int(grid.size());
    s.frames = frames.frames;
    s.codes.assign(std::size_t(frames.channels), std::vector<int>(grid.size() * n));
    for (int c = 0; c < frames.channels; ++c)
        for (std::size_t i = 0; i < grid.size(); ++i)
            for (std::size_t j = 0; j < n; ++j)
                s.codes[std::size_t(c)][i * n + j] = pixels.binnedCode(int(j), grid[i].first, grid[i].second, c, levels);
    return s;
}

struct ChannelFit {
    std::vector<double> g;       // ln f⁻¹ per code, g(L/2) = 0, before repair
    std::vector<double> support; // Σ w² of the observations of each code (samples with weight)
    int samplesUsed = 0;
    double rmsLn = 0.0;
};

ChannelFit solveChannel(const std::vector<int>& codes, int samples, int frames, const std::vector<double>& lnTimes,
                        const std::vector<double>& weight, double lambda)
{
    const int levels = int(weight.size());
    const int mid = levels / 2;
    cv::Mat normal = cv::Mat::zeros(levels, levels, CV_64F);
    cv::Mat rhs = cv::Mat::zeros(levels, 1, CV_64F);
    ChannelFit fit;
    fit.support.assign(std::size_t(levels), 0.0);

    std::vector<double> w2(static_cast<std::size_t>(frames));
    for (int i = 0; i < samples; ++i) {
        const int* z = &codes[std::size_t(i) * std::size_t(frames)];
        double total = 0.0, weightedLnT = 0.0;
        for (int j = 0; j < frames; ++j) {
            const double w = weight[std::size_t(z[j])];
            w2[std::size_t(j)] = w * w;
            total += w * w;
            weightedLnT += w * w * lnTimes[std::size_t(j)];
        }
        if (total <= 0.0) continue; // clipped or black in every frame: says nothing about g
        ++fit.samplesUsed;
        for (int j = 0; j < frames; ++j) {
            const double a = w2[std::size_t(j)];
            if (a == 0.0) continue;
            normal.at<double>(z[j], z[j]) += a;
            rhs.at<double>(z[j]) += a * lnTimes[std::size_t(j)] - a * weightedLnT / total;
            fit.support[std::size_t(z[j])] += a;
            for (int k = 0; k < frames; ++k)
                normal.at<double>(z[j], z[k]) -= a * w2[std::size_t(k)] / total;
        }
    }
    for (int z = 1; z + 1 < levels; ++z) {
        const double s = lambda * weight[std::size_t(z)];
        const double coef[3] = {s, -2.0 * s, s};
        for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b) normal.at<double>(z - 1 + a, z - 1 + b) += coef[a] * coef[b];
    }

    // Substitute g(mid) = 0: drop its row and column.
    const int n = levels - 1;
    cv::Mat reduced(n, n, CV_64F), reducedRhs(n, 1, CV_64F);
    for (int r = 0, rr = 0; r < levels; ++r) {
        if (r == mid) continue;
        reducedRhs.at<double>(rr) = rhs.at<double>(r);
        for (int c = 0, cc = 0; c < levels; ++c) {
            if (c == mid) continue;
            reduced.at<double>(rr, cc++) = normal.at<double>(r, c);
        }
        ++rr;
    }
    cv::Mat solution;
    bool solved = lambda > 0.0 && cv::solve(reduced, reducedRhs, solution, cv::DECOMP_CHOLESKY) && cv::checkRange(solution);
    if (solved) {
        // Plain loops: a 255×255 product through OpenCV would wake OpenBLAS's spinning threads.
        double residual = 0.0, scale = 0.0;
        for (int r = 0; r < n; ++r) {
            double acc = -reducedRhs.at<double>(r), rowScale = std::fabs(reducedRhs.at<double>(r));
            for (int c = 0; c < n; ++c) {
                acc += reduced.at<double>(r, c) * solution.at<double>(c);
                rowScale += std::fabs(reduced.at<double>(r, c) * solution.at<double>(c));
            }
            residual = std::max(residual, std::fabs(acc));
            scale = std::max(scale, rowScale);
        }
        solved = residual <= 1e-9 * scale;
    }
    if (!solved) cv::solve(reduced, reducedRhs, solution, cv::DECOMP_SVD);
    fit.g.assign(std::size_t(levels), 0.0);
    for (int z = 0, k = 0; z < levels; ++z)
        fit.g[std::size_t(z)] = z == mid ? 0.0 : solution.at<double>(k++);

    // Weighted residual of the data rows, in ln exposure.
    double sq = 0.0, wsum = 0.0;
    for (int i = 0; i < samples; ++i) {
        const int* z = &codes[std::size_t(i) * std::size_t(frames)];
        double total = 0.0, acc = 0.0;
        for (int j = 0; j < frames; ++j) {
            const double w = weight[std::size_t(z[j])];
            total += w * w;
            acc += w * w * (fit.g[std::size_t(z[j])] - lnTimes[std::size_t(j)]);
        }
        if (total <= 0.0) continue;
        const double lnE = acc / total;
        for (int j = 0; j < frames; ++j) {
            const double w = weight[std::size_t(z[j])];
            const double d = fit.g[std::size_t(z[j])] - lnE - lnTimes[std::size_t(j)];
            sq += w * w * d * d;
            wsum += w * w;
        }
    }
    fit.rmsLn = wsum > 0.0 ? std::sqrt(sq / wsum) : 0.0;
    return fit;
}

// Without smoothing, codes no sample covers are undetermined (the SVD leaves them at its
// minimum-norm value); interpolate them linearly between covered codes instead.
void interpolateUncovered(std::vector<double>& g, const std::vector<double>& support)
{
    std::vector<int> covered;
    for (std::size_t z = 0; z < g.size(); ++z)
        if (support[z] > 0.0) covered.push_back(int(z));
    if (covered.size() < 2) return;
    for (std::size_t z = 0; z < g.size(); ++z) {
        if (support[z] > 0.0) continue;
        auto hi = std::lower_bound(covered.begin(), covered.end(), int(z));
        if (hi == covered.end()) hi = covered.end() - 1;
        if (hi == covered.begin()) hi = covered.begin() + 1;
        const int b = *hi, a = *(hi - 1);
        const double t = (double(z) - a) / double(b - a);
        g[z] = g[std::size_t(a)] + t * (g[std::size_t(b)] - g[std::size_t(a)]);
    }
}

} // namespace

CameraResponse recoverResponseDebevec(const ExposureStack& stack, const DebevecParams& params, ProgressSink& progress,
                                      ResponseRecoveryReport* report)
{
    progress.checkCancelled();
    merge_detail::validateFrames(stack, 2, "response recovery");
    const merge_detail::RecoveryFrames frames{stack.width(), stack.height(), int(stack.size()), merge_detail::colourChannels(stack.channels()),
                                              stack.relativeExposureTimes()};
    return merge_detail::recoverDebevec(merge_detail::StackPixels(stack), frames, params, progress, report);
}

namespace merge_detail {

CameraResponse recoverDebevec(const PixelSource& pixels, const RecoveryFrames& frames, const DebevecParams& params, ProgressSink& progress,
                              ResponseRecoveryReport* report)
{
    if (params.samples < 1) throw Error("Debevec recovery needs at least one sample pixel");
    if (params.levels < 2 || params.levels > 4096) throw Error("Debevec recovery needs 2..4096 code levels");
    if (!(params.lambda >= 0.0) || !std::isfinite(params.lambda)) throw Error("Debevec smoothness must be finite and ≥ 0");
    std::vector<double> lnTimes;
    for (double t : frames.relativeTimes) lnTimes.push_back(std::log(t));

    const int channels = frames.channels;
    const SampleCodes samples = gatherSamples(pixels, frames, params.samples, params.levels);
    const std::vector<double> weight = merge_detail::weightTable(params.weighting, params.levels);
    progress.report(0.1, "solving for the response");
    progress.checkCancelled();

    std::vector<ChannelFit> fits(static_cast<std::size_t>(channels));
    parallelFor(0, channels, 1, [&](int c0, int c1) {
        for (int c = c0; c < c1; ++c)
            fits[std::size_t(c)] = solveChannel(samples.codes[std::size_t(c)], samples.samples, samples.frames, lnTimes,
                                                weight, params.lambda);
    });
    progress.checkCancelled();

    std::vector<std::vector<double>> curves;
    ResponseRecoveryReport r;
    r.iterations = 1;
    for (ChannelFit& fit : fits) {
        if (fit.samplesUsed == 0)
            throw Error("response recovery found no sample pixel that is neither black nor clipped in some frame");
        if (params.lambda <= 0.0) interpolateUncovered(fit.g, fit.support);
        r.monotoneFixes += merge_detail::makeStrictlyIncreasing(fit.g, fit.support);
        r.samplesUsed = std::max(r.samplesUsed, fit.samplesUsed);
        r.fitRmsLn += fit.rmsLn / double(fits.size());
        curves.push_back(std::move(fit.g));
    }
    if (report) *report = r;
    progress.report(1.0, "response recovered");
    return merge_detail::responseFromLogCurves(curves);
}

} // namespace merge_detail
} // namespace fuselab
