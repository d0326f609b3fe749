// Outputs carry the reference frame's metadata (issue 20, item 3): camera, lens, date and place
// kept; exposure fields, thumbnail and orientation of the old file not; the new size and the
// software named; OpenEXR gets the camera, lens and capture date as header attributes.
#include "cli_runner.hpp"
#include "test_support.hpp"

#include <ImfHeader.h>
#include <ImfInputFile.h>
#include <ImfStandardAttributes.h>
#include <ImfStringAttribute.h>
#include <exiv2/exiv2.hpp>

#include <filesystem>

using namespace fuselab;
using namespace fuselab::test;

namespace {

void tagAsAPhotograph(const std::string& path)
{
    auto image = Exiv2::ImageFactory::open(path);
    image->readMetadata();
    Exiv2::ExifData& exif = image->exifData();
    exif["Exif.Image.Make"] = "Testcam";
    exif["Exif.Image.Model"] = "Model 7";
    exif["Exif.Photo.LensModel"] = "24-70mm f/2.8";
    exif["Exif.Photo.DateTimeOriginal"] = "2026:06:21 05:30:00";
    exif["Exif.GPSInfo.GPSLatitudeRef"] = "N";
    exif["Exif.GPSInfo.GPSLatitude"] = "46/1 30/1 0/1";
    image->writeMetadata();
}

std::string exifText(const std::string& path, const char* key)
{
    auto image = Exiv2::ImageFactory::open(path);
    image->readMetadata();
    const auto it = image->exifData().findKey(Exiv2::ExifKey(key));
    return it == image->exifData().end() ? std::string() : it->toString();
}

} // namespace

TEST(CliMetadata, FusedAndMergedOutputsCarryTheReferenceFramesMetadata)
{
    TempDir dir;
    const std::string folder = dir.file("stack");
    ASSERT_EQ(runCli({"synth", "--size", "96x64", "--exposures", "3", "--quiet", "-o", folder}).exitCode, 0);
    std::vector<std::string> frames;
    for (int k = 0; k < 3; ++k) {
        frames.push_back(folder + "/exposure_0" + std::to_string(k) + ".png");
        tagAsAPhotograph(frames.back());
    }
    for (const char* name : {"f.jpg", "f.png", "f.tif"}) {
        const std::string out = dir.file(name);
        std::vector<std::string> args = {"fuse", "--quiet", "-o", out};
        args.insert(args.end(), frames.begin(), frames.end());
        const CliRun r = runCli(args);
        ASSERT_EQ(r.exitCode, 0) << name << ": " << r.err;
        EXPECT_EQ(exifText(out, "Exif.Image.Make"), "Testcam") << name;
        EXPECT_EQ(exifText(out, "Exif.Image.Model"), "Model 7") << name;
        EXPECT_EQ(exifText(out, "Exif.Photo.LensModel"), "24-70mm f/2.8") << name;
        EXPECT_EQ(exifText(out, "Exif.Photo.DateTimeOriginal"), "2026:06:21 05:30:00") << name;
        EXPECT_EQ(exifText(out, "Exif.GPSInfo.GPSLatitudeRef"), "N") << name;
        EXPECT_EQ(exifText(out, "Exif.Photo.ExposureTime"), "") << name << ": the frames' exposure (synth writes it) no longer describes the image";
        EXPECT_EQ(exifText(out, "Exif.Image.Orientation"), "1") << name;
        EXPECT_EQ(exifText(out, "Exif.Photo.PixelXDimension"), "96") << name;
        EXPECT_EQ(exifText(out, "Exif.Image.Software").rfind("FuseLab ", 0), 0u) << name;
    }
    const CliRun merged = runCli({"merge", "--quiet", "-o", dir.file("r.exr"), folder});
    ASSERT_EQ(merged.exitCode, 0) << merged.err;
    Imf::InputFile exr(dir.file("r.exr").c_str());
    ASSERT_TRUE(Imf::hasCapDate(exr.header()));
    EXPECT_EQ(Imf::capDate(exr.header()), "2026:06:21 05:30:00");
    const auto* camera = exr.header().findTypedAttribute<Imf::StringAttribute>("cameraModel");
    ASSERT_NE(camera, nullptr);
    EXPECT_EQ(camera->value(), "Testcam Model 7");
}
