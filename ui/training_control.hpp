// What the GUI thread tells a training run between its steps: pause/resume, parameter
// changes, and exclusive access to the trainer while paused (saving the model). Plain C++,
// no widgets; the training thread calls betweenSteps() after every step.
#pragma once

#include "fuselab/base/params.hpp"
#include "fuselab/base/progress.hpp"

#include <condition_variable>
#include <functional>
#include <mutex>

namespace fuselab::ui {

class TrainingControl {
public:
    void setPaused(bool paused);
    bool paused() const;
    /// Changed values for the next step (merged with any not yet applied).
    void queueValues(const ParamValues& changed);
    /// Training thread, between steps: hands queued values to `apply` (which may throw: the
    /// error reaches the caller and the values are dropped), then blocks while paused, waking
    /// every 100 ms to honour cancellation (returns so the run loop can checkpoint and stop).
    void betweenSteps(const std::function<void(const ParamValues&)>& apply, ProgressSink& progress);
    /// Training thread: true from the first step to the end of the run (also after a failure).
    void setRunning(bool running);
    /// Runs `fn` while the training thread is certainly not inside a step: at once when no run is
    /// going, or once a paused run has parked in betweenSteps (waits for the step in progress,
    /// if any). Returns false, without running `fn`, when a run is going and is not paused.
    bool whileHeld(const std::function<void()>& fn);

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_paused = false;
    bool m_running = false;
    bool m_parked = false; ///< the training thread waits in betweenSteps because of a pause
    ParamValues m_pending;
};

} // namespace fuselab::ui
