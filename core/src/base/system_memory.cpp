#include "fuselab/base/system_memory.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace fuselab {

std::size_t availableMemoryBytes()
{
    std::ifstream meminfo("/proc/meminfo");
    std::string line;
    while (std::getline(meminfo, line)) {
        if (line.rfind("MemAvailable:", 0) != 0) continue;
        std::size_t kib = 0;
        std::istringstream(line.substr(13)) >> kib;
        return kib * 1024;
    }
    return 0;
}

} // namespace fuselab
