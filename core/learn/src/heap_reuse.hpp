// Internal, torch-free: keeps freed memory in the process heap while batched attribution passes
// run, instead of handing every large block back to the kernel.
//
// Why: a batched pass of the network at 256×192 allocates feature maps of tens to hundreds of
// MB; glibc serves blocks above 32 MiB with mmap and returns them with munmap, so every pass
// faults its whole working set in again (measured: 6.3 M page faults and 16 s of kernel time in
// a 30 s IG run of 50 steps on the 2-core machine; with the heap kept, 0.3 M faults, 0.6 s).
// Inside the scope glibc takes large blocks from the heap and does not trim it; when the last
// scope ends the defaults come back and the free memory is returned (malloc_trim). The settings
// are process-wide, hence the count of scopes alive; elsewhere (or without glibc) nothing happens.
#pragma once

namespace fuselab::learn::detail {

class HeapReuseScope {
public:
    HeapReuseScope();
    ~HeapReuseScope();
    HeapReuseScope(const HeapReuseScope&) = delete;
    HeapReuseScope& operator=(const HeapReuseScope&) = delete;
};

} // namespace fuselab::learn::detail
