// The training chart: one curve per loss term and the total, each smoothed (EMA with bias
// correction, or a moving average) over its faint raw curve; log-y, hover read-out,
// rubber-band zoom (double-click resets), an overlaid previous run, and CSV export. Redrawn
// from LossSeries at most ten times a second with one replace() per series.
#pragma once

#include "loss_series.hpp"

#include <QWidget>

class QCheckBox;
class QChartView;
class QComboBox;
class QLabel;
class QListWidget;
class QSlider;
class QTimer;

namespace fuselab::ui {

class LossChart final : public QWidget {
    Q_OBJECT
public:
    explicit LossChart(QWidget* parent = nullptr);

    void append(const QString& term, double step, double value); ///< cheap; drawn on the next tick
    void clear();
    void setLogY(bool logY);
    void setOverlay(const LossSeries& previousRun, const QString& label);
    const LossSeries& series() const { return m_series; }
    QString csv() const;
    int drawnSeriesCount() const;
    void redrawNow();

private:
    void redraw();

    LossSeries m_series;
    LossSeries m_overlay;
    QString m_overlayLabel;
    QChartView* m_view = nullptr;
    QListWidget* m_terms = nullptr;
    QCheckBox* m_logY = nullptr;
    QComboBox* m_smoothing = nullptr;
    QSlider* m_amount = nullptr;
    QLabel* m_readout = nullptr;
    QTimer* m_tick = nullptr;
    bool m_dirty = false;
};

} // namespace fuselab::ui
