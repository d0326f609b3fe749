#include "display_image.hpp"
#include "monitor_colour.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <cmath>

namespace fuselab::ui {

QString curveName(ViewTransform::Curve curve)
{
    switch (curve) {
    case ViewTransform::Curve::Srgb: return QStringLiteral("sRGB");
    case ViewTransform::Curve::Linear: return QStringLiteral("Linear");
    case ViewTransform::Curve::Gamma22: return QStringLiteral("Gamma 2.2");
    case ViewTransform::Curve::Log: return QStringLiteral("Log (14 stops)");
    case ViewTransform::Curve::Filmic: return QStringLiteral("Filmic (x/(1+x))");
    }
    return {};
}

float toLinear(float v, ColourEncoding encoding)
{
    switch (encoding) {
    case ColourEncoding::Linear: return v;
    case ColourEncoding::Srgb: return srgbToLinear(v);
    case ColourEncoding::Pq: {
        // ST 2084 EOTF, relative to a 203 cd/m² reference white.
        const double m1 = 2610.0 / 16384.0, m2 = 2523.0 / 4096.0 * 128.0, c1 = 3424.0 / 4096.0, c2 = 2413.0 / 4096.0 * 32.0,
                     c3 = 2392.0 / 4096.0 * 32.0;
        const double p = std::pow(std::clamp(double(v), 0.0, 1.0), 1.0 / m2);
        const double y = std::pow(std::max(p - c1, 0.0) / (c2 - c3 * p), 1.0 / m1);
        return float(y * 10000.0 / 203.0);
    }
    case ColourEncoding::Hlg: {
        const double a = 0.17883277, b = 1.0 - 4.0 * a, c = 0.5 - a * std::log(4.0 * a);
        const double e = std::clamp(double(v), 0.0, 1.0);
        return float(e <= 0.5 ? e * e / 3.0 : (std::exp((e - c) / a) + b) / 12.0);
    }
    }
    return v;
}

namespace {

float applyCurve(float linear, ViewTransform::Curve curve)
{
    const float x = std::max(linear, 0.0f);
    switch (curve) {
    case ViewTransform::Curve::Srgb: return linearToSrgb(std::min(x, 1.0f));
    case ViewTransform::Curve::Linear: return std::min(x, 1.0f);
    case ViewTransform::Curve::Gamma22: return std::pow(std::min(x, 1.0f), 1.0f / 2.2f);
    case ViewTransform::Curve::Log: {
        // 14 stops below white mapped evenly onto the display range.
        const float stops = x > 0.0f ? std::log2(x) : -14.0f;
        return std::clamp((stops + 14.0f) / 14.0f, 0.0f, 1.0f);
    }
    case ViewTransform::Curve::Filmic: return linearToSrgb(x / (1.0f + x));
    }
    return x;
}

} // namespace

QImage renderForDisplay(const Image& image, const ViewTransform& view)
{
    const int w = image.width(), h = image.height(), ch = image.channels();
    QImage out(w, h, QImage::Format_RGB888);
    if (image.empty()) return out;
    const float gain = float(std::exp2(view.exposureStops));
    const ColourEncoding enc = image.encoding();
    // A display-referred sRGB image at exposure 0 through the sRGB curve is shown as stored.
    const bool identity = enc == ColourEncoding::Srgb && view.exposureStops == 0.0 && view.curve == ViewTransform::Curve::Srgb;
    parallelFor(0, h, 16, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* src = image.row(y);
            uchar* dst = out.scanLine(y);
            for (int x = 0; x < w; ++x) {
                for (int c = 0; c < 3; ++c) {
                    const float v = src[std::size_t(x) * ch + std::size_t(std::min(c, ch - 1))];
                    const float shown = identity ? std::clamp(v, 0.0f, 1.0f) : applyCurve(toLinear(v, enc) * gain, view.curve);
                    dst[3 * x + c] = uchar(std::isfinite(shown) ? shown * 255.0f + 0.5f : 0.0f);
                }
            }
        }
    });
    return out;
}

MipImage::MipImage(QImage full)
{
    if (full.isNull()) return;
    m_levels.push_back(std::move(full));
    // Halve with a box filter until the long side is small; each level is a quarter of the last.
    while (std::max(m_levels.back().width(), m_levels.back().height()) > 256) {
        const QImage& prev = m_levels.back();
        const int w = std::max(1, prev.width() / 2), h = std::max(1, prev.height() / 2);
        QImage next(w, h, QImage::Format_RGB888);
        parallelFor(0, h, 32, [&](int y0, int y1) {
            for (int y = y0; y < y1; ++y) {
                const uchar* a = prev.constScanLine(2 * y);
                const uchar* b = prev.constScanLine(std::min(2 * y + 1, prev.height() - 1));
                uchar* d = next.scanLine(y);
                for (int x = 0; x < w; ++x)
                    for (int c = 0; c < 3; ++c) {
                        const int x1 = std::min(2 * x + 1, prev.width() - 1);
                        d[3 * x + c] = uchar((a[6 * x + c] + a[3 * x1 + c] + b[6 * x + c] + b[3 * x1 + c] + 2) / 4);
                    }
            }
        });
        m_levels.push_back(std::move(next));
    }
}

int MipImage::levelFor(double scale) const
{
    if (m_levels.empty() || scale >= 1.0) return 0;
    const int level = int(std::floor(std::log2(1.0 / scale)));
    return std::clamp(level, 0, levelCount() - 1);
}

std::shared_ptr<DisplayImage> makeDisplayImage(const Image& source, const ViewTransform& view, const QString& label)
{
    auto d = std::make_shared<DisplayImage>();
    // The screen gets the monitor's colours (monitor_colour.hpp); read-outs keep the source values.
    d->mip = MipImage(toMonitor(renderForDisplay(source, view), renderedColourSpace(source.encoding())));
    d->source = source;
    d->label = label;
    return d;
}

} // namespace fuselab::ui
