#include "attribution_chart.hpp"

#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QSaveFile>
#include <QTextStream>
#include <QVBoxLayout>
#include <QValueAxis>

#include <cmath>
#include <limits>

namespace fuselab::ui {

namespace {

QString legendName(const QString& curve)
{
    if (curve == QLatin1String("sic")) return QObject::tr("SIC");
    if (curve == QLatin1String("aic")) return QObject::tr("AIC");
    if (curve == QLatin1String("deletion")) return QObject::tr("deletion");
    if (curve == QLatin1String("insertion")) return QObject::tr("insertion");
    return curve;
}

} // namespace

AttributionChart::AttributionChart(QWidget* parent) : QWidget(parent)
{
    m_chart = new QChart;
    m_chart->setTitle(tr("Evaluation curves"));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    auto* x = new QValueAxis;
    x->setRange(0.0, 1.0);
    x->setTitleText(tr("fraction of pixels · information (PIC)"));
    auto* y = new QValueAxis;
    y->setRange(0.0, 1.0);
    // The explained target normalised from the curve's start (0) to the full inputs (1), or SSIM.
    y->setTitleText(tr("score"));
    m_yAxis = y;
    m_chart->addAxis(x, Qt::AlignBottom);
    m_chart->addAxis(y, Qt::AlignLeft);
    m_view = new QChartView(m_chart, this);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumSize(280, 200);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
}

QLineSeries* AttributionChart::series(const QString& curve)
{
    if (QLineSeries* s = m_series.value(curve)) return s;
    auto* s = new QLineSeries;
    s->setName(legendName(curve));
    m_chart->addSeries(s);
    for (QAbstractAxis* axis : m_chart->axes()) s->attachAxis(axis);
    m_series.insert(curve, s);
    return s;
}

void AttributionChart::clear()
{
    m_chart->removeAllSeries();
    m_series.clear();
    m_yAxis->setRange(0.0, 1.0);
    m_auc.clear();
}

void AttributionChart::fitScore(double y)
{
    // A target score is not clipped: partial inputs may overshoot the full inputs' value.
    if (!std::isfinite(y)) return;
    if (y < m_yAxis->min()) m_yAxis->setMin(std::floor(y * 10.0) / 10.0);
    if (y > m_yAxis->max()) m_yAxis->setMax(std::ceil(y * 10.0) / 10.0);
}

void AttributionChart::addPoint(const QString& curve, double x, double y)
{
    series(curve)->append(x, y);
    fitScore(y);
}

void AttributionChart::setCurve(const QString& curve, const std::vector<double>& x, const std::vector<double>& y, double auc)
{
    QLineSeries* s = series(curve);
    QList<QPointF> points;
    points.reserve(int(std::min(x.size(), y.size())));
    for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
        points.append(QPointF(x[i], y[i]));
        fitScore(y[i]);
    }
    s->replace(points);
    s->setName(tr("%1 %2").arg(legendName(curve)).arg(auc, 0, 'f', 3)); // the AUC: short enough for the legend
    m_auc[curve] = auc;
}

QStringList AttributionChart::curves() const
{
    QStringList names;
    for (auto it = m_series.begin(); it != m_series.end(); ++it)
        if (it.value()->count() > 0) names << it.key();
    return names;
}

int AttributionChart::pointCount(const QString& curve) const
{
    const QLineSeries* s = m_series.value(curve);
    return s ? s->count() : 0;
}

double AttributionChart::auc(const QString& curve) const
{
    return m_auc.value(curve, std::numeric_limits<double>::quiet_NaN());
}

bool AttributionChart::saveCsv(const QString& path, QString* error) const
{
    QSaveFile file(path); // temporary + rename: an existing file survives a failed write
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        if (error) *error = file.errorString();
        return false;
    }
    QTextStream out(&file);
    for (auto it = m_auc.begin(); it != m_auc.end(); ++it) out << "# auc " << it.key() << ' ' << QString::number(it.value(), 'g', 8) << '\n';
    out << "curve,x,y\n";
    for (auto it = m_series.begin(); it != m_series.end(); ++it)
        for (const QPointF& p : it.value()->points())
            out << it.key() << ',' << QString::number(p.x(), 'g', 8) << ',' << QString::number(p.y(), 'g', 8) << '\n';
    out.flush();
    if (!file.commit()) {
        if (error) *error = file.errorString();
        return false;
    }
    return true;
}

bool AttributionChart::savePng(const QString& path, QString* error) const
{
    const QPixmap shot = m_view->grab();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !shot.save(&file, "PNG") || !file.commit()) {
        if (error) *error = file.errorString();
        return false;
    }
    return true;
}

} // namespace fuselab::ui
