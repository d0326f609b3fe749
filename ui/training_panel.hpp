// The training panel: train or fine-tune the fusion network from the GUI and watch it learn.
// Start / pause / stop, data (generated scenes or the open stack), starting point (the shipped
// model or fresh weights), device, a slider for every objective weight and optimiser setting
// (generated from trainingParamSpecs(); a change applies at the next step), steps/s, the loss
// chart streaming every term and the total, validation MEF-SSIM beside Mertens's, a fused
// preview of the open stack refreshed from the model as it trains, and model/CSV export.
//
// Training runs on the JobRunner's "training" channel, never on the GUI thread; LibTorch is
// loaded (LearnLibrary) when the first run starts, not when the window opens.
#pragma once

#include "fuselab/base/exposure.hpp"
#include "fuselab/base/image.hpp"
#include "fuselab/base/params.hpp"

#include <QWidget>

#include <functional>
#include <memory>

class QComboBox;
class QLabel;
class QPushButton;

namespace fuselab::ui {

class JobRunner;
class LossChart;
class ParameterPanel;

class TrainingPanel final : public QWidget {
    Q_OBJECT
public:
    /// `currentStack` gives the open stack (proxy resolution) for fine-tuning data and previews;
    /// it is called on the GUI thread when a run starts. `shippedModelPath` is the model that
    /// "start from: shipped model" fine-tunes.
    TrainingPanel(JobRunner& jobs, std::string shippedModelPath, std::function<ExposureStack()> currentStack,
                  QWidget* parent = nullptr);
    ~TrainingPanel() override;

    bool isRunning() const;
    bool isPaused() const;
    qint64 completedSteps() const { return m_completedSteps; }
    LossChart* chart() const { return m_chart; }
    ParameterPanel* parameters() const { return m_params; }
    const ParamValues& values() const { return m_values; }
    /// Programmatic edits (tests, sessions): same path as a slider move.
    void setValue(const QString& id, const ParamValue& value);
    /// Seconds between preview refreshes while training (default 3).
    void setPreviewInterval(double seconds) { m_previewIntervalS = seconds; }
    /// Chooses the data: "synthetic", "stack" (fine-tune on the open stack) or "synthetic-events".
    void selectData(const QString& id);

public Q_SLOTS:
    void start();
    void setPaused(bool paused);
    void stop();
    /// Exports the network (paused or finished runs); false with problem() on failure.
    bool saveModel(const QString& path);

Q_SIGNALS:
    void previewReady(const fuselab::Image& fused, const QString& label);
    void problem(const QString& message);
    void stepLogged(qint64 step);
    /// Exposure networks: MEF-SSIM of the network and of Mertens; frame/event networks: PSNR-μ (dB)
    /// of the network and of the frame alone, against the true radiance.
    void validated(qint64 step, double score, double baselineScore);
    void runEnded(bool completed);

private:
    struct Run;
    void buildUi();
    void onValueEdited(const QString& id, const ParamValue& value);
    void onStep(qint64 step, const QStringList& names, const QVector<double>& values, double seconds, bool skipped,
                const QString& note, double learningRate);
    void onStatus(const QString& text);
    void updateButtons();

    JobRunner& m_jobs;
    std::string m_shippedModel;
    std::function<ExposureStack()> m_currentStack;
    ParamValues m_values;
    std::shared_ptr<Run> m_run;
    qint64 m_completedSteps = 0;
    double m_previewIntervalS = 3.0;

    ParameterPanel* m_params = nullptr;
    LossChart* m_chart = nullptr;
    QComboBox* m_data = nullptr;
    QComboBox* m_startFrom = nullptr;
    QComboBox* m_device = nullptr;
    QPushButton* m_startButton = nullptr;
    QPushButton* m_pauseButton = nullptr;
    QPushButton* m_stopButton = nullptr;
    QPushButton* m_saveButton = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_rate = nullptr;
    QLabel* m_validation = nullptr;
};

} // namespace fuselab::ui
