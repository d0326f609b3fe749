// EXIF exposure tags through Exiv2 (0.27 API).
#include "codecs.hpp"

#include "fuselab/base/error.hpp"

#include <exiv2/exiv2.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
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

namespace {

// "YYYY:MM:DD HH:MM:SS" (+ sub-second digits) → seconds since 1970-01-01 00:00:00 of that clock.
std::optional<double> parseExifTime(const std::string& text, const std::string& subSec)
{
    std::tm tm{};
    if (std::sscanf(text.c_str(), "%d:%d:%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
        return std::nullopt;
    if (tm.tm_year < 1900 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1) return std::nullopt; // "0000:00:00 …" = unknown
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    double seconds = double(timegm(&tm));
    double scale = 0.1;
    for (char c : subSec) {
        if (c < '0' || c > '9') break;
        seconds += scale * (c - '0');
        scale /= 10.0;
    }
    return seconds;
}

ExifFields fieldsOf(Exiv2::Image::AutoPtr image)
{
    ExifFields f;
    try {
        if (!image.get()) return f;
        image->readMetadata();
        const Exiv2::ExifData& exif = image->exifData();
        if (exif.empty()) return f;
        f.exposure.exposureTimeS = readRational(exif, "Exif.Photo.ExposureTime");
        f.exposure.fNumber = readRational(exif, "Exif.Photo.FNumber");
        f.exposure.iso = readNumber(exif, "Exif.Photo.ISOSpeedRatings");
        f.exposure.exposureBiasEv = readRational(exif, "Exif.Photo.ExposureBiasValue");
        const auto space = exif.findKey(Exiv2::ExifKey("Exif.Photo.ColorSpace"));
        const auto interop = exif.findKey(Exiv2::ExifKey("Exif.Iop.InteroperabilityIndex"));
        f.adobeRgb = space != exif.end() && space->count() > 0 && space->toLong(0) == 0xFFFF && interop != exif.end() &&
                     interop->toString().rfind("R03", 0) == 0;
        const auto taken = exif.findKey(Exiv2::ExifKey("Exif.Photo.DateTimeOriginal"));
        if (taken != exif.end()) {
            const auto sub = exif.findKey(Exiv2::ExifKey("Exif.Photo.SubSecTimeOriginal"));
            f.captureTimeS = parseExifTime(taken->toString(), sub == exif.end() ? std::string() : sub->toString());
        }
        const auto it = exif.findKey(Exiv2::ExifKey("Exif.Image.Orientation"));
        if (it != exif.end() && it->count() > 0) {
            const long v = it->toLong(0);
            if (v >= 1 && v <= 8) f.orientation = int(v);
        }
    } catch (const std::exception&) {
        // Unreadable metadata is the same as none: the pixels are what matters here (as
        // stored), and a stack without exposure data is reported where exposure data is needed.
    }
    return f;
}

} // namespace

ExifFields readExifFields(const std::uint8_t* data, std::size_t size)
{
    quietExiv2();
    try {
        return fieldsOf(Exiv2::ImageFactory::open(data, long(size)));
    } catch (const std::exception&) {
        return {};
    }
}

ExifFields readExifFieldsOfFile(const std::string& path)
{
    quietExiv2();
    try {
        return fieldsOf(Exiv2::ImageFactory::open(path));
    } catch (const std::exception&) {
        return {};
    }
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

void writeCaptureTime(const std::string& path, double captureTimeS)
{
    quietExiv2();
    const double whole = std::floor(captureTimeS);
    const std::time_t t = std::time_t(whole);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32], sub[8];
    std::strftime(text, sizeof text, "%Y:%m:%d %H:%M:%S", &tm);
    std::snprintf(sub, sizeof sub, "%03d", std::min(999, int(std::lround((captureTimeS - whole) * 1000.0))));
    try {
        Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(path);
        image->readMetadata();
        Exiv2::ExifData& exif = image->exifData();
        exif["Exif.Photo.DateTimeOriginal"] = std::string(text);
        exif["Exif.Photo.SubSecTimeOriginal"] = std::string(sub);
        image->writeMetadata();
    } catch (const std::exception& ex) {
        throw Error(path, std::string("cannot write the capture time (") + ex.what() + ")");
    }
}

namespace {

// What of a photograph's EXIF still describes a fused or merged picture of it: the camera and
// lens, the dates, the place, the aperture and the optics; not the exposure (time, bias,
// sensitivity, measured brightness: they no longer describe this image), not the thumbnail
// (IFD1, the Exif.Thumbnail group), not the maker note (its offsets point into the old file),
// not the file-structure tags of IFD0.
bool keepExifKey(const Exiv2::Exifdatum& d)
{
    const std::string group = d.groupName(), key = d.key();
    if (group == "Photo") {
        for (const char* dropped : {"Exif.Photo.ExposureTime", "Exif.Photo.ShutterSpeedValue", "Exif.Photo.ExposureBiasValue",
                                    "Exif.Photo.BrightnessValue", "Exif.Photo.ISOSpeedRatings", "Exif.Photo.SensitivityType",
                                    "Exif.Photo.RecommendedExposureIndex", "Exif.Photo.MakerNote", "Exif.Photo.PixelXDimension",
                                    "Exif.Photo.PixelYDimension"})
            if (key == dropped) return false;
        return true;
    }
    if (group == "GPSInfo") return true;
    for (const char* kept : {"Exif.Image.Make", "Exif.Image.Model", "Exif.Image.DateTime", "Exif.Image.Artist", "Exif.Image.Copyright",
                             "Exif.Image.ImageDescription"})
        if (key == kept) return true;
    return false;
}

} // namespace

void carryMetadata(const std::string& sourcePath, const std::string& targetPath, int widthPx, int heightPx, const std::string& software)
{
    quietExiv2();
    Exiv2::Image::AutoPtr source;
    try {
        source = Exiv2::ImageFactory::open(sourcePath);
        if (!source.get()) return;
        source->readMetadata();
    } catch (const std::exception&) {
        return; // a source without readable metadata (EXR, a bare file): nothing to carry
    }
    if (source->exifData().empty() && source->xmpData().empty() && source->iptcData().empty())
        return; // nothing to carry: the written file is left as it is (no rewrite)
    Exiv2::ExifData exif;
    for (const Exiv2::Exifdatum& d : source->exifData())
        if (keepExifKey(d)) exif.add(d);
    // The new picture: upright as written, its own size, and who made it.
    exif["Exif.Image.Orientation"] = std::uint16_t(1);
    exif["Exif.Photo.PixelXDimension"] = std::uint32_t(widthPx);
    exif["Exif.Photo.PixelYDimension"] = std::uint32_t(heightPx);
    exif["Exif.Image.Software"] = software;
    Exiv2::XmpData xmp = source->xmpData();
    const auto orientation = xmp.findKey(Exiv2::XmpKey("Xmp.tiff.Orientation"));
    if (orientation != xmp.end()) xmp.erase(orientation);
    for (const char* dropped : {"Xmp.exif.ExposureTime", "Xmp.exif.ExposureBiasValue", "Xmp.exif.ISOSpeedRatings", "Xmp.exif.ShutterSpeedValue"}) {
        const auto it = xmp.findKey(Exiv2::XmpKey(dropped));
        if (it != xmp.end()) xmp.erase(it);
    }
    if (!xmp.empty()) xmp["Xmp.xmp.CreatorTool"] = software;
    try {
        Exiv2::Image::AutoPtr target = Exiv2::ImageFactory::open(targetPath);
        target->readMetadata();
        Exiv2::ExifData merged = target->exifData(); // what the writer put there (exposure of synthetic frames)
        for (const Exiv2::Exifdatum& d : exif) merged[d.key()] = d.value();
        target->setExifData(merged);
        if (!xmp.empty()) target->setXmpData(xmp);
        if (!source->iptcData().empty()) target->setIptcData(source->iptcData());
        target->writeMetadata();
    } catch (const std::exception& e) {
        throw Error(std::string("cannot carry the metadata of ") + sourcePath + ": " + e.what());
    }
}

MainMetadata readMainMetadata(const std::string& path)
{
    quietExiv2();
    MainMetadata m;
    try {
        Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(path);
        if (!image.get()) return m;
        image->readMetadata();
        const Exiv2::ExifData& exif = image->exifData();
        auto text = [&](const char* key) {
            const auto it = exif.findKey(Exiv2::ExifKey(key));
            return it == exif.end() ? std::string() : it->toString();
        };
        m.make = text("Exif.Image.Make");
        m.model = text("Exif.Image.Model");
        m.lens = text("Exif.Photo.LensModel");
        m.dateTimeOriginal = text("Exif.Photo.DateTimeOriginal");
        if (m.dateTimeOriginal.empty()) m.dateTimeOriginal = text("Exif.Image.DateTime");
    } catch (const std::exception&) {
    }
    return m;
}

} // namespace fuselab::detail
