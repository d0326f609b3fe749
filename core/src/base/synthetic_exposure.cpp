// A simulated camera: shift, expose, add sensor noise, apply the response, quantise.
#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/base/random.hpp"
#include "fuselab/base/synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace fuselab {

Image shiftImage(const Image& image, double dxPx, double dyPx)
{
    if (dxPx == 0.0 && dyPx == 0.0) return image;
    Image out = Image::uninitialised(image.width(), image.height(), image.channels(), image.encoding());
    const int w = image.width(), h = image.height(), ch = image.channels();
    parallelFor(0, h, 16, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const double sy = std::clamp(double(y) - dyPx, 0.0, double(h - 1));
            const int iy = std::min(int(sy), h - 2 < 0 ? 0 : h - 2);
            const float fy = float(sy - iy);
            const float* r0 = image.row(iy);
            const float* r1 = image.row(std::min(iy + 1, h - 1));
            float* dst = out.row(y);
            for (int x = 0; x < w; ++x) {
                const double sx = std::clamp(double(x) - dxPx, 0.0, double(w - 1));
                const int ix = std::min(int(sx), w - 2 < 0 ? 0 : w - 2);
                const float fx = float(sx - ix);
                const int ix1 = std::min(ix + 1, w - 1);
                for (int c = 0; c < ch; ++c) {
                    const float top = r0[ix * ch + c] + (r0[ix1 * ch + c] - r0[ix * ch + c]) * fx;
                    const float bottom = r1[ix * ch + c] + (r1[ix1 * ch + c] - r1[ix * ch + c]) * fx;
                    dst[x * ch + c] = top + (bottom - top) * fy;
                }
            }
        }
    });
    return out;
}

namespace {

template <typename T>
ImageBuffer<T> quantiseFrame(const Image& radiance, double gain, const ExposureSimulation& sim, std::uint64_t frameSeed,
                             ColourEncoding encoding)
{
    const double maxCode = double((1u << (8 * sizeof(T))) - 1u);
    const int w = radiance.width(), h = radiance.height(), ch = radiance.channels();
    ImageBuffer<T> out = ImageBuffer<T>::uninitialised(w, h, ch, encoding);
    // A 4096-entry table of f over [0,1] would round differently from the exact curve near
    // codes; evaluating the response per sample keeps "expose, then quantise" exact.
    parallelFor(0, h, 8, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            Random rng(frameSeed ^ (std::uint64_t(y) * 0x9E3779B97F4A7C15ull));
            const float* src = radiance.row(y);
            T* dst = out.row(y);
            for (int i = 0; i < w * ch; ++i) {
                double x = double(src[i]) * gain;
                if (sim.noise.enabled) {
                    const double electrons = std::max(0.0, x) * sim.noise.fullWellElectrons;
                    const double counted = rng.poisson(electrons) + sim.noise.readNoiseElectrons * rng.normal();
                    x = counted / sim.noise.fullWellElectrons;
                }
                const double v = sim.response.apply(std::clamp(x, 0.0, 1.0), i % ch);
                dst[i] = T(std::lround(std::clamp(v, 0.0, 1.0) * maxCode));
            }
        }
    });
    return out;
}

} // namespace

std::vector<SimulatedFrame> exposeScene(const Image& radiance, const ExposureSimulation& sim)
{
    return exposeEachFrame(std::vector<Image>(sim.stops.size(), radiance), sim);
}

std::vector<SimulatedFrame> exposeEachFrame(const std::vector<Image>& radiances, const ExposureSimulation& sim)
{
    if (radiances.size() != sim.stops.size()) throw Error("exposure simulation needs one scene per exposure");
    for (const Image& radiance : radiances)
        if (radiance.empty()) throw Error("cannot expose an empty scene");
    if (sim.stops.empty()) throw Error("exposure simulation needs at least one exposure");
    if (sim.bitDepth != 8 && sim.bitDepth != 16) throw Error("simulated frames are 8 or 16 bit");
    if (!(sim.exposureScale > 0.0)) throw Error("exposure scale must be positive");

    // The median exposure is the unshifted reference.
    std::vector<std::size_t> order(sim.stops.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return sim.stops[a] < sim.stops[b]; });
    const std::size_t reference = order[(order.size() - 1) / 2];

    Random shiftRng(sim.seed * 0xD1B54A32D192ED03ull + 7);
    std::vector<SimulatedFrame> frames;
    for (std::size_t k = 0; k < sim.stops.size(); ++k) {
        SimulatedFrame f;
        f.stops = sim.stops[k];
        const double dx = shiftRng.uniform(-sim.misalignPx, sim.misalignPx);
        const double dy = shiftRng.uniform(-sim.misalignPx, sim.misalignPx);
        if (sim.misalignPx > 0.0 && k != reference) {
            f.shiftXPx = dx;
            f.shiftYPx = dy;
        }
        const Image shifted = shiftImage(radiances[k], f.shiftXPx, f.shiftYPx);
        const double gain = std::exp2(f.stops) * sim.exposureScale;
        const std::uint64_t frameSeed = sim.seed * 0x2545F4914F6CDD1Dull + k * 0x9E3779B97F4A7C15ull + 1;
        // A linear camera's codes are linear light; every other curve is tagged as display-encoded.
        const ColourEncoding encoding =
            sim.response.kind() == CameraResponse::Kind::Linear ? ColourEncoding::Linear : ColourEncoding::Srgb;
        if (sim.bitDepth == 8) f.pixels = SampleImage(quantiseFrame<std::uint8_t>(shifted, gain, sim, frameSeed, encoding));
        else f.pixels = SampleImage(quantiseFrame<std::uint16_t>(shifted, gain, sim, frameSeed, encoding));
        frames.push_back(std::move(f));
    }
    return frames;
}

} // namespace fuselab

namespace fuselab {

double autoExposureScale(const Image& radiance, double midGrey)
{
    std::vector<float> lum;
    const int ch = radiance.channels();
    const int stepY = std::max(1, radiance.height() / 256), stepX = std::max(1, radiance.width() / 256);
    for (int y = 0; y < radiance.height(); y += stepY) {
        const float* row = radiance.row(y);
        for (int x = 0; x < radiance.width(); x += stepX) {
            const float* p = row + std::size_t(x) * ch;
            const float l = ch >= 3 ? 0.2126f * p[0] + 0.7152f * p[1] + 0.0722f * p[2] : p[0];
            if (std::isfinite(l) && l > 0.0f) lum.push_back(l);
        }
    }
    if (lum.empty()) throw Error("the scene has no positive radiance to expose");
    std::nth_element(lum.begin(), lum.begin() + std::ptrdiff_t(lum.size() / 2), lum.end());
    return midGrey / double(lum[lum.size() / 2]);
}

} // namespace fuselab
