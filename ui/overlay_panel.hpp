// Controls of the heatmap overlay: which map (weight maps, motion mask, quality maps, …),
// colormap, opacity, range (automatic with percentile clipping, or fixed), signed/absolute.
#pragma once

#include "heatmap.hpp"

#include <QWidget>

#include <map>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QSlider;

namespace fuselab::ui {

class OverlayPanel final : public QWidget {
    Q_OBJECT
public:
    explicit OverlayPanel(QWidget* parent = nullptr);

    /// Replaces the offered maps (keeps the selection when a map of that name remains).
    void setMaps(const std::map<QString, Image>& maps);
    void addMap(const QString& name, const Image& map);
    void selectMap(const QString& name);
    /// Signed maps (event frames) read best with a diverging, symmetric range.
    void setSigned(bool on);
    QString selectedName() const;
    const Image* selectedMap() const;
    HeatmapStyle style() const;

Q_SIGNALS:
    void overlayChanged();

private:
    std::map<QString, Image> m_maps;
    QComboBox* m_map = nullptr;
    QComboBox* m_colormap = nullptr;
    QSlider* m_opacity = nullptr;
    QDoubleSpinBox* m_clip = nullptr;
    QCheckBox* m_auto = nullptr;
    QDoubleSpinBox* m_min = nullptr;
    QDoubleSpinBox* m_max = nullptr;
    QCheckBox* m_signed = nullptr;
    QCheckBox* m_absolute = nullptr;
};

} // namespace fuselab::ui
