// The events dock: open an event-camera recording (EVT 2.0/3.0, AEDAT 4.0, HDF5, text), see
// its geometry, count and duration, scrub a time window along a timeline, and show the
// window's events over the frame as a heatmap overlay — one of core's overlay views (signed
// event frame: ON red, OFF blue; or a time surface), rendered by its event operator through
// core's renderEventWindow as `events render` does, with the operator's own parameters (τ, …)
// in a generated parameter panel. Windows are read through the reader's chunk index off the
// GUI thread.
// With a frame/event model (learned builds), the window's events and the recording's frames
// are fused by the network into an image shown in the viewer like any other result.
#pragma once

#include "fuselab/base/events.hpp"
#include "fuselab/event_rendering.hpp"
#include "fuselab/base/image.hpp"

#include <QWidget>

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;

namespace fuselab {
class EventReader;
class OperatorRegistry;
} // namespace fuselab

namespace fuselab::ui {

class JobRunner;
class ParameterPanel;

class EventsPanel final : public QWidget {
    Q_OBJECT
public:
    /// `registry` (outliving the panel) provides the overlay views' operators.
    EventsPanel(JobRunner& jobs, const OperatorRegistry& registry, QWidget* parent = nullptr);
    ~EventsPanel() override;

    /// Opens a recording (indexing it in the background); problems are emitted, not thrown.
    void openRecording(const QString& path);
    bool hasRecording() const { return m_reader != nullptr; }
    const EventMetadata& metadata() const { return m_metadata; }
    std::int64_t firstUs() const { return m_firstUs; }
    std::int64_t lastUs() const { return m_lastUs; }
    /// Window start relative to the first event, and its length, in µs.
    void setWindow(std::int64_t startUs, std::int64_t lengthUs);
    std::uint64_t lastWindowEventCount() const { return m_lastWindowCount; }
    /// The frame/event model "Fuse" uses (learned builds); empty hides the button.
    void setFrameEventModel(const std::string& path);
    /// Fuses the current window: F = the recording's last frame at or before the window's end,
    /// EF integrated from the last frame at or before its start. Result: fusedReady or problem.
    void fuseWindow();

Q_SIGNALS:
    /// A rendered window: 1-channel map at the sensor's size; `signedValues` for event frames.
    void overlayReady(const QString& name, const fuselab::Image& map, bool signedValues);
    void problem(const QString& message);
    void recordingOpened(int widthPx, int heightPx);
    /// The learned fusion of the window (display values of the model's μ-law tone domain).
    void fusedReady(const fuselab::Image& fused, const QString& label);

private:
    void render();
    /// Shows the parameters of the chosen overlay view's operator (not the window's, which the
    /// timeline sets, nor those the view fixes).
    void showViewParameters();
    /// The overlay view chosen in "Show", or null when this build registers none.
    const EventOverlayView* currentView() const;
    /// The window's start (absolute, µs) and length (µs) from the timeline and the spin box.
    std::pair<std::int64_t, std::int64_t> currentWindow() const;
    struct ModelCache;

    JobRunner& m_jobs;
    const OperatorRegistry& m_registry;
    std::vector<EventOverlayView> m_views; ///< core's overlay views whose operators are registered
    std::shared_ptr<EventReader> m_reader;
    std::shared_ptr<std::mutex> m_readerMutex;
    EventMetadata m_metadata;
    std::int64_t m_firstUs = 0, m_lastUs = 0;
    std::uint64_t m_count = 0;
    std::uint64_t m_lastWindowCount = 0;
    QLabel* m_info = nullptr;
    QSlider* m_timeline = nullptr;
    QDoubleSpinBox* m_windowMs = nullptr;
    QComboBox* m_repr = nullptr;
    ParameterPanel* m_viewParams = nullptr;
    QLabel* m_position = nullptr;
    QPushButton* m_fuseButton = nullptr;
    std::string m_recordingPath;
    std::string m_frameEventModel;
    std::shared_ptr<ModelCache> m_modelCache;
};

} // namespace fuselab::ui
