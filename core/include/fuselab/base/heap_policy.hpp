// How the process heap treats freed memory: kept for reuse, or handed back to the kernel.
//
// Why: imaging passes allocate and free the same large buffers (full-resolution planes, pyramid
// levels, LibTorch feature maps) many times. glibc serves blocks above 32 MiB with mmap and
// unmaps them when freed, and trims the heap's free top, so each reuse faults its pages in again
// (measured: 6.3 M page faults and 16 s of kernel time in a 30 s IG run of 50 steps on the
// 2-core machine; with the heap kept, 0.3 M faults, 0.6 s).
//
// Two policies, both process-wide (glibc's mallopt has no per-thread setting):
//  - a short-lived program (the CLI: one command per process) keeps freed memory for its whole
//    life: keepFreedHeapForProcessLifetime(), called once at start, before any scope;
//  - a long-lived one (the GUI) keeps it only while a heavy call runs: HeapReuseScope, after
//    whose last instance glibc's defaults come back and free memory is returned (malloc_trim).
// Without glibc both do nothing. Malloc settings the user gave (GLIBC_TUNABLES) are left alone.
#pragma once

namespace fuselab {

/// Freed memory stays in the heap until the process exits; HeapReuseScope then changes nothing.
/// Thread-safe; call before heavy work starts.
void keepFreedHeapForProcessLifetime();

/// While at least one scope is alive (in any thread), large blocks come from the heap and the
/// heap is not trimmed; when the last one ends the defaults come back, unless the process keeps
/// its freed heap for its lifetime.
class HeapReuseScope {
public:
    HeapReuseScope();
    ~HeapReuseScope();
    HeapReuseScope(const HeapReuseScope&) = delete;
    HeapReuseScope& operator=(const HeapReuseScope&) = delete;
};

} // namespace fuselab
