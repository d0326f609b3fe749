// EXIF exposure tags through Exiv2 (0.27 API).
#include "codecs.hpp"

#include "fuselab/error.hpp"

#include <exiv2/exiv2.hpp>

#include <cmath>
#include <mutex>

namespace fuselab::detail {
namespace {

void quietExiv2()
{
    // Exiv2 prints warnings about unusual maker notes to stderr; FuseLab reports problems itself.
    static std::once_flag once;
    std::call_once(once, [] { Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute); });
}

std::optional<double> readRational(const Exiv2::ExifData& exif, const char* key)
{
    const auto it = exif.findKey(Exiv2::ExifKey(key));
    if (it == exif.end() || it->count() == 0) return std::nullopt;
    const Exiv2::Rational r = it->toRational(0);
    if (r.second == 0) return std::nullopt;
    const double v = double(r.first) / double(r.second);
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

std::optional<double> readNumber(const Exiv2::ExifData& exif, const char* key)
{
    const auto it = exif.findKey(Exiv2::ExifKey(key));
    if (it == exif.end() || it->count() == 0) return std::nullopt;
    const double v = double(it->toFloat(0));
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

// Best rational approximation with a bounded denominator (continued fractions), so
// 1/3 s is stored as 1/3 and 2^-2.5 s as a close fraction.
std::pair<std::int64_t, std::int64_t> toRational(double value, std::int64_t maxDenominator)
{
    std::int64_t h0 = 0, h1 = 1, k0 = 1, k1 = 0;
    double x = value;
    for (int i = 0; i < 64; ++i) {
        const double a = std::floor(x);
        const std::int64_t ai = std::int64_t(a);
        const std::int64_t h2 = ai * h1 + h0, k2 = ai * k1 + k0;
        if (k2 > maxDenominator || h2 > 0x7fffffff) break;
        h0 = h1; h1 = h2; k0 = k1; k1 = k2;
        const double frac = x - a;
        if (frac < 1e-12) break;
        x = 1.0 / frac;
    }
    if (k1 == 0) return {std::int64_t(std::llround(value)), 1};
    return {h1, k1};
}

} // namespace

int readExifOrientation(const std::uint8_t* data, std::size_t size)
{
    quietExiv2();
    try {
        Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(data, long(size));
        if (!image.get()) return 1;
        image->readMetadata();
        const Exiv2::ExifData& exif = image->exifData();
        const auto it = exif.findKey(Exiv2::ExifKey("Exif.Image.Orientation"));
        if (it == exif.end() || it->count() == 0) return 1;
        const long v = it->toLong(0);
        return v >= 1 && v <= 8 ? int(v) : 1;
    } catch (const std::exception&) {
        return 1; // unreadable metadata: the pixels as stored
    }
}

ExifExposure readExifExposure(const std::uint8_t* data, std::size_t size)
{
    quietExiv2();
    ExifExposure e;
    try {
        Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(data, long(size));
        if (!image.get()) return e;
        image->readMetadata();
        const Exiv2::ExifData& exif = image->exifData();
        if (exif.empty()) return e;
        e.exposureTimeS = readRational(exif, "Exif.Photo.ExposureTime");
        e.fNumber = readRational(exif, "Exif.Photo.FNumber");
        e.iso = readNumber(exif, "Exif.Photo.ISOSpeedRatings");
        e.exposureBiasEv = readRational(exif, "Exif.Photo.ExposureBiasValue");
    } catch (const std::exception&) {
        // Unreadable metadata is the same as none: the pixels are what matters here, and
        // a stack without exposure data is reported where exposure data is needed.
    }
    return e;
}

void writeExifExposure(const std::string& path, const ExifExposure& e)
{
    quietExiv2();
    try {
        Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(path);
        image->readMetadata();
        Exiv2::ExifData& exif = image->exifData();
        if (e.exposureTimeS) {
            const auto [num, den] = toRational(*e.exposureTimeS, 1000000);
            exif["Exif.Photo.ExposureTime"] = Exiv2::URational(std::uint32_t(num), std::uint32_t(den));
        }
        if (e.fNumber) {
            const auto [num, den] = toRational(*e.fNumber, 1000);
            exif["Exif.Photo.FNumber"] = Exiv2::URational(std::uint32_t(num), std::uint32_t(den));
        }
        if (e.iso) exif["Exif.Photo.ISOSpeedRatings"] = std::uint16_t(std::lround(*e.iso));
        if (e.exposureBiasEv) {
            const auto [num, den] = toRational(std::fabs(*e.exposureBiasEv), 1000);
            const std::int32_t sign = *e.exposureBiasEv < 0 ? -1 : 1;
            exif["Exif.Photo.ExposureBiasValue"] = Exiv2::Rational(sign * std::int32_t(num), std::int32_t(den));
        }
        exif["Exif.Image.Software"] = "FuseLab";
        image->writeMetadata();
    } catch (const std::exception& ex) {
        throw Error(std::string("cannot write EXIF exposure data (") + ex.what() + ")");
    }
}

} // namespace fuselab::detail
