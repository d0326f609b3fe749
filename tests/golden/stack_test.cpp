#include "test_support.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/stack_io.hpp"
#include "fuselab/synth_writer.hpp"

#include <cmath>
#include <fstream>

using namespace fuselab;
using namespace fuselab::test;

namespace {
std::vector<std::string> writeSynthStack(const TempDir& dir, int count = 3)
{
    SynthRequest r;
    r.scene = {"interior", 96, 64, 3};
    r.exposures = count;
    r.evStepStops = 2.0;
    NullProgress p;
    return writeSyntheticStack(r, dir.path(), p).framePaths;
}
} // namespace

TEST(Stack, LoadsExifExposuresAndSortsDarkestFirst)
{
    TempDir dir;
    const auto files = writeSynthStack(dir);
    const LoadedStack s = loadStack({files[2], files[0], files[1]}, {});
    ASSERT_EQ(s.stack.size(), 3u);
    EXPECT_TRUE(s.warnings.empty());
    EXPECT_EQ(s.stack.frames[0].path, files[0]);
    EXPECT_EQ(s.stack.frames[2].path, files[2]);
    EXPECT_EQ(s.stack.frames[0].exposure.source, ExposureSource::Exif);
    EXPECT_NEAR(*s.stack.frames[1].exposure.stops - *s.stack.frames[0].exposure.stops, 2.0, 1e-9);
    EXPECT_NEAR(*s.stack.frames[2].exposure.stops - *s.stack.frames[1].exposure.stops, 2.0, 1e-9);
}

TEST(Stack, FolderWithEvTxtAndTypedValuesTakePrecedence)
{
    TempDir dir;
    writeSynthStack(dir);
    const LoadedStack fromFolder = loadStack({dir.path()}, {});
    ASSERT_EQ(fromFolder.stack.size(), 3u);
    EXPECT_EQ(fromFolder.stack.frames[0].exposure.source, ExposureSource::TypedEv); // ev.txt
    EXPECT_DOUBLE_EQ(*fromFolder.stack.frames[0].exposure.stops, -2.0);
    StackLoadOptions typed;
    typed.timesS = {0.01, 0.04, 0.16};
    const LoadedStack t = loadStack({dir.path()}, typed);
    EXPECT_NEAR(*t.stack.frames[2].exposure.stops, std::log2(0.16), 1e-12);
    StackLoadOptions wrongCount;
    wrongCount.evs = {1, 2};
    EXPECT_THROW(loadStack({dir.path()}, wrongCount), Error);
}

TEST(Stack, TypedEvsInTheWrongOrderAreWarnedAbout)
{
    TempDir dir;
    const auto files = writeSynthStack(dir);
    StackLoadOptions o;
    o.evs = {2.0, 0.0, -2.0}; // reversed: the first file is the darkest
    const LoadedStack s = loadStack(files, o);
    ASSERT_FALSE(s.warnings.empty());
    EXPECT_NE(s.warnings.front().find("--ev"), std::string::npos);
}

TEST(Stack, ValidationNamesTheFileAndTheProblem)
{
    TempDir dir;
    const auto files = writeSynthStack(dir);
    // Single image.
    try {
        loadStack({files[0]}, {});
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(e.problem().find("at least two"), std::string::npos);
    }
    // Mismatched size.
    const std::string odd = dir.file("odd.png");
    writeImage(odd, makePattern(50, 40, 3));
    try {
        loadStack({files[0], odd}, {});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.file(), odd);
        EXPECT_NE(e.problem().find("50x40"), std::string::npos);
        EXPECT_NE(e.problem().find("96x64"), std::string::npos);
    }
    // Mismatched channels.
    const std::string grey = dir.file("grey.png");
    writeImage(grey, makePattern(96, 64, 1));
    EXPECT_THROW(loadStack({files[0], grey}, {}), Error);
    // Duplicate exposures.
    StackLoadOptions dup;
    dup.evs = {0.0, 0.0};
    try {
        loadStack({files[0], files[1]}, dup);
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(e.problem().find("same exposure"), std::string::npos);
    }
}

TEST(Stack, WithoutExposureDataFusionLoadsButMergeIsRefused)
{
    TempDir dir;
    writeImage(dir.file("a.png"), makePattern(32, 32, 3, 1));
    writeImage(dir.file("b.png"), makePattern(32, 32, 3, 2));
    const LoadedStack s = loadStack({dir.file("a.png"), dir.file("b.png")}, {});
    EXPECT_FALSE(s.stack.hasExposures());
    StackLoadOptions merge;
    merge.requireExposures = true;
    try {
        loadStack({dir.file("a.png"), dir.file("b.png")}, merge);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.file(), dir.file("a.png"));
        EXPECT_NE(e.problem().find("--ev"), std::string::npos);
        EXPECT_NE(e.problem().find("--times"), std::string::npos);
    }
}

TEST(Stack, SharedBracketsLoadWithTypedEvs)
{
    FUSELAB_REQUIRE_SHARED("brackets/meflut-1/0.jpg");
    StackLoadOptions o;
    o.evs = {2, 0, -2, -4};
    const LoadedStack s = loadStack({sharedFile("brackets/meflut-1")}, o);
    ASSERT_EQ(s.stack.size(), 4u);
    EXPECT_TRUE(s.warnings.empty()) << s.warnings.front();
    EXPECT_NE(s.stack.frames.front().path.find("3.jpg"), std::string::npos); // darkest first
    EXPECT_EQ(s.stack.width(), 4000);
    EXPECT_EQ(s.stack.height(), 3000);
}

TEST(Synth, WritesStackTruthAndResponse)
{
    TempDir dir;
    SynthRequest r;
    r.scene = {"interior", 80, 60, 4};
    r.exposures = 3;
    r.camera.response = CameraResponse::gamma(2.2);
    NullProgress p;
    const SynthResult out = writeSyntheticStack(r, dir.path(), p);
    ASSERT_EQ(out.framePaths.size(), 3u);
    const LoadedImage radiance = readImage(out.radiancePath);
    EXPECT_EQ(radiance.header.bitDepth, 32);
    const CameraResponse response = readResponseCsv(out.responsePath);
    // Sampled at 256 codes and interpolated in log exposure between them.
    EXPECT_NEAR(response.invert(0.5) / std::pow(0.5, 2.2), 1.0, 1e-4);
    // The middle frame's pixels are the radiance through the response (no noise, no shift).
    std::ifstream truthFile(out.truthPath);
    const std::string truth((std::istreambuf_iterator<char>(truthFile)), std::istreambuf_iterator<char>());
    const std::size_t k = truth.find("\"exposure_scale\": ");
    ASSERT_NE(k, std::string::npos);
    const double scale = std::stod(truth.substr(k + 18));
    const Image8 mid = *readImage(out.framePaths[1]).pixels.as8();
    const Image& e = *radiance.pixels.asFloat();
    for (int y = 0; y < 60; y += 5)
        for (int x = 0; x < 80; x += 3) {
            const double v = CameraResponse::gamma(2.2).apply(std::min(1.0, double(e.at(x, y, 1)) * scale));
            EXPECT_NEAR(mid.at(x, y, 1), v * 255.0, 0.5 + 1e-9);
        }
}
