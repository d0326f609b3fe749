// Our decoders against OpenCV's independent readers on the real files in ../shared/data,
// and the metadata of those files.
#include "test_support.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"

#include <opencv2/imgcodecs.hpp>

#include <cmath>

using namespace fuselab;
using namespace fuselab::test;

namespace {
// OpenCV's BGR(A) sample (x, y, c) in our RGB(A) channel order.
template <typename T>
T cvSample(const cv::Mat& m, int x, int y, int c)
{
    const int ch = m.channels();
    const int cc = ch >= 3 && c < 3 ? 2 - c : c;
    return m.ptr<T>(y)[x * ch + cc];
}
} // namespace

TEST(ReferenceDecode, JpegMatchesOpenCvExactly)
{
    FUSELAB_REQUIRE_SHARED("brackets/meflut-1/3.jpg");
    const std::string path = sharedFile("brackets/meflut-1/3.jpg");
    const LoadedImage ours = readImage(path);
    const cv::Mat ref = cv::imread(path, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
    ASSERT_FALSE(ref.empty());
    ASSERT_EQ(ours.pixels.width(), ref.cols);
    ASSERT_EQ(ours.pixels.height(), ref.rows);
    const Image8& px = *ours.pixels.as8();
    long mismatches = 0;
    for (int y = 0; y < ref.rows; y += 7)
        for (int x = 0; x < ref.cols; x += 5)
            for (int c = 0; c < 3; ++c) mismatches += px.at(x, y, c) != cvSample<std::uint8_t>(ref, x, y, c);
    EXPECT_EQ(mismatches, 0);
    EXPECT_FALSE(ours.exif.exposureTimeS.has_value()); // MEFLUT samples carry no exposure EXIF
}

class ExrReference : public ::testing::TestWithParam<const char*> {};

TEST_P(ExrReference, MatchesOpenCvAndCountsNonFinite)
{
    const std::string rel = std::string("exr/") + GetParam();
    FUSELAB_REQUIRE_SHARED(rel);
    const std::string path = sharedFile(rel);
    ReadOptions keep;
    keep.nonFinite = NonFinitePolicy::Keep;
    const LoadedImage ours = readImage(path, keep);
    const cv::Mat ref = cv::imread(path, cv::IMREAD_UNCHANGED | cv::IMREAD_ANYDEPTH);
    ASSERT_FALSE(ref.empty());
    ASSERT_EQ(ref.depth(), CV_32F);
    ASSERT_EQ(ours.pixels.width(), ref.cols);
    ASSERT_EQ(ours.pixels.height(), ref.rows);
    const Image& px = *ours.pixels.asFloat();
    const int channels = std::min(px.channels(), ref.channels());
    std::uint64_t nan = 0, inf = 0, mismatches = 0;
    for (int y = 0; y < ref.rows; ++y)
        for (int x = 0; x < ref.cols; ++x)
            for (int c = 0; c < channels; ++c) {
                const float a = px.at(x, y, c), b = cvSample<float>(ref, x, y, c);
                if (std::isnan(b)) { nan += 1; mismatches += !std::isnan(a); continue; }
                if (std::isinf(b)) { inf += 1; mismatches += a != b; continue; }
                mismatches += a != b;
            }
    EXPECT_EQ(mismatches, 0u);
    if (channels == px.channels()) {
        EXPECT_EQ(ours.nanCount, nan);
        EXPECT_EQ(ours.infCount, inf);
    }
}

INSTANTIATE_TEST_SUITE_P(SharedData, ExrReference,
                         ::testing::Values("BrightRings.exr", "BrightRingsNanInf.exr", "Desk.exr", "MtTamWest.exr", "Cannon.exr",
                                           "StillLife.exr", "AllHalfValues.exr"));

TEST(ReferenceDecode, NanInfExrIsRefusedByDefaultWithCounts)
{
    FUSELAB_REQUIRE_SHARED("exr/BrightRingsNanInf.exr");
    const std::string path = sharedFile("exr/BrightRingsNanInf.exr");
    try {
        readImage(path);
        FAIL() << "NaN/Inf pixels must not pass silently";
    } catch (const Error& e) {
        EXPECT_EQ(e.file(), path);
        EXPECT_NE(e.problem().find("NaN"), std::string::npos);
        EXPECT_NE(e.problem().find("Inf"), std::string::npos);
    }
    ReadOptions zero;
    zero.nonFinite = NonFinitePolicy::Zero;
    const LoadedImage fixed = readImage(path, zero);
    EXPECT_GT(fixed.nanCount + fixed.infCount, 0u);
    const SampleStats s = computeSampleStats(*fixed.pixels.asFloat());
    EXPECT_EQ(s.nanCount + s.infCount, 0u);
}

TEST(ReferenceDecode, SingleChannelExrBecomesGrey)
{
    FUSELAB_REQUIRE_SHARED("exr/WideFloatRange.exr");
    const LoadedImage img = readImage(sharedFile("exr/WideFloatRange.exr"));
    EXPECT_EQ(img.pixels.channels(), 1);
    EXPECT_EQ(img.header.bitDepth, 32);
}
