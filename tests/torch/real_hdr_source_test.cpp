// The real-HDR training source (issue 18, item 1): reproducible, brackets as specified, JPEG
// artefacts of the chosen quality, the generated-scene share honoured, real maps usable.
#include "api/jpeg_roundtrip.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/learn/training_data.hpp"
#include "fuselab/metrics.hpp"
#include "fuselab/base/synthetic.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>

using namespace fuselab;
using namespace fuselab::learn;

namespace {

std::vector<NamedRadiance> generatedMaps()
{
    std::vector<NamedRadiance> maps;
    for (std::uint64_t s : {3u, 4u}) maps.push_back({"map" + std::to_string(s), makeSyntheticScene({"interior", 320, 240, s})});
    return maps;
}

double meanOf(const Image& img)
{
    double sum = 0.0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width() * img.channels(); ++x) sum += img.row(y)[x];
    return sum / (double(img.width()) * img.height() * img.channels());
}

bool identical(const Image& a, const Image& b)
{
    if (a.width() != b.width() || a.height() != b.height()) return false;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width() * a.channels(); ++x)
            if (a.row(y)[x] != b.row(y)[x]) return false;
    return true;
}

} // namespace

TEST(RealHdrSource, BatchesAreReproducibleAndBracketsAsSpecified)
{
    RealHdrSourceOptions o;
    o.seed = 11;
    o.syntheticShare = 0.0;
    const auto source = makeRealHdrSource(generatedMaps(), o);
    EXPECT_NE(source->description().find("2 real HDR maps"), std::string::npos) << source->description();
    std::set<int> counts;
    for (std::uint64_t b = 0; b < 12; ++b) {
        const auto batch = source->batch(b, 3, 64);
        const auto again = source->batch(b, 3, 64);
        ASSERT_EQ(batch.size(), 3u);
        const std::size_t k = batch.front().inputs.size();
        EXPECT_GE(k, std::size_t(o.minExposures));
        EXPECT_LE(k, std::size_t(o.maxExposures));
        counts.insert(int(k));
        for (std::size_t i = 0; i < batch.size(); ++i) {
            ASSERT_EQ(batch[i].inputs.size(), k) << "one input count per batch";
            EXPECT_NE(batch[i].name.find("map"), std::string::npos);
            double previous = -1.0;
            for (std::size_t f = 0; f < k; ++f) {
                const Image& frame = batch[i].inputs[f];
                EXPECT_EQ(frame.width(), 64);
                EXPECT_EQ(frame.channels(), 3);
                EXPECT_TRUE(identical(frame, again[i].inputs[f])) << "batch " << b << " is not reproducible";
                const double mean = meanOf(frame);
                EXPECT_GE(mean + 1e-9, previous) << "frames go from dark to bright";
                previous = mean;
            }
        }
    }
    EXPECT_GE(counts.size(), 4u) << "the exposure count varies between batches";
    // Another seed, other stacks.
    o.seed = 12;
    EXPECT_FALSE(identical(makeRealHdrSource(generatedMaps(), o)->batch(0, 1, 64)[0].inputs[0], source->batch(0, 1, 64)[0].inputs[0]));
}

TEST(RealHdrSource, SyntheticShareDrawsTheGeneratedScenes)
{
    RealHdrSourceOptions o;
    o.seed = 5;
    o.syntheticShare = 1.0;
    const auto batch = makeRealHdrSource(generatedMaps(), o)->batch(2, 2, 48);
    EXPECT_NE(batch[0].name.find("synthetic"), std::string::npos) << batch[0].name;
    o.syntheticShare = 0.3;
    int generated = 0;
    const auto mixed = makeRealHdrSource(generatedMaps(), o);
    for (std::uint64_t b = 0; b < 40; ++b) generated += mixed->batch(b, 1, 32)[0].name.find("synthetic") != std::string::npos;
    EXPECT_GT(generated, 4);
    EXPECT_LT(generated, 22); // 30 % of 40 = 12, binomial spread
}

TEST(RealHdrSource, JpegRoundTripLeavesArtefactsOfItsQuality)
{
    const Image scene = makeSyntheticScene({"interior", 128, 96, 8});
    ExposureSimulation sim;
    sim.stops = {0.0};
    sim.exposureScale = autoExposureScale(scene);
    const Image8 codes = *exposeScene(scene, sim).front().pixels.as8();
    const Image original = SampleImage(codes).toFloat();
    const double low = psnrDb(SampleImage(detail::jpegRoundTrip(codes, 75)).toFloat(), original);
    const double high = psnrDb(SampleImage(detail::jpegRoundTrip(codes, 98)).toFloat(), original);
    std::printf("JPEG round trip: quality 75 → %.1f dB, 98 → %.1f dB\n", low, high);
    EXPECT_GT(low, 28.0);
    EXPECT_LT(low, 50.0); // artefacts are there
    EXPECT_GT(high, low + 3.0);
}

TEST(RealHdrSource, RefusesWhatItCannotUse)
{
    EXPECT_THROW(makeRealHdrSource({}, {}), Error);
    std::vector<NamedRadiance> display = {{"display", Image(64, 64, 3, ColourEncoding::Srgb)}};
    EXPECT_THROW(makeRealHdrSource(display, {}), Error);
    RealHdrSourceOptions o;
    o.syntheticShare = 0.0;
    std::vector<NamedRadiance> tiny = {{"tiny", Image(20, 20, 3, ColourEncoding::Linear)}};
    EXPECT_THROW(makeRealHdrSource(tiny, o)->batch(0, 1, 64), Error) << "a map smaller than the patch";
}

TEST(RealHdrSource, RealMapsGiveUsableBrackets)
{
    const std::filesystem::path dir = std::filesystem::path(FUSELAB_SHARED_DATA_DIR) / "real" / "hdr" / "val";
    if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << dir << " is absent";
    std::vector<NamedRadiance> maps;
    ReadOptions read;
    read.nonFinite = NonFinitePolicy::Zero;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        maps.push_back({entry.path().stem().string(), readImage(entry.path().string(), read).pixels.toFloat()});
    ASSERT_EQ(maps.size(), 2u);
    RealHdrSourceOptions o;
    o.syntheticShare = 0.0;
    const auto source = makeRealHdrSource(maps, o);
    for (std::uint64_t b = 0; b < 4; ++b)
        for (const TrainingStack& s : source->batch(b, 2, 96)) {
            const double darkest = meanOf(s.inputs.front()), brightest = meanOf(s.inputs.back());
            EXPECT_LT(darkest, brightest) << s.name;
            EXPECT_GT(brightest - darkest, 0.05) << s.name << ": the bracket spans real exposure differences";
        }
    const auto validation = makeRealValidationStacks(maps, 5, 256);
    ASSERT_EQ(validation.size(), 2u);
    EXPECT_EQ(validation[0].inputs.size(), 5u);
    EXPECT_LE(std::max(validation[0].inputs[0].width(), validation[0].inputs[0].height()), 256);
}

// Night street and room lighting (sodium, tungsten) that the camera's balance leaves in: blue
// falls far below green, red rises above it, so one channel sits near black while another nears
// clipping — the per-channel exposure judgement real night brackets need.
TEST(RealHdrSource, WarmCastsLowerBlueAndRaiseRedAgainstGreen)
{
    auto channelRatios = [](double castShare) {
        RealHdrSourceOptions o;
        o.seed = 21;
        o.syntheticShare = 0.0;
        o.whiteBalanceStops = 0.0;
        o.noiseProbability = 0.0;
        o.jpegProbability = 0.0;
        o.warmCastProbability = castShare;
        const auto source = makeRealHdrSource(generatedMaps(), o);
        double sums[3] = {0.0, 0.0, 0.0};
        for (std::uint64_t b = 0; b < 24; ++b)
            for (const TrainingStack& stack : source->batch(b, 2, 48)) {
                const Image& middle = stack.inputs[stack.inputs.size() / 2];
                for (int y = 0; y < middle.height(); ++y)
                    for (int x = 0; x < middle.width(); ++x)
                        for (int c = 0; c < 3; ++c) sums[c] += middle.row(y)[3 * x + c];
            }
        return std::make_pair(sums[0] / sums[1], sums[2] / sums[1]);
    };
    const auto [redNeutral, blueNeutral] = channelRatios(0.0);
    const auto [redWarm, blueWarm] = channelRatios(1.0);
    std::printf("red/green %.3f → %.3f, blue/green %.3f → %.3f with warm casts\n", redNeutral, redWarm, blueNeutral, blueWarm);
    // Blue gains average 2^−c over c in [0, 6] stops (0.24 in linear light): well under 3/4 in codes.
    EXPECT_LT(blueWarm, 0.75 * blueNeutral);
    EXPECT_GT(redWarm, 1.05 * redNeutral);
    RealHdrSourceOptions bad;
    bad.warmCastProbability = 1.5;
    EXPECT_THROW(makeRealHdrSource(generatedMaps(), bad), Error);
}
