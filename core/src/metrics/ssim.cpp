// SSIM (Wang et al. 2004, ssim_index.m) and MS-SSIM (Wang, Simoncelli, Bovik 2003, msssim.m).
//
// Per 'valid' window, with Gaussian moments μ_x, μ_y, σ_x², σ_y², σ_xy (filter2 of x, y, x², y²,
// xy minus the products of the means, exactly as the reference):
//     SSIM = (2μ_xμ_y + C1)(2σ_xy + C2) / ((μ_x² + μ_y² + C1)(σ_x² + σ_y² + C2)),
//     cs   = (2σ_xy + C2) / (σ_x² + σ_y² + C2);
// the scores are the plain means of the maps. MS-SSIM: at each scale the SSIM of the pair,
// then a 2×2 mean and decimation; Π_{l<L} mean(cs_l)^{w_l} · mean(SSIM_L)^{w_L}.
#include "fuselab/metrics.hpp"

#include "fuselab/base/error.hpp"
#include "windowed_moments.hpp"

#include <algorithm>
#include <cmath>

namespace fuselab {
namespace {

// Means in the SSIM luminance term are of the shifted samples (windowed_moments.hpp); the
// shift is added back before they are used. Dyadic, so the shift itself is exact.
constexpr double kGreyOffset = 128.0;

void checkPair(const Image& a, const Image& b, int windowPx, const char* what)
{
    if (a.channels() != 1 || b.channels() != 1) throw Error(std::string("internal: ") + what + " needs grey planes");
    if (a.width() != b.width() || a.height() != b.height())
        throw Error(std::string(what) + ": the images differ in size (" + std::to_string(a.width()) + "x" +
                    std::to_string(a.height()) + " and " + std::to_string(b.width()) + "x" + std::to_string(b.height()) + ")");
    if (a.width() < windowPx || a.height() < windowPx)
        throw Error(std::string(what) + ": the image (" + std::to_string(a.width()) + "x" + std::to_string(a.height()) +
                    ") is smaller than the " + std::to_string(windowPx) + "x" + std::to_string(windowPx) + " window");
}

void checkParams(const SsimParams& p)
{
    if (p.windowPx < 3 || p.windowPx % 2 == 0) throw Error("SSIM: the window must be an odd size ≥ 3 px");
    if (!(p.sigmaPx > 0.0)) throw Error("SSIM: the Gaussian σ must be positive");
    if (!(p.k1 > 0.0) || !(p.k2 > 0.0) || !(p.dynamicRange > 0.0)) throw Error("SSIM: K1, K2 and L must be positive");
}

} // namespace

SsimResult ssimGrey(const Image& testGrey, const Image& referenceGrey, const SsimParams& params, bool keepMap)
{
    checkParams(params);
    checkPair(testGrey, referenceGrey, params.windowPx, "SSIM");
    metrics_detail::WindowedJob job;
    job.planes = {metrics_detail::viewOf(testGrey), metrics_detail::viewOf(referenceGrey)};
    job.offset = kGreyOffset;
    job.kernels = {metrics_detail::gaussianKernel(params.windowPx, params.sigmaPx)};
    job.products = {{0, -1, 0}, {1, -1, 0}, {0, 0, 0}, {1, 1, 0}, {0, 1, 0}};
    const int outW = testGrey.width() - params.windowPx + 1, outH = testGrey.height() - params.windowPx + 1;
    const int tileW = metrics_detail::validWindowTileWidth(job);
    metrics_detail::SegmentSums ssimSums(outW, outH, tileW), csSums(outW, outH, tileW);
    SsimResult result;
    if (keepMap) result.map = Image::uninitialised(outW, outH, 1);
    const double c1 = (params.k1 * params.dynamicRange) * (params.k1 * params.dynamicRange);
    const double c2 = (params.k2 * params.dynamicRange) * (params.k2 * params.dynamicRange);

    metrics_detail::forEachValidWindow(job, [&](int y, int x0, int count, const double* const* rows) {
        double ssimSum = 0.0, csSum = 0.0;
        float* mapRow = keepMap ? result.map.row(y) + x0 : nullptr;
        for (int i = 0; i < count; ++i) {
            // Moments of the shifted samples: variances and covariance are shift-free;
            // the means get the shift back for the luminance term.
            const double sx = rows[0][i], sy = rows[1][i];
            const double varX = rows[2][i] - sx * sx, varY = rows[3][i] - sy * sy, covXY = rows[4][i] - sx * sy;
            const double mx = sx + kGreyOffset, my = sy + kGreyOffset;
            const double cs = (2.0 * covXY + c2) / (varX + varY + c2);
            const double s = (2.0 * mx * my + c1) / (mx * mx + my * my + c1) * cs;
            ssimSum += s;
            csSum += cs;
            if (mapRow) mapRow[i] = float(s);
        }
        ssimSums.set(y, x0, ssimSum);
        csSums.set(y, x0, csSum);
    }, nullptr);
    const double count = double(outW) * double(outH);
    result.ssim = ssimSums.total() / count;
    result.contrastStructure = csSums.total() / count;
    return result;
}

int msSsimLevelsThatFit(int widthPx, int heightPx, int windowPx)
{
    return mefSsimLevelsThatFit(widthPx, heightPx, windowPx);
}

double msSsimGrey(const Image& testGrey, const Image& referenceGrey, const SsimParams& params)
{
    checkParams(params);
    checkPair(testGrey, referenceGrey, params.windowPx, "MS-SSIM");
    if (params.levels < 1 || int(params.levelWeights.size()) < params.levels)
        throw Error("MS-SSIM: " + std::to_string(params.levels) + " scales need as many weights (got " +
                    std::to_string(params.levelWeights.size()) + ")");
    const int fit = msSsimLevelsThatFit(testGrey.width(), testGrey.height(), params.windowPx);
    if (fit < params.levels)
        throw Error("MS-SSIM: " + std::to_string(params.levels) + " scales need a shorter side of at least " +
                    std::to_string(params.windowPx << (params.levels - 1)) + " px; this " + std::to_string(testGrey.width()) +
                    "x" + std::to_string(testGrey.height()) + " image allows " + std::to_string(fit));
    Image a = testGrey, b = referenceGrey;
    double score = 1.0;
    for (int l = 0; l < params.levels; ++l) {
        const SsimResult r = ssimGrey(a, b, params, false);
        const bool last = l + 1 == params.levels;
        score *= std::pow(std::max(last ? r.ssim : r.contrastStructure, 0.0), params.levelWeights[std::size_t(l)]);
        if (!last) {
            a = downsampleMean2x2(a);
            b = downsampleMean2x2(b);
        }
    }
    return score;
}

} // namespace fuselab
