// Private: float → IEEE 754 half conversion for the OpenEXR writer, compiled for the x86-64
// baseline (Imath's software conversion) and for x86-64-v3 (F16C: 8 samples per instruction),
// chosen at run time like the fusion kernels (fusion/dispatch.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace fuselab::detail {

/// Writes `count` halves (their bit patterns) to dst: round to nearest even, beyond ±65504
/// rounds to ±Inf, NaN stays NaN — what Imath's half(float) gives. Returns the largest finite
/// |src[i]| (0 when none), for the caller's range check. dst and src must not overlap.
float convertToHalf(const float* src, std::uint16_t* dst, std::size_t count);

} // namespace fuselab::detail

#define FUSELAB_DECLARE_HALF_KERNEL(ns)                                                                              \
    namespace fuselab::ns {                                                                                          \
    float convertToHalfImpl(const float* src, std::uint16_t* dst, std::size_t count);                                \
    }
FUSELAB_DECLARE_HALF_KERNEL(isa_base)
#ifdef FUSELAB_HAVE_ISA_V3
FUSELAB_DECLARE_HALF_KERNEL(isa_v3)
#endif
