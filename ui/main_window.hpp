// The FuseLab main window: viewer in the middle (with a second, synchronised viewer for
// side-by-side comparison), the stack on the left, the pipeline and overlay controls on the
// right, charts and metrics below, progress and cancel in the status bar. It wires widgets
// to the Workspace and keeps settings (QSettings) between runs.
#pragma once

#include "display_image.hpp"
#include "workspace.hpp"

#include <QMainWindow>

#include <functional>

#include <memory>

class QAction;
class QMenu;
class QComboBox;
class QLabel;
class QProgressBar;
class QSlider;
class QTabWidget;
class QToolButton;

namespace fuselab::ui {

class ChartsPanel;
class EventsPanel;
class ImageViewer;
class MetricsPanel;
class OverlayPanel;
class PipelinePanel;
class StackPanel;
class TrainingPanel;
class AttributionPanel;

/// What to do once the first full-resolution result is shown (documentation screenshots).
struct StartupRequest {
    QString screenshotPath;   ///< save the window there, then quit
    bool hdrMode = false;
    bool beforeAfter = false;
    int weightFrame = -1;     ///< overlay this frame's weight map
    QString analysisTab;      ///< "histogram", "response", "metrics"
    std::vector<double> evs;  ///< EVs for the opened files, in order
    int trainSteps = 0;       ///< > 0: after the first result, train this many steps in the training panel
    QStringList explainMethods; ///< non-empty: after the first result, explain a centred region with these methods, then curves
    QString deghostMaskPath;  ///< painted deghosting decisions to load (grey PNG, level k = frame k), shown as the overlay
    QString evaluateFolder;   ///< non-empty: open the evaluation dialog on this folder of scenes and run it
    QStringList evaluateMethods; ///< the methods checked for evaluateFolder (besides the default)
};

class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const OperatorRegistry& registry, QWidget* parent = nullptr);
    ~MainWindow() override;

    Workspace& workspace() { return *m_ws; }
    ImageViewer* viewer() const { return m_viewer; }
    PipelinePanel* pipelinePanel() const { return m_pipeline; }
    StackPanel* stackPanel() const { return m_stack; }
    MetricsPanel* metricsPanel() const { return m_metrics; }
    ChartsPanel* chartsPanel() const { return m_charts; }
    OverlayPanel* overlayPanel() const { return m_overlay; }
    EventsPanel* eventsPanel() const { return m_events; }
    /// Null in builds without LibTorch.
    TrainingPanel* trainingPanel() const { return m_training; }
    AttributionPanel* attributionPanel() const { return m_attribution; }
    /// The last message shown in the problem banner (tests check it).
    QString lastProblem() const { return m_lastProblem; }

    /// Opens files, folders or a session file (*.fuselab).
    void openPaths(const QStringList& paths);
    bool saveSession(const QString& path);
    bool loadSession(const QString& path);
    /// Exports the full-resolution result (computing it first if needed); false on failure,
    /// with the reason in lastProblem().
    bool exportTo(const QString& path, const QString& formatName, int jpegQuality = 95, RgbPrimaries outputPrimaries = RgbPrimaries::Rec709);
    /// "Apply to folder…": the session's recipe on every bracket of `folders` (scene sub-folders,
    /// or flat folders of frames grouped by EXIF), written into `outDir` as
    /// <bracket>.<ext> with sidecars and summary.csv — core's runBatch, as `fuselab-cli batch`.
    /// A job with progress and cancel; false (and lastProblem) when it could not start, was
    /// cancelled, or a bracket failed.
    bool applyToFolders(const QStringList& folders, const QString& outDir, const QString& formatName, int jpegQuality = 95,
                        RgbPrimaries outputPrimaries = RgbPrimaries::Rec709);

    void applyStartupRequest(const StartupRequest& request);

protected:
    void closeEvent(QCloseEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void saveStartupScreenshot(int delayMs);
    void failStartupScreenshot();

public:
    /// The evaluation dialog (created on first use; Process → Evaluate methods on a folder).
    class EvaluationDialog* evaluationDialog();

private:
    void buildActions();
    void buildDocks();
    void showProblem(const QString& text);
    bool exportLargeStack(const QString& path, const QString& formatName, int jpegQuality, RgbPrimaries outputPrimaries);
    /// Asks for an export format (and JPEG quality, colour space); false when cancelled.
    bool askExportFormat(const QString& title, QString& format, int& quality, RgbPrimaries& space);
    /// Runs `work` as the job on `channel` and waits with the GUI live (progress, Esc cancels);
    /// false with the job's problem (or "cancelled") in `problem`.
    bool runAndWait(const QString& channel, std::function<void(ProgressSink&)> work, QString& problem);
    void refreshDisplay();
    void refreshOverlay();
    void onResult();
    void rememberRecent(const QStringList& paths);
    void rebuildRecentMenu();
    void restoreSettings();
    void saveParameterMemory();

    std::unique_ptr<Workspace> m_ws;
    ImageViewer* m_viewer = nullptr;
    ImageViewer* m_compareViewer = nullptr;
    StackPanel* m_stack = nullptr;
    PipelinePanel* m_pipeline = nullptr;
    OverlayPanel* m_overlay = nullptr;
    ChartsPanel* m_charts = nullptr;
    MetricsPanel* m_metrics = nullptr;
    EventsPanel* m_events = nullptr;
    TrainingPanel* m_training = nullptr;
    AttributionPanel* m_attribution = nullptr;
    QLabel* m_readout = nullptr;
    QLabel* m_banner = nullptr;
    QLabel* m_largeStack = nullptr;
    QProgressBar* m_progress = nullptr;
    QToolButton* m_cancel = nullptr;
    QSlider* m_viewExposure = nullptr;
    QComboBox* m_viewCurve = nullptr;
    QComboBox* m_showWhat = nullptr;
    QAction* m_splitAction = nullptr;
    QAction* m_sideBySideAction = nullptr;
    QMenu* m_recentMenu = nullptr;
    QString m_lastProblem;
    class EvaluationDialog* m_evaluation = nullptr;
    bool m_paintingDeghost = false; ///< viewer brush strokes are deghosting decisions
    QStringList m_loadProblems; ///< what the last load could not read, until a result comes
    std::shared_ptr<const DisplayImage> m_pinned;
    std::shared_ptr<const DisplayImage> m_lastDisplay;
    QString m_pendingOverlay;
    StartupRequest m_startup;
    bool m_startupDone = true;
    QTabWidget* m_analysisTabs = nullptr;
    quint64 m_displayRequests = 0;
};

} // namespace fuselab::ui
