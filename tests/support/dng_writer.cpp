#include "dng_writer.hpp"

#include <exiv2/exiv2.hpp>
#include <tiffio.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace fuselab::test {

void writeLinearDng(const std::string& path, const Image16& linearRgb, double exposureTimeS, double fNumber, int iso)
{
    if (linearRgb.channels() != 3) throw std::runtime_error("a linear DNG needs RGB");
    TIFF* t = TIFFOpen(path.c_str(), "w");
    if (!t) throw std::runtime_error("cannot create " + path);
    const int w = linearRgb.width(), h = linearRgb.height();
    TIFFSetField(t, TIFFTAG_SUBFILETYPE, 0);
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, w);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, h);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 16);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 3);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, 34892); // LinearRaw
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_NONE);
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, h);
    TIFFSetField(t, TIFFTAG_MAKE, "FuseLab");
    TIFFSetField(t, TIFFTAG_MODEL, "Synthetic linear");
    static const std::uint8_t version[4] = {1, 4, 0, 0}, backward[4] = {1, 1, 0, 0};
    TIFFSetField(t, TIFFTAG_DNGVERSION, version);
    TIFFSetField(t, TIFFTAG_DNGBACKWARDVERSION, backward);
    TIFFSetField(t, TIFFTAG_UNIQUECAMERAMODEL, "FuseLab synthetic linear");
    // XYZ (D65) → linear sRGB (IEC 61966-2-1): the camera space is linear sRGB.
    float colorMatrix[9] = {3.2404542f, -1.5371385f, -0.4985314f, -0.9692660f, 1.8760108f, 0.0415560f, 0.0556434f, -0.2040259f, 1.0572252f};
    TIFFSetField(t, TIFFTAG_COLORMATRIX1, 9, colorMatrix);
    TIFFSetField(t, TIFFTAG_CALIBRATIONILLUMINANT1, 21); // D65
    float neutral[3] = {1.0f, 1.0f, 1.0f};
    TIFFSetField(t, TIFFTAG_ASSHOTNEUTRAL, 3, neutral);
    std::uint32_t white = 65535;
    TIFFSetField(t, TIFFTAG_WHITELEVEL, 1, &white);
    std::vector<std::uint16_t> row(std::size_t(w) * 3);
    for (int y = 0; y < h; ++y) {
        std::copy(linearRgb.row(y), linearRgb.row(y) + std::size_t(w) * 3, row.begin());
        if (TIFFWriteScanline(t, row.data(), std::uint32_t(y), 0) < 0) {
            TIFFClose(t);
            throw std::runtime_error("cannot write " + path);
        }
    }
    TIFFClose(t);
    // EXIF exposure in its own IFD, where LibRaw reads it.
    auto image = Exiv2::ImageFactory::open(path);
    image->readMetadata();
    Exiv2::ExifData& exif = image->exifData();
    exif["Exif.Photo.ExposureTime"] = Exiv2::URational(1, int(std::lround(1.0 / exposureTimeS)));
    exif["Exif.Photo.FNumber"] = Exiv2::URational(int(std::lround(fNumber * 10)), 10);
    exif["Exif.Photo.ISOSpeedRatings"] = std::uint16_t(iso);
    image->writeMetadata();
}

} // namespace fuselab::test
