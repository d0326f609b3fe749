// What memory the machine offers now, for budgets that follow it (banded fusion, attribution batches).
#pragma once

#include <cstddef>

namespace fuselab {

/// The kernel's MemAvailable in bytes (/proc/meminfo); 0 where it cannot be read.
std::size_t availableMemoryBytes();

} // namespace fuselab
