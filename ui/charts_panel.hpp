// The charts dock: luminance and RGB histograms of what the viewer shows (linear or log
// counts), and the camera response curves a merge recovered.
#pragma once

#include "fuselab/base/image.hpp"

#include <QWidget>

class QCheckBox;
class QTabWidget;

namespace fuselab::ui {

class ChartsPanel final : public QWidget {
    Q_OBJECT
public:
    explicit ChartsPanel(QWidget* parent = nullptr);

    /// Histogram of a display-referred image (values in [0,1], sampled on a grid).
    void setHistogramSource(const Image& displayImage);
    /// Response curves: a (levels × 1, 1 or 3 channels) image of ln exposure per code; empty hides them.
    void setResponseCurves(const Image& lnExposurePerCode);
    int histogramSeriesCount() const;

private:
    void redrawHistogram();

    QTabWidget* m_tabs = nullptr;
    QWidget* m_histogramView = nullptr;
    QWidget* m_responseView = nullptr;
    QCheckBox* m_logCounts = nullptr;
    std::vector<std::vector<double>> m_bins; ///< luminance, R, G, B — 256 bins each
};

} // namespace fuselab::ui
