// Pixel-domain multi-scale VIF (Sheikh & Bovik 2006, the authors' vifp_mscale.m) and the
// fusion VIF built on it.
//
// Scale s = 1…4 uses a Gaussian window of N = 2^(5−s) + 1 px, σ = N/5. From scale 2 on, both
// images are first filtered with that window ('valid') and decimated by 2. Per 'valid'
// window, with Gaussian moments σ1² (reference), σ2² (distorted), σ12:
//     g = σ12 / (σ1² + 1e-10),  σv² = σ2² − g σ12   (then the reference's clamps, below),
//     num += log10(1 + g² σ1² / (σv² + σn²)),  den += log10(1 + σ1² / σn²),  σn² = 2;
// VIFp = num / den over all scales.
#include "fuselab/metrics.hpp"

#include "fuselab/base/error.hpp"
#include "windowed_moments.hpp"

#include <algorithm>
#include <cmath>

namespace fuselab {
namespace {

using metrics_detail::DoublePlane;
using metrics_detail::PlaneView;
using metrics_detail::WindowedJob;

constexpr double kTiny = 1e-10;
constexpr double kOffset = 128.0;      // conditioning shift (windowed_moments.hpp); moments are shift-free

// filter2(win, plane, 'valid') followed by (1:2:end, 1:2:end).
DoublePlane filterAndDecimate(const PlaneView& plane, const std::vector<double>& kernel)
{
    const int n = int(kernel.size());
    const int validW = plane.width - n + 1, validH = plane.height - n + 1;
    DoublePlane out((validW + 1) / 2, (validH + 1) / 2);
    WindowedJob job;
    job.planes = {plane};
    job.kernels = {kernel};
    job.products = {{0, -1, 0}};
    metrics_detail::forEachValidWindow(job, [&](int y, int x0, int count, const double* const* rows) {
        if (y % 2) return;
        double* dst = out.row(y / 2);
        for (int i = (x0 % 2); i < count; i += 2) dst[(x0 + i) / 2] = rows[0][i];
    }, nullptr);
    return out;
}

struct Information {
    double num = 0.0;
    double den = 0.0;
};

Information scaleInformation(const PlaneView& reference, const PlaneView& distorted, const std::vector<double>& kernel,
                             double noiseVariance)
{
    WindowedJob job;
    job.planes = {reference, distorted};
    job.offset = kOffset;
    job.kernels = {kernel};
    job.products = {{0, -1, 0}, {1, -1, 0}, {0, 0, 0}, {1, 1, 0}, {0, 1, 0}};
    const int n = int(kernel.size());
    const int outW = reference.width - n + 1, outH = reference.height - n + 1;
    const int tileW = metrics_detail::validWindowTileWidth(job);
    metrics_detail::SegmentSums nums(outW, outH, tileW), dens(outW, outH, tileW);
    metrics_detail::forEachValidWindow(job, [&](int y, int x0, int count, const double* const* rows) {
        double num = 0.0, den = 0.0;
        for (int i = 0; i < count; ++i) {
            const double m1 = rows[0][i], m2 = rows[1][i];
            double s1 = std::max(rows[2][i] - m1 * m1, 0.0);
            const double s2 = std::max(rows[3][i] - m2 * m2, 0.0);
            const double s12 = rows[4][i] - m1 * m2;
            double g = s12 / (s1 + kTiny);
            double sv = s2 - g * s12;
            if (s1 < kTiny) {
                g = 0.0;
                sv = s2;
                s1 = 0.0;
            }
            if (s2 < kTiny) {
                g = 0.0;
                sv = 0.0;
            }
            if (g < 0.0) {
                sv = s2;
                g = 0.0;
            }
            if (sv <= kTiny) sv = kTiny;
            num += std::log10(1.0 + g * g * s1 / (sv + noiseVariance));
            den += std::log10(1.0 + s1 / noiseVariance);
        }
        nums.set(y, x0, num);
        dens.set(y, x0, den);
    }, nullptr);
    return {nums.total(), dens.total()};
}

} // namespace

double vifp(const Image& referenceGrey, const Image& distortedGrey, double noiseVariance)
{
    if (!(noiseVariance > 0.0)) throw Error("VIF: the noise variance must be positive");
    if (referenceGrey.channels() != 1 || distortedGrey.channels() != 1) throw Error("internal: VIF needs grey planes");
    if (referenceGrey.width() != distortedGrey.width() || referenceGrey.height() != distortedGrey.height())
        throw Error("VIF: the images differ in size (" + std::to_string(referenceGrey.width()) + "x" +
                    std::to_string(referenceGrey.height()) + " and " + std::to_string(distortedGrey.width()) + "x" +
                    std::to_string(distortedGrey.height()) + ")");
    const int minSide = 17;
    if (referenceGrey.width() < minSide || referenceGrey.height() < minSide)
        throw Error("VIF: the image (" + std::to_string(referenceGrey.width()) + "x" + std::to_string(referenceGrey.height()) +
                    ") is smaller than the 17x17 window of its finest scale");
    DoublePlane ref, dist;
    PlaneView refView = metrics_detail::viewOf(referenceGrey), distView = metrics_detail::viewOf(distortedGrey);
    Information total;
    for (int scale = 1; scale <= 4; ++scale) {
        const int n = (1 << (5 - scale)) + 1;
        const std::vector<double> kernel = metrics_detail::gaussianKernel(n, double(n) / 5.0);
        if (scale > 1) {
            // The reference filters with a window larger than the image into an empty
            // matrix: this and every coarser scale then add nothing.
            if (refView.width < n || refView.height < n) break;
            ref = filterAndDecimate(refView, kernel);
            dist = filterAndDecimate(distView, kernel);
            refView = metrics_detail::viewOf(ref);
            distView = metrics_detail::viewOf(dist);
        }
        if (refView.width < n || refView.height < n) continue;
        const Information i = scaleInformation(refView, distView, kernel, noiseVariance);
        total.num += i.num;
        total.den += i.den;
    }
    // den = 0: the reference has no local variance anywhere, so it carries no information
    // to preserve (the reference code divides 0 by 0 here).
    return total.den > 0.0 ? total.num / total.den : 0.0;
}

double fusionVif(const Image& fusedGrey, const std::vector<Image>& sourceGreys, double noiseVariance)
{
    if (sourceGreys.empty()) throw Error("VIF needs at least one source image");
    double sum = 0.0;
    for (const Image& s : sourceGreys) sum += vifp(s, fusedGrey, noiseVariance);
    return sum;
}

} // namespace fuselab
