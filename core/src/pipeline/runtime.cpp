#include "fuselab/runtime.hpp"

#include "fuselab/base/parallel.hpp"

#include <ImfThreading.h>
#include <dlfcn.h>
#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>

#include <cstdlib>
#include <mutex>

namespace fuselab {
namespace {

// OpenBLAS (under OpenCV's linear solvers and LibTorch's matrix products) starts a thread per
// core when it loads and lets each spin in sched_yield for 2^28 cycles (~0.1 s) after every
// job. Our BLAS work is small (the Debevec solve is a 256×256 Cholesky per channel, already run
// in parallel per channel) and LibTorch convolves with oneDNN, so those threads only take CPU
// from the ones with work: `fuselab-cli merge` on meflut-1 spent ~0.1 s of CPU in them while the
// JPEG decoders ran (perf), and the per-channel solves queued on them. Whole processes in
// alternating runs: merge 0.80 → 0.70 s (medians of 6; OPENBLAS_NUM_THREADS=2 against this),
// learned fusion 3.4–4.8 → 3.0–3.5 s (3 runs each). Found by name at run time: a different BLAS (reference, BLIS) is left alone, and a
// value the user set in OPENBLAS_NUM_THREADS wins.
void keepBlasSingleThreaded()
{
    if (std::getenv("OPENBLAS_NUM_THREADS")) return;
    using SetThreads = void (*)(int);
    using StopThreads = int (*)();
    if (auto setThreads = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) setThreads(1);
    // Ends the threads it started at load (its fork handler's call); a later multi-threaded
    // call would start them again, but with one thread set none comes.
    if (auto stopThreads = reinterpret_cast<StopThreads>(dlsym(RTLD_DEFAULT, "blas_thread_shutdown_"))) stopThreads();
}

} // namespace

void configureRuntime(int threads)
{
    // Once, at start: stopping BLAS threads while another thread ran a BLAS call would be unsafe.
    static std::once_flag blasOnce;
    std::call_once(blasOnce, keepBlasSingleThreaded);
    setWorkerThreads(threads);
    cv::setNumThreads(workerThreads());
    Imf::setGlobalThreadCount(workerThreads());
    // OpenCV prints notices (e.g. about multi-channel MatExpr) to stderr by default.
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
}

} // namespace fuselab
