#include "fuselab/base/error.hpp"
#include "fuselab/base/exposure.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace fuselab;

// EV100 = log2(N²/t) − log2(ISO/100): the photographer's definition.
TEST(Exposure, Ev100MatchesTheDefinition)
{
    EXPECT_NEAR(ev100FromExif(1.0, 1.0, 100.0), 0.0, 1e-12);    // f/1, 1 s, ISO 100 is EV 0
    EXPECT_NEAR(ev100FromExif(1.0 / 125.0, 16.0, 100.0), std::log2(256.0 * 125.0), 1e-12); // sunny 16: ≈ 14.97
    EXPECT_NEAR(ev100FromExif(1.0 / 60.0, 2.8, 400.0), std::log2(2.8 * 2.8 * 60.0) - 2.0, 1e-12);
}

TEST(Exposure, StopsDoubleWithTimeAndIsoAndHalveWithApertureArea)
{
    const double base = stopsFromExif(0.01, 8.0, 100.0);
    EXPECT_NEAR(stopsFromExif(0.02, 8.0, 100.0) - base, 1.0, 1e-12);
    EXPECT_NEAR(stopsFromExif(0.01, 8.0, 200.0) - base, 1.0, 1e-12);
    EXPECT_NEAR(stopsFromExif(0.01, 8.0 * std::sqrt(2.0), 100.0) - base, -1.0, 1e-12);
    EXPECT_NEAR(stopsFromExif(0.01, std::nullopt, std::nullopt), std::log2(0.01), 1e-12);
}

TEST(Exposure, FromExifPrefersTimeThenBias)
{
    ExifExposure e;
    EXPECT_FALSE(exposureFromExif(e).stops.has_value());
    e.exposureBiasEv = -1.5;
    FrameExposure f = exposureFromExif(e);
    ASSERT_TRUE(f.stops);
    EXPECT_DOUBLE_EQ(*f.stops, -1.5);
    EXPECT_EQ(f.source, ExposureSource::ExifBias);
    e.exposureTimeS = 0.25;
    f = exposureFromExif(e);
    EXPECT_DOUBLE_EQ(*f.stops, -2.0);
    EXPECT_EQ(f.source, ExposureSource::Exif);
    e.exposureTimeS = -1.0; // nonsense times are ignored, never trusted
    EXPECT_EQ(exposureFromExif(e).source, ExposureSource::ExifBias);
}

TEST(Exposure, RelativeTimesNameTheFrameWithoutData)
{
    ExposureStack stack;
    stack.frames.resize(2);
    stack.frames[0].path = "a.jpg";
    stack.frames[0].exposure.stops = 1.0;
    stack.frames[1].path = "b.jpg";
    EXPECT_FALSE(stack.hasExposures());
    try {
        stack.relativeExposureTimes();
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.file(), "b.jpg");
        EXPECT_NE(e.problem().find("--ev"), std::string::npos);
        EXPECT_NE(e.problem().find("--times"), std::string::npos);
    }
    stack.frames[1].exposure.stops = -2.0;
    const auto t = stack.relativeExposureTimes();
    EXPECT_DOUBLE_EQ(t[0], 2.0);
    EXPECT_DOUBLE_EQ(t[1], 0.25);
}
