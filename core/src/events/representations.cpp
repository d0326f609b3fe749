// Event frame, time surface, voxel grid and event-derived intensity (events_repr.hpp).
#include "fuselab/base/events_repr.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fuselab {
namespace {

bool inside(const Event& e, int w, int h) { return e.x < w && e.y < h; }

} // namespace

Image eventFrame(EventSpan events, int w, int h, EventFrameMode mode)
{
    if (w <= 0 || h <= 0) throw Error("event frame needs a positive geometry");
    Image frame(w, h, mode == EventFrameMode::Counts ? 2 : 1);
    const int ch = frame.channels();
    for (const Event& e : events) {
        if (!inside(e, w, h)) continue;
        float* px = frame.row(e.y) + std::size_t(e.x) * ch;
        if (mode == EventFrameMode::Counts) px[e.p ? 0 : 1] += 1.0f;
        else px[0] += e.p ? 1.0f : -1.0f;
    }
    return frame;
}

Image timeSurface(EventSpan events, int w, int h, double tauUs, std::int64_t tRefUs, bool splitPolarity)
{
    if (w <= 0 || h <= 0) throw Error("time surface needs a positive geometry");
    if (!(tauUs > 0.0)) throw Error("time surface needs tau > 0");
    const int ch = splitPolarity ? 2 : 1;
    constexpr std::int64_t never = std::numeric_limits<std::int64_t>::min();
    std::vector<std::int64_t> last(std::size_t(w) * h * ch, never);
    for (const Event& e : events) {
        if (!inside(e, w, h) || e.tUs > tRefUs) continue;
        const int c = splitPolarity ? (e.p ? 0 : 1) : 0;
        last[(std::size_t(e.y) * w + e.x) * ch + c] = e.tUs; // time order: the last write is the latest
    }
    Image surface(w, h, ch);
    for (int y = 0; y < h; ++y) {
        float* row = surface.row(y);
        for (int i = 0; i < w * ch; ++i) {
            const std::int64_t t = last[std::size_t(y) * w * ch + i];
            row[i] = t == never ? 0.0f : float(std::exp(-double(tRefUs - t) / tauUs));
        }
    }
    return surface;
}

Image VoxelGrid::bin(int b) const
{
    Image img(widthPx, heightPx, 1);
    for (int y = 0; y < heightPx; ++y)
        std::copy_n(values.data() + (std::size_t(b) * heightPx + y) * widthPx, widthPx, img.row(y));
    return img;
}

double VoxelGrid::sum() const
{
    double s = 0.0;
    for (float v : values) s += v;
    return s;
}

VoxelGrid voxelGrid(EventSpan events, int w, int h, int bins, std::int64_t beginUs, std::int64_t endUs)
{
    if (w <= 0 || h <= 0) throw Error("voxel grid needs a positive geometry");
    if (bins < 1) throw Error("voxel grid needs at least one bin");
    if (endUs <= beginUs) throw Error("voxel grid needs a time interval that is not empty");
    VoxelGrid grid;
    grid.bins = bins;
    grid.widthPx = w;
    grid.heightPx = h;
    const std::size_t plane = std::size_t(w) * h;
    const std::size_t cells = plane * std::size_t(bins);
    grid.values.assign(cells, 0.0f);
    // t* = (B−1)(t − begin)/(end − begin); the last instant of the window maps just below B−1.
    const double scale = bins > 1 ? double(bins - 1) / double(endUs - beginUs) : 0.0;

    auto accumulate = [&](const Event* first, const Event* last, float* dst) {
        for (const Event* e = first; e != last; ++e) {
            if (e->x >= w || e->y >= h) continue;
            const float sign = e->p ? 1.0f : -1.0f;
            const std::size_t pixel = std::size_t(e->y) * w + e->x;
            double tStar = double(e->tUs - beginUs) * scale;
            tStar = std::min(std::max(tStar, 0.0), double(bins - 1));
            const int b0 = int(tStar);
            const float frac = float(tStar - b0);
            dst[std::size_t(b0) * plane + pixel] += sign * (1.0f - frac);
            if (b0 + 1 < bins) dst[std::size_t(b0 + 1) * plane + pixel] += sign * frac;
        }
    };

    // Fixed slices (not one per thread) so the float sums come out the same on any machine
    // and in any run; each slice fills its own partial grid, summed in slice order.
    const std::size_t n = events.size();
    const int slices = int(std::clamp<std::size_t>(n / (1u << 20), 1, 4));
    if (slices == 1) {
        accumulate(events.first, events.last, grid.values.data());
        return grid;
    }
    std::vector<std::vector<float>> partial(std::size_t(slices - 1));
    parallelFor(0, slices, 1, [&](int s0, int s1) {
        for (int s = s0; s < s1; ++s) {
            const Event* first = events.first + n * std::size_t(s) / std::size_t(slices);
            const Event* last = events.first + n * std::size_t(s + 1) / std::size_t(slices);
            float* dst = grid.values.data();
            if (s > 0) {
                partial[std::size_t(s - 1)].assign(cells, 0.0f);
                dst = partial[std::size_t(s - 1)].data();
            }
            accumulate(first, last, dst);
        }
    });
    const int chunks = 64;
    parallelFor(0, chunks, 1, [&](int c0, int c1) {
        for (int c = c0; c < c1; ++c) {
            const std::size_t b = cells * std::size_t(c) / chunks, e = cells * std::size_t(c + 1) / chunks;
            for (const auto& p : partial)
                for (std::size_t i = b; i < e; ++i) grid.values[i] += p[i];
        }
    });
    return grid;
}

Image linearLuminanceImage(const Image& image)
{
    if (image.channels() == 1) return image;
    Image out(image.width(), image.height(), 1, ColourEncoding::Linear);
    const int ch = image.channels();
    for (int y = 0; y < image.height(); ++y) {
        const float* src = image.row(y);
        float* dst = out.row(y);
        for (int x = 0; x < image.width(); ++x) {
            const float* p = src + std::size_t(x) * ch;
            dst[x] = ch >= 3 ? 0.2126f * p[0] + 0.7152f * p[1] + 0.0722f * p[2] : p[0];
        }
    }
    return out;
}

Image eventIntensityFrame(EventSpan events, int w, int h, const Image& reference, std::int64_t tEndUs,
                          const EventIntegrationOptions& options)
{
    if (w <= 0 || h <= 0) throw Error("event intensity needs a positive geometry");
    if (!reference.empty() && (reference.width() != w || reference.height() != h))
        throw Error("the reference frame is " + std::to_string(reference.width()) + "x" + std::to_string(reference.height()) +
                    ", the events " + std::to_string(w) + "x" + std::to_string(h));
    const double eps = options.epsilon;
    const double leak = 2.0 * M_PI * std::max(0.0, options.leakRateHz) * 1e-6; // per µs
    std::vector<double> change(std::size_t(w) * h, 0.0);
    std::vector<std::int64_t> lastUs;
    if (leak > 0.0) lastUs.assign(change.size(), events.empty() ? tEndUs : events.first->tUs);
    for (const Event& e : events) {
        if (e.x >= w || e.y >= h || e.tUs > tEndUs) continue;
        const std::size_t i = std::size_t(e.y) * w + e.x;
        if (leak > 0.0) {
            change[i] *= std::exp(-leak * double(e.tUs - lastUs[i]));
            lastUs[i] = e.tUs;
        }
        change[i] += e.p ? options.contrastPos : -options.contrastNeg;
    }
    const Image ref = reference.empty() ? Image() : linearLuminanceImage(reference);
    Image out(w, h, 1, ColourEncoding::Linear);
    for (int y = 0; y < h; ++y) {
        float* dst = out.row(y);
        for (int x = 0; x < w; ++x) {
            const std::size_t i = std::size_t(y) * w + x;
            double d = change[i];
            if (leak > 0.0) d *= std::exp(-leak * double(tEndUs - lastUs[i]));
            const double base = ref.empty() ? options.baseline : std::max(0.0, double(ref.row(y)[x]));
            const double value = std::exp(std::log(base + eps) + d) - eps;
            dst[x] = float(std::min(value, 1e30));
        }
    }
    return out;
}

} // namespace fuselab
