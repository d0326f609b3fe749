// The evaluation dialog: fuselab_core's runBench (bench.hpp) over a folder of scenes, the same
// code as `fuselab-cli bench`, with progress and cancel, the summary table, a per-scene bar
// chart of a chosen metric, and CSV export. Methods are the registry's stack-fusion operators
// (listed by category: the dialog knows no particular operator).
#pragma once

#include "fuselab/bench.hpp"
#include "fuselab/base/operator.hpp"

#include <QDialog>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace fuselab::ui {

class JobRunner;

class EvaluationDialog final : public QDialog {
    Q_OBJECT
public:
    EvaluationDialog(const OperatorRegistry& registry, JobRunner& jobs, QWidget* parent = nullptr);

    void setFolder(const QString& scenesFolder);    ///< also proposes "<folder>-bench" as the output
    void setOutputFolder(const QString& outputFolder);
    void setMethodChecked(const QString& method, bool checked);
    void setChartMetric(const QString& metric);
    /// Moves a method to the top of the list and checks it: the first checked is the baseline
    /// (the main window passes the session's own fusion method).
    void putFirst(const QString& method);
    const BenchRun& lastRun() const { return m_run; }
    QTableWidget* summaryTable() const { return m_table; }
    int chartSeriesCount() const;
    bool isRunning() const;

public Q_SLOTS:
    void start();
    void cancel();
    bool exportCsv(const QString& path);

Q_SIGNALS:
    void finished(bool succeeded); ///< a run ended (cancelled runs and failures too)

private:
    void showRun(const BenchRun& run);
    void redrawChart();

    const OperatorRegistry& m_registry;
    JobRunner& m_jobs;
    QLineEdit* m_folder = nullptr;
    QLineEdit* m_output = nullptr;
    QListWidget* m_methods = nullptr;
    QCheckBox* m_pairs = nullptr;
    QComboBox* m_flavour = nullptr;
    QComboBox* m_metric = nullptr;
    QPushButton* m_runButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QPushButton* m_export = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QTableWidget* m_table = nullptr;
    QWidget* m_chartView = nullptr;
    BenchRun m_run;
    std::vector<std::string> m_methodOrder;
};

} // namespace fuselab::ui
