#include "evaluation_dialog.hpp"

#include "job_runner.hpp"

#include "fuselab/csv_table.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace fuselab::ui {

namespace {
const QString kChannel = QStringLiteral("bench");
}

EvaluationDialog::EvaluationDialog(const OperatorRegistry& registry, JobRunner& jobs, QWidget* parent)
    : QDialog(parent), m_registry(registry), m_jobs(jobs)
{
    setWindowTitle(tr("Evaluate fusion methods on a folder of scenes"));
    setObjectName(QStringLiteral("evaluationDialog"));
    resize(1100, 760);
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    auto pathRow = [this](QLineEdit*& edit, const QString& title) {
        auto* row = new QHBoxLayout;
        edit = new QLineEdit(this);
        auto* browse = new QPushButton(tr("Browse…"), this);
        row->addWidget(edit, 1);
        row->addWidget(browse);
        connect(browse, &QPushButton::clicked, this, [this, edit, title] {
            const QString dir = QFileDialog::getExistingDirectory(this, title, edit->text());
            if (!dir.isEmpty()) edit == m_folder ? setFolder(dir) : setOutputFolder(dir);
        });
        return row;
    };
    form->addRow(tr("Scenes (one sub-folder per stack):"), pathRow(m_folder, tr("Folder of scenes")));
    form->addRow(tr("Results and fused images in:"), pathRow(m_output, tr("Output folder")));
    m_methods = new QListWidget(this);
    m_methods->setMaximumHeight(110);
    for (const Operator* op : m_registry.inCategory(category::fusion)) {
        if (op->inputKind() != InputKind::Stack) continue;
        auto* item = new QListWidgetItem(QString::fromStdString(op->info().id + " — " + op->info().name), m_methods);
        item->setData(Qt::UserRole, QString::fromStdString(op->info().id));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(m_methods->count() == 1 ? Qt::Checked : Qt::Unchecked); // the category's first (its default) on
    }
    form->addRow(tr("Methods (the first checked is the baseline):"), m_methods);
    auto* options = new QHBoxLayout;
    m_pairs = new QCheckBox(tr("Also each stack's extreme pair"), this);
    m_flavour = new QComboBox(this);
    m_flavour->addItem(tr("FuseLab metrics"), QStringLiteral("fuselab"));
    m_flavour->addItem(tr("MEFB toolkit's metrics"), QStringLiteral("mefb"));
    m_flavour->setToolTip(tr("MEFB: as the MEFB toolkit's MATLAB computes them, to compare with its published tables"));
    options->addWidget(m_pairs);
    options->addWidget(m_flavour);
    options->addStretch(1);
    form->addRow(tr("Options:"), options);
    layout->addLayout(form);

    auto* controls = new QHBoxLayout;
    m_runButton = new QPushButton(tr("Run"), this);
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_export = new QPushButton(tr("Export CSV…"), this);
    m_cancelButton->setEnabled(false);
    m_export->setEnabled(false);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    controls->addWidget(m_runButton);
    controls->addWidget(m_cancelButton);
    controls->addWidget(m_progress, 1);
    controls->addWidget(m_export);
    layout->addLayout(controls);
    m_status = new QLabel(tr("Choose a folder of scenes and the methods, then Run."), this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    auto* split = new QSplitter(Qt::Vertical, this);
    m_table = new QTableWidget(0, 7, split);
    m_table->setObjectName(QStringLiteral("benchSummary"));
    m_table->setHorizontalHeaderLabels({tr("Metric"), tr("Variant"), tr("Method"), tr("Mean"), tr("Median"), tr("Wins vs baseline"), tr("Rank")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->setVisible(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto* chartBox = new QWidget(split);
    auto* chartLayout = new QVBoxLayout(chartBox);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    m_metric = new QComboBox(chartBox);
    for (const std::string& key : benchMetricKeys()) m_metric->addItem(QString::fromStdString(key));
    chartLayout->addWidget(m_metric);
    auto* view = new QChartView(new QChart, chartBox);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(260);
    m_chartView = view;
    chartLayout->addWidget(view, 1);
    split->addWidget(m_table);
    split->addWidget(chartBox);
    layout->addWidget(split, 1);

    connect(m_runButton, &QPushButton::clicked, this, &EvaluationDialog::start);
    connect(m_cancelButton, &QPushButton::clicked, this, &EvaluationDialog::cancel);
    connect(m_metric, &QComboBox::currentIndexChanged, this, [this] { redrawChart(); });
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export the results"), m_output->text() + QStringLiteral("/results.csv"),
                                                          tr("CSV (*.csv)"));
        if (!path.isEmpty()) exportCsv(path);
    });
    connect(&m_jobs, &JobRunner::progress, this, [this](const QString& channel, double f, const QString& stage) {
        if (channel != kChannel) return;
        m_progress->setValue(int(f * 1000));
        m_status->setText(stage);
    });
}

void EvaluationDialog::setFolder(const QString& scenesFolder)
{
    m_folder->setText(scenesFolder);
    if (m_output->text().isEmpty()) m_output->setText(scenesFolder + QStringLiteral("-bench"));
}

void EvaluationDialog::setOutputFolder(const QString& outputFolder)
{
    m_output->setText(outputFolder);
}

void EvaluationDialog::setMethodChecked(const QString& method, bool checked)
{
    for (int i = 0; i < m_methods->count(); ++i)
        if (m_methods->item(i)->data(Qt::UserRole).toString() == method) m_methods->item(i)->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
}

void EvaluationDialog::putFirst(const QString& method)
{
    for (int i = 0; i < m_methods->count(); ++i)
        if (m_methods->item(i)->data(Qt::UserRole).toString() == method) {
            QListWidgetItem* item = m_methods->takeItem(i);
            m_methods->insertItem(0, item);
            item->setCheckState(Qt::Checked);
            for (int j = 1; j < m_methods->count(); ++j) m_methods->item(j)->setCheckState(Qt::Unchecked);
            return;
        }
}

void EvaluationDialog::setChartMetric(const QString& metric)
{
    m_metric->setCurrentText(metric);
}

bool EvaluationDialog::isRunning() const
{
    return m_jobs.isRunning(kChannel);
}

int EvaluationDialog::chartSeriesCount() const
{
    const auto* view = static_cast<const QChartView*>(m_chartView);
    int sets = 0;
    for (QAbstractSeries* s : view->chart()->series())
        if (auto* bars = qobject_cast<QBarSeries*>(s)) sets += bars->count();
    return sets;
}

void EvaluationDialog::start()
{
    BenchOptions options;
    for (int i = 0; i < m_methods->count(); ++i) {
        const QListWidgetItem* item = m_methods->item(i);
        if (item->checkState() != Qt::Checked) continue;
        BenchMethod m;
        m.name = item->data(Qt::UserRole).toString().toStdString();
        const Operator* op = m_registry.find(m.name);
        if (!op) continue;
        m.op = std::shared_ptr<const Operator>(std::shared_ptr<const Operator>(), op); // owned by the registry
        options.methods.push_back(std::move(m));
    }
    if (options.methods.empty() || m_folder->text().isEmpty() || m_output->text().isEmpty()) {
        m_status->setText(tr("Choose a folder of scenes, an output folder and at least one method."));
        return;
    }
    options.extremePairs = m_pairs->isChecked();
    options.flavour = metricFlavourFromString(m_flavour->currentData().toString().toStdString());
    options.outputDir = m_output->text().toStdString();
    m_methodOrder.clear();
    for (const BenchMethod& m : options.methods) m_methodOrder.push_back(m.name);
    const std::string folder = m_folder->text().toStdString();
    auto result = std::make_shared<BenchRun>();
    m_run = BenchRun{};
    m_run.cancelled = false;
    m_runButton->setEnabled(false);
    m_cancelButton->setEnabled(true);
    m_export->setEnabled(false);
    m_table->setRowCount(0);
    m_jobs.start(
        kChannel,
        [this, folder, options, result](ProgressSink& progress) {
            *result = runBench(folder, options, progress, [this](const BenchRun& soFar) {
                // Each finished scene updates the table and the chart as the run goes.
                QMetaObject::invokeMethod(this, [this, soFar] { showRun(soFar); }, Qt::QueuedConnection);
            });
        },
        [this, result] {
            showRun(*result);
            m_runButton->setEnabled(true);
            m_cancelButton->setEnabled(false);
            m_export->setEnabled(true);
            m_progress->setValue(1000);
            m_status->setText(tr("%1 scene(s), %2 value(s), %3 failed%4 — results.csv and table.md in %5")
                                  .arg(result->scenes)
                                  .arg(result->rows.size())
                                  .arg(result->failures.size())
                                  .arg(result->cancelled ? tr(" (cancelled: partial)") : QString())
                                  .arg(m_output->text()));
            Q_EMIT finished(!result->cancelled);
        },
        [this](const QString& message) {
            m_runButton->setEnabled(true);
            m_cancelButton->setEnabled(false);
            m_status->setText(message);
            Q_EMIT finished(false);
        });
}

void EvaluationDialog::cancel()
{
    m_jobs.cancel(kChannel);
    m_runButton->setEnabled(true);
    m_cancelButton->setEnabled(false);
    m_export->setEnabled(!m_run.rows.empty());
    m_status->setText(tr("Cancelled: the tables in the output folder hold the scenes finished so far."));
    Q_EMIT finished(false);
}

bool EvaluationDialog::exportCsv(const QString& path)
{
    try {
        writeFileAtomically(path.toStdString(), formatCsv(benchCsv(m_run.rows)));
        m_status->setText(tr("Exported %1").arg(path));
        return true;
    } catch (const Error& e) {
        m_status->setText(QString::fromStdString(e.what()));
        return false;
    }
}

void EvaluationDialog::showRun(const BenchRun& run)
{
    m_run = run;
    const std::string baseline = m_methodOrder.empty() ? std::string() : m_methodOrder.front();
    const std::vector<BenchSummaryLine> summary = summariseBench(run.rows, m_methodOrder, baseline);
    m_table->setRowCount(int(summary.size()));
    for (int r = 0; r < int(summary.size()); ++r) {
        const BenchSummaryLine& l = summary[std::size_t(r)];
        const QStringList cells = {QString::fromStdString(l.metric), QString::fromStdString(l.variant), QString::fromStdString(l.method),
                                   QString::number(l.mean, 'f', 4), QString::number(l.median, 'f', 4),
                                   l.method == baseline ? QStringLiteral("—") : QStringLiteral("%1 / %2").arg(l.wins).arg(l.comparisons),
                                   QStringLiteral("%1 / %2").arg(l.rank).arg(l.rankOf)};
        for (int c = 0; c < cells.size(); ++c) m_table->setItem(r, c, new QTableWidgetItem(cells[c]));
    }
    redrawChart();
}

void EvaluationDialog::redrawChart()
{
    auto* view = static_cast<QChartView*>(m_chartView);
    auto* chart = new QChart;
    const std::string metric = m_metric->currentText().toStdString();
    chart->setTitle(tr("%1 per scene (whole stacks)").arg(m_metric->currentText()));
    // value[method][scene]
    std::map<std::string, std::map<std::string, double>> values;
    std::vector<std::string> scenes;
    for (const BenchRow& r : m_run.rows) {
        if (r.metric != metric || r.variant != "whole") continue;
        values[r.method][r.scene] = r.value;
        if (std::find(scenes.begin(), scenes.end(), r.scene) == scenes.end()) scenes.push_back(r.scene);
    }
    auto* series = new QBarSeries;
    double lo = 1e300, hi = -1e300;
    for (const std::string& method : m_methodOrder) {
        if (!values.count(method)) continue;
        auto* set = new QBarSet(QString::fromStdString(method));
        for (const std::string& scene : scenes) {
            const auto it = values[method].find(scene);
            const double v = it == values[method].end() ? 0.0 : it->second;
            *set << v;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        series->append(set);
    }
    chart->addSeries(series);
    auto* categories = new QBarCategoryAxis;
    for (const std::string& scene : scenes) categories->append(QString::fromStdString(scene));
    categories->setLabelsAngle(-60);
    chart->addAxis(categories, Qt::AlignBottom);
    series->attachAxis(categories);
    auto* axis = new QValueAxis;
    if (hi >= lo) {
        // Close-together scores (MEF-SSIM 0.95…0.99) need a range around them, not from 0.
        const double pad = std::max(1e-6, (hi - lo) * 0.1);
        axis->setRange(lo - pad, hi + pad);
    }
    chart->addAxis(axis, Qt::AlignLeft);
    series->attachAxis(axis);
    chart->legend()->setAlignment(Qt::AlignTop);
    QChart* old = view->chart();
    view->setChart(chart);
    delete old;
}

} // namespace fuselab::ui
