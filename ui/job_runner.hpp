// Long work off the GUI thread: jobs run on a thread pool through QtConcurrent, report
// progress, can be cancelled, and each channel ("preview", "full", "metrics", …) keeps only
// its latest job — starting one cancels the one before, whose result is then dropped.
// The completion callbacks run on the GUI thread; the runner's destructor cancels and waits,
// so no job outlives the objects its callbacks touch.
#pragma once

#include "fuselab/base/progress.hpp"

#include <QFutureWatcher>
#include <QHash>
#include <QObject>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <memory>

namespace fuselab::ui {

class JobRunner final : public QObject {
    Q_OBJECT
public:
    using Work = std::function<void(ProgressSink&)>;
    using Done = std::function<void()>;
    using Failed = std::function<void(const QString& message)>;

    explicit JobRunner(QObject* parent = nullptr);
    ~JobRunner() override;

    /// Starts `work` on the pool. onDone/onFailed run on the GUI thread, and only if this is
    /// still the channel's latest job and it was not cancelled. Returns the job's number.
    quint64 start(const QString& channel, Work work, Done onDone, Failed onFailed = {});
    void cancel(const QString& channel);
    void cancelAll();
    bool isRunning(const QString& channel) const;
    /// Jobs started on the channel so far (tests count these).
    quint64 startedCount(const QString& channel) const;
    /// Blocks until every job has ended (tests, shutdown).
    void waitForIdle();

Q_SIGNALS:
    void progress(const QString& channel, double fraction01, const QString& stage);
    void started(const QString& channel);
    void finished(const QString& channel, bool succeeded);

private:
    struct Channel;
    Channel& channel(const QString& name);

    QThreadPool m_pool;
    QHash<QString, std::shared_ptr<Channel>> m_channels;
};

} // namespace fuselab::ui
