#include "heatmap.hpp"

#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace fuselab::ui {
namespace {

struct Stop {
    double t;
    int r, g, b;
};

// Perceptually ordered ramps given by a few control colours and interpolated linearly.
constexpr std::array<Stop, 6> kViridisLike = {{{0.0, 68, 1, 84}, {0.2, 65, 68, 135}, {0.4, 42, 120, 142}, {0.6, 34, 168, 132},
                                               {0.8, 122, 209, 81}, {1.0, 253, 231, 37}}};
constexpr std::array<Stop, 6> kInfernoLike = {{{0.0, 0, 0, 4}, {0.2, 66, 10, 104}, {0.4, 147, 38, 103}, {0.6, 221, 81, 58},
                                               {0.8, 252, 165, 10}, {1.0, 252, 255, 164}}};
constexpr std::array<Stop, 3> kDiverging = {{{0.0, 49, 54, 149}, {0.5, 247, 247, 247}, {1.0, 165, 0, 38}}};

template <std::size_t N>
QColor interpolate(const std::array<Stop, N>& stops, double t)
{
    t = std::clamp(t, 0.0, 1.0);
    for (std::size_t i = 1; i < N; ++i)
        if (t <= stops[i].t) {
            const Stop& a = stops[i - 1];
            const Stop& b = stops[i];
            const double u = (t - a.t) / (b.t - a.t);
            return QColor(int(a.r + (b.r - a.r) * u + 0.5), int(a.g + (b.g - a.g) * u + 0.5), int(a.b + (b.b - a.b) * u + 0.5));
        }
    return QColor(stops[N - 1].r, stops[N - 1].g, stops[N - 1].b);
}

} // namespace

QStringList colormapNames()
{
    return {QStringLiteral("Inferno"), QStringLiteral("Viridis"), QStringLiteral("Grey"), QStringLiteral("Diverging")};
}

Colormap colormapFromName(const QString& name)
{
    if (name == QLatin1String("Viridis")) return Colormap::Viridis;
    if (name == QLatin1String("Grey")) return Colormap::Grey;
    if (name == QLatin1String("Diverging")) return Colormap::Diverging;
    return Colormap::Inferno;
}

QString colormapName(Colormap map)
{
    switch (map) {
    case Colormap::Viridis: return QStringLiteral("Viridis");
    case Colormap::Inferno: return QStringLiteral("Inferno");
    case Colormap::Grey: return QStringLiteral("Grey");
    case Colormap::Diverging: return QStringLiteral("Diverging");
    }
    return {};
}

QColor colormapColour(Colormap map, double t)
{
    switch (map) {
    case Colormap::Viridis: return interpolate(kViridisLike, t);
    case Colormap::Inferno: return interpolate(kInfernoLike, t);
    case Colormap::Diverging: return interpolate(kDiverging, t);
    case Colormap::Grey: {
        const int v = int(std::clamp(t, 0.0, 1.0) * 255.0 + 0.5);
        return QColor(v, v, v);
    }
    }
    return Qt::black;
}

std::pair<double, double> heatmapRange(const Image& values, const HeatmapStyle& style)
{
    if (!style.autoRange) return {style.minValue, style.maxValue};
    std::vector<float> samples;
    const int step = std::max(1, int(std::sqrt(double(values.pixelCount()) / 250000.0)));
    for (int y = 0; y < values.height(); y += step)
        for (int x = 0; x < values.width(); x += step) {
            float v = values.at(x, y);
            if (!std::isfinite(v)) continue;
            samples.push_back(style.absolute ? std::fabs(v) : v);
        }
    if (samples.empty()) return {0.0, 1.0};
    const double clip = std::clamp(style.percentileClip, 0.0, 49.0) / 100.0;
    auto at = [&](double q) {
        const std::size_t k = std::min(samples.size() - 1, std::size_t(q * double(samples.size() - 1)));
        std::nth_element(samples.begin(), samples.begin() + std::ptrdiff_t(k), samples.end());
        return double(samples[k]);
    };
    double lo = at(clip), hi = at(1.0 - clip);
    if (style.symmetric) {
        const double m = std::max(std::fabs(lo), std::fabs(hi));
        lo = -m;
        hi = m;
    }
    if (!(hi > lo)) hi = lo + 1e-12;
    return {lo, hi};
}

QImage renderHeatmap(const Image& values, const HeatmapStyle& style)
{
    const auto [lo, hi] = heatmapRange(values, style);
    const Colormap map = style.symmetric ? Colormap::Diverging : style.colormap;
    std::array<QRgb, 256> table{};
    const int alpha = int(std::clamp(style.opacity, 0.0, 1.0) * 255.0 + 0.5);
    for (int i = 0; i < 256; ++i) {
        const QColor c = colormapColour(map, i / 255.0);
        table[std::size_t(i)] = qRgba(c.red(), c.green(), c.blue(), alpha);
    }
    QImage out(values.width(), values.height(), QImage::Format_ARGB32);
    const double scale = 255.0 / (hi - lo);
    parallelFor(0, values.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* src = values.row(y);
            auto* dst = reinterpret_cast<QRgb*>(out.scanLine(y));
            for (int x = 0; x < values.width(); ++x) {
                float v = src[std::size_t(x) * values.channels()];
                if (!std::isfinite(v)) {
                    dst[x] = qRgba(0, 0, 0, 0);
                    continue;
                }
                if (style.absolute) v = std::fabs(v);
                const int idx = int(std::clamp((double(v) - lo) * scale, 0.0, 255.0) + 0.5);
                dst[x] = table[std::size_t(idx)];
            }
        }
    });
    return out;
}

} // namespace fuselab::ui
