#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/response.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace fuselab;

TEST(Response, AnalyticCurvesInvertExactly)
{
    const CameraResponse curves[] = {CameraResponse::linear(), CameraResponse::gamma(2.2), CameraResponse::srgb(),
                                     CameraResponse::sCurve(1.6, 0.18)};
    for (const CameraResponse& r : curves)
        for (double x = 0.001; x < 1.0; x *= 1.37) {
            const double v = r.apply(x);
            EXPECT_NEAR(r.invert(v), x, 2e-6 * std::max(1.0, x)) << r.name() << " at " << x;
        }
}

TEST(Response, KnownValues)
{
    EXPECT_NEAR(CameraResponse::gamma(2.0).apply(0.25), 0.5, 1e-12);
    EXPECT_NEAR(CameraResponse::srgb().apply(0.0031308), 0.04045, 1e-6);   // the sRGB knee
    EXPECT_NEAR(CameraResponse::srgb().apply(0.18), 0.4613561, 1e-6);      // mid grey
    // S-curve: f(m) = (1 + m^c)/2 by construction, f(1) = 1.
    const double m = 0.18, c = 1.6;
    EXPECT_NEAR(CameraResponse::sCurve(c, m).apply(m), (1.0 + std::pow(m, c)) / 2.0, 1e-12);
    EXPECT_NEAR(CameraResponse::sCurve(c, m).apply(1.0), 1.0, 1e-12);
    EXPECT_DOUBLE_EQ(CameraResponse::linear().apply(3.0), 1.0); // sensor saturation
}

TEST(Response, SampledTableTracksTheCurveInLogExposure)
{
    const CameraResponse srgb = CameraResponse::srgb();
    const CameraResponse table = srgb.sampled(256);
    ASSERT_EQ(table.kind(), CameraResponse::Kind::Table);
    for (int code = 1; code < 256; ++code) {
        const double v = code / 255.0;
        EXPECT_NEAR(table.invert(v), srgb.invert(v), 1e-9) << code; // exact at the samples
    }
    for (double x = 0.01; x < 1.0; x *= 1.1) EXPECT_NEAR(table.apply(x), srgb.apply(x), 2e-3) << x;
}

TEST(Response, TableRejectsNonMonotoneData)
{
    EXPECT_THROW(CameraResponse::table({0.0, 0.5, 0.4}, {{0.1, 0.2, 0.3}}), Error);
    EXPECT_THROW(CameraResponse::table({0.0, 0.5, 1.0}, {{0.1, 0.3, 0.2}}), Error);
    EXPECT_THROW(CameraResponse::table({0.0, 0.5, 1.0}, {{0.1, 0.2, 0.3}, {0.1, 0.2, 0.3}}), Error);
    EXPECT_THROW(CameraResponse::table({0.0, 0.5, 1.0}, {{0.0, 0.2, 0.3}}), Error);
}

TEST(Colour, SrgbTransferIsItsOwnInverseAndMatchesTheStandard)
{
    for (int i = 0; i <= 255; ++i) {
        const float v = i / 255.0f;
        EXPECT_NEAR(linearToSrgb(srgbToLinear(v)), v, 2e-6f);
        EXPECT_FLOAT_EQ(srgb8ToLinearTable()[i], srgbToLinear(v));
    }
    EXPECT_NEAR(srgbToLinear(0.5f), 0.2140411f, 1e-6f);
    EXPECT_NEAR(srgbToLinear(0.04045f), 0.04045f / 12.92f, 1e-7f);
    EXPECT_FLOAT_EQ(srgbToLinear(-0.5f), -srgbToLinear(0.5f)); // sign-preserving extension
}
