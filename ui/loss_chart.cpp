#include "loss_chart.hpp"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QListWidget>
#include <QLogValueAxis>
#include <QMouseEvent>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

#include <cmath>

namespace fuselab::ui {
namespace {

// Double-click resets the rubber-band zoom.
class ZoomableChartView final : public QChartView {
public:
    using QChartView::QChartView;

protected:
    void mouseDoubleClickEvent(QMouseEvent* event) override
    {
        chart()->zoomReset();
        QChartView::mouseDoubleClickEvent(event);
    }
};

QColor termColour(int index)
{
    static const QColor colours[] = {QColor(20, 20, 20), QColor(214, 39, 40), QColor(31, 119, 180), QColor(44, 160, 44),
                                     QColor(255, 127, 14), QColor(148, 103, 189), QColor(140, 86, 75), QColor(227, 119, 194),
                                     QColor(127, 127, 127), QColor(188, 189, 34)};
    return colours[index % 10];
}

} // namespace

LossChart::LossChart(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QHBoxLayout(this);
    auto* side = new QVBoxLayout;
    m_terms = new QListWidget(this);
    m_terms->setMaximumWidth(170);
    m_terms->setToolTip(tr("Terms to draw"));
    side->addWidget(m_terms, 1);
    m_logY = new QCheckBox(tr("Log y"), this);
    side->addWidget(m_logY);
    m_smoothing = new QComboBox(this);
    m_smoothing->addItem(tr("EMA (bias-corrected)"));
    m_smoothing->addItem(tr("Moving average"));
    m_smoothing->addItem(tr("Raw only"));
    side->addWidget(m_smoothing);
    m_amount = new QSlider(Qt::Horizontal, this);
    m_amount->setRange(0, 99);
    m_amount->setValue(80);
    m_amount->setToolTip(tr("Smoothing: EMA factor 0–0.99, or moving-average window 1–100 steps"));
    side->addWidget(m_amount);
    m_readout = new QLabel(this);
    m_readout->setWordWrap(true);
    side->addWidget(m_readout);
    layout->addLayout(side);
    m_view = new ZoomableChartView(new QChart, this);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setRubberBand(QChartView::RectangleRubberBand);
    layout->addWidget(m_view, 1);

    m_tick = new QTimer(this);
    m_tick->setInterval(100); // the display rate, whatever the step rate
    connect(m_tick, &QTimer::timeout, this, [this] {
        if (m_dirty) redraw();
    });
    m_tick->start();
    auto redrawSoon = [this] { m_dirty = true; };
    connect(m_logY, &QCheckBox::toggled, this, redrawSoon);
    connect(m_smoothing, &QComboBox::currentIndexChanged, this, redrawSoon);
    connect(m_amount, &QSlider::valueChanged, this, redrawSoon);
    connect(m_terms, &QListWidget::itemChanged, this, redrawSoon);
}

void LossChart::append(const QString& term, double step, double value)
{
    if (m_terms->findItems(term, Qt::MatchExactly).isEmpty()) {
        auto* item = new QListWidgetItem(term, m_terms);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        // The total and the weighted terms first; raw measurements start hidden.
        const bool shown = !term.endsWith(QLatin1String("_value")) && term != QLatin1String("mef_ssim");
        item->setCheckState(shown ? Qt::Checked : Qt::Unchecked);
    }
    m_series.append(term, step, value);
    m_dirty = true;
}

void LossChart::setLogY(bool logY)
{
    m_logY->setChecked(logY);
}

void LossChart::clear()
{
    m_series.clear();
    m_terms->clear();
    m_dirty = true;
}

void LossChart::setOverlay(const LossSeries& previousRun, const QString& label)
{
    m_overlay = previousRun;
    m_overlayLabel = label;
    m_dirty = true;
}

QString LossChart::csv() const
{
    return m_series.toCsv(m_amount->value() / 100.0, std::max(1, m_amount->value()));
}

int LossChart::drawnSeriesCount() const
{
    return int(m_view->chart()->series().size());
}

void LossChart::redrawNow()
{
    redraw();
}

void LossChart::redraw()
{
    m_dirty = false;
    auto* chart = new QChart;
    chart->legend()->setAlignment(Qt::AlignBottom);
    const bool log = m_logY->isChecked();
    auto* x = new QValueAxis;
    x->setTitleText(tr("step"));
    x->setLabelFormat(QStringLiteral("%d"));
    QAbstractAxis* y = nullptr;
    if (log) {
        auto* ly = new QLogValueAxis;
        ly->setBase(10);
        ly->setLabelFormat(QStringLiteral("%.3g"));
        y = ly;
    } else {
        y = new QValueAxis;
    }
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    double xMax = 1.0, yMin = 1e300, yMax = -1e300;
    auto addCurve = [&](const std::vector<SeriesPoint>& points, const QString& name, QColor colour, qreal width, bool dashed) {
        auto* s = new QLineSeries;
        s->setName(name);
        QPen pen(colour, width);
        if (dashed) pen.setStyle(Qt::DashLine);
        s->setPen(pen);
        QList<QPointF> list;
        list.reserve(qsizetype(points.size()));
        for (const SeriesPoint& p : points) {
            if (!std::isfinite(p.value) || (log && p.value <= 0.0)) continue; // log axes take positive values only
            list.append(QPointF(p.step, p.value));
            xMax = std::max(xMax, p.step);
            yMin = std::min(yMin, p.value);
            yMax = std::max(yMax, p.value);
        }
        s->replace(list);
        chart->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
        connect(s, &QLineSeries::hovered, this, [this, name](const QPointF& p, bool state) {
            if (state) m_readout->setText(tr("%1\nstep %2\n%3").arg(name).arg(p.x(), 0, 'f', 0).arg(p.y(), 0, 'g', 5));
        });
        if (name.isEmpty()) chart->legend()->markers(s).value(0)->setVisible(false);
    };
    const int mode = m_smoothing->currentIndex();
    const int amount = m_amount->value();
    for (int i = 0; i < m_terms->count(); ++i) {
        QListWidgetItem* item = m_terms->item(i);
        if (item->checkState() != Qt::Checked) continue;
        const QString term = item->text();
        const QColor colour = termColour(i);
        const auto& raw = m_series.raw(term);
        QColor faint = colour;
        faint.setAlpha(mode == 2 ? 255 : 60);
        addCurve(raw, mode == 2 ? term : QString(), faint, 1.0, false);
        if (mode == 0) addCurve(emaBiasCorrected(raw, amount / 100.0), term, colour, 2.0, false);
        if (mode == 1) addCurve(simpleMovingAverage(raw, std::max(1, amount)), term, colour, 2.0, false);
        if (!m_overlay.raw(term).empty())
            addCurve(mode == 1 ? simpleMovingAverage(m_overlay.raw(term), std::max(1, amount)) : emaBiasCorrected(m_overlay.raw(term), amount / 100.0),
                     term + QStringLiteral(" (") + m_overlayLabel + QLatin1Char(')'), colour.lighter(150), 1.5, true);
    }
    x->setRange(0, xMax);
    if (yMax >= yMin) {
        if (log) static_cast<QLogValueAxis*>(y)->setRange(yMin * 0.9, yMax * 1.1);
        else static_cast<QValueAxis*>(y)->setRange(yMin - 0.05 * (yMax - yMin + 1e-12), yMax + 0.05 * (yMax - yMin + 1e-12));
    }
    QChart* old = m_view->chart();
    m_view->setChart(chart);
    delete old;
}

} // namespace fuselab::ui
