// Colour management (issue 20, item 2) against Little CMS's own tool, libjpeg/libpng/libtiff/
// OpenEXR reading the written tags back, and published constants (ITU-R BT.2087 matrices).
#include "test_support.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/colour_space.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/tonemap.hpp"

#include <exiv2/exiv2.hpp>

#include <ImfHeader.h>
#include <ImfInputFile.h>
#include <ImfStandardAttributes.h>
#include <jpeglib.h>
#include <lcms2.h>
#include <png.h>
#include <tiffio.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>

using namespace fuselab;
using namespace fuselab::test;

namespace {

Image onePixel(float r, float g, float b, ColourEncoding encoding = ColourEncoding::Linear)
{
    Image img(1, 1, 3, encoding);
    img.at(0, 0, 0) = r;
    img.at(0, 0, 1) = g;
    img.at(0, 0, 2) = b;
    return img;
}

// A test card of 8-bit codes: grey ramp, saturated and pastel colours, random colours.
Image8 testCard()
{
    Image8 card(48, 32, 3, ColourEncoding::Srgb);
    std::uint32_t state = 12345;
    for (int y = 0; y < card.height(); ++y)
        for (int x = 0; x < card.width(); ++x)
            for (int c = 0; c < 3; ++c) {
                state = state * 1664525u + 1013904223u;
                std::uint8_t v = std::uint8_t(state >> 24);
                if (y < 8) v = std::uint8_t(x * 255 / 47);                               // grey ramp
                else if (y < 16) v = std::uint8_t((x / 8 & (1 << c)) ? 255 - (x % 8) * 10 : (x % 8) * 10); // near primaries
                card.at(x, y, c) = v;
            }
    return card;
}

// Adobe RGB (1998) built here from its published definition (primaries, D65, gamma 563/256),
// independently of FuseLab's profile code.
std::vector<std::uint8_t> adobeRgbProfile()
{
    const cmsCIExyY white{0.3127, 0.3290, 1.0};
    const cmsCIExyYTRIPLE primaries{{0.64, 0.33, 1.0}, {0.21, 0.71, 1.0}, {0.15, 0.06, 1.0}};
    cmsToneCurve* gamma = cmsBuildGamma(nullptr, 563.0 / 256.0);
    cmsToneCurve* curves[3] = {gamma, gamma, gamma};
    cmsHPROFILE p = cmsCreateRGBProfile(&white, &primaries, curves);
    cmsFreeToneCurve(gamma);
    cmsMLU* mlu = cmsMLUalloc(nullptr, 1);
    cmsMLUsetASCII(mlu, "en", "US", "Adobe RGB (1998) test profile");
    cmsWriteTag(p, cmsSigProfileDescriptionTag, mlu);
    cmsMLUfree(mlu);
    cmsUInt32Number size = 0;
    cmsSaveProfileToMem(p, nullptr, &size);
    std::vector<std::uint8_t> bytes(size);
    cmsSaveProfileToMem(p, bytes.data(), &size);
    cmsCloseProfile(p);
    return bytes;
}

// A baseline JPEG of `codes` at quality 100 with `icc` embedded by libjpeg-turbo.
void writeJpegWithProfile(const std::string& path, const Image8& codes, const std::vector<std::uint8_t>& icc)
{
    jpeg_compress_struct cinfo{};
    jpeg_error_mgr err{};
    cinfo.err = jpeg_std_error(&err);
    jpeg_create_compress(&cinfo);
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    jpeg_stdio_dest(&cinfo, f);
    cinfo.image_width = JDIMENSION(codes.width());
    cinfo.image_height = JDIMENSION(codes.height());
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 100, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    if (!icc.empty()) jpeg_write_icc_profile(&cinfo, icc.data(), unsigned(icc.size()));
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = const_cast<JSAMPROW>(codes.row(int(cinfo.next_scanline)));
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    std::fclose(f);
}

std::vector<std::uint8_t> jpegProfile(const std::string& path)
{
    jpeg_decompress_struct cinfo{};
    jpeg_error_mgr err{};
    cinfo.err = jpeg_std_error(&err);
    jpeg_create_decompress(&cinfo);
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return {};
    jpeg_stdio_src(&cinfo, f);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xFFFF);
    jpeg_read_header(&cinfo, TRUE);
    JOCTET* data = nullptr;
    unsigned size = 0;
    std::vector<std::uint8_t> icc;
    if (jpeg_read_icc_profile(&cinfo, &data, &size)) {
        icc.assign(data, data + size);
        std::free(data);
    }
    jpeg_destroy_decompress(&cinfo);
    std::fclose(f);
    return icc;
}

// 8-bit RGB TIFF with an embedded profile, written with libtiff (tificc's input).
void writeTiffWithProfile(const std::string& path, const Image8& codes, const std::vector<std::uint8_t>& icc)
{
    TIFF* tif = TIFFOpen(path.c_str(), "w");
    ASSERT_NE(tif, nullptr);
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, std::uint32_t(codes.width()));
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, std::uint32_t(codes.height()));
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, std::uint16_t(3));
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, std::uint16_t(8));
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, std::uint16_t(PLANARCONFIG_CONTIG));
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, std::uint16_t(PHOTOMETRIC_RGB));
    TIFFSetField(tif, TIFFTAG_ICCPROFILE, std::uint32_t(icc.size()), icc.data());
    for (int y = 0; y < codes.height(); ++y) TIFFWriteScanline(tif, const_cast<std::uint8_t*>(codes.row(y)), std::uint32_t(y), 0);
    TIFFClose(tif);
}

std::vector<std::uint8_t> tiffProfile(const std::string& path)
{
    TIFF* tif = TIFFOpen(path.c_str(), "r");
    if (!tif) return {};
    std::uint32_t length = 0;
    void* data = nullptr;
    std::vector<std::uint8_t> icc;
    if (TIFFGetField(tif, TIFFTAG_ICCPROFILE, &length, &data) == 1) icc.assign(static_cast<std::uint8_t*>(data), static_cast<std::uint8_t*>(data) + length);
    TIFFClose(tif);
    return icc;
}

struct PngColour {
    std::vector<std::uint8_t> icc;
    std::vector<std::uint8_t> cicp;
    bool srgbChunk = false;
};
PngColour pngColour(const std::string& path)
{
    PngColour out;
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return out;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, nullptr);
        std::fclose(f);
        return out;
    }
    // libpng 1.6.39 predates cICP: it is kept as an unknown chunk.
    const png_byte cicpName[] = "cICP";
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_ALWAYS, cicpName, 1);
    png_init_io(png, f);
    png_read_info(png, info);
    png_charp name = nullptr;
    int compression = 0;
    png_bytep profile = nullptr;
    png_uint_32 length = 0;
    if (png_get_iCCP(png, info, &name, &compression, &profile, &length)) out.icc.assign(profile, profile + length);
    int intent = 0;
    out.srgbChunk = png_get_sRGB(png, info, &intent) != 0;
    png_unknown_chunkp chunks = nullptr;
    const int n = png_get_unknown_chunks(png, info, &chunks);
    for (int i = 0; i < n; ++i)
        if (std::memcmp(chunks[i].name, "cICP", 4) == 0) out.cicp.assign(chunks[i].data, chunks[i].data + chunks[i].size);
    png_destroy_read_struct(&png, &info, nullptr);
    std::fclose(f);
    return out;
}

// Linear light in sRGB's primaries (IEC 61966-2-1), built by lcms from the published values.
cmsHPROFILE linearSrgbProfile()
{
    const cmsCIExyY white{0.3127, 0.3290, 1.0};
    const cmsCIExyYTRIPLE primaries{{0.64, 0.33, 1.0}, {0.30, 0.60, 1.0}, {0.15, 0.06, 1.0}};
    cmsToneCurve* linear = cmsBuildGamma(nullptr, 1.0);
    cmsToneCurve* curves[3] = {linear, linear, linear};
    cmsHPROFILE p = cmsCreateRGBProfile(&white, &primaries, curves);
    cmsFreeToneCurve(linear);
    return p;
}

// What an ICC profile maps an RGB triple (0..1) to in linear sRGB, by lcms alone.
std::array<double, 3> throughProfileToLinearSrgb(const std::vector<std::uint8_t>& icc, std::array<double, 3> rgb)
{
    cmsHPROFILE from = cmsOpenProfileFromMem(icc.data(), cmsUInt32Number(icc.size()));
    cmsHPROFILE to = linearSrgbProfile();
    cmsHTRANSFORM t = cmsCreateTransform(from, TYPE_RGB_DBL, to, TYPE_RGB_DBL, INTENT_RELATIVE_COLORIMETRIC, 0);
    std::array<double, 3> out{};
    cmsDoTransform(t, rgb.data(), out.data(), 1);
    cmsDeleteTransform(t);
    cmsCloseProfile(from);
    cmsCloseProfile(to);
    return out;
}

std::string profileDescription(const std::vector<std::uint8_t>& icc)
{
    cmsHPROFILE p = cmsOpenProfileFromMem(icc.data(), cmsUInt32Number(icc.size()));
    if (!p) return "unreadable";
    char text[256] = {};
    cmsGetProfileInfoASCII(p, cmsInfoDescription, "en", "US", text, sizeof text);
    cmsCloseProfile(p);
    return text;
}

} // namespace

TEST(ColourSpaces, PrimariesConversionsMatchItuRBt2087)
{
    // ITU-R BT.2087-0, the linear-light matrices between BT.709 and BT.2020 (4 decimals).
    const Image red709 = convertPrimaries(onePixel(1, 0, 0), RgbPrimaries::Rec709, RgbPrimaries::Rec2020);
    EXPECT_NEAR(red709.at(0, 0, 0), 0.6274, 2e-4);
    EXPECT_NEAR(red709.at(0, 0, 1), 0.0691, 2e-4);
    EXPECT_NEAR(red709.at(0, 0, 2), 0.0164, 2e-4);
    const Image green2020 = convertPrimaries(onePixel(0, 1, 0), RgbPrimaries::Rec2020, RgbPrimaries::Rec709);
    EXPECT_NEAR(green2020.at(0, 0, 0), -0.5876, 2e-4); // outside Rec. 709: kept negative, not clipped
    EXPECT_NEAR(green2020.at(0, 0, 1), 1.1329, 2e-4);
    EXPECT_NEAR(green2020.at(0, 0, 2), -0.1006, 2e-4);
    const Image white = convertPrimaries(onePixel(1, 1, 1), RgbPrimaries::Rec709, RgbPrimaries::DisplayP3);
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(white.at(0, 0, c), 1.0, 1e-4) << "D65 white stays white";
    EXPECT_THROW(convertPrimaries(onePixel(1, 0, 0, ColourEncoding::Srgb), RgbPrimaries::Rec709, RgbPrimaries::Rec2020), Error);
    EXPECT_EQ(primariesFromString("srgb"), RgbPrimaries::Rec709);
    EXPECT_THROW(primariesFromString("prophoto"), Error);
}

TEST(ColourManagement, AdobeRgbJpegDecodesAsTificcConvertsIt)
{
    if (std::system("command -v tificc > /dev/null 2>&1") != 0) GTEST_FAIL() << "tificc (liblcms2-utils) is not installed";
    TempDir dir;
    const std::vector<std::uint8_t> adobe = adobeRgbProfile();
    const std::string jpeg = dir.file("adobe.jpg");
    writeJpegWithProfile(jpeg, testCard(), adobe);

    // FuseLab: the profile is found in APP2 and the pixels converted to the working space.
    const LoadedImage managed = readImage(jpeg);
    EXPECT_TRUE(managed.colourConverted);
    EXPECT_NE(managed.colourNote.find("Adobe RGB (1998) test profile"), std::string::npos) << managed.colourNote;
    ASSERT_EQ(managed.pixels.bitDepth(), 16) << "converted samples keep more than 8 bits";
    EXPECT_EQ(managed.header.bitDepth, 8) << "the file's own depth";

    // tificc: the same stored codes (JPEG decoded as is) in a TIFF carrying the same profile,
    // converted to its built-in sRGB at 16 bits.
    ReadOptions asStored;
    asStored.manageColour = false;
    const LoadedImage raw = readImage(jpeg, asStored);
    EXPECT_FALSE(raw.colourConverted);
    const std::string tiffIn = dir.file("adobe.tif"), tiffOut = dir.file("srgb.tif");
    writeTiffWithProfile(tiffIn, *raw.pixels.as8(), adobe);
    // -c0: no precalculated tables, lcms's most precise path.
    const std::string command = "tificc -t1 -c0 -w16 -o'*sRGB' '" + tiffIn + "' '" + tiffOut + "'";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    ReadOptions plain;
    plain.manageColour = false;
    const Image reference = readImage(tiffOut, plain).pixels.toFloat();
    const Image ours = managed.pixels.toFloat();
    ASSERT_EQ(reference.width(), ours.width());
    const Image stored = raw.pixels.toFloat();
    double worst = 0.0, moved = 0.0;
    for (int y = 0; y < ours.height(); ++y)
        for (int x = 0; x < ours.width(); ++x)
            for (int c = 0; c < 3; ++c) {
                worst = std::max(worst, double(std::fabs(srgbToLinear(ours.at(x, y, c)) - srgbToLinear(reference.at(x, y, c)))));
                moved = std::max(moved, double(std::fabs(srgbToLinear(ours.at(x, y, c)) - srgbToLinear(stored.at(x, y, c)))));
            }
    std::printf("Adobe RGB JPEG: worst linear difference against tificc %.6f (bound 1/255 = %.6f); the conversion moved "
                "samples by up to %.3f\n", worst, 1.0 / 255.0, moved);
    EXPECT_LT(worst, 1.0 / 255.0);
    EXPECT_GT(moved, 0.1) << "Adobe RGB is not sRGB: reading it as sRGB would be this far off";

    // Published constant: Adobe RGB grey 128 is linear (128/255)^(563/256) in any D65 space.
    Image8 grey(2, 2, 3);
    for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 2; ++x)
            for (int c = 0; c < 3; ++c) grey.at(x, y, c) = 128;
    writeJpegWithProfile(dir.file("grey.jpg"), grey, adobe);
    const Image greyLinear = withEncoding(readImage(dir.file("grey.jpg")).pixels.toFloat(), ColourEncoding::Linear);
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(greyLinear.at(0, 0, c), std::pow(128.0 / 255.0, 563.0 / 256.0), 1e-3);
}

TEST(ColourManagement, UntaggedAndSrgbTaggedFilesKeepTheirExactPixels)
{
    TempDir dir;
    const Image8 card = testCard();
    // lcms's own sRGB profile, not FuseLab's: equivalent, so the pixels must not move.
    cmsHPROFILE srgb = cmsCreate_sRGBProfile();
    cmsUInt32Number size = 0;
    cmsSaveProfileToMem(srgb, nullptr, &size);
    std::vector<std::uint8_t> icc(size);
    cmsSaveProfileToMem(srgb, icc.data(), &size);
    cmsCloseProfile(srgb);
    writeJpegWithProfile(dir.file("tagged.jpg"), card, icc);
    writeJpegWithProfile(dir.file("untagged.jpg"), card, {});
    ReadOptions asStored;
    asStored.manageColour = false;
    for (const char* name : {"tagged.jpg", "untagged.jpg"}) {
        const LoadedImage managed = readImage(dir.file(name));
        const LoadedImage stored = readImage(dir.file(name), asStored);
        EXPECT_FALSE(managed.colourConverted) << name << ": " << managed.colourNote;
        ASSERT_NE(managed.pixels.as8(), nullptr) << name;
        const Image8& a = *managed.pixels.as8();
        const Image8& b = *stored.pixels.as8();
        int differing = 0;
        for (int y = 0; y < a.height(); ++y)
            for (int x = 0; x < a.width(); ++x)
                for (int c = 0; c < 3; ++c) differing += a.at(x, y, c) != b.at(x, y, c);
        EXPECT_EQ(differing, 0) << name;
    }
}

TEST(ColourManagement, DcrawStyleLinearTiffIsReadAsLinearLight)
{
    TempDir dir;
    // dcraw -4 -T and darktable's linear exports: 16-bit samples with an embedded profile whose
    // curves are linear (gamma 1.0). Built here with lcms and written with libtiff.
    cmsHPROFILE p = linearSrgbProfile();
    cmsSetProfileVersion(p, 2.1); // dcraw writes version 2 profiles
    cmsUInt32Number size = 0;
    cmsSaveProfileToMem(p, nullptr, &size);
    std::vector<std::uint8_t> icc(size);
    cmsSaveProfileToMem(p, icc.data(), &size);
    cmsCloseProfile(p);
    const std::string path = dir.file("dcraw.tiff");
    TIFF* tif = TIFFOpen(path.c_str(), "w");
    ASSERT_NE(tif, nullptr);
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, std::uint32_t(8));
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, std::uint32_t(4));
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, std::uint16_t(3));
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, std::uint16_t(16));
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, std::uint16_t(PLANARCONFIG_CONTIG));
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, std::uint16_t(PHOTOMETRIC_RGB));
    TIFFSetField(tif, TIFFTAG_ICCPROFILE, std::uint32_t(icc.size()), icc.data());
    std::vector<std::uint16_t> row(8 * 3);
    for (int y = 0; y < 4; ++y) {
        for (int i = 0; i < 24; ++i) row[std::size_t(i)] = std::uint16_t(1000 + 2500 * i + 300 * y);
        TIFFWriteScanline(tif, row.data(), std::uint32_t(y), 0);
    }
    TIFFClose(tif);
    const LoadedImage loaded = readImage(path);
    EXPECT_EQ(loaded.pixels.encoding(), ColourEncoding::Linear) << loaded.colourNote;
    ASSERT_NE(loaded.pixels.as16(), nullptr);
    // Samples as stored (the primaries are the working space's): linear light, not sRGB codes.
    EXPECT_EQ(loaded.pixels.as16()->at(2, 1, 1), std::uint16_t(1000 + 2500 * 7 + 300));
}

TEST(ColourManagement, LinearProfiledSixteenBitTiffIsReadAsLinear)
{
    TempDir dir;
    // A linear 16-bit TIFF as dcraw -4 / darktable write it: FuseLab's own linear profile goes
    // in through WriteOptions, and on reading the samples stay, tagged Linear.
    Image16 linear(16, 8, 3, ColourEncoding::Linear);
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 16; ++x)
            for (int c = 0; c < 3; ++c) linear.at(x, y, c) = std::uint16_t((x * 4000 + y * 300 + c * 77) % 65536);
    const std::string path = dir.file("linear.tif");
    writeImage(path, SampleImage(linear));
    const std::vector<std::uint8_t> icc = tiffProfile(path);
    ASSERT_FALSE(icc.empty()) << "a linear file says it is linear";
    const auto mid = throughProfileToLinearSrgb(icc, {0.5, 0.5, 0.5});
    EXPECT_NEAR(mid[1], 0.5, 1e-3) << "its profile has a linear curve";
    const LoadedImage back = readImage(path);
    EXPECT_EQ(back.pixels.encoding(), ColourEncoding::Linear) << back.colourNote;
    EXPECT_FALSE(back.colourConverted);
    ASSERT_NE(back.pixels.as16(), nullptr);
    EXPECT_EQ(back.pixels.as16()->at(5, 3, 1), linear.at(5, 3, 1));
}

TEST(ColourManagement, PqPngRoundTripThroughRec2020IsWithin1e4)
{
    TempDir dir;
    // sRGB test card → linear Rec. 709 → PQ in Rec. 2020 (BT.2100) → 16-bit PNG → read back
    // through its cICP chunk into linear Rec. 709 → sRGB again.
    const Image srgb = SampleImage(testCard()).toFloat();
    const Image linear = withEncoding(srgb, ColourEncoding::Linear);
    NullProgress quiet;
    const Image pq = toneMapPq(linear, PqOptions{}, quiet).image;
    ASSERT_EQ(pq.encoding(), ColourEncoding::Pq);
    // The round trip itself (no file): sRGB → Rec. 2020 PQ → decode, within 1e-4 (it is exact to
    // float rounding).
    PqOptions decode;
    decode.direction = PqDirection::Decode;
    const Image inFloat = toneMapPq(pq, decode, quiet).image;
    double worstFloat = 0.0;
    for (int y = 0; y < linear.height(); ++y)
        for (int x = 0; x < linear.width(); ++x)
            for (int c = 0; c < 3; ++c) worstFloat = std::max(worstFloat, double(std::fabs(inFloat.at(x, y, c) - linear.at(x, y, c))));
    EXPECT_LT(worstFloat, 1e-4);
    const std::string path = dir.file("hdr10.png");
    WriteOptions sixteen;
    sixteen.bitDepth = 16;
    writeImage(path, pq, sixteen);

    const PngColour tags = pngColour(path);
    ASSERT_EQ(tags.cicp.size(), 4u);
    EXPECT_EQ(tags.cicp, (std::vector<std::uint8_t>{9, 16, 0, 1})) << "BT.2020 primaries, PQ, RGB, full range";
    ASSERT_FALSE(tags.icc.empty()) << "an ICC beside the cICP for readers without cICP";
    EXPECT_NE(profileDescription(tags.icc).find("Rec. 2020"), std::string::npos) << profileDescription(tags.icc);

    const LoadedImage back = readImage(path);
    EXPECT_NE(back.colourNote.find("cICP 9/16/0/1"), std::string::npos) << back.colourNote;
    const Image decoded = back.pixels.toFloat();
    ASSERT_EQ(decoded.encoding(), ColourEncoding::Linear);
    double worstLinear = 0.0;
    for (int y = 0; y < linear.height(); ++y)
        for (int x = 0; x < linear.width(); ++x)
            for (int c = 0; c < 3; ++c) worstLinear = std::max(worstLinear, double(std::fabs(decoded.at(x, y, c) - linear.at(x, y, c))));
    // Through a 16-bit file the PQ code step bounds it: half a step at 203 cd/m² (diffuse white,
    // 1.0) is 7.3e-5 of the light (dN/dlnL = 0.1045 there), and the Rec. 2020 → 709 matrix adds
    // up to 2.3 such errors (the largest row sum of |BT.2087's coefficients|): 1.7e-4.
    std::printf("sRGB → Rec. 2020 PQ → linear: worst difference %.2e in float, %.2e through a 16-bit PNG\n", worstFloat, worstLinear);
    EXPECT_LT(worstLinear, 1.7e-4);
}

TEST(ColourManagement, HlgPngCarriesItsCicp)
{
    TempDir dir;
    const Image linear = withEncoding(SampleImage(testCard()).toFloat(), ColourEncoding::Linear);
    NullProgress quiet;
    const std::string path = dir.file("hlg.png");
    WriteOptions sixteen;
    sixteen.bitDepth = 16;
    writeImage(path, toneMapHlg(linear, HlgOptions{}, quiet).image, sixteen);
    EXPECT_EQ(pngColour(path).cicp, (std::vector<std::uint8_t>{9, 18, 0, 1}));
    const Image back = readImage(path).pixels.toFloat();
    EXPECT_NEAR(back.at(40, 30, 1), linear.at(40, 30, 1), 2e-3) << "HLG decoded to the same light";
}

TEST(ColourManagement, WrittenFilesCarryTheirProfileThroughEveryWriterAndMetadataRewrite)
{
    TempDir dir;
    const Image image = withEncoding(SampleImage(testCard()).toFloat(), ColourEncoding::Linear);
    WriteOptions options;
    options.exif = ExifExposure{};
    options.exif->exposureTimeS = 0.25; // Exiv2 rewrites the file after the encoder: the profile must survive it
    writeImage(dir.file("out.png"), image, options);
    writeImage(dir.file("out.jpg"), image, options);
    writeImage(dir.file("out.tif"), image, options);
    const PngColour png = pngColour(dir.file("out.png"));
    const std::vector<std::uint8_t> jpeg = jpegProfile(dir.file("out.jpg")), tiff = tiffProfile(dir.file("out.tif"));
    for (const auto& [name, icc] : {std::pair{"png", png.icc}, std::pair{"jpeg", jpeg}, std::pair{"tiff", tiff}}) {
        ASSERT_FALSE(icc.empty()) << name;
        EXPECT_NE(profileDescription(icc).find("sRGB"), std::string::npos) << name;
        // The embedded sRGB profile maps sRGB codes to the linear values IEC 61966-2-1 gives.
        const auto mid = throughProfileToLinearSrgb(icc, {0.5, 0.2, 0.8});
        EXPECT_NEAR(mid[0], srgbToLinear(0.5f), 2e-3) << name;
        EXPECT_NEAR(mid[1], srgbToLinear(0.2f), 2e-3) << name;
        EXPECT_NEAR(mid[2], srgbToLinear(0.8f), 2e-3) << name;
    }
    EXPECT_TRUE(png.cicp.empty()) << "cICP only on PQ/HLG";

    // OpenEXR: chromaticities of the file's primaries.
    WriteOptions wide;
    wide.dataPrimaries = RgbPrimaries::Rec2020;
    writeImage(dir.file("wide.exr"), image, wide);
    writeImage(dir.file("narrow.exr"), image);
    Imf::InputFile wideFile(dir.file("wide.exr").c_str());
    ASSERT_TRUE(Imf::hasChromaticities(wideFile.header()));
    EXPECT_NEAR(Imf::chromaticities(wideFile.header()).red.x, 0.708, 1e-4);
    EXPECT_NEAR(Imf::chromaticities(wideFile.header()).green.y, 0.797, 1e-4);
    Imf::InputFile narrowFile(dir.file("narrow.exr").c_str());
    ASSERT_TRUE(Imf::hasChromaticities(narrowFile.header()));
    EXPECT_NEAR(Imf::chromaticities(narrowFile.header()).red.x, 0.64, 1e-4);
    // Read into a Rec. 2020 working space the file's values come back as written; into Rec. 709
    // they are converted by BT.2087's matrix.
    ReadOptions inWide;
    inWide.workingPrimaries = RgbPrimaries::Rec2020;
    const Image same = readImage(dir.file("wide.exr"), inWide).pixels.toFloat();
    const Image to709 = readImage(dir.file("wide.exr")).pixels.toFloat();
    const Image expected709 = convertPrimaries(image, RgbPrimaries::Rec2020, RgbPrimaries::Rec709);
    for (int c = 0; c < 3; ++c) {
        EXPECT_NEAR(same.at(20, 20, c), image.at(20, 20, c), 1e-3); // half floats
        EXPECT_NEAR(to709.at(20, 20, c), expected709.at(20, 20, c), 2e-3);
    }
}

TEST(ColourManagement, DisplayP3OutputHoldsThePublishedRedAndReadsBack)
{
    TempDir dir;
    // sRGB red in Display P3: (0.9175, 0.2003, 0.1386) encoded (the commonly published value).
    WriteOptions p3;
    p3.bitDepth = 16;
    p3.outputPrimaries = RgbPrimaries::DisplayP3;
    const std::string path = dir.file("p3.png");
    writeImage(path, onePixel(1, 0, 0), p3);
    ReadOptions asStored;
    asStored.manageColour = false;
    const Image stored = readImage(path, asStored).pixels.toFloat();
    EXPECT_NEAR(stored.at(0, 0, 0), 0.9175, 1e-3);
    EXPECT_NEAR(stored.at(0, 0, 1), 0.2003, 1e-3);
    EXPECT_NEAR(stored.at(0, 0, 2), 0.1386, 1e-3);
    EXPECT_NE(profileDescription(pngColour(path).icc).find("Display P3"), std::string::npos);
    const Image back = readImage(path).pixels.toFloat(); // converted back to the Rec. 709 working space
    EXPECT_NEAR(back.at(0, 0, 0), 1.0, 2e-3);
    EXPECT_NEAR(back.at(0, 0, 1), 0.0, 2e-3);
    EXPECT_NEAR(back.at(0, 0, 2), 0.0, 2e-3);

    // Adobe RGB: its own curve (563/256), not sRGB's; grey 0.5 linear → 0.5^(256/563).
    WriteOptions adobe = p3;
    adobe.outputPrimaries = RgbPrimaries::AdobeRgb;
    writeImage(dir.file("adobe.png"), onePixel(0.5f, 0.5f, 0.5f), adobe);
    EXPECT_NEAR(readImage(dir.file("adobe.png"), asStored).pixels.toFloat().at(0, 0, 1), std::pow(0.5, 256.0 / 563.0), 1e-4);
}

TEST(ColourManagement, Rec2020WorkingSpaceConvertsUntaggedSrgb)
{
    TempDir dir;
    Image8 red(2, 2, 3);
    for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 2; ++x) {
            red.at(x, y, 0) = 255;
            red.at(x, y, 1) = 0;
            red.at(x, y, 2) = 0;
        }
    WriteOptions untagged;
    untagged.tagColour = false;
    writeImage(dir.file("red.png"), SampleImage(red), untagged);
    EXPECT_TRUE(pngColour(dir.file("red.png")).icc.empty());
    ReadOptions wide;
    wide.workingPrimaries = RgbPrimaries::Rec2020;
    const LoadedImage loaded = readImage(dir.file("red.png"), wide);
    EXPECT_TRUE(loaded.colourConverted);
    const Image lin = withEncoding(loaded.pixels.toFloat(), ColourEncoding::Linear);
    EXPECT_NEAR(lin.at(0, 0, 0), 0.6274, 1e-3); // BT.2087: BT.709 red in BT.2020
    EXPECT_NEAR(lin.at(0, 0, 1), 0.0691, 1e-3);
    EXPECT_NEAR(lin.at(0, 0, 2), 0.0164, 1e-3);
}

TEST(ColourManagement, DamagedOrForeignTagsAreReportedNotFatal)
{
    TempDir dir;
    // An APP2 ICC segment holding garbage: the image still reads, as sRGB, with a warning.
    writeJpegWithProfile(dir.file("junk.jpg"), testCard(), std::vector<std::uint8_t>(300, 0x5A));
    const LoadedImage junk = readImage(dir.file("junk.jpg"));
    EXPECT_FALSE(junk.colourConverted);
    EXPECT_NE(junk.colourWarning.find("cannot be read"), std::string::npos) << junk.colourWarning;
    EXPECT_NE(junk.colourNote.find("sRGB assumed"), std::string::npos);
}

TEST(ColourManagement, CameraAdobeRgbModeMarkedOnlyInExifIsHonoured)
{
    // Cameras in Adobe RGB mode often embed no profile: EXIF ColorSpace = 0xFFFF (uncalibrated)
    // with InteroperabilityIndex "R03" says it (DCF 2.0). Same codes with the profile embedded
    // must decode alike; "uncalibrated" alone says nothing and stays sRGB.
    TempDir dir;
    const Image8 card = testCard();
    writeJpegWithProfile(dir.file("embedded.jpg"), card, adobeRgbProfile());
    writeJpegWithProfile(dir.file("exif.jpg"), card, {});
    writeJpegWithProfile(dir.file("uncalibrated.jpg"), card, {});
    for (const char* name : {"exif.jpg", "uncalibrated.jpg"}) {
        auto image = Exiv2::ImageFactory::open(dir.file(name));
        image->readMetadata();
        image->exifData()["Exif.Photo.ColorSpace"] = std::uint16_t(0xFFFF);
        if (std::string(name) == "exif.jpg") image->exifData()["Exif.Iop.InteroperabilityIndex"] = "R03";
        image->writeMetadata();
    }
    const LoadedImage byExif = readImage(dir.file("exif.jpg"));
    EXPECT_TRUE(byExif.colourConverted);
    EXPECT_NE(byExif.colourNote.find("R03"), std::string::npos) << byExif.colourNote;
    const Image a = withEncoding(byExif.pixels.toFloat(), ColourEncoding::Linear);
    const Image b = withEncoding(readImage(dir.file("embedded.jpg")).pixels.toFloat(), ColourEncoding::Linear);
    double worst = 0.0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            for (int c = 0; c < 3; ++c) worst = std::max(worst, double(std::fabs(a.at(x, y, c) - b.at(x, y, c))));
    EXPECT_LT(worst, 1.0 / 255.0);
    const LoadedImage plain = readImage(dir.file("uncalibrated.jpg"));
    EXPECT_FALSE(plain.colourConverted) << plain.colourNote;
}
