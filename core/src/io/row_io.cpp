// openFrameRows and TiffRowFile (row_io.hpp).
#include "fuselab/row_io.hpp"

#include "../fusion/dispatch.hpp"
#include "atomic_file.hpp"
#include "codecs.hpp"
#include "colour_management.hpp"
#include "colour_tags.hpp"
#include "format_sniff.hpp"

#include "fuselab/error.hpp"
#include "fuselab/version.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>

namespace fuselab {
namespace {

std::vector<std::uint8_t> fileBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path, "cannot be opened");
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class JpegRows final : public FrameRowReader {
public:
    JpegRows(std::string path, std::unique_ptr<detail::JpegScanlineReader> jpeg) : m_path(std::move(path)), m_jpeg(std::move(jpeg)) {}
    int widthPx() const override { return m_jpeg->width(); }
    int heightPx() const override { return m_jpeg->height(); }
    int channels() const override { return m_jpeg->channels(); }
    RowSampleType sampleType() const override { return RowSampleType::U8; }
    const std::string& path() const override { return m_path; }
    void restart() override
    {
        try {
            m_jpeg->restart();
        } catch (const Error& e) {
            throw e.withFile(m_path);
        }
    }
    void readRow(void* dst) override
    {
        try {
            m_jpeg->readRow(static_cast<std::uint8_t*>(dst));
        } catch (const Error& e) {
            throw e.withFile(m_path);
        }
    }

private:
    std::string m_path;
    std::unique_ptr<detail::JpegScanlineReader> m_jpeg;
};

// Rows of a decoded frame parked in an unnamed temporary file (deleted when closed).
class SpooledRows final : public FrameRowReader {
public:
    SpooledRows(std::string path, const SampleImage& pixels) : m_path(std::move(path))
    {
        m_width = pixels.width();
        m_height = pixels.height();
        m_channels = pixels.channels();
        m_type = rowSampleTypeOf(pixels);
        m_rowBytes = std::size_t(m_width) * m_channels * bytesPerSample(m_type);
        m_file = std::tmpfile();
        if (!m_file) throw Error(m_path, "no temporary file for its decoded rows (is the temporary folder writable and not full?)");
        for (int y = 0; y < m_height; ++y) {
            if (std::fwrite(rowOf(pixels, y), 1, m_rowBytes, m_file) != m_rowBytes)
                throw Error(m_path, "writing its decoded rows to a temporary file failed (disk full?)");
        }
        restart();
    }
    ~SpooledRows() override
    {
        if (m_file) std::fclose(m_file);
    }
    int widthPx() const override { return m_width; }
    int heightPx() const override { return m_height; }
    int channels() const override { return m_channels; }
    RowSampleType sampleType() const override { return m_type; }
    const std::string& path() const override { return m_path; }
    void restart() override
    {
        if (std::fseek(m_file, 0, SEEK_SET) != 0) throw Error(m_path, "its temporary rows cannot be read again");
    }
    void readRow(void* dst) override
    {
        if (std::fread(dst, 1, m_rowBytes, m_file) != m_rowBytes) throw Error(m_path, "its temporary rows ended early");
    }

private:
    std::string m_path;
    std::FILE* m_file = nullptr;
    int m_width = 0, m_height = 0, m_channels = 0;
    RowSampleType m_type = RowSampleType::U8;
    std::size_t m_rowBytes = 0;
};

// A JPEG read by scanlines gives exactly readImage's pixels only when readImage would do nothing
// after decoding: no rotation, no colour conversion (the same decision colour management makes).
bool jpegReadsAsStored(const std::vector<std::uint8_t>& bytes, int channels, const ReadOptions& options)
{
    const detail::ExifFields exif = detail::readExifFields(bytes.data(), bytes.size());
    if (options.readExif && exif.orientation != 1) return false;
    if (!options.manageColour) return true;
    detail::FileColour tags = detail::readFileColour(FileFormat::Jpeg, bytes.data(), bytes.size());
    tags.exifAdobeRgb = exif.adobeRgb;
    return detail::integerSamplesReadAsStored(tags, channels, options.workingPrimaries);
}

} // namespace

std::unique_ptr<FrameRowReader> openFrameRows(const std::string& path, const ReadOptions& options, RowReadMode* mode)
{
    if (formatFromContent(path) == FileFormat::Jpeg) {
        std::vector<std::uint8_t> bytes = fileBytes(path);
        std::unique_ptr<detail::JpegScanlineReader> jpeg;
        try {
            jpeg = std::make_unique<detail::JpegScanlineReader>(bytes);
        } catch (const Error& e) {
            throw e.withFile(path);
        }
        if (jpegReadsAsStored(bytes, jpeg->channels(), options)) {
            // No pixel limit here: nothing is allocated per image (libjpeg's own limit, 65500 px a side, applies).
            if (!jpeg->progressive()) {
                if (mode) *mode = RowReadMode::Scanlines;
                return std::make_unique<JpegRows>(path, std::move(jpeg));
            }
        }
    }
    const LoadedImage loaded = readImage(path, options);
    const SampleImage display = loaded.pixels.encoding() == ColourEncoding::Linear ? displayEncodedFrame(loaded.pixels) : loaded.pixels;
    if (mode) *mode = RowReadMode::Spooled;
    return std::make_unique<SpooledRows>(path, display);
}

struct TiffRowFile::Impl {
    detail::AtomicFile file;
    std::unique_ptr<detail::TiffScanlineWriter> tiff;
    WriteOptions options;
    int width, height;
    explicit Impl(const std::string& path) : file(path) {}
};

TiffRowFile::TiffRowFile(const std::string& path, int widthPx, int heightPx, int channels, FusedSampleType type, const WriteOptions& options)
    : m(std::make_unique<Impl>(path))
{
    if (formatFromExtension(path) != FileFormat::Tiff) throw Error(path, "row-by-row output is written as TIFF (.tif, .tiff)");
    if (options.outputPrimaries && *options.outputPrimaries != options.dataPrimaries)
        throw Error(path, "row-by-row output keeps the data's primaries (no --output-primaries conversion)");
    const int bits = type == FusedSampleType::U8 ? 8 : type == FusedSampleType::U16 ? 16 : 32;
    const detail::OutputColourTag tag =
        options.tagColour ? detail::outputColourTag(ColourEncoding::Srgb, options.dataPrimaries, channels) : detail::OutputColourTag{};
    m->options = options;
    m->width = widthPx;
    m->height = heightPx;
    try {
        m->tiff = std::make_unique<detail::TiffScanlineWriter>(m->file.tempPath(), widthPx, heightPx, channels, bits, options.tiffCompression, tag.icc);
    } catch (const Error& e) {
        throw e.withFile(path);
    }
}

TiffRowFile::~TiffRowFile() = default;

void TiffRowFile::writeRow(const void* row)
{
    try {
        m->tiff->writeRow(row);
    } catch (const Error& e) {
        throw e.withFile(m->file.targetPath());
    }
}

void TiffRowFile::commit()
{
    try {
        m->tiff->close();
        m->tiff.reset();
        if (!m->options.metadataFrom.empty())
            detail::carryMetadata(m->options.metadataFrom, m->file.tempPath(), m->width, m->height, std::string("FuseLab ") + kFuseLabVersion);
    } catch (const Error& e) {
        throw e.withFile(m->file.targetPath());
    }
    m->file.commit();
}

} // namespace fuselab
