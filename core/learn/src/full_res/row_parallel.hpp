// Internal: the loops of the split engine run on LibTorch's intra-op pool (at::parallel_for),
// the same threads as the network's operators, so the two never compete for the cores (with
// fuselab's own pool next to LibTorch's OpenMP threads, the idle team spun while the other
// worked: measured a quarter of a batched pass on the 2-core machine). at::parallel_for is an
// inline `#pragma omp parallel` in an OpenMP LibTorch: fuselab_learn must be compiled with
// -fopenmp (core/learn/CMakeLists.txt), or every loop here runs on the calling thread only.
#pragma once

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdint>

namespace fuselab::learn::detail {

/// Rows per task for planes `widthPx` wide: at least 8 rows and 32 K samples, so small planes
/// (a 40×30 test stack, the coarse pyramid levels) run on the calling thread. A fork/join costs
/// microseconds on idle cores but far more when another process holds one (OpenMP's barrier
/// spins on a descheduled thread): before this bound an IG run on 40×30 inputs, thousands of
/// tiny regions, went from 65 s to 263 s of contract test on the loaded 2-core machine.
inline int rowGrain(int widthPx)
{
    return widthPx > 0 ? std::max(8, 32768 / widthPx) : 8;
}

/// body(chunkBegin, chunkEnd) over [begin, end) in chunks of at least `grain`; serial inside
/// another parallel region.
template <typename Body>
void parallelRows(int begin, int end, int grain, const Body& body)
{
    at::parallel_for(begin, end, grain, [&](std::int64_t b, std::int64_t e) { body(int(b), int(e)); });
}

} // namespace fuselab::learn::detail
