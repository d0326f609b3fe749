// Every format and bit depth written and read back: exact where lossless, bounded for
// JPEG (lossy), half floats and RGBE.
#include "test_support.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/sidecar.hpp"

#include <Imath/half.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <csignal>
#include <sys/resource.h>
#include <unistd.h>

using namespace fuselab;
using namespace fuselab::test;

namespace {
Image8 pattern8(int w, int h, int ch)
{
    Image8 img(w, h, ch, ColourEncoding::Srgb);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < ch; ++c) img.at(x, y, c) = std::uint8_t((x * 7 + y * 13 + c * 85) & 255);
    return img;
}
Image16 pattern16(int w, int h, int ch)
{
    Image16 img(w, h, ch, ColourEncoding::Srgb);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < ch; ++c) img.at(x, y, c) = std::uint16_t((x * 977 + y * 1231 + c * 20011) & 65535);
    return img;
}
Image hdrPattern(int w, int h, int ch)
{
    Image img(w, h, ch, ColourEncoding::Linear);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < ch; ++c) img.at(x, y, c) = std::exp2(float(x - w / 2) * 0.5f + float(c)) * (1.0f + 0.01f * float(y));
    return img;
}
template <typename T>
void expectEqualSamples(const ImageBuffer<T>& a, const ImageBuffer<T>& b)
{
    ASSERT_EQ(a.width(), b.width());
    ASSERT_EQ(a.height(), b.height());
    ASSERT_EQ(a.channels(), b.channels());
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            for (int c = 0; c < a.channels(); ++c) ASSERT_EQ(a.at(x, y, c), b.at(x, y, c)) << x << "," << y << "," << c;
}
} // namespace

class LosslessIntegerRoundTrip : public ::testing::TestWithParam<std::tuple<std::string, int>> {};

TEST_P(LosslessIntegerRoundTrip, IsExact)
{
    TempDir dir;
    const auto [ext, channels] = GetParam();
    const std::string p8 = dir.file("a8." + ext), p16 = dir.file("a16." + ext);
    const Image8 src8 = pattern8(37, 23, channels);
    writeImage(p8, SampleImage(src8));
    const LoadedImage back8 = readImage(p8);
    ASSERT_NE(back8.pixels.as8(), nullptr);
    EXPECT_EQ(back8.header.bitDepth, 8);
    EXPECT_EQ(back8.pixels.encoding(), ColourEncoding::Srgb);
    expectEqualSamples(*back8.pixels.as8(), src8);

    const Image16 src16 = pattern16(37, 23, channels);
    writeImage(p16, SampleImage(src16));
    const LoadedImage back16 = readImage(p16);
    ASSERT_NE(back16.pixels.as16(), nullptr);
    EXPECT_EQ(back16.header.bitDepth, 16);
    expectEqualSamples(*back16.pixels.as16(), src16);
}

INSTANTIATE_TEST_SUITE_P(PngTiff, LosslessIntegerRoundTrip,
                         ::testing::Combine(::testing::Values("png", "tif"), ::testing::Values(1, 3, 4)));

TEST(IoRoundTrip, FloatImageToIntegerQuantisesAndClips)
{
    TempDir dir;
    Image img(4, 1, 1, ColourEncoding::Srgb);
    img.at(0, 0) = -0.5f;
    img.at(1, 0) = 0.5f;
    img.at(2, 0) = 1.7f;
    img.at(3, 0) = std::nanf("");
    writeImage(dir.file("q.png"), img);
    const Image8 back = *readImage(dir.file("q.png")).pixels.as8();
    EXPECT_EQ(back.at(0, 0), 0);
    EXPECT_EQ(back.at(1, 0), 128);
    EXPECT_EQ(back.at(2, 0), 255);
    EXPECT_EQ(back.at(3, 0), 0);
}

TEST(IoRoundTrip, LinearImagesAreSrgbEncodedInIntegerFiles)
{
    TempDir dir;
    Image img(1, 1, 1, ColourEncoding::Linear);
    img.at(0, 0) = 0.18f;
    WriteOptions o;
    o.bitDepth = 16;
    writeImage(dir.file("lin.png"), img, o);
    const Image back = readImage(dir.file("lin.png")).pixels.toFloat();
    EXPECT_NEAR(back.at(0, 0), linearToSrgb(0.18f), 1.0 / 65535.0);
}

TEST(IoRoundTrip, FloatTiffAndFloatExrAreExact)
{
    TempDir dir;
    for (int ch : {1, 3, 4}) {
        const Image src = hdrPattern(19, 11, ch);
        WriteOptions tif;
        tif.bitDepth = 32;
        writeImage(dir.file("f.tif"), src, tif);
        const LoadedImage t = readImage(dir.file("f.tif"));
        ASSERT_NE(t.pixels.asFloat(), nullptr);
        EXPECT_EQ(t.pixels.encoding(), ColourEncoding::Linear);
        expectEqualSamples(*t.pixels.asFloat(), src);

        for (const char* comp : {"none", "zip", "piz", "rle", "zips"}) {
            WriteOptions exr;
            exr.exrType = ExrPixelType::Float;
            exr.exrCompression = exrCompressionFromString(comp);
            writeImage(dir.file("f.exr"), src, exr);
            const LoadedImage e = readImage(dir.file("f.exr"));
            EXPECT_EQ(e.header.bitDepth, 32);
            expectEqualSamples(*e.pixels.asFloat(), src);
        }
    }
}

TEST(IoRoundTrip, HalfExrIsWithinHalfPrecision)
{
    TempDir dir;
    const Image src = hdrPattern(31, 9, 3);
    WriteOptions exr;
    exr.exrType = ExrPixelType::Half;
    writeImage(dir.file("h.exr"), src, exr);
    const LoadedImage e = readImage(dir.file("h.exr"));
    EXPECT_EQ(e.header.bitDepth, 16);
    const Image& back = *e.pixels.asFloat();
    for (int y = 0; y < src.height(); ++y)
        for (int x = 0; x < src.width(); ++x)
            for (int c = 0; c < 3; ++c) {
                const float v = src.at(x, y, c);
                // half has an 11-bit significand: relative error ≤ 2^-11 (normal range)
                EXPECT_NEAR(back.at(x, y, c), v, std::fabs(v) * 4.9e-4f + 6e-8f);
            }
}

// The half writer converts 256-row strips: an image of several strips (the last one partial),
// given as a view into a wider image (rows not contiguous), must come back as exactly the
// halves of its samples, in every lossless compression; the float writer reads views in place.
TEST(IoRoundTrip, ExrOfSeveralStripsFromAViewIsExact)
{
    TempDir dir;
    const Image wide = hdrPattern(61, 600, 3);
    const Image view = wide.view({5, 3, 47, 590});
    for (const char* comp : {"none", "piz", "zip", "rle"}) {
        WriteOptions exr;
        exr.exrType = ExrPixelType::Half;
        exr.exrCompression = exrCompressionFromString(comp);
        writeImage(dir.file("h.exr"), view, exr);
        const Image back = *readImage(dir.file("h.exr")).pixels.asFloat();
        ASSERT_EQ(back.width(), 47);
        ASSERT_EQ(back.height(), 590);
        for (int y = 0; y < back.height(); ++y)
            for (int x = 0; x < back.width(); ++x)
                for (int c = 0; c < 3; ++c)
                    ASSERT_EQ(back.at(x, y, c), float(half(view.at(x, y, c)))) << comp << " at " << x << "," << y << "," << c;
    }
    WriteOptions full;
    full.exrType = ExrPixelType::Float;
    writeImage(dir.file("f.exr"), view, full);
    expectEqualSamples(*readImage(dir.file("f.exr")).pixels.asFloat(), view.clone());
}

TEST(IoRoundTrip, RadianceHdrIsWithinRgbePrecision)
{
    TempDir dir;
    const Image src = hdrPattern(16, 4, 3);
    writeImage(dir.file("r.hdr"), src);
    const LoadedImage h = readImage(dir.file("r.hdr"));
    EXPECT_EQ(h.header.format, FileFormat::RadianceHdr);
    const Image& back = *h.pixels.asFloat();
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 16; ++x) {
            const float m = std::max({src.at(x, y, 0), src.at(x, y, 1), src.at(x, y, 2)});
            // RGBE stores 8-bit mantissas against a shared exponent: error ≤ max/256 per channel.
            for (int c = 0; c < 3; ++c) EXPECT_NEAR(back.at(x, y, c), src.at(x, y, c), m / 128.0f);
        }
}

TEST(IoRoundTrip, JpegIsBoundedByItsQuality)
{
    TempDir dir;
    const Image src = makePattern(96, 64, 3);
    WriteOptions o;
    o.jpegQuality = 95;
    writeImage(dir.file("j.jpg"), src, o);
    const Image back = readImage(dir.file("j.jpg")).pixels.toFloat();
    // The pattern carries ±5 % per-pixel noise, the hardest content for JPEG: 30 dB, no
    // pixel off by more than 0.2, at most 1 % of pixels off by more than 0.08.
    const CompareResult r = compareImages(back, src, 0.08, 0.01, 0.2);
    EXPECT_GT(r.psnrDb, 30.0) << r.report();
    EXPECT_TRUE(r.passed) << r.report();
    o.jpegQuality = 30;
    writeImage(dir.file("j30.jpg"), src, o);
    const Image back30 = readImage(dir.file("j30.jpg")).pixels.toFloat();
    EXPECT_LT(compareImages(back30, src, 1, 1, 1).psnrDb, r.psnrDb); // lower quality, lower fidelity
}

TEST(IoRoundTrip, ExifExposureWrittenWithExiv2IsReadBack)
{
    TempDir dir;
    for (const char* ext : {"jpg", "png", "tif"}) {
        const std::string path = dir.file(std::string("exif.") + ext);
        WriteOptions o;
        ExifExposure e;
        e.exposureTimeS = 1.0 / 250.0;
        e.fNumber = 5.6;
        e.iso = 400;
        e.exposureBiasEv = -0.7;
        o.exif = e;
        writeImage(path, makePattern(32, 24, 3), o);
        const LoadedImage back = readImage(path);
        ASSERT_TRUE(back.exif.exposureTimeS) << ext;
        EXPECT_NEAR(*back.exif.exposureTimeS, 1.0 / 250.0, 1e-12) << ext;
        EXPECT_NEAR(*back.exif.fNumber, 5.6, 1e-9) << ext;
        EXPECT_NEAR(*back.exif.iso, 400.0, 0.0) << ext;
        EXPECT_NEAR(*back.exif.exposureBiasEv, -0.7, 1e-9) << ext;
        const FrameExposure fe = exposureFromExif(back.exif);
        EXPECT_NEAR(*fe.stops, std::log2((1.0 / 250.0) * 4.0 / (5.6 * 5.6)), 1e-9);
    }
}

TEST(IoRoundTrip, ResponseCsvRoundTrips)
{
    TempDir dir;
    const CameraResponse r = CameraResponse::sCurve(2.0, 0.2).sampled(256);
    writeResponseCsv(dir.file("r.csv"), r);
    const CameraResponse back = readResponseCsv(dir.file("r.csv"));
    for (int i = 0; i < 256; ++i) EXPECT_NEAR(back.tableExposures(0)[std::size_t(i)], r.tableExposures(0)[std::size_t(i)], 1e-8 * r.tableExposures(0)[std::size_t(i)]);
    writeBytes(dir.file("bad.csv"), {'p', ',', 'x', '\n', '0', ',', 'a', '\n'});
    EXPECT_THROW(readResponseCsv(dir.file("bad.csv")), Error);
}

TEST(IoRoundTrip, SidecarRecordsSettingsAndInputHashes)
{
    TempDir dir;
    const std::string in = dir.file("in.png"), out = dir.file("out.png");
    writeImage(in, makePattern(8, 8, 3));
    writeImage(out, makePattern(8, 8, 3, 2));
    Sidecar s;
    s.command = "fuselab-cli test";
    ParamValues v;
    v.set("sigma", 0.2);
    v.set("levels", std::int64_t(7));
    s.operators.push_back({"mertens", 1, v});
    s.inputFiles.push_back(in);
    writeSidecar(out, s);
    std::ifstream f(sidecarPath(out));
    const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("\"mertens\""), std::string::npos);
    EXPECT_NE(text.find("\"sigma\": 0.2"), std::string::npos);
    EXPECT_NE(text.find("\"levels\": 7"), std::string::npos);
    EXPECT_NE(text.find(sha256OfFile(in)), std::string::npos);
    EXPECT_NE(text.find("\"width\": 8"), std::string::npos);
    // SHA-256 of "abc" (FIPS 180-2 test vector).
    writeBytes(dir.file("abc"), {'a', 'b', 'c'});
    EXPECT_EQ(sha256OfFile(dir.file("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(IoRoundTrip, FailedWriteLeavesTheExistingFileUntouched)
{
    TempDir dir;
    const std::string path = dir.file("keep.png");
    writeImage(path, makePattern(16, 16, 3));
    const auto before = readBytes(path);
    // An encoding failure (alpha into JPEG is refused before writing; a Pq image into EXR too).
    Image pq = makePattern(16, 16, 3);
    pq.setEncoding(ColourEncoding::Pq);
    EXPECT_THROW(writeImage(dir.file("keep.exr"), pq), Error);
    // A failure after the temporary exists: a 16-bit image cannot go into JPEG.
    EXPECT_THROW(writeImage(dir.file("x.jpg"), SampleImage(Image16(4, 4, 3))), Error);
    // A write that fails half-way (file size limit, as on a full disk: EFBIG instead of
    // ENOSPC) must leave the existing file as it was. Works as root too, unlike permissions.
    struct rlimit old{};
    ::getrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = old;
    small.rlim_cur = 2000;
    ::setrlimit(RLIMIT_FSIZE, &small);
    EXPECT_THROW(writeImage(path, makePattern(256, 256, 3, 9)), Error);
    ::setrlimit(RLIMIT_FSIZE, &old);
    EXPECT_EQ(readBytes(path), before);
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
        EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << "temporary left behind: " << e.path();
}

TEST(IoRoundTrip, HalfExrRefusesValuesBeyondItsRange)
{
    TempDir dir;
    Image img(4, 2, 3, ColourEncoding::Linear);
    img.fill(1.0f);
    img.at(1, 1, 2) = 70000.0f; // above 65504, the largest half
    WriteOptions half;
    try {
        writeImage(dir.file("big.exr"), img, half);
        FAIL() << "a half EXR would have stored Inf";
    } catch (const Error& e) {
        EXPECT_NE(e.problem().find("--exr-type float"), std::string::npos);
    }
    EXPECT_FALSE(std::filesystem::exists(dir.file("big.exr")));
    WriteOptions full;
    full.exrType = ExrPixelType::Float;
    writeImage(dir.file("big.exr"), img, full);
    EXPECT_EQ(readImage(dir.file("big.exr")).pixels.asFloat()->at(1, 1, 2), 70000.0f);
}
