#include "image_viewer.hpp"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace fuselab::ui {

ImageViewer::ImageViewer(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(200, 150);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void ImageViewer::setImage(std::shared_ptr<const DisplayImage> image)
{
    const bool sizeChanged = !m_image || !image || m_image->mip.width() != image->mip.width() || m_image->mip.height() != image->mip.height();
    // A new image of another size and the same aspect (proxy → full resolution) keeps the view.
    if (m_image && image && sizeChanged && m_image->mip.width() > 0) {
        const double s = double(image->mip.width()) / double(m_image->mip.width());
        m_zoom /= s;
        m_centre *= s;
    }
    m_image = std::move(image);
    if (m_fitMode || (sizeChanged && !m_image)) fitToWindow();
    update();
}

void ImageViewer::setCompareImage(std::shared_ptr<const DisplayImage> before)
{
    m_compare = std::move(before);
    update();
}

void ImageViewer::setOverlay(const QImage& overlay, const QString& legendTitle, double minValue, double maxValue, Colormap map)
{
    m_overlay = overlay;
    m_legendTitle = legendTitle;
    m_legendMin = minValue;
    m_legendMax = maxValue;
    m_legendMap = map;
    update();
}

void ImageViewer::clearOverlay()
{
    m_overlay = QImage();
    update();
}

void ImageViewer::setMessage(const QString& message)
{
    m_message = message;
    update();
}

void ImageViewer::fitToWindow()
{
    m_fitMode = true;
    if (!hasImage()) return;
    const double sx = double(width()) / m_image->mip.width(), sy = double(height()) / m_image->mip.height();
    m_zoom = std::max(1e-4, std::min(sx, sy));
    m_centre = QPointF(m_image->mip.width() / 2.0, m_image->mip.height() / 2.0);
    emitView();
    update();
}

void ImageViewer::zoomOneToOne()
{
    m_fitMode = false;
    m_zoom = 1.0;
    emitView();
    update();
}

void ImageViewer::zoomBy(double factor)
{
    m_fitMode = false;
    m_zoom = std::clamp(m_zoom * factor, 1e-3, 64.0);
    emitView();
    update();
}

void ImageViewer::setSplitPosition(double fraction01)
{
    m_split = std::clamp(fraction01, 0.0, 1.0);
    update();
}

void ImageViewer::setShowBefore(bool before)
{
    m_showBefore = before;
    update();
}

void ImageViewer::setView(double zoom, QPointF centre)
{
    m_fitMode = false;
    m_zoom = zoom;
    m_centre = centre;
    update();
}

QPointF ImageViewer::imageToWidget(QPointF p) const
{
    return QPointF(width() / 2.0, height() / 2.0) + (p - m_centre) * m_zoom;
}

QPointF ImageViewer::widgetToImage(QPointF p) const
{
    return m_centre + (p - QPointF(width() / 2.0, height() / 2.0)) / m_zoom;
}

void ImageViewer::paintImage(QPainter& painter, const DisplayImage& image, const QRectF& clip) const
{
    const MipImage& mip = image.mip;
    const int levelIndex = mip.levelFor(m_zoom);
    const QImage& level = mip.level(levelIndex);
    const double levelScale = double(level.width()) / double(mip.width());
    // Visible part of the image, in full-resolution image coordinates.
    const QRectF visible = QRectF(widgetToImage(clip.topLeft()), widgetToImage(clip.bottomRight()))
                               .intersected(QRectF(0, 0, mip.width(), mip.height()));
    if (visible.isEmpty()) return;
    const QRectF source(visible.left() * levelScale, visible.top() * levelScale, visible.width() * levelScale, visible.height() * levelScale);
    const QRectF target(imageToWidget(visible.topLeft()), imageToWidget(visible.bottomRight()));
    painter.save();
    painter.setClipRect(clip);
    // Magnified pixels stay crisp for pixel peeping; minified ones are filtered.
    painter.setRenderHint(QPainter::SmoothPixmapTransform, m_zoom * (1 << levelIndex) < 1.0 || m_zoom < 1.0);
    painter.drawImage(target, level, source);
    painter.restore();
}

void ImageViewer::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), QColor(40, 40, 42));
    if (!hasImage()) {
        painter.setPen(QColor(200, 200, 200));
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, m_message.isEmpty() ? tr("No image") : m_message);
        return;
    }
    const QRectF all(rect());
    if (m_compare && m_showBefore) {
        paintImage(painter, *m_compare, all);
    } else if (m_compare && !m_compare->mip.isNull()) {
        const double x = m_split * width();
        paintImage(painter, *m_compare, QRectF(0, 0, x, height()));
        paintImage(painter, *m_image, QRectF(x, 0, width() - x, height()));
        painter.setPen(QPen(QColor(255, 255, 255, 200), 2));
        painter.drawLine(QPointF(x, 0), QPointF(x, height()));
        painter.setPen(Qt::white);
        painter.drawText(QRectF(8, 8, std::max(0.0, x - 16), 20), Qt::AlignLeft, tr("before: %1").arg(m_compare->label));
        painter.drawText(QRectF(x + 8, 8, std::max(0.0, width() - x - 16), 20), Qt::AlignRight, tr("after: %1").arg(m_image->label));
    } else {
        paintImage(painter, *m_image, all);
    }
    if (!m_overlay.isNull()) {
        const QRectF target(imageToWidget(QPointF(0, 0)), imageToWidget(QPointF(m_image->mip.width(), m_image->mip.height())));
        painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
        painter.drawImage(target, m_overlay);
        paintLegend(painter);
    }
    paintRegion(painter);
    painter.setPen(QColor(230, 230, 230));
    painter.drawText(QRectF(8, height() - 24, width() - 16, 20), Qt::AlignRight,
                     tr("%1%").arg(m_zoom * 100.0, 0, 'f', m_zoom < 0.1 ? 1 : 0));
}

void ImageViewer::paintLegend(QPainter& painter) const
{
    const int barW = 16, barH = std::min(200, height() / 2), x = width() - barW - 60, y = 40;
    for (int i = 0; i < barH; ++i) painter.fillRect(x, y + i, barW, 1, colormapColour(m_legendMap, 1.0 - double(i) / (barH - 1)));
    painter.setPen(Qt::white);
    painter.drawRect(x, y, barW, barH);
    painter.drawText(x + barW + 4, y + 10, QString::number(m_legendMax, 'g', 3));
    painter.drawText(x + barW + 4, y + barH, QString::number(m_legendMin, 'g', 3));
    painter.drawText(QRect(x - 80, y - 22, barW + 140, 18), Qt::AlignCenter, m_legendTitle);
}

void ImageViewer::wheelEvent(QWheelEvent* event)
{
    if (!hasImage()) return;
    const QPointF anchor = event->position();
    const QPointF before = widgetToImage(anchor);
    const double factor = std::pow(1.0015, event->angleDelta().y());
    m_fitMode = false;
    m_zoom = std::clamp(m_zoom * factor, 1e-3, 64.0);
    // Keep the image point under the cursor where it was.
    m_centre += before - widgetToImage(anchor);
    emitView();
    update();
}

QSizeF ImageViewer::imageSize() const
{
    return hasImage() ? QSizeF(m_image->mip.width(), m_image->mip.height()) : QSizeF();
}

void ImageViewer::setRegionTool(RegionTool tool)
{
    m_tool = tool;
    setCursor(tool == RegionTool::None ? Qt::CrossCursor : tool == RegionTool::Brush ? Qt::PointingHandCursor : Qt::CrossCursor);
}

void ImageViewer::setRegionFraction(const QRectF& fraction)
{
    m_regionFraction = fraction.normalized().intersected(QRectF(0, 0, 1, 1));
    m_brushMask = QImage();
    update();
    Q_EMIT regionChanged();
}

void ImageViewer::clearRegion()
{
    m_regionFraction = QRectF();
    m_brushMask = QImage();
    update();
    Q_EMIT regionChanged();
}

void ImageViewer::paintRegion(QPainter& painter) const
{
    const QSizeF size = imageSize();
    if (size.isEmpty()) return;
    if (!m_brushMask.isNull()) {
        // Painted pixels in translucent cyan over the image.
        QImage tint(m_brushMask.size(), QImage::Format_ARGB32_Premultiplied);
        tint.fill(Qt::transparent);
        for (int y = 0; y < m_brushMask.height(); ++y) {
            const uchar* in = m_brushMask.constScanLine(y);
            auto* out = reinterpret_cast<QRgb*>(tint.scanLine(y));
            for (int x = 0; x < m_brushMask.width(); ++x)
                if (in[x]) out[x] = qPremultiply(qRgba(0, 220, 255, 90));
        }
        painter.drawImage(QRectF(imageToWidget(QPointF(0, 0)), imageToWidget(QPointF(size.width(), size.height()))), tint);
    }
    if (m_regionFraction.isEmpty()) return;
    const QRectF r(imageToWidget(QPointF(m_regionFraction.left() * size.width(), m_regionFraction.top() * size.height())),
                   imageToWidget(QPointF(m_regionFraction.right() * size.width(), m_regionFraction.bottom() * size.height())));
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(QColor(0, 0, 0, 160), 3));
    painter.drawRect(r);
    painter.setPen(QPen(QColor(0, 220, 255), 1.5, Qt::DashLine));
    painter.drawRect(r);
}

void ImageViewer::paintBrush(QPointF widgetPos)
{
    const QSizeF size = imageSize();
    if (size.isEmpty()) return;
    if (m_brushMask.isNull() || m_brushMask.size() != size.toSize()) {
        m_brushMask = QImage(size.toSize(), QImage::Format_Grayscale8);
        m_brushMask.fill(0);
    }
    QPainter p(&m_brushMask);
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(255, 255, 255));
    p.drawEllipse(widgetToImage(widgetPos), m_brushRadiusPx, m_brushRadiusPx);
    update();
}

void ImageViewer::mousePressEvent(QMouseEvent* event)
{
    m_lastMouse = event->position();
    const bool rectangle = m_tool == RegionTool::Rectangle || (event->modifiers() & Qt::ShiftModifier);
    if (hasImage() && event->button() == Qt::LeftButton && m_tool == RegionTool::Brush) {
        m_brushing = true;
        m_regionFraction = QRectF();
        paintBrush(event->position());
        return;
    }
    if (hasImage() && event->button() == Qt::LeftButton && rectangle) {
        m_drawingRect = true;
        m_brushMask = QImage();
        m_rectStart = widgetToImage(event->position());
        m_regionFraction = QRectF();
        return;
    }
    if (m_compare && std::fabs(event->position().x() - m_split * width()) < 6) m_draggingSplit = true;
    else m_dragging = true;
}

void ImageViewer::mouseMoveEvent(QMouseEvent* event)
{
    if (m_brushing) {
        paintBrush(event->position());
    } else if (m_drawingRect) {
        const QSizeF size = imageSize();
        const QPointF end = widgetToImage(event->position());
        m_regionFraction = QRectF(QPointF(m_rectStart.x() / size.width(), m_rectStart.y() / size.height()),
                                  QPointF(end.x() / size.width(), end.y() / size.height()))
                               .normalized()
                               .intersected(QRectF(0, 0, 1, 1));
        update();
    } else if (m_draggingSplit) {
        setSplitPosition(event->position().x() / std::max(1, width()));
    } else if (m_dragging) {
        m_fitMode = false;
        m_centre -= (event->position() - m_lastMouse) / m_zoom;
        m_lastMouse = event->position();
        emitView();
        update();
    } else if (m_compare && std::fabs(event->position().x() - m_split * width()) < 6) {
        setCursor(Qt::SplitHCursor);
    } else {
        setCursor(Qt::CrossCursor);
    }
    updateReadout(event->position());
}

void ImageViewer::mouseReleaseEvent(QMouseEvent*)
{
    if (m_drawingRect || m_brushing) {
        m_drawingRect = m_brushing = false;
        Q_EMIT regionChanged();
    }
    m_dragging = false;
    m_draggingSplit = false;
}

void ImageViewer::mouseDoubleClickEvent(QMouseEvent*)
{
    if (m_fitMode) zoomOneToOne();
    else fitToWindow();
}

void ImageViewer::resizeEvent(QResizeEvent*)
{
    if (m_fitMode) fitToWindow();
}

void ImageViewer::emitView()
{
    Q_EMIT viewChanged(m_zoom, m_centre);
}

void ImageViewer::updateReadout(QPointF widgetPos)
{
    if (!hasImage()) return;
    const QPointF p = widgetToImage(widgetPos);
    const Image& src = m_image->source;
    if (src.empty() || p.x() < 0 || p.y() < 0) {
        Q_EMIT pixelInfo(QString());
        return;
    }
    // The source may be a proxy of the displayed geometry: map proportionally.
    const int x = int(p.x() * src.width() / m_image->mip.width()), y = int(p.y() * src.height() / m_image->mip.height());
    if (x >= src.width() || y >= src.height()) {
        Q_EMIT pixelInfo(QString());
        return;
    }
    const QImage& full = m_image->mip.level(0);
    const int dx = std::min(int(p.x()), full.width() - 1), dy = std::min(int(p.y()), full.height() - 1);
    const QRgb shown = full.pixel(dx, dy);
    QString values;
    for (int c = 0; c < src.channels(); ++c) values += (c ? ", " : "") + QString::number(src.at(x, y, c), 'g', 5);
    const QString kind = src.encoding() == ColourEncoding::Linear ? tr("linear") : QString::fromLatin1(toString(src.encoding()).data());
    Q_EMIT pixelInfo(tr("x %1  y %2   shown sRGB %3 %4 %5   value (%6) %7")
                         .arg(int(p.x()))
                         .arg(int(p.y()))
                         .arg(qRed(shown))
                         .arg(qGreen(shown))
                         .arg(qBlue(shown))
                         .arg(kind, values));
}

} // namespace fuselab::ui
