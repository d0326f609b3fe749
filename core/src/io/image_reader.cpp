// readImage / probeImage: recognise, check, decode, count non-finite samples, read EXIF.
#include "codecs.hpp"
#include "colour_management.hpp"
#include "format_sniff.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <limits>
#include <optional>

namespace fuselab {

std::string_view toString(FileFormat format)
{
    switch (format) {
    case FileFormat::Jpeg: return "jpeg";
    case FileFormat::Png: return "png";
    case FileFormat::Tiff: return "tiff";
    case FileFormat::Exr: return "exr";
    case FileFormat::RadianceHdr: return "hdr";
    case FileFormat::CameraRaw: return "camera-raw";
    case FileFormat::Unknown: break;
    }
    return "unknown";
}

FileFormat formatFromExtension(const std::string& path)
{
    const std::size_t dot = path.find_last_of('.');
    const std::size_t slash = path.find_last_of('/');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return FileFormat::Unknown;
    std::string ext = path.substr(dot + 1);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (ext == "jpg" || ext == "jpeg" || ext == "jpe") return FileFormat::Jpeg;
    if (ext == "png") return FileFormat::Png;
    if (ext == "tif" || ext == "tiff") return FileFormat::Tiff;
    if (ext == "exr") return FileFormat::Exr;
    if (ext == "hdr" || ext == "pic" || ext == "rgbe") return FileFormat::RadianceHdr;
    for (const char* raw : {"dng", "cr2", "cr3", "crw", "nef", "nrw", "arw", "srf", "sr2", "orf", "rw2", "raf", "pef", "ptx", "kdc", "dcr",
                            "k25", "mrw", "srw", "3fr", "fff", "iiq", "erf", "mef", "mos", "rwl", "x3f"})
        if (ext == raw) return FileFormat::CameraRaw;
    return FileFormat::Unknown;
}

FileFormat formatFromContent(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::uint8_t head[64] = {};
    in.read(reinterpret_cast<char*>(head), sizeof head);
    const std::streamsize got = in.gcount();
    return got > 0 ? detail::sniffFormat(head, std::size_t(got)) : FileFormat::Unknown;
}

namespace {

const char* displayName(FileFormat f)
{
    switch (f) {
    case FileFormat::Jpeg: return "JPEG";
    case FileFormat::Png: return "PNG";
    case FileFormat::Tiff: return "TIFF";
    case FileFormat::Exr: return "OpenEXR";
    case FileFormat::RadianceHdr: return "Radiance HDR";
    case FileFormat::CameraRaw: return "camera RAW";
    default: return "unknown";
    }
}

// The header a read will honour, checked; `exposure` (when given) receives the EXIF exposure
// read in the same Exiv2 parse as the Orientation.
ImageHeader checkedHeader(const std::string& path, const std::vector<std::uint8_t>& bytes, const ReadOptions& options,
                          detail::ExifFields* fields = nullptr)
{
    if (bytes.empty()) throw Error(path, "empty file (0 bytes)");
    FileFormat content = detail::sniffFormat(bytes.data(), bytes.size());
    // Camera RAW is what LibRaw accepts: many RAW formats are TIFF underneath (DNG, CR2, NEF,
    // KDC…) — read as TIFF they open as their embedded thumbnail — and others have no magic a
    // sniffer knows (CRW). A plain TIFF, a JPEG or a Prophesee event file is refused by LibRaw.
    std::optional<ImageHeader> raw;
    if (content == FileFormat::Tiff || content == FileFormat::Unknown) raw = detail::cameraRawHeader(bytes.data(), bytes.size());
    if (raw) content = FileFormat::CameraRaw;
    const FileFormat byName = formatFromExtension(path);
    if (content == FileFormat::Unknown) {
        const std::string expected = byName == FileFormat::Unknown     ? std::string("not a JPEG, PNG, TIFF, OpenEXR, Radiance HDR or camera RAW image")
                                     : byName == FileFormat::CameraRaw ? std::string("not a camera RAW file LibRaw can read (truncated, damaged or "
                                                                                     "an unsupported camera)")
                                                                       : std::string("not a valid ") + displayName(byName) + " file";
        throw Error(path, expected + " (it starts with " + detail::describeLeadingBytes(bytes.data(), bytes.size()) + ")");
    }
    ImageHeader header;
    try {
        header = content == FileFormat::Exr         ? detail::readExrHeader(bytes.data(), bytes.size())
                 : content == FileFormat::CameraRaw ? *raw
                                                    : detail::parseHeader(content, bytes.data(), bytes.size());
    } catch (const Error& e) {
        throw e.withFile(path);
    }
    // Portrait shots and rotated brackets come out upright: the size is the upright picture's.
    if (content == FileFormat::Jpeg || content == FileFormat::Png || content == FileFormat::Tiff) {
        const detail::ExifFields exif = detail::readExifFields(bytes.data(), bytes.size());
        header.orientation = exif.orientation;
        if (header.orientation >= 5) std::swap(header.width, header.height);
        if (fields) *fields = exif;
    }
    // Decoded by content, as every other tool does; the mismatch is reported, not refused.
    if (byName != FileFormat::Unknown && byName != content)
        header.contentNote = std::string("the content is ") + displayName(content) + ", not the " + displayName(byName) +
                             " the name says; read as " + displayName(content);
    const std::uint64_t pixels = std::uint64_t(header.width) * std::uint64_t(header.height);
    if (pixels > options.maxPixels)
        throw Error(path, "image of " + std::to_string(header.width) + "x" + std::to_string(header.height) +
                              " pixels exceeds the limit of " + std::to_string(options.maxPixels / 1000000) +
                              " megapixels; refused before allocating");
    return header;
}

void countAndTreatNonFinite(LoadedImage& loaded, NonFinitePolicy policy)
{
    const Image* img = loaded.pixels.asFloat();
    if (!img) return;
    std::uint64_t nans = 0, infs = 0;
    float lo = std::numeric_limits<float>::max(), hi = std::numeric_limits<float>::lowest();
    const std::size_t n = std::size_t(img->width()) * img->channels();
    for (int y = 0; y < img->height(); ++y) {
        const float* p = img->row(y);
        for (std::size_t i = 0; i < n; ++i) {
            if (std::isnan(p[i])) ++nans;
            else if (std::isinf(p[i])) ++infs;
            else { lo = std::min(lo, p[i]); hi = std::max(hi, p[i]); }
        }
    }
    loaded.nanCount = nans;
    loaded.infCount = infs;
    if (nans + infs == 0 || policy == NonFinitePolicy::Keep) return;
    if (policy == NonFinitePolicy::Reject)
        throw Error(loaded.path, "contains " + std::to_string(nans) + " NaN and " + std::to_string(infs) +
                                     " Inf samples; they would poison every result (use --nonfinite zero to replace them)");
    if (lo > hi) { lo = 0.0f; hi = 0.0f; }
    Image fixed = *img; // shares pixels; loaded owns the only other handle
    for (int y = 0; y < fixed.height(); ++y) {
        float* p = fixed.row(y);
        for (std::size_t i = 0; i < n; ++i) {
            if (std::isnan(p[i])) p[i] = 0.0f;
            else if (std::isinf(p[i])) p[i] = p[i] > 0 ? hi : lo;
        }
    }
}

} // namespace

ImageHeader probeImage(const std::string& path, const ReadOptions& options)
{
    return checkedHeader(path, readFileBytes(path), options);
}

LoadedImage readImage(const std::string& path, const ReadOptions& options)
{
    const std::vector<std::uint8_t> bytes = readFileBytes(path);
    LoadedImage loaded;
    loaded.path = path;
    detail::ExifFields exif;
    loaded.header = checkedHeader(path, bytes, options, &exif);
    if (options.readExif) loaded.exif = exif.exposure;
    try {
        switch (loaded.header.format) {
        case FileFormat::Jpeg:
            if (!detail::jpegHasEndMarker(bytes.data(), bytes.size())) throw Error("truncated JPEG data (no end-of-image marker)");
            loaded.pixels = detail::decodeJpeg(bytes.data(), bytes.size());
            break;
        case FileFormat::Png: {
            const std::string problem = detail::pngStructureProblem(bytes.data(), bytes.size());
            if (!problem.empty()) throw Error(problem);
            loaded.pixels = detail::decodeWithOpenCv(FileFormat::Png, bytes.data(), bytes.size());
            break;
        }
        case FileFormat::Tiff:
            if (auto direct = detail::decodeTiffDirect(bytes.data(), bytes.size())) loaded.pixels = std::move(*direct);
            else loaded.pixels = detail::decodeWithOpenCv(FileFormat::Tiff, bytes.data(), bytes.size());
            break;
        case FileFormat::RadianceHdr:
            loaded.pixels = detail::decodeWithOpenCv(loaded.header.format, bytes.data(), bytes.size());
            break;
        case FileFormat::Exr: {
            const std::string note = loaded.header.contentNote; // the decoder rewrites the header
            loaded.pixels = detail::decodeExr(bytes.data(), bytes.size(), options.maxPixels, loaded.header);
            loaded.header.contentNote = note;
            break;
        }
        case FileFormat::CameraRaw:
            loaded.pixels = detail::decodeCameraRaw(bytes.data(), bytes.size(), options.raw, &loaded.exif);
            // Half-size development changes the size the header announced.
            loaded.header.width = loaded.pixels.width();
            loaded.header.height = loaded.pixels.height();
            break;
        case FileFormat::Unknown: throw Error("unrecognised format");
        }
    } catch (const Error& e) {
        throw e.withFile(path);
    }
    if (loaded.header.orientation != 1) loaded.pixels = detail::applyExifOrientation(loaded.pixels, loaded.header.orientation);
    if (loaded.pixels.width() != loaded.header.width || loaded.pixels.height() != loaded.header.height)
        throw Error(path, "decoded size " + std::to_string(loaded.pixels.width()) + "x" + std::to_string(loaded.pixels.height()) +
                              " differs from the header's " + std::to_string(loaded.header.width) + "x" +
                              std::to_string(loaded.header.height));
    loaded.header.channels = loaded.pixels.channels();
    if (loaded.header.format != FileFormat::Exr) loaded.header.bitDepth = loaded.pixels.bitDepth(); // the file's depth
    countAndTreatNonFinite(loaded, options.nonFinite);
    try {
        detail::manageReadColour(loaded, bytes.data(), bytes.size(), options, exif.adobeRgb);
    } catch (const Error& e) {
        throw e.withFile(path);
    }
    return loaded;
}

SampleStats computeSampleStats(const Image& image)
{
    SampleStats s;
    double lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
    const std::size_t n = std::size_t(image.width()) * image.channels();
    for (int y = 0; y < image.height(); ++y) {
        const float* p = image.row(y);
        for (std::size_t i = 0; i < n; ++i) {
            if (std::isnan(p[i])) ++s.nanCount;
            else if (std::isinf(p[i])) ++s.infCount;
            else { lo = std::min(lo, double(p[i])); hi = std::max(hi, double(p[i])); }
        }
    }
    if (lo <= hi) { s.min = lo; s.max = hi; }
    return s;
}

} // namespace fuselab
