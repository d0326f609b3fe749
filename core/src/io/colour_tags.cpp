// Colour tags in file bytes: JPEG APP2 ICC segments, PNG colour chunks; inserting them.
#include "colour_tags.hpp"

#include "fuselab/base/error.hpp"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

namespace fuselab::detail {

Chromaticities chromaticitiesOf(RgbPrimaries primaries)
{
    // xy of the primaries from each space's definition; every one of them has a D65 white.
    constexpr double wx = 0.3127, wy = 0.3290;
    switch (primaries) {
    case RgbPrimaries::Rec709: return {0.640, 0.330, 0.300, 0.600, 0.150, 0.060, wx, wy};
    case RgbPrimaries::Rec2020: return {0.708, 0.292, 0.170, 0.797, 0.131, 0.046, wx, wy};
    case RgbPrimaries::DisplayP3: return {0.680, 0.320, 0.265, 0.690, 0.150, 0.060, wx, wy};
    case RgbPrimaries::AdobeRgb: return {0.640, 0.330, 0.210, 0.710, 0.150, 0.060, wx, wy};
    }
    return {};
}

std::optional<RgbPrimaries> matchPrimaries(const Chromaticities& c)
{
    for (RgbPrimaries p : {RgbPrimaries::Rec709, RgbPrimaries::Rec2020, RgbPrimaries::DisplayP3, RgbPrimaries::AdobeRgb}) {
        const Chromaticities k = chromaticitiesOf(p);
        const double a[] = {c.rx, c.ry, c.gx, c.gy, c.bx, c.by, c.wx, c.wy};
        const double b[] = {k.rx, k.ry, k.gx, k.gy, k.bx, k.by, k.wx, k.wy};
        bool same = true;
        for (int i = 0; i < 8; ++i) same &= std::fabs(a[i] - b[i]) <= 1e-3;
        if (same) return p;
    }
    return std::nullopt;
}

namespace {

std::uint32_t be32(const std::uint8_t* p) { return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3]; }
void putBe32(std::vector<std::uint8_t>& out, std::uint32_t v)
{
    for (int s = 24; s >= 0; s -= 8) out.push_back(std::uint8_t(v >> s));
}

// zlib stream → bytes; empty when damaged or larger than `limit`.
std::vector<std::uint8_t> inflateAll(const std::uint8_t* data, std::size_t size, std::size_t limit)
{
    z_stream z{};
    if (inflateInit(&z) != Z_OK) return {};
    std::vector<std::uint8_t> out;
    std::uint8_t buffer[16384];
    z.next_in = const_cast<Bytef*>(data);
    z.avail_in = uInt(size);
    int rc = Z_OK;
    while (rc == Z_OK) {
        z.next_out = buffer;
        z.avail_out = sizeof buffer;
        rc = inflate(&z, Z_NO_FLUSH);
        out.insert(out.end(), buffer, buffer + (sizeof buffer - z.avail_out));
        if (out.size() > limit) rc = Z_DATA_ERROR;
    }
    inflateEnd(&z);
    return rc == Z_STREAM_END ? out : std::vector<std::uint8_t>{};
}

constexpr std::size_t kIccLimitBytes = 64u << 20; // a profile is kilobytes; refuse absurd ones

void readPngChunks(const std::uint8_t* d, std::size_t n, FileColour& colour)
{
    std::size_t pos = 8;
    while (pos + 12 <= n) {
        const std::uint32_t length = be32(d + pos);
        if (std::size_t(length) > n - pos - 12) return;
        const std::uint8_t* body = d + pos + 8;
        const std::string type(reinterpret_cast<const char*>(d + pos + 4), 4);
        if (type == "IDAT" || type == "IEND") return;
        if (type == "cICP" && length == 4) colour.cicp = Cicp{body[0], body[1], body[2], body[3]};
        else if (type == "sRGB" && length == 1) colour.srgbChunk = true;
        else if (type == "gAMA" && length == 4 && be32(body) > 0) colour.fileGamma = be32(body) / 100000.0;
        else if (type == "cHRM" && length == 32) {
            double v[8];
            for (int i = 0; i < 8; ++i) v[i] = be32(body + 4 * i) / 100000.0;
            colour.chromaticities = Chromaticities{v[2], v[3], v[4], v[5], v[6], v[7], v[0], v[1]};
        } else if (type == "iCCP") {
            // name (1–79 bytes), NUL, compression method 0, zlib stream
            const std::uint8_t* nul = static_cast<const std::uint8_t*>(std::memchr(body, 0, std::min<std::size_t>(length, 80)));
            if (nul && std::size_t(nul - body) + 2 <= length && nul[1] == 0) {
                const std::size_t offset = std::size_t(nul - body) + 2;
                colour.icc = inflateAll(body + offset, length - offset, kIccLimitBytes);
            }
        }
        pos += 12 + length;
    }
}

const char kIccMarker[] = "ICC_PROFILE"; // followed by NUL, sequence number (1-based), count

void readJpegSegments(const std::uint8_t* d, std::size_t n, FileColour& colour)
{
    std::map<int, std::vector<std::uint8_t>> pieces;
    int count = 0;
    std::size_t pos = 2;
    while (pos + 4 <= n) {
        if (d[pos] != 0xFF) return;
        const std::uint8_t marker = d[pos + 1];
        if (marker == 0xFF) { ++pos; continue; } // fill byte
        if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { pos += 2; continue; }
        if (marker == 0xDA || marker == 0xD9) break; // scan data: no more metadata segments
        const std::size_t length = std::size_t(d[pos + 2]) << 8 | d[pos + 3];
        if (length < 2 || pos + 2 + length > n) return;
        const std::uint8_t* body = d + pos + 4;
        const std::size_t bodySize = length - 2;
        if (marker == 0xE2 && bodySize > 14 && std::memcmp(body, kIccMarker, 12) == 0) {
            const int seq = body[12];
            count = body[13];
            pieces[seq].assign(body + 14, body + bodySize);
        }
        pos += 2 + length;
    }
    if (count == 0 || int(pieces.size()) != count) return; // missing pieces: no usable profile
    for (auto& [seq, bytes] : pieces) {
        if (seq < 1 || seq > count) return;
        colour.icc.insert(colour.icc.end(), bytes.begin(), bytes.end());
    }
}

} // namespace

FileColour readFileColour(FileFormat format, const std::uint8_t* data, std::size_t size)
{
    FileColour colour;
    switch (format) {
    case FileFormat::Png: readPngChunks(data, size, colour); break;
    case FileFormat::Jpeg: readJpegSegments(data, size, colour); break;
    case FileFormat::Tiff: colour.icc = tiffIccProfile(data, size); break;
    case FileFormat::Exr: colour.chromaticities = exrChromaticities(data, size); break;
    default: break;
    }
    return colour;
}

std::vector<std::uint8_t> withPngColourChunks(const std::vector<std::uint8_t>& png, const std::vector<std::uint8_t>& icc,
                                              const std::optional<Cicp>& cicp)
{
    // IHDR is always the first chunk: 8-byte signature + 4 length + 4 type + 13 data + 4 CRC.
    constexpr std::size_t kAfterIhdr = 8 + 12 + 13;
    if (png.size() < kAfterIhdr || std::memcmp(png.data() + 12, "IHDR", 4) != 0) throw Error("PNG encoder output has no IHDR chunk");
    std::vector<std::uint8_t> out(png.begin(), png.begin() + kAfterIhdr);
    auto addChunk = [&](const char* type, const std::vector<std::uint8_t>& body) {
        putBe32(out, std::uint32_t(body.size()));
        const std::size_t typeAt = out.size();
        out.insert(out.end(), type, type + 4);
        out.insert(out.end(), body.begin(), body.end());
        putBe32(out, std::uint32_t(crc32(0, out.data() + typeAt, uInt(4 + body.size()))));
    };
    if (cicp) addChunk("cICP", {std::uint8_t(cicp->primaries), std::uint8_t(cicp->transfer), std::uint8_t(cicp->matrix), std::uint8_t(cicp->fullRange)});
    if (!icc.empty()) {
        uLongf packedSize = compressBound(uLong(icc.size()));
        std::vector<std::uint8_t> body = {'I', 'C', 'C', ' ', 'P', 'r', 'o', 'f', 'i', 'l', 'e', 0, 0};
        const std::size_t header = body.size();
        body.resize(header + packedSize);
        if (compress2(body.data() + header, &packedSize, icc.data(), uLong(icc.size()), Z_BEST_COMPRESSION) != Z_OK)
            throw Error("cannot compress the ICC profile for the PNG iCCP chunk");
        body.resize(header + packedSize);
        addChunk("iCCP", body);
    }
    out.insert(out.end(), png.begin() + kAfterIhdr, png.end());
    return out;
}

std::vector<std::uint8_t> withJpegIccProfile(const std::vector<std::uint8_t>& jpeg, const std::vector<std::uint8_t>& icc)
{
    if (jpeg.size() < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) throw Error("JPEG encoder output does not start with SOI");
    if (icc.empty()) return jpeg;
    // After SOI and the APP0 (JFIF) / APP1 (EXIF) segments that readers expect first.
    std::size_t at = 2;
    while (at + 4 <= jpeg.size() && jpeg[at] == 0xFF && (jpeg[at + 1] == 0xE0 || jpeg[at + 1] == 0xE1))
        at += 2 + (std::size_t(jpeg[at + 2]) << 8 | jpeg[at + 3]);
    if (at > jpeg.size()) throw Error("JPEG encoder output has a damaged APP segment");
    constexpr std::size_t kPieceBytes = 65535 - 2 - 14; // segment length field, then the ICC header
    const std::size_t pieces = (icc.size() + kPieceBytes - 1) / kPieceBytes;
    if (pieces > 255) throw Error("ICC profile too large for JPEG APP2 segments");
    std::vector<std::uint8_t> out(jpeg.begin(), jpeg.begin() + std::ptrdiff_t(at));
    for (std::size_t i = 0; i < pieces; ++i) {
        const std::size_t begin = i * kPieceBytes, end = std::min(icc.size(), begin + kPieceBytes);
        const std::size_t length = 2 + 14 + (end - begin);
        out.insert(out.end(), {0xFF, 0xE2, std::uint8_t(length >> 8), std::uint8_t(length & 0xFF)});
        out.insert(out.end(), kIccMarker, kIccMarker + 12); // with its NUL
        out.push_back(std::uint8_t(i + 1));
        out.push_back(std::uint8_t(pieces));
        out.insert(out.end(), icc.begin() + std::ptrdiff_t(begin), icc.begin() + std::ptrdiff_t(end));
    }
    out.insert(out.end(), jpeg.begin() + std::ptrdiff_t(at), jpeg.end());
    return out;
}

} // namespace fuselab::detail
