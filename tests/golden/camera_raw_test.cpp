// Camera RAW through LibRaw (issue 20, item 1) on the real samples in ../shared/data/raw: the
// image is the sensor's, not the embedded thumbnail; pixels equal LibRaw's own development with
// the same settings; exposure data comes from the RAW; bad files are named with their problem.
#include "dng_writer.hpp"
#include "test_support.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/builtin_operators.hpp"
#include "fuselab/base/colour.hpp"
#include "fuselab/io.hpp"
#include "fuselab/mertens.hpp"
#include "fuselab/base/synthetic.hpp"
#include "fuselab/stack_io.hpp"

#include <libraw/libraw.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

using namespace fuselab;
using namespace fuselab::test;

namespace {

// LibRaw's development of the file with FuseLab's documented settings: the reference.
Image16 libRawReference(const std::string& path, bool halfSize = false)
{
    LibRaw raw;
    EXPECT_EQ(raw.open_file(path.c_str()), LIBRAW_SUCCESS);
    raw.imgdata.params.output_bps = 16;
    raw.imgdata.params.output_color = 1;
    raw.imgdata.params.gamm[0] = raw.imgdata.params.gamm[1] = 1.0;
    raw.imgdata.params.no_auto_bright = 1;
    raw.imgdata.params.use_camera_wb = 1;
    raw.imgdata.params.user_qual = 3;
    raw.imgdata.params.half_size = halfSize ? 1 : 0;
    raw.imgdata.params.highlight = 0;
    raw.imgdata.params.adjust_maximum_thr = 0.0f;
    EXPECT_EQ(raw.unpack(), LIBRAW_SUCCESS);
    EXPECT_EQ(raw.dcraw_process(), LIBRAW_SUCCESS);
    int err = 0;
    libraw_processed_image_t* mem = raw.dcraw_make_mem_image(&err);
    Image16 out(mem->width, mem->height, 3, ColourEncoding::Linear);
    const auto* src = reinterpret_cast<const std::uint16_t*>(mem->data);
    for (int y = 0; y < mem->height; ++y) std::copy(src + std::size_t(y) * mem->width * 3, src + std::size_t(y + 1) * mem->width * 3, out.row(y));
    LibRaw::dcraw_clear_mem(mem);
    return out;
}

} // namespace

TEST(CameraRaw, SamplesDecodeAsLibRawDevelopsThem)
{
    FUSELAB_REQUIRE_SHARED("raw/tinydng_colorchart.dng");
    struct Sample {
        const char* file;
        int width, height;
    };
    // Output sizes as LibRaw reports them (the README's table): the DNG is not its thumbnail,
    // the KDC not its 80 × 60 preview.
    for (const Sample& s : {Sample{"raw/Canon_PowerShot_G2_CRW_0304.CRW", 2312, 1720}, Sample{"raw/Kodak_DC50_DC50IMG_DC0009L.KDC", 768, 512},
                            Sample{"raw/tinydng_colorchart.dng", 1734, 1156}}) {
        const std::string path = sharedFile(s.file);
        const LoadedImage img = readImage(path);
        EXPECT_EQ(img.header.format, FileFormat::CameraRaw) << s.file;
        EXPECT_EQ(probeImage(path).format, FileFormat::CameraRaw) << s.file;
        ASSERT_EQ(img.pixels.width(), s.width) << s.file;
        ASSERT_EQ(img.pixels.height(), s.height) << s.file;
        ASSERT_NE(img.pixels.as16(), nullptr) << s.file;
        EXPECT_EQ(img.pixels.encoding(), ColourEncoding::Linear) << s.file;
        const Image16 reference = libRawReference(path);
        const Image16& ours = *img.pixels.as16();
        long differing = 0;
        for (int y = 0; y < ours.height(); ++y)
            for (int i = 0; i < ours.width() * 3; ++i) differing += ours.row(y)[i] != reference.row(y)[i];
        EXPECT_EQ(differing, 0) << s.file;
        EXPECT_TRUE(img.header.contentNote.empty()) << img.header.contentNote;
    }
}

TEST(CameraRaw, ExposureComesFromTheRawAndIsUnknownWhereTheFileHasNone)
{
    FUSELAB_REQUIRE_SHARED("raw/Canon_PowerShot_G2_CRW_0304.CRW");
    const LoadedImage crw = readImage(sharedFile("raw/Canon_PowerShot_G2_CRW_0304.CRW"));
    ASSERT_TRUE(crw.exif.exposureTimeS && crw.exif.fNumber && crw.exif.iso);
    EXPECT_NEAR(*crw.exif.exposureTimeS, 1.0 / 50.0, 0.001); // the README: 1/50 s, ISO 50, f/4
    EXPECT_NEAR(*crw.exif.fNumber, 4.0, 1e-6);
    EXPECT_NEAR(*crw.exif.iso, 50.0, 1e-6);
    const FrameExposure e = exposureFromExif(crw.exif);
    ASSERT_TRUE(e.stops.has_value());
    EXPECT_NEAR(*e.stops, std::log2(crw.exif.exposureTimeS.value() * 0.5 / 16.0), 1e-9);
    // The DNG sample has no exposure EXIF: LibRaw's placeholders (1 s, f/1, ISO 0) are not data.
    const LoadedImage dng = readImage(sharedFile("raw/tinydng_colorchart.dng"));
    EXPECT_FALSE(dng.exif.exposureTimeS.has_value());
    EXPECT_FALSE(exposureFromExif(dng.exif).stops.has_value());
}

TEST(CameraRaw, HalfSizeForPreviews)
{
    FUSELAB_REQUIRE_SHARED("raw/Kodak_DC50_DC50IMG_DC0009L.KDC");
    ReadOptions half;
    half.raw.halfSize = true;
    const std::string path = sharedFile("raw/Kodak_DC50_DC50IMG_DC0009L.KDC");
    const LoadedImage img = readImage(path, half);
    EXPECT_EQ(img.pixels.width(), 384);
    EXPECT_EQ(img.pixels.height(), 256);
    const Image16 reference = libRawReference(path, true);
    EXPECT_EQ(compareImages(img.pixels.toFloat(), SampleImage(reference).toFloat(), 0, 0, 0).maxError, 0.0);
}

TEST(CameraRaw, BadFilesAreNamedWithTheirProblem)
{
    FUSELAB_REQUIRE_SHARED("raw/Canon_PowerShot_G2_CRW_0304.CRW");
    TempDir dir;
    // A truncated RAW: LibRaw 0.20 may report success and leave the rows zero — refused.
    std::vector<std::uint8_t> bytes = readBytes(sharedFile("raw/Canon_PowerShot_G2_CRW_0304.CRW"));
    bytes.resize(bytes.size() * 6 / 10);
    writeBytes(dir.file("cut.crw"), bytes);
    try {
        readImage(dir.file("cut.crw"));
        ADD_FAILURE() << "a truncated CRW was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.file(), dir.file("cut.crw"));
        EXPECT_NE(e.problem().find("truncated"), std::string::npos) << e.problem();
    }
    // A truncated DNG: LibRaw opens it (its directory comes first) but the sensor data stops.
    std::vector<std::uint8_t> dng = readBytes(sharedFile("raw/tinydng_colorchart.dng"));
    dng.resize(dng.size() * 6 / 10);
    writeBytes(dir.file("cut.dng"), dng);
    try {
        readImage(dir.file("cut.dng"));
        ADD_FAILURE() << "a truncated DNG was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.file(), dir.file("cut.dng"));
        EXPECT_TRUE(e.problem().find("truncated") != std::string::npos || e.problem().find("corrupt") != std::string::npos) << e.problem();
    }
    // Text named .dng: not a valid camera RAW file.
    writeBytes(dir.file("notes.dng"), {'n', 'o', 't', ' ', 'r', 'a', 'w', '\n'});
    try {
        readImage(dir.file("notes.dng"));
        ADD_FAILURE() << "text named .dng was accepted";
    } catch (const Error& e) {
        EXPECT_NE(e.problem().find("not a camera RAW file LibRaw can read"), std::string::npos) << e.problem();
    }
    // A JPEG named .nef is read as the JPEG it is, with a note.
    writeImage(dir.file("a.jpg"), makePattern(32, 24, 3));
    std::filesystem::copy_file(dir.file("a.jpg"), dir.file("a.nef"));
    const LoadedImage jpeg = readImage(dir.file("a.nef"));
    EXPECT_EQ(jpeg.header.format, FileFormat::Jpeg);
    EXPECT_NE(jpeg.header.contentNote.find("not the camera RAW the name says"), std::string::npos) << jpeg.header.contentNote;
    // Camera RAW is read, never written.
    EXPECT_THROW(writeImage(dir.file("out.dng"), makePattern(8, 8, 3)), Error);
}

TEST(CameraRaw, PropheseeRawIsNotMistakenForACameraRaw)
{
    FUSELAB_REQUIRE_SHARED("events/evt3_sample.raw");
    EXPECT_EQ(formatFromContent(sharedFile("events/evt3_sample.raw")), FileFormat::Unknown);
    EXPECT_THROW(readImage(sharedFile("events/evt3_sample.raw")), Error);
}

TEST(CameraRaw, LinearFramesFuseThroughTheSrgbCurve)
{
    // RAW frames are linear light; Mertens's measures are defined on display values. A linear
    // 16-bit stack fuses exactly as the same frames sRGB-encoded first.
    const Image scene = makeSyntheticScene({"interior", 160, 120, 3});
    ExposureSimulation sim;
    sim.stops = {-2.0, 0.0, 2.0};
    sim.exposureScale = autoExposureScale(scene);
    sim.response = CameraResponse::linear();
    sim.bitDepth = 16;
    ExposureStack linear, encoded;
    for (const SimulatedFrame& f : exposeScene(scene, sim)) {
        ASSERT_EQ(f.pixels.encoding(), ColourEncoding::Linear);
        StackFrame frame;
        frame.path = "linear";
        frame.pixels = f.pixels;
        linear.frames.push_back(frame);
        const Image16& codes = *f.pixels.as16();
        Image16 srgb(codes.width(), codes.height(), 3, ColourEncoding::Srgb);
        for (int y = 0; y < codes.height(); ++y)
            for (int i = 0; i < codes.width() * 3; ++i)
                srgb.row(y)[i] = std::uint16_t(std::lround(double(linearToSrgb(float(codes.row(y)[i] / 65535.0))) * 65535.0));
        frame.pixels = SampleImage(srgb);
        encoded.frames.push_back(frame);
    }
    NullProgress progress;
    const FusionResult a = fuseMertens(linear, {}, FusionOptions{}, progress);
    const FusionResult b = fuseMertens(encoded, {}, FusionOptions{}, progress);
    EXPECT_EQ(a.fused.encoding(), ColourEncoding::Srgb);
    EXPECT_EQ(compareImages(*a.fused.asFloat(), *b.fused.asFloat(), 0, 0, 0).maxError, 0.0);
}

TEST(CameraRaw, AGeneratedDngBracketMergesToItsTrueRadianceAndFuses)
{
    // A synthetic scene exposed through a linear 16-bit sensor at −2, 0, +2 stops, written as
    // linear DNGs with their exposure in EXIF: the exact truth LibRaw must give back.
    const Image scene = makeSyntheticScene({"interior", 200, 150, 9});
    ExposureSimulation sim;
    sim.stops = {-2.0, 0.0, 2.0};
    sim.exposureScale = autoExposureScale(scene);
    sim.response = CameraResponse::linear();
    sim.bitDepth = 16;
    TempDir dir;
    std::vector<std::string> files;
    const std::vector<SimulatedFrame> frames = exposeScene(scene, sim);
    for (std::size_t k = 0; k < frames.size(); ++k) {
        files.push_back(dir.file("frame" + std::to_string(k) + ".dng"));
        writeLinearDng(files.back(), *frames[k].pixels.as16(), std::exp2(frames[k].stops) / 64.0, 8.0, 100);
    }
    // Loaded in reverse: the RAWs' own exposure data orders them darkest first.
    const LoadedStack loaded = loadStack({files[2], files[0], files[1]}, StackLoadOptions{});
    ASSERT_EQ(loaded.stack.size(), 3u);
    for (std::size_t k = 0; k < 3; ++k) {
        const StackFrame& f = loaded.stack.frames[k];
        EXPECT_EQ(f.path, files[k]);
        ASSERT_TRUE(f.exposure.stops.has_value());
        EXPECT_NEAR(*f.exposure.stops - *loaded.stack.frames[1].exposure.stops, sim.stops[k], 0.02);
        // Developed back to the written codes, within LibRaw's rounding.
        const Image16& back = *f.pixels.as16();
        const Image16& written = *frames[k].pixels.as16();
        int worst = 0;
        for (int y = 0; y < back.height(); ++y)
            for (int i = 0; i < back.width() * 3; ++i) worst = std::max(worst, std::abs(int(back.row(y)[i]) - int(written.row(y)[i])));
        EXPECT_LE(worst, 2) << f.path;
    }
    // Merged through the linear response (what `fuselab-cli merge` picks for RAW frames): the
    // static merge test's measure, median |ln error| after the global scale, far inside 0.05.
    OperatorRegistry registry;
    registerBuiltinOperators(registry);
    NullProgress progress;
    OperatorInput input;
    input.stack = &loaded.stack;
    ParamValues linear;
    linear.set("response", std::string("linear"));
    const Image radiance = runOperator(registry.get("merge-response"), input, linear, progress).image;
    const double error = medianLnErrorAfterScale(radiance, scene);
    std::printf("RAW bracket merge: median |ln error| %.5f\n", error);
    EXPECT_LT(error, 0.01);
    // And it fuses (through the display transform), every frame contributing.
    const FusionResult fused = fuseMertens(loaded.stack, {}, FusionOptions{}, progress);
    EXPECT_EQ(fused.fused.width(), 200);
}
