#include "format_sniff.hpp"

#include "fuselab/base/error.hpp"

#include <cctype>
#include <cstring>
#include <sstream>

namespace fuselab::detail {
namespace {

std::uint16_t be16(const std::uint8_t* p) { return std::uint16_t((p[0] << 8) | p[1]); }
std::uint32_t be32(const std::uint8_t* p) { return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3]; }

[[noreturn]] void cutShort(const char* what) { throw Error(std::string("truncated or corrupt ") + what + " header"); }

ImageHeader parseJpeg(const std::uint8_t* d, std::size_t n)
{
    std::size_t pos = 2; // after SOI
    while (pos + 4 <= n) {
        if (d[pos] != 0xFF) cutShort("JPEG");
        const std::uint8_t marker = d[pos + 1];
        if (marker == 0xFF) { ++pos; continue; } // fill byte
        if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) { pos += 2; continue; }
        const std::size_t length = be16(d + pos + 2);
        if (length < 2 || pos + 2 + length > n) cutShort("JPEG");
        const bool isSof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (isSof) {
            if (length < 8) cutShort("JPEG");
            ImageHeader h;
            h.format = FileFormat::Jpeg;
            h.bitDepth = d[pos + 4];
            h.height = be16(d + pos + 5);
            h.width = be16(d + pos + 7);
            h.channels = d[pos + 9] == 1 ? 1 : 3;
            if (h.width == 0 || h.height == 0) throw Error("JPEG header gives a zero image size");
            return h;
        }
        if (marker == 0xDA) break; // scan before any frame header
        pos += 2 + length;
    }
    cutShort("JPEG");
}

ImageHeader parsePng(const std::uint8_t* d, std::size_t n)
{
    if (n < 33 || std::memcmp(d + 12, "IHDR", 4) != 0) cutShort("PNG");
    ImageHeader h;
    h.format = FileFormat::Png;
    const std::uint32_t w = be32(d + 16), hh = be32(d + 20);
    if (w == 0 || hh == 0 || w > 0x7fffffffu || hh > 0x7fffffffu) throw Error("PNG header gives an invalid image size");
    h.width = int(w);
    h.height = int(hh);
    h.bitDepth = d[24] == 16 ? 16 : 8;
    switch (d[25]) {
    case 0: h.channels = 1; break;
    case 2: h.channels = 3; break;
    case 3: h.channels = 3; break;
    case 4: h.channels = 4; break; // grey + alpha decodes as RGBA
    case 6: h.channels = 4; break;
    default: throw Error("PNG header has an invalid colour type " + std::to_string(d[25]));
    }
    return h;
}

ImageHeader parseTiff(const std::uint8_t* d, std::size_t n)
{
    if (n < 8) cutShort("TIFF");
    const bool little = d[0] == 'I';
    auto u16 = [&](std::size_t off) -> std::uint32_t {
        if (off + 2 > n) cutShort("TIFF");
        return little ? std::uint32_t(d[off] | (d[off + 1] << 8)) : be16(d + off);
    };
    auto u32 = [&](std::size_t off) -> std::uint32_t {
        if (off + 4 > n) cutShort("TIFF");
        return little ? (std::uint32_t(d[off]) | (std::uint32_t(d[off + 1]) << 8) | (std::uint32_t(d[off + 2]) << 16) | (std::uint32_t(d[off + 3]) << 24))
                      : be32(d + off);
    };
    const std::uint32_t ifd = u32(4);
    const std::uint32_t entries = u16(ifd);
    ImageHeader h;
    h.format = FileFormat::Tiff;
    h.channels = 1;
    h.bitDepth = 8;
    int sampleFormat = 1;
    for (std::uint32_t i = 0; i < entries; ++i) {
        const std::size_t e = ifd + 2 + std::size_t(i) * 12;
        const std::uint32_t tag = u16(e), type = u16(e + 2);
        const std::uint32_t value = type == 3 ? u16(e + 8) : u32(e + 8);
        if (tag == 256) h.width = int(value);
        else if (tag == 257) h.height = int(value);
        else if (tag == 258) {
            // BitsPerSample: SHORTs, inline when they fit in 4 bytes, else at an offset.
            const std::uint32_t count = u32(e + 4);
            h.bitDepth = int(count <= 2 ? u16(e + 8) : u16(u32(e + 8)));
        }
        else if (tag == 277) h.channels = int(value);
        else if (tag == 339) sampleFormat = int(value);
    }
    if (h.width <= 0 || h.height <= 0) throw Error("TIFF header gives no valid image size");
    if (sampleFormat == 3) h.bitDepth = 32;
    if (h.channels > 4) h.channels = 4;
    if (h.channels == 2) h.channels = 4;
    return h;
}

ImageHeader parseHdr(const std::uint8_t* d, std::size_t n)
{
    // "#?RADIANCE\n" header lines, an empty line, then "-Y <h> +X <w>".
    std::size_t pos = 0;
    bool blank = false;
    while (pos < n && !blank) {
        const std::size_t start = pos;
        while (pos < n && d[pos] != '\n') ++pos;
        if (pos >= n) cutShort("Radiance HDR");
        blank = pos == start;
        ++pos;
    }
    std::size_t end = pos;
    while (end < n && d[end] != '\n') ++end;
    if (end >= n) cutShort("Radiance HDR");
    const std::string line(reinterpret_cast<const char*>(d + pos), end - pos);
    char ySign = 0, yAxis = 0, xSign = 0, xAxis = 0;
    int a = 0, b = 0;
    if (std::sscanf(line.c_str(), "%c%c %d %c%c %d", &ySign, &yAxis, &a, &xSign, &xAxis, &b) != 6 || yAxis != 'Y' || xAxis != 'X')
        throw Error("Radiance HDR resolution line '" + line + "' is not the standard -Y H +X W");
    ImageHeader h;
    h.format = FileFormat::RadianceHdr;
    h.height = a;
    h.width = b;
    h.channels = 3;
    h.bitDepth = 32;
    if (a <= 0 || b <= 0) throw Error("Radiance HDR header gives an invalid image size");
    return h;
}

} // namespace

FileFormat sniffFormat(const std::uint8_t* d, std::size_t n)
{
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return FileFormat::Jpeg;
    if (n >= 8 && std::memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) return FileFormat::Png;
    if (n >= 4 && ((d[0] == 'I' && d[1] == 'I' && d[2] == 42 && d[3] == 0) || (d[0] == 'M' && d[1] == 'M' && d[2] == 0 && d[3] == 42)))
        return FileFormat::Tiff;
    if (n >= 4 && d[0] == 0x76 && d[1] == 0x2f && d[2] == 0x31 && d[3] == 0x01) return FileFormat::Exr;
    if (n >= 2 && d[0] == '#' && d[1] == '?') return FileFormat::RadianceHdr;
    return FileFormat::Unknown;
}

ImageHeader parseHeader(FileFormat format, const std::uint8_t* data, std::size_t size)
{
    switch (format) {
    case FileFormat::Jpeg: return parseJpeg(data, size);
    case FileFormat::Png: return parsePng(data, size);
    case FileFormat::Tiff: return parseTiff(data, size);
    case FileFormat::RadianceHdr: return parseHdr(data, size);
    default: throw Error("no header parser for this format");
    }
}

bool jpegHasEndMarker(const std::uint8_t* d, std::size_t n)
{
    // Skip the marker segments up to the first SOS (EXIF thumbnails live there and hold
    // their own EOI), then look for EOI in the entropy-coded data.
    std::size_t pos = 2;
    while (pos + 4 <= n) {
        if (d[pos] != 0xFF) return false;
        const std::uint8_t marker = d[pos + 1];
        if (marker == 0xFF) { ++pos; continue; }
        const std::size_t length = be16(d + pos + 2);
        if (pos + 2 + length > n) return false;
        pos += 2 + length;
        if (marker == 0xDA) break;
    }
    for (std::size_t i = n; i-- > pos + 1;)
        if (d[i - 1] == 0xFF && d[i] == 0xD9) return true;
    return false;
}

std::string pngStructureProblem(const std::uint8_t* d, std::size_t n)
{
    std::size_t pos = 8;
    bool sawData = false;
    while (pos + 12 <= n) {
        const std::uint32_t length = be32(d + pos);
        const std::string type(reinterpret_cast<const char*>(d + pos + 4), 4);
        if (std::size_t(length) > n - pos - 12) return "truncated PNG data (chunk '" + type + "' runs past the end of the file)";
        if (type == "IDAT") sawData = true;
        if (type == "IEND") return sawData ? std::string() : std::string("PNG file has no image data");
        pos += 12 + length;
    }
    return "truncated PNG data (no IEND chunk)";
}

std::string describeLeadingBytes(const std::uint8_t* d, std::size_t n)
{
    std::ostringstream os;
    bool printable = true;
    const std::size_t k = std::min<std::size_t>(n, 12);
    for (std::size_t i = 0; i < k; ++i)
        printable &= std::isprint(d[i]) || d[i] == '\n' || d[i] == '\r' || d[i] == '\t';
    if (printable) {
        std::string text(reinterpret_cast<const char*>(d), k);
        for (char& c : text) if (c == '\n' || c == '\r' || c == '\t') c = ' ';
        os << "text '" << text << (n > k ? "…" : "") << "'";
    } else {
        os << "bytes";
        os << std::hex;
        for (std::size_t i = 0; i < std::min<std::size_t>(k, 8); ++i) os << ' ' << (d[i] < 16 ? "0" : "") << int(d[i]);
    }
    return os.str();
}

} // namespace fuselab::detail
