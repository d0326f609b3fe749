// TIFF with libtiff directly. Writing: scanlines go from our buffer to the file with no
// channel-swapped copy and no temporary round trip (OpenCV's encoder writes a temporary
// file and reads it back), which matters for 12 MP results. Reading: OpenCV's decoder goes
// through TIFFReadRGBA for 8-bit RGBA, which premultiplies unassociated alpha and so
// changes colours; here samples arrive as stored. Layouts this reader does not handle
// (palette, bilevel, YCbCr, tiled) go to OpenCV.
#include "codecs.hpp"
#include "colour_tags.hpp"

#include "fuselab/base/error.hpp"

#include <tiffio.h>

#include <algorithm>
#include <cstdarg>
#include <cstring>
#include <optional>
#include <cstdio>
#include <memory>
#include <mutex>
#include <vector>

namespace fuselab::detail {
namespace {

thread_local std::string t_tiffError;

void collectTiffError(const char* module, const char* fmt, va_list args)
{
    char buf[512];
    std::vsnprintf(buf, sizeof buf, fmt, args);
    t_tiffError = std::string(module ? module : "libtiff") + ": " + buf;
}

void quietTiffWarnings(const char*, const char*, va_list) {}

// libtiff client I/O over a buffer in memory (the file is already read and checked).
struct MemoryTiff {
    const std::uint8_t* data;
    std::size_t size;
    std::size_t pos = 0;
};

tmsize_t memRead(thandle_t h, void* buf, tmsize_t n)
{
    auto* m = static_cast<MemoryTiff*>(h);
    const std::size_t avail = m->pos < m->size ? m->size - m->pos : 0;
    const std::size_t k = std::min<std::size_t>(std::size_t(n), avail);
    std::memcpy(buf, m->data + m->pos, k);
    m->pos += k;
    return tmsize_t(k);
}
tmsize_t memWrite(thandle_t, void*, tmsize_t) { return 0; }
toff_t memSeek(thandle_t h, toff_t off, int whence)
{
    auto* m = static_cast<MemoryTiff*>(h);
    std::size_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? m->size : 0;
    m->pos = base + std::size_t(off);
    return toff_t(m->pos);
}
int memClose(thandle_t) { return 0; }
toff_t memSize(thandle_t h) { return toff_t(static_cast<MemoryTiff*>(h)->size); }
int memMap(thandle_t, void**, toff_t*) { return 0; }
void memUnmap(thandle_t, void*, toff_t) {}

void installHandlers()
{
    static std::once_flag once;
    std::call_once(once, [] {
        TIFFSetErrorHandler(collectTiffError);
        TIFFSetWarningHandler(quietTiffWarnings);
    });
}

template <typename T>
SampleImage readScanlines(TIFF* tif, int w, int h, int stored, ColourEncoding encoding)
{
    // Two stored samples (grey + alpha) become RGBA; more than four keep the first four.
    const int ch = stored == 2 ? 4 : std::min(stored, 4);
    ImageBuffer<T> out = ImageBuffer<T>::uninitialised(w, h, ch, encoding);
    std::vector<T> line(std::size_t(TIFFScanlineSize(tif)) / sizeof(T) + 1);
    for (int y = 0; y < h; ++y) {
        if (TIFFReadScanline(tif, line.data(), std::uint32_t(y), 0) < 0)
            throw Error("corrupt or truncated TIFF data at row " + std::to_string(y) + (t_tiffError.empty() ? "" : " (" + t_tiffError + ")"));
        T* dst = out.row(y);
        for (int x = 0; x < w; ++x) {
            const T* px = line.data() + std::size_t(x) * stored;
            if (stored == 2) {
                dst[4 * x] = dst[4 * x + 1] = dst[4 * x + 2] = px[0];
                dst[4 * x + 3] = px[1];
            } else {
                for (int c = 0; c < ch; ++c) dst[x * ch + c] = px[c];
            }
        }
    }
    return SampleImage(std::move(out));
}

// The tags that decide how a TIFF's samples are laid out.
struct TiffLayout {
    std::uint32_t width = 0, height = 0;
    std::uint16_t samplesPerPixel = 1, bitsPerSample = 8, sampleFormat = SAMPLEFORMAT_UINT, planar = PLANARCONFIG_CONTIG,
                  photometric = PHOTOMETRIC_RGB, orientation = ORIENTATION_TOPLEFT;
    bool tiled = false;
};

TiffLayout layoutOf(TIFF* tif)
{
    TiffLayout l;
    TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &l.width);
    TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &l.height);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &l.samplesPerPixel);
    TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &l.bitsPerSample);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &l.sampleFormat);
    TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &l.planar);
    TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &l.photometric);
    TIFFGetFieldDefaulted(tif, TIFFTAG_ORIENTATION, &l.orientation);
    l.tiled = TIFFIsTiled(tif) != 0;
    return l;
}

} // namespace

TiffScanlineReader::TiffScanlineReader(const std::string& path)
{
    installHandlers();
    t_tiffError.clear();
    m_tif = TIFFOpen(path.c_str(), "r");
    if (!m_tif) throw Error("corrupt TIFF header" + (t_tiffError.empty() ? std::string() : " (" + t_tiffError + ")"));
    TIFF* tif = static_cast<TIFF*>(m_tif);
    const TiffLayout l = layoutOf(tif);
    std::uint32_t length = 0;
    void* profile = nullptr;
    if (TIFFGetField(tif, TIFFTAG_ICCPROFILE, &length, &profile) == 1 && profile)
        m_icc.assign(static_cast<const std::uint8_t*>(profile), static_cast<const std::uint8_t*>(profile) + length);
    m_width = int(l.width);
    m_height = int(l.height);
    m_channels = l.samplesPerPixel;
    m_bitDepth = l.bitsPerSample;
    // What decodeTiffDirect would return unchanged: 8/16-bit integers, grey, RGB or RGBA, in
    // strips of contiguous samples, shown as stored.
    const int spp = l.samplesPerPixel;
    const bool photometricOk =
        (l.photometric == PHOTOMETRIC_MINISBLACK && spp == 1) || (l.photometric == PHOTOMETRIC_RGB && (spp == 3 || spp == 4));
    m_streamable = photometricOk && l.planar == PLANARCONFIG_CONTIG && !l.tiled && (l.bitsPerSample == 8 || l.bitsPerSample == 16) &&
                   l.sampleFormat == SAMPLEFORMAT_UINT && l.orientation == ORIENTATION_TOPLEFT && l.width > 0 && l.height > 0;
}

TiffScanlineReader::~TiffScanlineReader()
{
    if (m_tif) TIFFClose(static_cast<TIFF*>(m_tif));
}

void TiffScanlineReader::readRow(void* dst)
{
    if (m_next >= m_height) throw Error("TIFF read past the last row");
    t_tiffError.clear();
    if (TIFFReadScanline(static_cast<TIFF*>(m_tif), dst, std::uint32_t(m_next), 0) < 0)
        throw Error("corrupt TIFF data at row " + std::to_string(m_next) + (t_tiffError.empty() ? "" : " (" + t_tiffError + ")"));
    ++m_next;
}

std::optional<SampleImage> decodeTiffDirect(const std::uint8_t* data, std::size_t size)
{
    installHandlers();
    t_tiffError.clear();
    MemoryTiff mem{data, size};
    std::unique_ptr<TIFF, void (*)(TIFF*)> tif(
        TIFFClientOpen("memory", "rm", &mem, memRead, memWrite, memSeek, memClose, memSize, memMap, memUnmap), &TIFFClose);
    if (!tif) throw Error("corrupt TIFF header" + (t_tiffError.empty() ? std::string() : " (" + t_tiffError + ")"));
    const TiffLayout l = layoutOf(tif.get());
    const std::uint32_t w = l.width, h = l.height;
    const std::uint16_t spp = l.samplesPerPixel, bps = l.bitsPerSample, format = l.sampleFormat;
    const bool simplePhotometric = l.photometric == PHOTOMETRIC_RGB || l.photometric == PHOTOMETRIC_MINISBLACK;
    const bool simpleLayout = l.planar == PLANARCONFIG_CONTIG && !l.tiled && spp >= 1 && spp <= 4;
    if (!simplePhotometric || !simpleLayout || w == 0 || h == 0) return std::nullopt;
    if (bps == 8 && format == SAMPLEFORMAT_UINT) return readScanlines<std::uint8_t>(tif.get(), int(w), int(h), spp, ColourEncoding::Srgb);
    if (bps == 16 && format == SAMPLEFORMAT_UINT) return readScanlines<std::uint16_t>(tif.get(), int(w), int(h), spp, ColourEncoding::Srgb);
    if (bps == 32 && format == SAMPLEFORMAT_IEEEFP) return readScanlines<float>(tif.get(), int(w), int(h), spp, ColourEncoding::Linear);
    return std::nullopt;
}

std::vector<std::uint8_t> tiffIccProfile(const std::uint8_t* data, std::size_t size)
{
    installHandlers();
    MemoryTiff mem{data, size};
    std::unique_ptr<TIFF, void (*)(TIFF*)> tif(
        TIFFClientOpen("memory", "rm", &mem, memRead, memWrite, memSeek, memClose, memSize, memMap, memUnmap), &TIFFClose);
    std::uint32_t length = 0;
    void* profile = nullptr;
    if (!tif || TIFFGetField(tif.get(), TIFFTAG_ICCPROFILE, &length, &profile) != 1 || !profile) return {};
    const auto* bytes = static_cast<const std::uint8_t*>(profile);
    return std::vector<std::uint8_t>(bytes, bytes + length);
}

TiffScanlineWriter::TiffScanlineWriter(const std::string& path, int widthPx, int heightPx, int channels, int bitDepth,
                                       TiffCompression compressionChoice, const std::vector<std::uint8_t>& icc)
    : m_rowBytes(std::size_t(widthPx) * channels * (bitDepth / 8)), m_height(heightPx)
{
    installHandlers();
    t_tiffError.clear();
    m_tif = TIFFOpen(path.c_str(), "w");
    if (!m_tif) throw Error("cannot open for TIFF writing" + (t_tiffError.empty() ? std::string() : " (" + t_tiffError + ")"));
    TIFF* tif = static_cast<TIFF*>(m_tif);
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, std::uint32_t(widthPx));
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, std::uint32_t(heightPx));
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, std::uint16_t(channels));
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, std::uint16_t(bitDepth));
    TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, std::uint16_t(bitDepth == 32 ? SAMPLEFORMAT_IEEEFP : SAMPLEFORMAT_UINT));
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, std::uint16_t(PLANARCONFIG_CONTIG));
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, std::uint16_t(channels >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK));
    if (channels == 4) {
        const std::uint16_t extra = EXTRASAMPLE_UNASSALPHA;
        TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, std::uint16_t(1), &extra);
    }
    const std::uint16_t compression = compressionChoice == TiffCompression::Lzw       ? COMPRESSION_LZW
                                      : compressionChoice == TiffCompression::Deflate ? COMPRESSION_ADOBE_DEFLATE
                                                                                      : COMPRESSION_NONE;
    TIFFSetField(tif, TIFFTAG_COMPRESSION, compression);
    if (compression != COMPRESSION_NONE)
        TIFFSetField(tif, TIFFTAG_PREDICTOR, std::uint16_t(bitDepth == 32 ? PREDICTOR_FLOATINGPOINT : PREDICTOR_HORIZONTAL));
    // Strips of about 1 MB keep memory flat and compression effective.
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, std::uint32_t(std::max<std::size_t>(1, (1u << 20) / std::max<std::size_t>(m_rowBytes, 1))));
    TIFFSetField(tif, TIFFTAG_SOFTWARE, "FuseLab");
    if (!icc.empty()) TIFFSetField(tif, TIFFTAG_ICCPROFILE, std::uint32_t(icc.size()), icc.data());
}

TiffScanlineWriter::~TiffScanlineWriter()
{
    if (m_tif) TIFFClose(static_cast<TIFF*>(m_tif));
}

void TiffScanlineWriter::writeRow(const void* row)
{
    if (m_next >= m_height) throw Error("TIFF write past the last row");
    if (TIFFWriteScanline(static_cast<TIFF*>(m_tif), const_cast<void*>(row), std::uint32_t(m_next), 0) < 0)
        throw Error("TIFF write failed at row " + std::to_string(m_next) + (t_tiffError.empty() ? "" : " (" + t_tiffError + ")"));
    ++m_next;
}

void TiffScanlineWriter::close()
{
    if (m_next != m_height) throw Error("TIFF closed after " + std::to_string(m_next) + " of " + std::to_string(m_height) + " rows");
    TIFF* raw = static_cast<TIFF*>(m_tif);
    m_tif = nullptr;
    t_tiffError.clear();
    TIFFClose(raw);
    if (!t_tiffError.empty()) throw Error("TIFF write failed when closing (" + t_tiffError + ")");
}

void writeTiff(const std::string& path, const SampleImage& image, const WriteOptions& options, const std::vector<std::uint8_t>& icc)
{
    TiffScanlineWriter out(path, image.width(), image.height(), image.channels(), image.bitDepth(), options.tiffCompression, icc);
    for (int y = 0; y < image.height(); ++y) {
        if (const Image8* p8 = image.as8()) out.writeRow(p8->row(y));
        else if (const Image16* p16 = image.as16()) out.writeRow(p16->row(y));
        else out.writeRow(image.asFloat()->row(y));
    }
    out.close();
}

} // namespace fuselab::detail
