#include "heap_reuse.hpp"

#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace fuselab::learn::detail {
namespace {

std::mutex g_mutex;
int g_scopes = 0;

} // namespace

HeapReuseScope::HeapReuseScope()
{
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_scopes++ > 0) return;
#if defined(__GLIBC__)
    mallopt(M_MMAP_MAX, 0);                       // large blocks from the heap, reused across passes
    mallopt(M_TRIM_THRESHOLD, 1 << 30);           // and not trimmed between passes (up to 1 GiB free at the top)
#endif
}

HeapReuseScope::~HeapReuseScope()
{
    std::lock_guard<std::mutex> lock(g_mutex);
    if (--g_scopes > 0) return;
#if defined(__GLIBC__)
    // glibc's own defaults, at the values its dynamic thresholds grow to (setting any of them
    // freezes the dynamic adjustment): mmap above 32 MiB, trim above 64 MiB free.
    mallopt(M_MMAP_MAX, 65536);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    malloc_trim(0);
#endif
}

} // namespace fuselab::learn::detail
