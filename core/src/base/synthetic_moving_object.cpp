// A textured object crossing a static scene: the ground truth of deghosting. The moving stack
// and its ghost-free twin are exposed by the same simulated camera with the same noise, so
// they differ only where the object stands.
#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/base/random.hpp"
#include "fuselab/base/synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace fuselab {

namespace {

double medianLuminance(const Image& radiance)
{
    // autoExposureScale(r, m) = m / median: the median itself with m = 1.
    return 1.0 / autoExposureScale(radiance, 1.0);
}

// Share of the pixel (x, y) covered by a disc (a 4×4 supersampled edge).
float discCoverage(double x, double y, double cx, double cy, double radius)
{
    const double d = std::hypot(x - cx, y - cy);
    if (d <= radius - 1.0) return 1.0f;
    if (d >= radius + 1.0) return 0.0f;
    int inside = 0;
    for (int sy = 0; sy < 4; ++sy)
        for (int sx = 0; sx < 4; ++sx)
            inside += std::hypot(x - 0.375 + 0.25 * sx - cx, y - 0.375 + 0.25 * sy - cy) <= radius;
    return float(inside) / 16.0f;
}

} // namespace

Image paintMovingObject(const Image& radiance, const MovingObject& object, double cx, double cy)
{
    if (radiance.empty() || radiance.channels() < 3) throw Error("the moving object needs an RGB scene");
    if (!(object.radiusFraction > 0.0 && object.radiusFraction < 1.0)) throw Error("object radius must be a fraction in (0, 1)");
    if (!(object.radianceGain > 0.0)) throw Error("object radiance gain must be positive");
    const int w = radiance.width(), h = radiance.height(), ch = radiance.channels();
    const double radius = object.radiusFraction * std::min(w, h);
    const float level = float(object.radianceGain * medianLuminance(radiance));
    // A colour per object (from its seed) and a texture fixed to the object, so it moves with it.
    Random rng(object.seed * 0x9E3779B97F4A7C15ull + 3);
    const float tint[3] = {float(rng.uniform(0.6, 1.4)), float(rng.uniform(0.6, 1.4)), float(rng.uniform(0.6, 1.4))};
    const double cell = std::max(3.0, radius / 4.0);
    Image out = radiance.clone();
    const int y0 = std::max(0, int(std::floor(cy - radius - 2))), y1 = std::min(h, int(std::ceil(cy + radius + 2)));
    const int x0 = std::max(0, int(std::floor(cx - radius - 2))), x1 = std::min(w, int(std::ceil(cx + radius + 2)));
    parallelFor(y0, std::max(y0, y1), 16, [&](int r0, int r1) {
        for (int y = r0; y < r1; ++y) {
            float* row = out.row(y);
            for (int x = x0; x < x1; ++x) {
                const float a = discCoverage(x, y, cx, cy, radius);
                if (a <= 0.0f) continue;
                // Checker of `cell` px in object coordinates, plus a fine hashed speckle.
                const long u = long(std::floor((x - cx + 4 * radius) / cell)), v = long(std::floor((y - cy + 4 * radius) / cell));
                const float checker = ((u + v) & 1) ? 1.35f : 0.65f;
                const std::uint64_t hash = (std::uint64_t(long(x - cx + 4096)) * 0x9E3779B97F4A7C15ull) ^
                                           (std::uint64_t(long(y - cy + 4096)) * 0xC2B2AE3D27D4EB4Full) ^ object.seed;
                const float speckle = 0.85f + 0.3f * float((hash >> 40) & 0xFF) / 255.0f;
                for (int c = 0; c < 3; ++c) {
                    float& p = row[std::size_t(x) * ch + std::size_t(c)];
                    p = (1.0f - a) * p + a * level * checker * speckle * tint[c];
                }
            }
        }
    });
    return out;
}

MovingObjectStack exposeMovingObject(const Image& radiance, const ExposureSimulation& sim, const MovingObject& object)
{
    if (sim.stops.size() < 2) throw Error("a moving object needs at least two exposures");
    const std::size_t n = sim.stops.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return sim.stops[a] < sim.stops[b]; });
    MovingObjectStack out;
    out.referenceIndex = int(order[(n - 1) / 2]);
    const int w = radiance.width(), h = radiance.height();
    auto centre = [&](std::size_t k) {
        return std::pair{object.startXFraction * w + object.stepXPx * double(k), object.startYFraction * h + object.stepYPx * double(k)};
    };
    const auto [rx, ry] = centre(std::size_t(out.referenceIndex));
    out.ghostFreeRadiance = paintMovingObject(radiance, object, rx, ry);
    const double radius = object.radiusFraction * std::min(w, h);
    std::vector<Image> moving;
    for (std::size_t k = 0; k < n; ++k) {
        const auto [cx, cy] = centre(k);
        moving.push_back(paintMovingObject(radiance, object, cx, cy));
        Image mask(w, h, 1);
        parallelFor(0, h, 32, [&](int r0, int r1) {
            for (int y = r0; y < r1; ++y)
                for (int x = 0; x < w; ++x) mask.at(x, y) = discCoverage(x, y, cx, cy, radius);
        });
        out.objectMasks.push_back(mask);
    }
    out.moving = exposeEachFrame(moving, sim);
    out.ghostFree = exposeEachFrame(std::vector<Image>(n, out.ghostFreeRadiance), sim);
    return out;
}

} // namespace fuselab
