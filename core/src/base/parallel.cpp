#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace fuselab {
namespace {

thread_local bool t_insideParallelBody = false;

// A small persistent pool: workers sleep on a condition variable and, when a job is
// posted, claim chunks through an atomic counter alongside the calling thread.
class WorkerPool {
public:
    ~WorkerPool() { resize(0); }

    int threads() const { return m_threadCount; }

    void setThreads(int count)
    {
        std::lock_guard<std::mutex> runLock(m_runMutex);
        resize(std::max(1, count));
    }

    /// Runs the job on the pool, or returns false at once when another thread's job holds it
    /// (the caller then works alone rather than waiting: a quick preview must not queue
    /// behind a long full-resolution job).
    bool tryRun(int begin, int end, int grain, const std::function<void(int, int)>& body)
    {
        std::unique_lock<std::mutex> runLock(m_runMutex, std::try_to_lock);
        if (!runLock.owns_lock()) return false;
        Job job;
        job.body = &body;
        job.begin = begin;
        job.end = end;
        job.chunk = std::max(grain, 1);
        job.next.store(begin);
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_job = &job;
            job.activeWorkers = int(m_workers.size());
            ++m_generation;
        }
        m_wake.notify_all();
        work(job);
        std::unique_lock<std::mutex> lock(m_mutex);
        m_done.wait(lock, [&] { return job.activeWorkers == 0; });
        m_job = nullptr;
        lock.unlock();
        if (job.error) std::rethrow_exception(job.error);
        return true;
    }

private:
    struct Job {
        const std::function<void(int, int)>* body = nullptr;
        int begin = 0;
        int end = 0;
        int chunk = 1;
        std::atomic<int> next{0};
        int activeWorkers = 0;
        std::exception_ptr error;
        std::mutex errorMutex;
    };

    static void work(Job& job)
    {
        const bool wasInside = t_insideParallelBody;
        t_insideParallelBody = true;
        for (;;) {
            const int start = job.next.fetch_add(job.chunk);
            if (start >= job.end) break;
            const int stop = std::min(job.end, start + job.chunk);
            try {
                (*job.body)(start, stop);
            } catch (...) {
                std::lock_guard<std::mutex> lock(job.errorMutex);
                if (!job.error) job.error = std::current_exception();
                job.next.store(job.end); // stop handing out chunks
            }
        }
        t_insideParallelBody = wasInside;
    }

    void workerLoop()
    {
        std::uint64_t seen = 0;
        for (;;) {
            Job* job = nullptr;
            {
                std::unique_lock<std::mutex> lock(m_mutex);
                m_wake.wait(lock, [&] { return m_stopping || m_generation != seen; });
                if (m_stopping) return;
                seen = m_generation;
                job = m_job;
            }
            if (job) {
                work(*job);
                std::lock_guard<std::mutex> lock(m_mutex);
                if (--job->activeWorkers == 0) m_done.notify_all();
            }
        }
    }

    void resize(int count)
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_stopping = true;
        }
        m_wake.notify_all();
        for (std::thread& t : m_workers) t.join();
        m_workers.clear();
        m_stopping = false;
        m_threadCount = std::max(count, 1);
        for (int i = 1; i < count; ++i) m_workers.emplace_back([this] { workerLoop(); });
    }

    std::mutex m_runMutex;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    std::vector<std::thread> m_workers;
    Job* m_job = nullptr;
    std::uint64_t m_generation = 0;
    bool m_stopping = false;
    int m_threadCount = 1;
};

int hardwareThreads()
{
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : int(n);
}

WorkerPool& pool()
{
    static WorkerPool instance;
    static std::once_flag started;
    std::call_once(started, [] { instance.setThreads(hardwareThreads()); });
    return instance;
}

} // namespace

void setWorkerThreads(int threads)
{
    pool().setThreads(threads <= 0 ? hardwareThreads() : threads);
}

int workerThreads()
{
    return pool().threads();
}

void parallelFor(int begin, int end, int grain, const std::function<void(int, int)>& body)
{
    if (end <= begin) return;
    grain = std::max(grain, 1);
    WorkerPool& p = pool();
    if (t_insideParallelBody || p.threads() == 1 || end - begin <= grain) {
        body(begin, end);
        return;
    }
    // Aim for a few chunks per thread so uneven rows balance out.
    const int chunks = p.threads() * 4;
    const int chunk = std::max(grain, (end - begin + chunks - 1) / chunks);
    if (!p.tryRun(begin, end, chunk, body)) body(begin, end);
}

} // namespace fuselab
