// The events dock: open an event-camera recording (EVT 2.0/3.0, AEDAT 4.0, HDF5, text), see
// its geometry, count and duration, scrub a time window along a timeline, and show the
// window's events over the frame as a heatmap overlay (signed event frame: ON red, OFF blue;
// or a time surface). Windows are read through the reader's chunk index off the GUI thread.
#pragma once

#include "fuselab/events.hpp"
#include "fuselab/image.hpp"

#include <QWidget>

#include <memory>
#include <mutex>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;

namespace fuselab {
class EventReader;
}

namespace fuselab::ui {

class JobRunner;

class EventsPanel final : public QWidget {
    Q_OBJECT
public:
    EventsPanel(JobRunner& jobs, QWidget* parent = nullptr);
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

Q_SIGNALS:
    /// A rendered window: 1-channel map at the sensor's size; `signedValues` for event frames.
    void overlayReady(const QString& name, const fuselab::Image& map, bool signedValues);
    void problem(const QString& message);
    void recordingOpened(int widthPx, int heightPx);

private:
    void render();

    JobRunner& m_jobs;
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
    QDoubleSpinBox* m_tauMs = nullptr;
    QLabel* m_position = nullptr;
};

} // namespace fuselab::ui
