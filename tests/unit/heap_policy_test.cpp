// heap_policy.hpp: a scope hands freed memory back when it ends, unless the process keeps its
// heap for its lifetime (the CLI) — then memory freed inside a scope is reused after it without
// being faulted in again (the bug this guards: every attribution call's scope undid the CLI's
// setting, and pic faulted its working set in twice as often).
#include "fuselab/base/heap_policy.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>

#if defined(__GLIBC__)
#include <sys/resource.h>
#endif

using namespace fuselab;

namespace {

#if defined(__GLIBC__)
// Writes every page through a volatile pointer, so the compiler cannot drop the block (new/delete
// pairs may be elided).
void touchPages(char* block, std::size_t bytes, char value)
{
    volatile char* p = block;
    for (std::size_t i = 0; i < bytes; i += 4096) p[i] = value;
}

long minorFaults()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
}

// Faults taken by touching a fresh `bytes` block after a same-sized block was touched and freed
// inside a HeapReuseScope that has ended since.
long faultsOfReuseAfterAScope(std::size_t bytes)
{
    {
        const HeapReuseScope scope;
        const std::unique_ptr<char[]> block(new char[bytes]);
        touchPages(block.get(), bytes, 1);
    }
    const long before = minorFaults();
    const std::unique_ptr<char[]> again(new char[bytes]);
    touchPages(again.get(), bytes, 2);
    return minorFaults() - before;
}
#endif

} // namespace

TEST(HeapPolicy, AScopeReturnsFreedMemoryUnlessTheProcessKeepsItsHeap)
{
#if !defined(__GLIBC__)
    GTEST_SKIP() << "the heap policy acts on glibc's malloc only";
#else
    if (std::getenv("GLIBC_TUNABLES")) GTEST_SKIP() << "malloc is tuned by the user (GLIBC_TUNABLES): the policy leaves it alone";
    constexpr std::size_t kBytes = std::size_t(96) << 20;
    constexpr long kPages = long(kBytes / 4096);
    // A long-lived process (the GUI): the memory went back when the scope ended.
    const long returned = faultsOfReuseAfterAScope(kBytes);
    EXPECT_GT(returned, kPages / 2) << "96 MiB touched again after the scope should fault most of its pages in";
    // A one-command process (the CLI): the scope's end changes nothing, the block is reused.
    keepFreedHeapForProcessLifetime();
    faultsOfReuseAfterAScope(kBytes); // grows the heap to hold the block
    const long kept = faultsOfReuseAfterAScope(kBytes);
    EXPECT_LT(kept, kPages / 20) << "the kept heap should serve the block again without faulting it in";
#endif
}
