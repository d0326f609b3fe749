#include "training_control.hpp"

#include <chrono>

namespace fuselab::ui {

void TrainingControl::setPaused(bool paused)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_paused = paused;
    }
    m_wake.notify_all();
}

bool TrainingControl::paused() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_paused;
}

void TrainingControl::queueValues(const ParamValues& changed)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    for (const auto& [id, value] : changed.all()) m_pending.set(id, value);
}

void TrainingControl::betweenSteps(const std::function<void(const ParamValues&)>& apply, ProgressSink& progress)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    if (!m_pending.all().empty()) {
        const ParamValues next = m_pending;
        m_pending = ParamValues{};
        apply(next); // under the lock: whileHeld() never overlaps it
    }
    m_parked = m_paused;
    if (m_parked) m_wake.notify_all();
    while (m_paused && !progress.isCancelled()) m_wake.wait_for(lock, std::chrono::milliseconds(100));
    m_parked = false;
}

void TrainingControl::setRunning(bool running)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_running = running;
    }
    m_wake.notify_all();
}

bool TrainingControl::whileHeld(const std::function<void()>& fn)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    if (m_running && !m_paused) return false;
    m_wake.wait(lock, [this] { return !m_running || m_parked || !m_paused; });
    if (m_running && !m_parked) return false; // resumed meanwhile
    fn();
    return true;
}

} // namespace fuselab::ui
