// The EXR writer's float → half kernels against Imath's half(float), the reference the file
// format is defined by: every 4093rd 32-bit pattern (~1 M values over all exponents, both
// signs, denormals, the overflow boundary) plus the special values, bit for bit (NaN: any NaN).
#include "../../core/src/isa/isa_choice.hpp"
#include "../../core/src/io/half_convert.hpp"

#include <Imath/half.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

using namespace fuselab;

namespace {

std::vector<float> probeValues()
{
    std::vector<float> values;
    for (std::uint64_t bits = 0; bits <= 0xffffffffull; bits += 4093) {
        const std::uint32_t b = std::uint32_t(bits);
        float v;
        std::memcpy(&v, &b, sizeof v);
        values.push_back(v);
    }
    const float specials[] = {0.0f, -0.0f, 65504.0f, 65519.99f, 65520.0f, -65520.0f, 5.96046448e-8f, 2.98e-8f,
                              6.1035156e-5f, 6.1e-5f, 1.0f, 1.0f + 1.0f / 4096.0f, 1.0f + 3.0f / 4096.0f,
                              std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                              std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::denorm_min()};
    values.insert(values.end(), std::begin(specials), std::end(specials));
    // Odd lengths reach the kernels' tails as well as their 8-wide bodies.
    values.push_back(3.0f);
    return values;
}

float largestFinite(const std::vector<float>& values)
{
    float largest = 0.0f;
    for (float v : values)
        if (std::isfinite(v)) largest = std::max(largest, std::fabs(v));
    return largest;
}

void expectMatchesImath(const std::vector<float>& values, const std::vector<std::uint16_t>& bits, const char* which)
{
    ASSERT_EQ(values.size(), bits.size());
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const half expected(values[i]);
        half got;
        got.setBits(bits[i]);
        const bool same = expected.isNan() ? got.isNan() : got.bits() == expected.bits();
        if (!same && ++mismatches <= 5)
            ADD_FAILURE() << which << ": " << values[i] << " → 0x" << std::hex << bits[i] << ", Imath 0x" << expected.bits();
    }
    EXPECT_EQ(mismatches, 0u) << which;
}

} // namespace

TEST(HalfConversion, DispatchedKernelMatchesImathBitForBit)
{
    const std::vector<float> values = probeValues();
    std::vector<std::uint16_t> bits(values.size());
    const float largest = detail::convertToHalf(values.data(), bits.data(), values.size());
    expectMatchesImath(values, bits, useIsaV3() ? "x86-64-v3" : "baseline");
    EXPECT_EQ(largest, largestFinite(values));
}

TEST(HalfConversion, BaselineAndV3KernelsAgree)
{
    const std::vector<float> values = probeValues();
    std::vector<std::uint16_t> base(values.size());
    EXPECT_EQ(isa_base::convertToHalfImpl(values.data(), base.data(), values.size()), largestFinite(values));
    expectMatchesImath(values, base, "baseline");
#ifdef FUSELAB_HAVE_ISA_V3
    if (!useIsaV3()) GTEST_SKIP() << "this CPU has no x86-64-v3 (F16C)";
    std::vector<std::uint16_t> v3(values.size());
    EXPECT_EQ(isa_v3::convertToHalfImpl(values.data(), v3.data(), values.size()), largestFinite(values));
    expectMatchesImath(values, v3, "x86-64-v3");
#endif
}

TEST(HalfConversion, LargestIgnoresInfinitiesAndNaN)
{
    const std::vector<float> values = {1.0f, -70000.0f, std::numeric_limits<float>::infinity(), std::nanf(""), 2.0f, 0.5f,
                                       -3.0f, 1e-3f, 7.0f, -std::numeric_limits<float>::infinity()};
    std::vector<std::uint16_t> bits(values.size());
    EXPECT_EQ(detail::convertToHalf(values.data(), bits.data(), values.size()), 70000.0f);
    const std::vector<float> nothingFinite = {std::nanf(""), std::numeric_limits<float>::infinity()};
    EXPECT_EQ(detail::convertToHalf(nothingFinite.data(), bits.data(), nothingFinite.size()), 0.0f);
}
