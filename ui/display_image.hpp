// Turning core images into what the screen shows: a view transform for HDR data
// (exposure, transfer curve) and a mip pyramid of 8-bit QImages so that painting a 12 MP
// image at any zoom reads a level close to the screen's resolution instead of rescaling
// the full image on every paint.
#pragma once

#include "fuselab/base/image.hpp"

#include <QImage>
#include <QString>

#include <memory>
#include <vector>

namespace fuselab::ui {

/// How scene values become display values. Exposure acts on linear light.
struct ViewTransform {
    enum class Curve { Srgb, Linear, Gamma22, Log, Filmic };
    double exposureStops = 0.0;
    Curve curve = Curve::Srgb;
    bool operator==(const ViewTransform& o) const { return exposureStops == o.exposureStops && curve == o.curve; }
    bool operator!=(const ViewTransform& o) const { return !(*this == o); }
};
QString curveName(ViewTransform::Curve curve);

/// Linear light of a sample as stored (decodes sRGB, PQ (relative to 203 cd/m²), HLG).
float toLinear(float value, ColourEncoding encoding);

/// 8-bit RGB888 image for the screen (1-channel images become grey). Parallel over rows.
QImage renderForDisplay(const Image& image, const ViewTransform& view);

/// Levels 0 (full size), 1 (half), … down to a few hundred pixels.
class MipImage {
public:
    MipImage() = default;
    explicit MipImage(QImage full);
    bool isNull() const { return m_levels.empty(); }
    int width() const { return m_levels.empty() ? 0 : m_levels.front().width(); }
    int height() const { return m_levels.empty() ? 0 : m_levels.front().height(); }
    int levelCount() const { return int(m_levels.size()); }
    const QImage& level(int index) const { return m_levels[std::size_t(index)]; }
    /// The coarsest level that still has at least `scale` (display px per image px) detail.
    int levelFor(double scale) const;

private:
    std::vector<QImage> m_levels;
};

/// A displayed image: the pixels for the screen and the source values for read-outs.
struct DisplayImage {
    MipImage mip;
    Image source;   ///< values behind the display (float; may be linear radiance)
    QString label;  ///< "fused (Mertens)", "frame 2 (+0 EV)"
};

/// Renders and builds the pyramid (call off the GUI thread for large images).
std::shared_ptr<DisplayImage> makeDisplayImage(const Image& source, const ViewTransform& view, const QString& label);

} // namespace fuselab::ui
