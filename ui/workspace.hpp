// The GUI's model and controller, without widgets: the loaded stack and its proxy, the
// session (pipeline and values), the latest preview and full-resolution results, the undo
// stack for every user change, and the jobs that compute them (preview on the proxy first,
// full resolution after a pause, latest change wins, never on the GUI thread).
#pragma once

#include "display_image.hpp"
#include "job_runner.hpp"
#include "pipeline.hpp"
#include "session.hpp"

#include "fuselab/base/operator.hpp"

#include <QObject>
#include <QTimer>
#include <QUndoStack>

#include <cstddef>
#include <functional>
#include <memory>

namespace fuselab::ui {

class Workspace final : public QObject {
    Q_OBJECT
public:
    explicit Workspace(const OperatorRegistry& registry, QObject* parent = nullptr);
    ~Workspace() override;

    const OperatorRegistry& registry() const { return m_registry; }
    const SessionState& session() const { return m_session; }
    const ExposureStack& loadedStack() const { return m_stack; }
    ExposureStack includedStack() const { return includedFrames(m_stack, m_session); }
    ExposureStack includedProxy() const { return includedFrames(m_proxy, m_session); }
    QUndoStack* undoStack() { return &m_undo; }
    JobRunner* jobs() { return &m_jobs; }

    /// Latest results (may be null); "preview" is on the proxy, "full" at full resolution.
    std::shared_ptr<const PipelineResult> previewResult() const { return m_preview; }
    std::shared_ptr<const PipelineResult> fullResult() const { return m_full; }
    /// The best available result: full resolution when it matches the current settings.
    std::shared_ptr<const PipelineResult> currentResult() const;
    bool fullIsCurrent() const { return m_full && m_fullGeneration == m_generation; }

    /// A stack whose whole-image fusion would need more than the threshold (default: half of the
    /// available memory) is opened on its proxy alone: every result is at proxy size and the
    /// full-size export runs in bands from the files (exportInBands).
    bool isLargeStack() const { return m_large.active; }
    int largeStackWidthPx() const { return m_large.widthPx; }
    int largeStackHeightPx() const { return m_large.heightPx; }
    void setLargeStackThresholdBytes(std::size_t bytes) { m_largeThresholdBytes = bytes; }

    /// Proxy long side (px) and the idle time before full resolution starts (ms).
    void setProxyLongSide(int px) { m_proxyLongSide = px; }
    void setFullResolutionDelay(int ms) { m_fullDelay.setInterval(ms); }
    void setPreviewDebounce(int ms) { m_debounce.setInterval(ms); }

    // --- actions (each records an undo step where it changes settings) -----------------------
    void loadSample(int widthPx = 1200, int heightPx = 800);
    /// Loads files and folders in the background; failures are reported by loadProblems().
    void openPaths(const QStringList& paths);
    void setSession(const SessionState& session); ///< replaces everything (session file, no undo)
    void editParameter(const std::string& opId, const QString& paramId, const ParamValue& before, const ParamValue& after, bool interim);
    void setStage(const QString& stage, const std::string& opId); ///< "mode" uses "fusion"/"hdr"
    void setFrameIncluded(int index, bool included);
    void setFrameEv(int index, std::optional<double> ev);
    /// Paints deghosting decisions (undoable): where `brush` (Grayscale8, any size; > 127 =
    /// painted) is set, the region is taken from loaded frame `loadedIndex` (−1 erases back to
    /// automatic). The session's mask is kept at the stack's full resolution.
    void paintDeghostSource(const QImage& brush, int loadedIndex);
    void clearDeghostMask();
    /// The painted code of loaded frame `loadedIndex`: its 1-based place among the included
    /// frames in the pipeline's order; 0 when it is left out.
    int deghostCodeOf(int loadedIndex) const;
    void recompute();           ///< schedules a preview (debounced)
    void computeFullNow();      ///< full resolution without waiting
    void cancelFull();

    /// Applies a state without recording undo (used by undo commands themselves).
    void applyState(const SessionState& state);

Q_SIGNALS:
    void stackChanged();
    void sessionChanged();
    void previewReady();
    void fullReady();
    void jobFailed(const QString& channel, const QString& message);
    void loadProblems(const QStringList& problems);
    void notes(const QStringList& notes);

private:
    void setStateWithUndo(const SessionState& next, const QString& text);
    void startPreview();
    void startFull();
    /// Runs the session's pipeline on the included frames of `frames` on a job channel; the
    /// result reaches onResult only if no setting changed meanwhile.
    void runPipelineJob(const QString& channel, const ExposureStack& frames,
                        std::function<void(std::shared_ptr<const PipelineResult>, quint64)> onResult);
    struct LargeStack {
        bool active = false;
        int widthPx = 0, heightPx = 0;
    };
    void adoptLoadedStack(ExposureStack stack, std::vector<SessionFrame> frames, bool synthetic, LargeStack large);

    const OperatorRegistry& m_registry;
    SessionState m_session;
    ExposureStack m_stack;
    ExposureStack m_proxy;
    std::shared_ptr<const PipelineResult> m_preview;
    std::shared_ptr<const PipelineResult> m_full;
    quint64 m_generation = 0;     ///< bumps with every settings change
    quint64 m_fullGeneration = 0; ///< generation the full result belongs to
    QUndoStack m_undo;
    JobRunner m_jobs;
    QTimer m_debounce;
    QTimer m_fullDelay;
    int m_proxyLongSide = 1024;
    LargeStack m_large;
    std::size_t m_largeThresholdBytes = 0; ///< 0: defaultMemoryBudgetBytes() when a stack opens
};

} // namespace fuselab::ui
