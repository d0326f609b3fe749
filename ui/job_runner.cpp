#include "job_runner.hpp"

#include "fuselab/base/error.hpp"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <chrono>
#include <exception>
#include <mutex>

namespace fuselab::ui {
namespace {

// Progress of one job: cancellation flag set from the GUI thread, reports forwarded to it
// at most every 50 ms.
class JobProgress final : public ProgressSink {
public:
    JobProgress(QPointer<JobRunner> runner, QString channel) : m_runner(std::move(runner)), m_channel(std::move(channel)) {}

    void report(double fraction01, std::string_view stage) override
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        const auto now = std::chrono::steady_clock::now();
        if (fraction01 < 1.0 && now - m_last < std::chrono::milliseconds(50)) return;
        m_last = now;
        const QString text = QString::fromUtf8(stage.data(), int(stage.size()));
        const QString channel = m_channel;
        QPointer<JobRunner> runner = m_runner;
        if (runner)
            QMetaObject::invokeMethod(
                runner, [runner, channel, fraction01, text] {
                    if (runner) Q_EMIT runner->progress(channel, fraction01, text);
                },
                Qt::QueuedConnection);
    }
    bool isCancelled() const override { return m_cancelled.load(); }
    void cancel() { m_cancelled.store(true); }

private:
    QPointer<JobRunner> m_runner;
    QString m_channel;
    std::atomic<bool> m_cancelled{false};
    std::mutex m_mutex;
    std::chrono::steady_clock::time_point m_last{};
};

struct Outcome {
    bool ok = false;
    bool cancelled = false;
    QString message;
};

} // namespace

struct JobRunner::Channel {
    quint64 latest = 0;
    quint64 started = 0;
    std::shared_ptr<JobProgress> current;
    QList<QFutureWatcher<Outcome>*> running;
};

JobRunner::JobRunner(QObject* parent) : QObject(parent)
{
    // Jobs parallelise internally (fuselab::parallelFor); two job threads let a preview run
    // while a full-resolution job is still going.
    m_pool.setMaxThreadCount(2);
}

JobRunner::~JobRunner()
{
    cancelAll();
    waitForIdle();
}

JobRunner::Channel& JobRunner::channel(const QString& name)
{
    auto it = m_channels.find(name);
    if (it == m_channels.end()) it = m_channels.insert(name, std::make_shared<Channel>());
    return **it;
}

quint64 JobRunner::start(const QString& name, Work work, Done onDone, Failed onFailed)
{
    Channel& ch = channel(name);
    if (ch.current) ch.current->cancel(); // latest wins
    const quint64 id = ++ch.latest;
    ++ch.started;
    auto progress = std::make_shared<JobProgress>(QPointer<JobRunner>(this), name);
    ch.current = progress;

    auto* watcher = new QFutureWatcher<Outcome>(this);
    ch.running.append(watcher);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, name, id, watcher, onDone, onFailed] {
        Channel& c = channel(name);
        c.running.removeAll(watcher);
        const Outcome outcome = watcher->result();
        watcher->deleteLater();
        const bool latest = id == c.latest;
        if (latest) c.current.reset();
        if (!latest || outcome.cancelled) {
            if (latest) Q_EMIT finished(name, false);
            return;
        }
        if (outcome.ok) {
            if (onDone) onDone();
        } else if (onFailed) {
            onFailed(outcome.message);
        }
        Q_EMIT finished(name, outcome.ok);
    });
    watcher->setFuture(QtConcurrent::run(&m_pool, [work = std::move(work), progress]() -> Outcome {
        Outcome o;
        try {
            progress->checkCancelled();
            work(*progress);
            o.ok = true;
        } catch (const Cancelled&) {
            o.cancelled = true;
        } catch (const Error& e) {
            o.message = QString::fromStdString(e.what());
        } catch (const std::bad_alloc&) {
            o.message = QStringLiteral("out of memory");
        } catch (const std::exception& e) {
            o.message = QStringLiteral("internal error: ") + QString::fromStdString(e.what());
        }
        if (progress->isCancelled()) o.cancelled = true;
        return o;
    }));
    Q_EMIT started(name);
    return id;
}

void JobRunner::cancel(const QString& name)
{
    Channel& ch = channel(name);
    if (ch.current) ch.current->cancel();
    ++ch.latest; // whatever is running now is no longer wanted
    ch.current.reset();
    Q_EMIT finished(name, false);
}

void JobRunner::cancelAll()
{
    for (auto it = m_channels.begin(); it != m_channels.end(); ++it) {
        if ((*it)->current) (*it)->current->cancel();
        ++(*it)->latest;
        (*it)->current.reset();
    }
}

bool JobRunner::isRunning(const QString& name) const
{
    auto it = m_channels.find(name);
    return it != m_channels.end() && !(*it)->running.isEmpty();
}

quint64 JobRunner::startedCount(const QString& name) const
{
    auto it = m_channels.find(name);
    return it == m_channels.end() ? 0 : (*it)->started;
}

void JobRunner::waitForIdle()
{
    m_pool.waitForDone();
    // The watchers deliver their results through the event loop.
    QElapsedTimer timer;
    timer.start();
    auto busy = [this] {
        for (const auto& ch : m_channels)
            if (!ch->running.isEmpty()) return true;
        return false;
    };
    while (busy() && timer.elapsed() < 30000) QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
}

} // namespace fuselab::ui
