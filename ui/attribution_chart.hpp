// Evaluation curves of an attribution in Qt Charts: deletion and insertion (x: fraction of the
// (input, pixel) pairs removed/restored) and PIC's SIC and AIC (x: normalised information),
// all with y in [0,1]. Points stream in while the curves are computed; the final curves
// replace them, with the AUC in each legend entry. CSV and PNG export.
#pragma once

#include <QMap>
#include <QString>
#include <QWidget>

#include <vector>

class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;

namespace fuselab::ui {

class AttributionChart final : public QWidget {
    Q_OBJECT
public:
    explicit AttributionChart(QWidget* parent = nullptr);

    void clear();
    /// A point as it is computed; curve is "deletion", "insertion", "sic" or "aic".
    void addPoint(const QString& curve, double x, double y);
    /// The finished curve (replaces the streamed points); auc shown in the legend.
    void setCurve(const QString& curve, const std::vector<double>& x, const std::vector<double>& y, double auc);
    QStringList curves() const;             ///< curves with at least one point
    int pointCount(const QString& curve) const;
    double auc(const QString& curve) const; ///< NaN until setCurve
    /// "curve,x,y" rows (plus "# auc" comment lines); atomic write. Returns false with `error`.
    bool saveCsv(const QString& path, QString* error) const;
    bool savePng(const QString& path, QString* error) const;

private:
    QLineSeries* series(const QString& curve);
    void fitScore(double y); ///< widens the score axis beyond [0,1] to show y

    QChart* m_chart = nullptr;
    QValueAxis* m_yAxis = nullptr;
    QChartView* m_view = nullptr;
    QMap<QString, QLineSeries*> m_series;
    QMap<QString, double> m_auc;
};

} // namespace fuselab::ui
