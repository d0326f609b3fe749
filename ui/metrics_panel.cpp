#include "metrics_panel.hpp"

#include "workspace.hpp"

#include "fuselab/base/error.hpp"

#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <memory>

namespace fuselab::ui {

MetricsPanel::MetricsPanel(Workspace& workspace, QWidget* parent) : QWidget(parent), m_ws(workspace)
{
    auto* layout = new QVBoxLayout(this);
    auto* buttons = new QHBoxLayout;
    auto* run = new QPushButton(tr("Compute metrics"), this);
    run->setObjectName(QStringLiteral("computeMetrics"));
    auto* copy = new QPushButton(tr("Copy as text"), this);
    buttons->addWidget(run);
    buttons->addWidget(copy);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    m_status = new QLabel(tr("Metrics of the current result against its stack."), this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_table = new QTableWidget(0, 2, this);
    m_table->setHorizontalHeaderLabels({tr("Metric"), tr("Value")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->verticalHeader()->setVisible(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layout->addWidget(m_table, 1);
    connect(run, &QPushButton::clicked, this, &MetricsPanel::compute);
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(asText()); });
}

QString MetricsPanel::asText() const
{
    QString text;
    for (int r = 0; r < m_table->rowCount(); ++r)
        text += m_table->item(r, 0)->text() + QLatin1Char('\t') + m_table->item(r, 1)->text() + QLatin1Char('\n');
    return text;
}

void MetricsPanel::compute()
{
    auto result = m_ws.currentResult();
    if (!result || result->display.empty()) {
        m_status->setText(tr("No result yet."));
        return;
    }
    // Metrics compare with the frames the result was made from: the proxy for a preview.
    const bool full = m_ws.fullIsCurrent();
    const ExposureStack stack = full ? m_ws.includedStack() : m_ws.includedProxy();
    struct Row {
        QString name;
        double value;
    };
    auto rows = std::make_shared<std::vector<Row>>();
    auto maps = std::make_shared<std::vector<std::pair<QString, Image>>>();
    const Image fused = result->display;
    std::vector<const Operator*> metrics;
    for (const Operator* op : m_ws.registry().inCategory(category::metric))
        if (op->inputKind() == InputKind::ImageAndStack) metrics.push_back(op);
    m_status->setText(tr("Computing %1 metrics on the %2 result…").arg(metrics.size()).arg(full ? tr("full-resolution") : tr("preview")));
    m_ws.jobs()->start(
        QStringLiteral("metrics"),
        [rows, maps, metrics, stack, fused](ProgressSink& progress) {
            for (std::size_t i = 0; i < metrics.size(); ++i) {
                progress.checkCancelled();
                progress.report(double(i) / double(metrics.size()), metrics[i]->info().name);
                OperatorInput in;
                in.stack = &stack;
                in.images.push_back(fused);
                try {
                    NullProgress quiet;
                    const OperatorOutput out = runOperator(*metrics[i], in, {}, quiet);
                    for (const auto& [k, v] : out.scalars) rows->push_back({QString::fromStdString(k), v});
                    if (!out.image.empty()) maps->push_back({QString::fromStdString(metrics[i]->info().id), out.image});
                } catch (const Error& e) {
                    rows->push_back({QString::fromStdString(metrics[i]->info().id) + QStringLiteral(" (failed: ") +
                                         QString::fromStdString(e.problem()) + QLatin1Char(')'),
                                     std::nan("")});
                }
            }
        },
        [this, rows, maps, full] {
            m_table->setRowCount(int(rows->size()));
            for (int r = 0; r < int(rows->size()); ++r) {
                m_table->setItem(r, 0, new QTableWidgetItem((*rows)[std::size_t(r)].name));
                m_table->setItem(r, 1, new QTableWidgetItem(QString::number((*rows)[std::size_t(r)].value, 'g', 6)));
            }
            m_status->setText(full ? tr("Metrics of the full-resolution result.") : tr("Metrics of the preview (proxy) result."));
            for (const auto& [name, map] : *maps) Q_EMIT qualityMap(name, map);
        },
        [this](const QString& message) { m_status->setText(tr("Metrics failed: %1").arg(message)); });
}

} // namespace fuselab::ui
