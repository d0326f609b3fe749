// Data-parallel loops over rows (or any index range) on a process-wide worker pool.
//
// parallelFor splits [begin, end) into chunks of at least `grain` indices and calls
// body(chunkBegin, chunkEnd) for each, on up to workerThreads() threads (the caller's
// thread is one of them). It returns when every chunk is done and rethrows the first
// exception a chunk threw. Calls made from inside a body run serially (no nesting, no
// deadlock), and so do calls made while another thread's loop occupies the pool (a small
// preview job never waits behind a large one). setWorkerThreads(n) sets the count used by
// later calls (n ≥ 1; 0 = all cores).
#pragma once

#include <functional>

namespace fuselab {

void setWorkerThreads(int threads);
int workerThreads();

void parallelFor(int begin, int end, int grain, const std::function<void(int, int)>& body);

} // namespace fuselab
