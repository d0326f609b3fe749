#include "isa_choice.hpp"

#include <cstdlib>
#include <cstring>

namespace fuselab {

bool useIsaV3()
{
#ifdef FUSELAB_HAVE_ISA_V3
    static const bool supported = [] {
        const char* forced = std::getenv("FUSELAB_ISA");
        if (forced && std::strcmp(forced, "base") == 0) return false;
        __builtin_cpu_init();
        return __builtin_cpu_supports("x86-64-v3") != 0;
    }();
    return supported;
#else
    return false;
#endif
}

} // namespace fuselab
