#include "fuselab/base/heap_policy.hpp"

#include <climits>
#include <cstdlib>
#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace fuselab {
namespace {

std::mutex g_mutex;
int g_scopes = 0;
bool g_keptForLifetime = false;

bool userTunedMalloc()
{
    return std::getenv("GLIBC_TUNABLES") != nullptr;
}

void keepFreedBlocks(int trimThresholdBytes)
{
#if defined(__GLIBC__)
    mallopt(M_MMAP_MAX, 0);                        // large blocks from the heap, reused
    mallopt(M_TRIM_THRESHOLD, trimThresholdBytes); // and the free top not trimmed below this
#else
    (void)trimThresholdBytes;
#endif
}

} // namespace

void keepFreedHeapForProcessLifetime()
{
    std::lock_guard<std::mutex> lock(g_mutex);
    if (userTunedMalloc()) return;
    g_keptForLifetime = true;
    keepFreedBlocks(INT_MAX);
}

HeapReuseScope::HeapReuseScope()
{
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_scopes++ > 0 || g_keptForLifetime || userTunedMalloc()) return;
    keepFreedBlocks(1 << 30); // up to 1 GiB free at the top between passes
}

HeapReuseScope::~HeapReuseScope()
{
    std::lock_guard<std::mutex> lock(g_mutex);
    if (--g_scopes > 0 || g_keptForLifetime || userTunedMalloc()) return;
#if defined(__GLIBC__)
    // glibc's own defaults, at the values its dynamic thresholds grow to (setting any of them
    // freezes the dynamic adjustment): mmap above 32 MiB, trim above 64 MiB free.
    mallopt(M_MMAP_MAX, 65536);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    malloc_trim(0);
#endif
}

} // namespace fuselab
