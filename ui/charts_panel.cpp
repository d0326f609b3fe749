#include "charts_panel.hpp"

#include "fuselab/base/colour.hpp"

#include <QCheckBox>
#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QTabWidget>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace fuselab::ui {

ChartsPanel::ChartsPanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    m_tabs = new QTabWidget(this);
    auto* histogramPage = new QWidget(this);
    auto* hl = new QVBoxLayout(histogramPage);
    m_logCounts = new QCheckBox(tr("Log counts"), histogramPage);
    hl->addWidget(m_logCounts);
    m_histogramView = new QChartView(new QChart, histogramPage);
    static_cast<QChartView*>(m_histogramView)->setRenderHint(QPainter::Antialiasing);
    hl->addWidget(m_histogramView, 1);
    m_tabs->addTab(histogramPage, tr("Histogram"));
    m_responseView = new QChartView(new QChart, this);
    static_cast<QChartView*>(m_responseView)->setRenderHint(QPainter::Antialiasing);
    m_tabs->addTab(m_responseView, tr("Camera response"));
    layout->addWidget(m_tabs);
    connect(m_logCounts, &QCheckBox::toggled, this, &ChartsPanel::redrawHistogram);
}

void ChartsPanel::setHistogramSource(const Image& image)
{
    m_bins.assign(4, std::vector<double>(256, 0.0));
    if (image.empty()) {
        redrawHistogram();
        return;
    }
    const int ch = image.channels();
    const int step = std::max(1, int(std::sqrt(double(image.pixelCount()) / 400000.0)));
    const bool linear = image.encoding() == ColourEncoding::Linear;
    for (int y = 0; y < image.height(); y += step) {
        const float* row = image.row(y);
        for (int x = 0; x < image.width(); x += step) {
            float rgb[3];
            for (int c = 0; c < 3; ++c) {
                float v = row[std::size_t(x) * ch + std::size_t(std::min(c, ch - 1))];
                if (linear) v = linearToSrgb(std::clamp(v, 0.0f, 1.0f)); // binned as displayed
                rgb[c] = std::clamp(v, 0.0f, 1.0f);
                m_bins[std::size_t(c) + 1][std::size_t(rgb[c] * 255.0f + 0.5f)] += 1.0;
            }
            const float lum = linearToSrgb(linearLuminance(srgbToLinear(rgb[0]), srgbToLinear(rgb[1]), srgbToLinear(rgb[2])));
            m_bins[0][std::size_t(std::clamp(lum, 0.0f, 1.0f) * 255.0f + 0.5f)] += 1.0;
        }
    }
    redrawHistogram();
}

int ChartsPanel::histogramSeriesCount() const
{
    return int(static_cast<QChartView*>(m_histogramView)->chart()->series().size());
}

void ChartsPanel::redrawHistogram()
{
    QChart* chart = new QChart;
    chart->legend()->setAlignment(Qt::AlignRight);
    const bool log = m_logCounts->isChecked();
    const char* names[4] = {"Luminance", "Red", "Green", "Blue"};
    const QColor colours[4] = {QColor(60, 60, 60), QColor(220, 60, 60), QColor(40, 170, 60), QColor(60, 90, 230)};
    auto* x = new QValueAxis;
    x->setRange(0, 255);
    x->setTitleText(tr("display value"));
    QAbstractAxis* y = nullptr;
    double maxCount = 1.0;
    for (const auto& b : m_bins) maxCount = std::max(maxCount, *std::max_element(b.begin(), b.end()));
    if (log) {
        auto* ly = new QLogValueAxis;
        ly->setBase(10);
        ly->setRange(1, maxCount * 1.2);
        y = ly;
    } else {
        auto* vy = new QValueAxis;
        vy->setRange(0, maxCount * 1.05);
        y = vy;
    }
    y->setTitleText(log ? tr("count (log)") : tr("count"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (std::size_t c = 0; c < m_bins.size(); ++c) {
        auto* s = new QLineSeries;
        s->setName(tr(names[c]));
        QPen pen(colours[c]);
        pen.setWidthF(c == 0 ? 2.0 : 1.2);
        s->setPen(pen);
        QList<QPointF> points;
        for (int i = 0; i < 256; ++i) points.append(QPointF(i, log ? std::max(1.0, m_bins[c][std::size_t(i)]) : m_bins[c][std::size_t(i)]));
        s->replace(points);
        chart->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
    }
    auto* view = static_cast<QChartView*>(m_histogramView);
    QChart* old = view->chart();
    view->setChart(chart);
    delete old;
}

void ChartsPanel::setResponseCurves(const Image& curves)
{
    QChart* chart = new QChart;
    chart->setTitle(curves.empty() ? tr("No recovered response (choose an HDR merge that recovers one)") : tr("Recovered camera response"));
    if (!curves.empty()) {
        auto* x = new QValueAxis;
        x->setTitleText(tr("pixel code"));
        x->setRange(0, curves.width() - 1);
        auto* y = new QValueAxis;
        y->setTitleText(tr("ln exposure"));
        double lo = 1e30, hi = -1e30;
        for (int i = 0; i < curves.width(); ++i)
            for (int c = 0; c < curves.channels(); ++c) {
                const double v = curves.at(i, 0, c);
                if (std::isfinite(v)) {
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                }
            }
        y->setRange(lo, hi > lo ? hi : lo + 1);
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        const QColor colours[3] = {QColor(220, 60, 60), QColor(40, 170, 60), QColor(60, 90, 230)};
        for (int c = 0; c < curves.channels(); ++c) {
            auto* s = new QLineSeries;
            s->setName(curves.channels() == 1 ? tr("response") : QStringList{tr("red"), tr("green"), tr("blue")}[c]);
            s->setPen(QPen(colours[c % 3], 1.5));
            for (int i = 0; i < curves.width(); ++i) s->append(i, curves.at(i, 0, c));
            chart->addSeries(s);
            s->attachAxis(x);
            s->attachAxis(y);
        }
    }
    auto* view = static_cast<QChartView*>(m_responseView);
    QChart* old = view->chart();
    view->setChart(chart);
    delete old;
}

} // namespace fuselab::ui
