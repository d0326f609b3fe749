// The image viewer: fit, 1:1 and wheel zoom about the cursor, drag to pan, pixel read-out,
// before/after (split slider or toggle), a heatmap overlay with legend, and synchronised
// zoom/pan with another viewer, and a region tool (rectangle or brush) that marks a region
// of the image for attribution targets (Shift+drag draws a rectangle at any time). Painting reads the mip level closest to the screen scale.
#pragma once

#include "display_image.hpp"
#include "heatmap.hpp"

#include <QPointF>
#include <QWidget>

#include <memory>

namespace fuselab::ui {

class ImageViewer final : public QWidget {
    Q_OBJECT
public:
    explicit ImageViewer(QWidget* parent = nullptr);

    void setImage(std::shared_ptr<const DisplayImage> image);
    /// The "before" image for the split view; null hides the split.
    void setCompareImage(std::shared_ptr<const DisplayImage> before);
    void setOverlay(const QImage& overlay, const QString& legendTitle, double minValue, double maxValue, Colormap map);
    void clearOverlay();
    void setMessage(const QString& message); ///< shown in the middle when there is no image

    double zoom() const { return m_zoom; }
    QPointF centre() const { return m_centre; }
    bool hasImage() const { return m_image && !m_image->mip.isNull(); }
    bool splitEnabled() const { return m_compare != nullptr; }

    /// What a left drag does: pan (default), draw a rectangle, or paint a brush mask.
    enum class RegionTool { None, Rectangle, Brush };
    void setRegionTool(RegionTool tool);
    RegionTool regionTool() const { return m_tool; }
    void setBrushRadius(double radiusPx) { m_brushRadiusPx = radiusPx; } ///< in image pixels
    /// The marked region as fractions of the image (x, y, w, h in [0,1]); empty when none.
    QRectF regionFraction() const { return m_regionFraction; }
    /// The brush mask (Format_Grayscale8, the shown image's size; 255 = painted); null when none.
    const QImage& brushMask() const { return m_brushMask; }
    void setRegionFraction(const QRectF& fraction); ///< as if drawn (emits regionChanged)
    void clearRegion();
    double splitPosition() const { return m_split; }

public Q_SLOTS:
    void fitToWindow();
    void zoomOneToOne();
    void zoomBy(double factor);
    void setSplitPosition(double fraction01);
    void setShowBefore(bool before); ///< toggle: the whole view shows the "before" image
    /// Sets zoom and centre (image pixels) without emitting viewChanged (for synchronisation).
    void setView(double zoom, QPointF centre);

Q_SIGNALS:
    void viewChanged(double zoom, QPointF centre);
    /// Read-out for the pixel under the cursor (empty when outside the image).
    void pixelInfo(const QString& text);
    /// A rectangle or a brush stroke was completed (read regionFraction() / brushMask()).
    void regionChanged();

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    QPointF imageToWidget(QPointF p) const;
    QPointF widgetToImage(QPointF p) const;
    void paintImage(QPainter& painter, const DisplayImage& image, const QRectF& clip) const;
    void paintLegend(QPainter& painter) const;
    void emitView();
    void updateReadout(QPointF widgetPos);
    void paintRegion(QPainter& painter) const;
    void paintBrush(QPointF widgetPos);
    QSizeF imageSize() const;

    std::shared_ptr<const DisplayImage> m_image;
    std::shared_ptr<const DisplayImage> m_compare;
    QImage m_overlay;
    QString m_legendTitle;
    double m_legendMin = 0.0, m_legendMax = 1.0;
    Colormap m_legendMap = Colormap::Inferno;
    QString m_message;
    double m_zoom = 1.0;          ///< display pixels per image pixel
    QPointF m_centre;             ///< image coordinates at the widget centre
    bool m_fitMode = true;        ///< keep fitting on resize until the user zooms
    double m_split = 0.5;         ///< before/after divider, fraction of the widget width
    bool m_showBefore = false;
    bool m_dragging = false;
    bool m_draggingSplit = false;
    QPointF m_lastMouse;
    RegionTool m_tool = RegionTool::None;
    bool m_drawingRect = false;
    bool m_brushing = false;
    QPointF m_rectStart;            ///< image pixels
    QRectF m_regionFraction;
    QImage m_brushMask;
    double m_brushRadiusPx = 12.0;
};

} // namespace fuselab::ui
