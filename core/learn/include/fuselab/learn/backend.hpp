// What the LibTorch backend offers on this machine. No torch types cross this header.
#pragma once

#include <string>

namespace fuselab::learn {

struct BackendInfo {
    std::string torchVersion; ///< e.g. "1.13.1"
    bool cudaAvailable = false;
    int cudaDeviceCount = 0;
    int intraOpThreads = 1;   ///< at::get_num_threads() after configureThreads
};

/// Sets LibTorch's intra-op thread count (Debian's LibTorch starts at half the cores).
/// threads ≤ 0 means all hardware threads.
void configureThreads(int threads);
BackendInfo backendInfo();

} // namespace fuselab::learn
