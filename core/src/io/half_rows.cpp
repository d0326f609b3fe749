// The float → half kernel (half_convert.hpp). With F16C one vcvtps2ph converts 8 samples;
// Imath's software conversion (the baseline copy) takes ~10 instructions per sample: a 12 MP
// RGB radiance map was ~9 % of a whole `fuselab-cli merge` process before (perf).
#include "half_convert.hpp"

#include <Imath/half.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#ifdef FUSELAB_ISA_V3
#include <immintrin.h>
#endif

#include "../isa/isa.hpp"
#include "../isa/isa_target.hpp"

namespace fuselab::FUSELAB_ISA {

float convertToHalfImpl(const float* src, std::uint16_t* dst, std::size_t count)
{
    float largest = 0.0f;
    std::size_t i = 0;
#ifdef FUSELAB_ISA_V3
    const __m256 magnitudeMask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    const __m256 infinity = _mm256_set1_ps(INFINITY);
    __m256 largest8 = _mm256_setzero_ps();
    for (; i + 8 <= count; i += 8) {
        const __m256 v = _mm256_loadu_ps(src + i);
        const __m256 magnitude = _mm256_and_ps(v, magnitudeMask);
        // NaN compares false (ordered), so it counts as 0 like ±Inf.
        const __m256 finite = _mm256_cmp_ps(magnitude, infinity, _CMP_LT_OQ);
        largest8 = _mm256_max_ps(largest8, _mm256_and_ps(magnitude, finite));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    }
    float lanes[8];
    _mm256_storeu_ps(lanes, largest8);
    for (float lane : lanes) largest = std::max(largest, lane);
#endif
    for (; i < count; ++i) {
        const float v = src[i];
        if (std::isfinite(v)) largest = std::max(largest, std::fabs(v));
        dst[i] = half(v).bits();
    }
    return largest;
}

} // namespace fuselab::FUSELAB_ISA
