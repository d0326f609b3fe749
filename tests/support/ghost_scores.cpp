#include "ghost_scores.hpp"

#include "synthetic_stack.hpp"

#include "fuselab/base/synthetic.hpp"

#include <algorithm>
#include <cmath>

namespace fuselab::test {

std::vector<GhostCase> ghostCases()
{
    return {
        {"small, slow, 2 EV ×3", 0.05, 30.0, {-2.0, 0.0, 2.0}, 11},
        {"medium, 2 EV ×3", 0.09, 60.0, {-2.0, 0.0, 2.0}, 12},
        {"large, fast, 2 EV ×3", 0.15, 110.0, {-2.0, 0.0, 2.0}, 13},
        {"medium, 1 EV ×3", 0.09, 60.0, {-1.0, 0.0, 1.0}, 14},
        {"medium, 3 EV ×3", 0.09, 60.0, {-3.0, 0.0, 3.0}, 15},
        {"medium, 2 EV ×5", 0.08, 45.0, {-4.0, -2.0, 0.0, 2.0, 4.0}, 16},
        {"large, slow, 1 EV ×5", 0.14, 35.0, {-2.0, -1.0, 0.0, 1.0, 2.0}, 17},
    };
}

namespace {

Image runStackOperator(const OperatorRegistry& registry, const std::string& id, const ExposureStack& stack, ParamValues values)
{
    NullProgress progress;
    OperatorInput input;
    input.stack = &stack;
    return runOperator(registry.get(id), input, values, progress).image;
}

float shown(float v) { return std::clamp(v, 0.0f, 1.0f); }

} // namespace

GhostScore scoreDeghosting(const GhostCase& c, const OperatorRegistry& registry)
{
    const Image scene = makeSyntheticScene({"interior", c.widthPx, c.heightPx, c.seed});
    ExposureSimulation sim;
    sim.stops = c.stops;
    sim.exposureScale = autoExposureScale(scene);
    sim.noise.enabled = true;
    sim.seed = c.seed;
    MovingObject object;
    object.radiusFraction = c.radiusFraction;
    object.stepXPx = c.stepPx;
    object.startXFraction = 0.2;
    object.startYFraction = 0.62;
    object.seed = c.seed;
    const MovingObjectStack m = exposeMovingObject(scene, sim, object);
    const ExposureStack moving = stackOf(m.moving, "moving"), ghostFree = stackOf(m.ghostFree, "ghost_free");
    const int w = c.widthPx, h = c.heightPx, n = int(c.stops.size());

    ParamValues off, on;
    off.set("deghost", false);
    on.set("deghost", true);
    const Image truth = runStackOperator(registry, "mertens", ghostFree, off);
    const Image plain = runStackOperator(registry, "mertens", moving, off);
    NullProgress progress;
    OperatorInput input;
    input.stack = &moving;
    const OperatorOutput deghosted = runOperator(registry.get("mertens"), input, on, progress);
    const Image& ours = deghosted.image;

    auto inGhost = [&](int x, int y) {
        for (int k = 0; k < n; ++k)
            if (k != m.referenceIndex && m.objectMasks[std::size_t(k)].at(x, y) > 0.5f) return true;
        return false;
    };
    auto isStatic = [&](int x, int y) {
        for (int k = 0; k < n; ++k)
            if (m.objectMasks[std::size_t(k)].at(x, y) > 0.0f) return false;
        return true;
    };
    double ghostOurs = 0.0, ghostPlain = 0.0, sqOurs = 0.0, sqPlain = 0.0;
    long staticCount = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const bool ghost = inGhost(x, y), still = isStatic(x, y);
            for (int ch = 0; ch < 3; ++ch) {
                const double t = shown(truth.at(x, y, ch));
                const double a = shown(ours.at(x, y, ch)) - t, b = shown(plain.at(x, y, ch)) - t;
                if (ghost) {
                    ghostOurs += std::fabs(a);
                    ghostPlain += std::fabs(b);
                }
                if (still) {
                    sqOurs += a * a;
                    sqPlain += b * b;
                }
            }
            staticCount += still;
        }
    GhostScore s;
    s.fusionGhostRatio = ghostPlain > 0.0 ? ghostOurs / ghostPlain : 0.0;
    auto psnr = [&](double sq) { return sq > 0.0 ? 10.0 * std::log10(3.0 * double(staticCount) / sq) : 99.0; };
    s.fusionStaticRestDb = psnr(sqOurs);
    s.plainStaticRestDb = psnr(sqPlain);

    // Merge through the known response the frames were made with.
    ParamValues mergeOff = off, mergeOn = on;
    mergeOff.set("response", std::string("srgb"));
    mergeOn.set("response", std::string("srgb"));
    const Image plainRadiance = runStackOperator(registry, "merge-response", moving, mergeOff);
    const Image ourRadiance = runStackOperator(registry, "merge-response", moving, mergeOn);
    std::vector<double> objectErr, wholeErr;
    double lnGhostOurs = 0.0, lnGhostPlain = 0.0;
    std::vector<double> logRatio;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double truthG = m.ghostFreeRadiance.at(x, y, 1) * sim.exposureScale;
            const double a = ourRadiance.at(x, y, 1);
            if (a > 0 && truthG > 0) logRatio.push_back(std::log(a / truthG));
        }
    std::vector<double> sorted = logRatio;
    std::nth_element(sorted.begin(), sorted.begin() + std::ptrdiff_t(sorted.size() / 2), sorted.end());
    const double scale = sorted[sorted.size() / 2];
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double truthG = m.ghostFreeRadiance.at(x, y, 1) * sim.exposureScale;
            const double a = ourRadiance.at(x, y, 1), b = plainRadiance.at(x, y, 1);
            if (!(a > 0 && b > 0 && truthG > 0)) continue;
            const double ea = std::fabs(std::log(a / truthG) - scale), eb = std::fabs(std::log(b / truthG) - scale);
            wholeErr.push_back(ea);
            if (inGhost(x, y)) {
                objectErr.push_back(ea);
                lnGhostOurs += ea;
                lnGhostPlain += eb;
            }
        }
    auto median = [](std::vector<double> v) {
        if (v.empty()) return 0.0;
        std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
        return v[v.size() / 2];
    };
    s.mergeGhostRatio = lnGhostPlain > 0.0 ? lnGhostOurs / lnGhostPlain : 0.0;
    s.mergeObjectLnError = median(objectErr);
    s.mergeWholeLnError = median(wholeErr);

    s.movingFraction = deghosted.scalars.count("moving_fraction") ? deghosted.scalars.at("moving_fraction") : 0.0;
    return s;
}

} // namespace fuselab::test
