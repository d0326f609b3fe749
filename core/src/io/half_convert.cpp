#include "half_convert.hpp"

#include "../isa/isa_choice.hpp"

namespace fuselab::detail {

float convertToHalf(const float* src, std::uint16_t* dst, std::size_t count)
{
#ifdef FUSELAB_HAVE_ISA_V3
    if (useIsaV3()) return isa_v3::convertToHalfImpl(src, dst, count);
#endif
    return isa_base::convertToHalfImpl(src, dst, count);
}

} // namespace fuselab::detail
