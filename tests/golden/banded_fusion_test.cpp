// Banded (bounded-memory) exposure fusion against the whole-image engine: the same output bit
// for bit at band heights and coarse levels that cut every pyramid level unevenly, on generated
// stacks of every sample type and channel count and on a real photographed bracket.
#include "test_support.hpp"

#include "../../core/src/fusion/dispatch.hpp"

#include "fuselab/banded_fusion.hpp"
#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/mertens.hpp"
#include "fuselab/pyramid.hpp"
#include "fuselab/row_io.hpp"
#include "fuselab/stack_io.hpp"
#include "fuselab/base/synthetic.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <filesystem>

using namespace fuselab;
using namespace fuselab::test;

namespace {

// The frame with 1 channel (its green) or 4 (an opaque alpha added).
template <typename T>
ImageBuffer<T> withChannels(const ImageBuffer<T>& rgb, int channels)
{
    ImageBuffer<T> out = ImageBuffer<T>::uninitialised(rgb.width(), rgb.height(), channels, rgb.encoding());
    T opaque = T(1);
    if constexpr (!std::is_same_v<T, float>) opaque = std::numeric_limits<T>::max();
    for (int y = 0; y < rgb.height(); ++y)
        for (int x = 0; x < rgb.width(); ++x)
            for (int c = 0; c < channels; ++c) out.row(y)[x * channels + c] = channels == 1 ? rgb.row(y)[x * 3 + 1] : c < 3 ? rgb.row(y)[x * 3 + c] : opaque;
    return out;
}

SampleImage withChannels(const SampleImage& rgb, int channels)
{
    if (const Image8* p = rgb.as8()) return SampleImage(withChannels(*p, channels));
    if (const Image16* p = rgb.as16()) return SampleImage(withChannels(*p, channels));
    return SampleImage(withChannels(*rgb.asFloat(), channels));
}

ExposureStack generatedStack(int w, int h, int bits, int channels, std::uint64_t seed)
{
    const Image scene = makeSyntheticScene({"interior", w, h, seed});
    ExposureSimulation sim;
    sim.stops = {-2.0, 0.0, 2.0};
    sim.exposureScale = autoExposureScale(scene);
    sim.bitDepth = bits == 32 ? 16 : bits;
    ExposureStack stack;
    for (const SimulatedFrame& f : exposeScene(scene, sim)) {
        StackFrame frame;
        frame.path = "generated";
        frame.pixels = f.pixels;
        if (bits == 32) { // display-encoded float frames
            const Image16& codes = *f.pixels.as16();
            Image floats = Image::uninitialised(codes.width(), codes.height(), codes.channels(), codes.encoding());
            for (int y = 0; y < codes.height(); ++y)
                for (int i = 0; i < codes.width() * codes.channels(); ++i) floats.row(y)[i] = float(codes.row(y)[i]) / 65535.0f;
            frame.pixels = SampleImage(floats);
        }
        if (channels != 3) frame.pixels = withChannels(f.pixels, channels);
        stack.frames.push_back(frame);
    }
    return stack;
}

// Collects the rows; counts them so a missing or extra row fails.
class CollectRows final : public FusedRowWriter {
public:
    explicit CollectRows(std::size_t rowBytes) : m_rowBytes(rowBytes) {}
    void writeRow(const void* row) override
    {
        const auto* p = static_cast<const std::uint8_t*>(row);
        bytes.insert(bytes.end(), p, p + m_rowBytes);
        ++rows;
    }
    std::vector<std::uint8_t> bytes;
    int rows = 0;

private:
    std::size_t m_rowBytes;
};

std::vector<std::uint8_t> bytesOf(const SampleImage& image)
{
    std::vector<std::uint8_t> out;
    for (int y = 0; y < image.height(); ++y) {
        const std::size_t n = std::size_t(image.width()) * image.channels() * (image.bitDepth() / 8);
        const auto* p = image.as8()    ? reinterpret_cast<const std::uint8_t*>(image.as8()->row(y))
                        : image.as16() ? reinterpret_cast<const std::uint8_t*>(image.as16()->row(y))
                                       : reinterpret_cast<const std::uint8_t*>(image.asFloat()->row(y));
        out.insert(out.end(), p, p + n);
    }
    return out;
}

// Row readers over a stack's frames (kept alive together).
struct FrameRows {
    std::vector<std::unique_ptr<FrameRowReader>> readers;
    std::vector<FrameRowReader*> frames;
};

FrameRows frameRowsOfStack(const ExposureStack& stack)
{
    FrameRows r;
    for (const StackFrame& f : stack.frames) {
        r.readers.push_back(frameRowsOf(f.pixels, f.path));
        r.frames.push_back(r.readers.back().get());
    }
    return r;
}

struct Banded {
    std::vector<std::uint8_t> bytes;
    BandedFusionPlan plan;
};

Banded fuseInBands(const ExposureStack& stack, FusedSampleType type, int bandRows, int coarseLevel, const MertensParams& params = {})
{
    const FrameRows opened = frameRowsOfStack(stack);
    const std::vector<FrameRowReader*>& frames = opened.frames;
    const int planes = stack.channels() >= 3 ? 3 : 1;
    const int bytes = type == FusedSampleType::U8 ? 1 : type == FusedSampleType::U16 ? 2 : 4;
    CollectRows out(std::size_t(stack.width()) * planes * bytes);
    BandedFusionOptions options;
    options.outputType = type;
    options.bandRows = bandRows;
    options.coarseLevel = coarseLevel;
    NullProgress progress;
    Banded b;
    b.plan = fuseMertensBanded(frames, params, options, out, progress);
    EXPECT_EQ(out.rows, stack.height());
    b.bytes = std::move(out.bytes);
    return b;
}

std::vector<std::uint8_t> fuseWhole(const ExposureStack& stack, FusedSampleType type, const MertensParams& params = {})
{
    FusionOptions options;
    options.outputType = type;
    NullProgress progress;
    return bytesOf(fuseMertens(stack, params, options, progress).fused);
}

std::size_t firstDifference(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b)
{
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i]) return i;
    return a.size() == b.size() ? std::size_t(-1) : n;
}

} // namespace

TEST(BandedFusion, EqualsTheWholeImageAtBandsThatCutEveryLevelUnevenly)
{
    // 301 × 217: odd at every level (217 → 109 → 55 → 28 → 14 → 7 → 4 → 2 → 1), so bands of
    // 1, 7, 37 and 100 rows start at every parity of every level.
    const ExposureStack stack = generatedStack(301, 217, 8, 3, 5);
    for (FusedSampleType type : {FusedSampleType::U8, FusedSampleType::Float}) {
        const std::vector<std::uint8_t> whole = fuseWhole(stack, type);
        for (int coarse : {1, 2, 3, 5, 7})
            for (int rows : {1, 7, 37, 100, 217}) {
                const Banded b = fuseInBands(stack, type, rows, coarse);
                EXPECT_EQ(b.plan.coarseLevel, coarse);
                EXPECT_EQ(b.plan.bands, (217 + rows - 1) / rows);
                ASSERT_EQ(firstDifference(b.bytes, whole), std::size_t(-1))
                    << "coarse level " << coarse << ", " << rows << "-row bands, " << (type == FusedSampleType::U8 ? "8-bit" : "float");
            }
    }
}

TEST(BandedFusion, EqualsTheWholeImageForEverySampleTypeAndChannelCount)
{
    for (int bits : {8, 16, 32})
        for (int channels : {1, 3, 4}) {
            const ExposureStack stack = generatedStack(123, 97, bits, channels, 7);
            for (FusedSampleType type : {FusedSampleType::U8, FusedSampleType::U16, FusedSampleType::Float}) {
                const Banded b = fuseInBands(stack, type, 13, 3);
                EXPECT_EQ(firstDifference(b.bytes, fuseWhole(stack, type)), std::size_t(-1))
                    << bits << "-bit frames, " << channels << " channels, output type " << int(type);
            }
        }
}

TEST(BandedFusion, EqualsTheWholeImageWithFewerLevelsAndOtherWeights)
{
    const ExposureStack stack = generatedStack(160, 90, 8, 3, 9);
    MertensParams params;
    params.levels = 3;
    params.contrastExponent = 0.5;
    params.exposednessExponent = 2.0;
    EXPECT_EQ(firstDifference(fuseInBands(stack, FusedSampleType::Float, 11, 0, params).bytes, fuseWhole(stack, FusedSampleType::Float, params)),
              std::size_t(-1));
    params.levels = 1; // no pyramid: a per-pixel weighted mean
    const Banded flat = fuseInBands(stack, FusedSampleType::Float, 11, 0, params);
    EXPECT_EQ(flat.plan.coarseLevel, 0);
    EXPECT_EQ(firstDifference(flat.bytes, fuseWhole(stack, FusedSampleType::Float, params)), std::size_t(-1));
}

TEST(BandedFusion, EqualsTheWholeImageOnARealBracket)
{
    FUSELAB_REQUIRE_SHARED("real/brackets/hdrps-bandon-sunset-1");
    const LoadedStack loaded = loadStack({sharedFile("real/brackets/hdrps-bandon-sunset-1")}, StackLoadOptions{});
    const std::vector<std::uint8_t> whole = fuseWhole(loaded.stack, FusedSampleType::U8);
    const Banded b = fuseInBands(loaded.stack, FusedSampleType::U8, 61, 4);
    EXPECT_EQ(firstDifference(b.bytes, whole), std::size_t(-1));
    EXPECT_GT(b.plan.bands, 5);
}

TEST(BandedFusion, BothInstructionSetsGiveTheSameBandsAsTheirWholeImage)
{
    const ExposureStack stack = generatedStack(200, 150, 8, 3, 4);
    const FrameRows opened = frameRowsOfStack(stack);
    const std::vector<FrameRowReader*>& frames = opened.frames;
    BandedFusionOptions options;
    options.outputType = FusedSampleType::Float;
    options.bandRows = 23;
    options.coarseLevel = 2;
    const BandedFusionPlan plan = planBandedFusion(200, 150, 3, 3, RowSampleType::U8, MertensParams{}, options);
    NullProgress p;
    FusionOptions whole;
    CollectRows base(200 * 3 * 4);
    isa_base::fuseMertensBandedImpl(frames, {}, plan, options, base, p);
    EXPECT_EQ(firstDifference(base.bytes, bytesOf(isa_base::fuseMertensImpl(stack, {}, whole, p).fused)), std::size_t(-1));
#ifdef FUSELAB_HAVE_ISA_V3
    if (!useIsaV3()) GTEST_SKIP() << "this CPU has no x86-64-v3 (AVX2/FMA)";
    for (FrameRowReader* f : frames) f->restart();
    CollectRows v3(200 * 3 * 4);
    isa_v3::fuseMertensBandedImpl(frames, {}, plan, options, v3, p);
    EXPECT_EQ(firstDifference(v3.bytes, bytesOf(isa_v3::fuseMertensImpl(stack, {}, whole, p).fused)), std::size_t(-1));
#endif
}

TEST(BandedFusion, SuppliedWeightsBlendAsPyramidBlendDoes)
{
    // The learned fusion's way: weights from elsewhere (here a local function of each frame's rows
    // y−1 … y+1, normalised), blended in float. The whole-image reference is pyramidBlend.
    const ExposureStack stack = generatedStack(301, 217, 8, 3, 6);
    const int w = 301, h = 217, k = int(stack.size());
    auto weightOf = [](const float* up, const float* mid, const float* down, int x) {
        auto grey = [](const float* p) { return 0.3f * p[0] + 0.6f * p[1] + 0.1f * p[2]; };
        return 0.05f + grey(mid + 3 * x) + 0.5f * std::fabs(grey(down + 3 * x) - grey(up + 3 * x));
    };
    const WeightRowsFn weightRows = [&](int y0, int y1, const FrameRowFn& frameRow, const WeightRowFn& weightRow) {
        for (int y = y0; y < y1; ++y) {
            std::vector<float> sum(static_cast<std::size_t>(w), 0.0f);
            for (int f = 0; f < k; ++f) {
                float* out = weightRow(f, y);
                for (int x = 0; x < w; ++x) {
                    out[x] = weightOf(frameRow(f, reflect101(y - 1, h)), frameRow(f, y), frameRow(f, reflect101(y + 1, h)), x);
                    sum[std::size_t(x)] += out[x];
                }
            }
            for (int f = 0; f < k; ++f)
                for (int x = 0; x < w; ++x) weightRow(f, y)[x] /= sum[std::size_t(x)];
        }
    };
    // Whole images: the same weights, then pyramidBlend.
    std::vector<Image> images, weights;
    for (const StackFrame& f : stack.frames) images.push_back(f.pixels.toFloat());
    for (int f = 0; f < k; ++f) weights.push_back(Image(w, h, 1));
    weightRows(0, h, [&](int f, int y) -> const float* { return images[std::size_t(f)].row(y); },
               [&](int f, int y) { return weights[std::size_t(f)].row(y); });
    const int levels = 8;
    const Image whole = pyramidBlend(images, weights, levels);

    const FrameRows opened = frameRowsOfStack(stack);
    const std::vector<FrameRowReader*>& frames = opened.frames;
    for (int coarse : {1, 3, 7})
        for (int rows : {7, 37, 217}) {
            for (FrameRowReader* f : frames) f->restart();
            BandedFusionOptions options;
            options.outputType = FusedSampleType::Float;
            options.bandRows = rows;
            options.coarseLevel = coarse;
            options.weightRows = weightRows;
            MertensParams params;
            params.levels = levels;
            CollectRows out(std::size_t(w) * 3 * 4);
            NullProgress p;
            fuseMertensBanded(frames, params, options, out, p);
            std::vector<std::uint8_t> expected;
            for (int y = 0; y < h; ++y) {
                const auto* b = reinterpret_cast<const std::uint8_t*>(whole.row(y));
                expected.insert(expected.end(), b, b + std::size_t(w) * 3 * 4);
            }
            EXPECT_EQ(firstDifference(out.bytes, expected), std::size_t(-1)) << "coarse level " << coarse << ", " << rows << "-row bands";
        }
}

TEST(BandedFusion, ThePlanFollowsTheBudget)
{
    // 12000 × 9000 × 4 frames of 8-bit RGB, as issue 21's 108 MP stack.
    BandedFusionOptions options;
    options.memoryBudgetBytes = std::size_t(1) << 30;
    const BandedFusionPlan plan = planBandedFusion(12000, 9000, 4, 3, RowSampleType::U8, MertensParams{}, options);
    EXPECT_LE(plan.estimatedPeakBytes, options.memoryBudgetBytes);
    EXPECT_GE(plan.coarseLevel, 2); // level 1 kept whole would take more than a quarter of 1 GiB
    EXPECT_GT(plan.bands, 1);
    EXPECT_GE(plan.bandRows, 4 * plan.marginRows) << "bands much taller than their margins";
    options.memoryBudgetBytes = std::size_t(64) << 20;
    EXPECT_THROW(planBandedFusion(12000, 9000, 4, 3, RowSampleType::U8, MertensParams{}, options), Error);
}

TEST(BandedFusion, FramesOfAnotherSizeAreNamed)
{
    const ExposureStack a = generatedStack(64, 48, 8, 3, 1), b = generatedStack(64, 47, 8, 3, 1);
    const auto first = frameRowsOf(a.frames[0].pixels, "first.jpg");
    const auto second = frameRowsOf(b.frames[1].pixels, "second.jpg");
    std::vector<FrameRowReader*> frames{first.get(), second.get()};
    CollectRows out(64 * 3);
    NullProgress p;
    try {
        fuseMertensBanded(frames, {}, BandedFusionOptions{}, out, p);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("second.jpg"), std::string::npos) << e.what();
    }
}

TEST(BandedFusion, CancelStopsBetweenBands)
{
    class CancelAfterFirst final : public ProgressSink {
    public:
        void report(double, std::string_view) override { m_reports++; }
        bool isCancelled() const override { return m_reports > 0; }

    private:
        int m_reports = 0;
    } progress;
    const ExposureStack stack = generatedStack(64, 64, 8, 3, 2);
    const FrameRows opened = frameRowsOfStack(stack);
    const std::vector<FrameRowReader*>& frames = opened.frames;
    BandedFusionOptions options;
    options.bandRows = 8;
    CollectRows out(64 * 3);
    EXPECT_THROW(fuseMertensBanded(frames, {}, options, out, progress), Cancelled);
    EXPECT_LT(out.rows, 64);
}

namespace {


// Every row openFrameRows hands out, read twice (restart), against readImage's pixels (display-
// referred files read for fusion; EXR, linear light, read for a merge).
void expectRowsAreReadImagesPixels(const std::string& path, RowReadMode expectedMode)
{
    FrameRowsInfo info;
    const bool exr = formatFromContent(path) == FileFormat::Exr;
    const std::unique_ptr<FrameRowReader> rows = openFrameRows(path, ReadOptions{}, exr ? RowPurpose::Merge : RowPurpose::Fusion, &info);
    EXPECT_EQ(info.mode, expectedMode) << path;
    const LoadedImage whole = readImage(path);
    ASSERT_EQ(rows->widthPx(), whole.pixels.width()) << path;
    ASSERT_EQ(rows->heightPx(), whole.pixels.height()) << path;
    ASSERT_EQ(rows->channels(), whole.pixels.channels()) << path;
    ASSERT_EQ(rows->sampleType(), rowSampleTypeOf(whole.pixels)) << path;
    const std::size_t bytes = std::size_t(rows->widthPx()) * rows->channels() * bytesPerSample(rows->sampleType());
    std::vector<std::uint8_t> row(bytes);
    for (int pass = 0; pass < 2; ++pass) {
        int differing = 0;
        for (int y = 0; y < rows->heightPx(); ++y) {
            rows->readRow(row.data());
            differing += std::memcmp(row.data(), rowOf(whole.pixels, y), bytes) != 0;
        }
        EXPECT_EQ(differing, 0) << path << " pass " << pass;
        rows->restart();
    }
}

} // namespace

TEST(FrameRows, JpegPngAndTiffRowsAreReadImagesPixelsDecodedByContent)
{
    TempDir dir;
    const SampleImage sixteen = generatedStack(97, 61, 16, 3, 3).frames[1].pixels;
    const SampleImage eight = generatedStack(97, 61, 8, 3, 3).frames[1].pixels;
    WriteOptions w8, w16;
    w16.bitDepth = 16;
    writeImage(dir.file("a.jpg"), eight, w8);
    writeImage(dir.file("a.png"), eight, w8);
    writeImage(dir.file("a16.png"), sixteen, w16);
    writeImage(dir.file("a.tif"), eight, w8);
    writeImage(dir.file("a16.tif"), sixteen, w16);
    writeImage(dir.file("a.exr"), withEncoding(eight.toFloat(), ColourEncoding::Linear));
    for (const char* name : {"a.jpg", "a.png", "a16.png", "a.tif", "a16.tif", "a.exr"}) expectRowsAreReadImagesPixels(dir.file(name), RowReadMode::Scanlines);
    // Fusion takes display values: linear EXR goes through the sRGB curve on the whole frame, once.
    FrameRowsInfo info;
    openFrameRows(dir.file("a.exr"), ReadOptions{}, RowPurpose::Fusion, &info);
    EXPECT_EQ(info.mode, RowReadMode::Spooled);
    // Decoded by content: a PNG named .jpg is still read row by row, as a PNG.
    std::filesystem::copy_file(dir.file("a.png"), dir.file("png-named.jpg"));
    expectRowsAreReadImagesPixels(dir.file("png-named.jpg"), RowReadMode::Scanlines);
}

TEST(FrameRows, RotatedOrConvertedFilesAreReadWholeWithTheSamePixels)
{
    TempDir dir;
    const ExposureStack stack = generatedStack(97, 61, 8, 3, 3);
    const SampleImage eight = stack.frames[1].pixels;
    for (const char* name : {"r.jpg", "r.png", "r.tif"}) {
        writeImage(dir.file(name), eight);
        setExifOrientation(dir.file(name), 6);
        expectRowsAreReadImagesPixels(dir.file(name), RowReadMode::Spooled);
        EXPECT_EQ(openFrameRows(dir.file(name), ReadOptions{}, RowPurpose::Fusion)->widthPx(), 61) << "shown upright: " << name;
    }
    // Adobe RGB samples are converted into the working space on reading: read whole.
    WriteOptions adobe;
    adobe.outputPrimaries = RgbPrimaries::AdobeRgb;
    for (const char* name : {"adobe.jpg", "adobe.png", "adobe.tif"}) {
        writeImage(dir.file(name), eight.toFloat(), adobe);
        expectRowsAreReadImagesPixels(dir.file(name), RowReadMode::Spooled);
    }
    // An EXR in Rec. 2020 primaries is converted into the Rec. 709 working space: read whole.
    WriteOptions rec2020;
    rec2020.outputPrimaries = RgbPrimaries::Rec2020;
    writeImage(dir.file("wide.exr"), withEncoding(eight.toFloat(), ColourEncoding::Linear), rec2020);
    expectRowsAreReadImagesPixels(dir.file("wide.exr"), RowReadMode::Spooled);
}

TEST(FrameRows, AnExrWithNaNIsNamedAsReadImageNamesIt)
{
    TempDir dir;
    Image linear(40, 30, 3, ColourEncoding::Linear);
    linear.at(7, 20, 1) = std::numeric_limits<float>::quiet_NaN();
    WriteOptions asFloat;
    asFloat.exrType = ExrPixelType::Float;
    writeImage(dir.file("nan.exr"), linear, asFloat);
    EXPECT_THROW(readImage(dir.file("nan.exr")), Error);
    const auto rows = openFrameRows(dir.file("nan.exr"), ReadOptions{}, RowPurpose::Merge);
    std::vector<float> row(40 * 3);
    try {
        for (int y = 0; y < 30; ++y) rows->readRow(row.data());
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("nan.exr"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("row 20"), std::string::npos) << e.what();
    }
}

TEST(FrameRows, ACorruptFileIsNamedWhenItsRowsAreRead)
{
    TempDir dir;
    const ExposureStack stack = generatedStack(97, 61, 8, 3, 3);
    writeImage(dir.file("cut.png"), stack.frames[1].pixels);
    auto bytes = readBytes(dir.file("cut.png"));
    bytes.resize(bytes.size() * 2 / 3);
    writeBytes(dir.file("cut.png"), bytes);
    try {
        const auto rows = openFrameRows(dir.file("cut.png"), ReadOptions{}, RowPurpose::Fusion);
        std::vector<std::uint8_t> row(std::size_t(rows->widthPx()) * rows->channels());
        for (int y = 0; y < rows->heightPx(); ++y) rows->readRow(row.data());
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("cut.png"), std::string::npos) << e.what();
    }
}
