#include "fuselab/runtime.hpp"

#include "fuselab/parallel.hpp"

#include <ImfThreading.h>
#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>

namespace fuselab {

void configureRuntime(int threads)
{
    setWorkerThreads(threads);
    cv::setNumThreads(workerThreads());
    Imf::setGlobalThreadCount(workerThreads());
    // OpenCV prints notices (e.g. about multi-channel MatExpr) to stderr by default.
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
}

} // namespace fuselab
