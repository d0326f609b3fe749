// openFrameRows and TiffRowFile (row_io.hpp).
#include "fuselab/row_io.hpp"

#include "../fusion/dispatch.hpp"
#include "atomic_file.hpp"
#include "codecs.hpp"
#include "colour_management.hpp"
#include "colour_tags.hpp"
#include "format_sniff.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/version.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>

namespace fuselab {
namespace {

std::vector<std::uint8_t> fileBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path, "cannot be opened");
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Rows from one of the row decoders (codecs.hpp), errors attributed to the file.
template <typename Decoder>
class DecoderRows final : public FrameRowReader {
public:
    DecoderRows(std::string path, std::unique_ptr<Decoder> decoder, RowSampleType type, bool rejectNonFinite = false)
        : m_path(std::move(path)), m_decoder(std::move(decoder)), m_type(type), m_rejectNonFinite(rejectNonFinite)
    {
    }
    int widthPx() const override { return m_decoder->width(); }
    int heightPx() const override { return m_decoder->height(); }
    int channels() const override { return m_decoder->channels(); }
    RowSampleType sampleType() const override { return m_type; }
    const std::string& path() const override { return m_path; }
    void restart() override
    {
        m_row = 0;
        try {
            m_decoder->restart();
        } catch (const Error& e) {
            throw e.withFile(m_path);
        }
    }
    void readRow(void* dst) override
    {
        try {
            m_decoder->readRow(dst);
        } catch (const Error& e) {
            throw e.withFile(m_path);
        }
        if (!m_rejectNonFinite) return;
        // As readImage's NonFinitePolicy::Reject, found row by row.
        const float* v = static_cast<const float*>(dst);
        const std::size_t n = std::size_t(widthPx()) * std::size_t(channels());
        for (std::size_t i = 0; i < n; ++i)
            if (!std::isfinite(v[i]))
                throw Error(m_path, "contains NaN or Inf samples (the first at row " + std::to_string(m_row) +
                                        "); they would poison every result (use --nonfinite zero to replace them)");
        ++m_row;
    }

private:
    std::string m_path;
    std::unique_ptr<Decoder> m_decoder;
    RowSampleType m_type;
    bool m_rejectNonFinite;
    int m_row = 0;
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

// Rows decoded as stored are readImage's pixels only when readImage would do nothing after
// decoding: no rotation, no colour conversion (the decision colour management itself makes).
bool readsAsStored(detail::FileColour tags, const detail::ExifFields& exif, int channels, const ReadOptions& options)
{
    if (options.readExif && exif.orientation != 1) return false;
    if (!options.manageColour) return true;
    tags.exifAdobeRgb = exif.adobeRgb;
    return detail::integerSamplesReadAsStored(tags, channels, options.workingPrimaries);
}

template <typename Decoder>
std::unique_ptr<Decoder> opened(const std::string& path, std::function<std::unique_ptr<Decoder>()> open)
{
    try {
        return open();
    } catch (const Error& e) {
        throw e.withFile(path);
    }
}

// The file's rows straight from its decoder, or nothing when it must be read whole. No pixel
// limit here: nothing is allocated per image.
std::unique_ptr<FrameRowReader> streamedRows(const std::string& path, const ReadOptions& options, RowPurpose purpose, FrameRowsInfo& info)
{
    const FileFormat format = formatFromContent(path);
    if (format == FileFormat::Jpeg) {
        std::vector<std::uint8_t> bytes = fileBytes(path);
        const detail::ExifFields exif = detail::readExifFields(bytes.data(), bytes.size());
        const detail::FileColour tags = detail::readFileColour(format, bytes.data(), bytes.size());
        auto jpeg = opened<detail::JpegScanlineReader>(path, [&] { return std::make_unique<detail::JpegScanlineReader>(std::move(bytes)); });
        if (jpeg->progressive() || !readsAsStored(tags, exif, jpeg->channels(), options)) return nullptr;
        info.exif = exif.exposure;
        return std::make_unique<DecoderRows<detail::JpegScanlineReader>>(path, std::move(jpeg), RowSampleType::U8);
    }
    if (format == FileFormat::Png) {
        std::vector<std::uint8_t> bytes = fileBytes(path);
        const detail::ExifFields exif = detail::readExifFields(bytes.data(), bytes.size());
        const detail::FileColour tags = detail::readFileColour(format, bytes.data(), bytes.size());
        auto png = opened<detail::PngScanlineReader>(path, [&] { return std::make_unique<detail::PngScanlineReader>(std::move(bytes)); });
        if (!png->streamable() || !readsAsStored(tags, exif, png->channels(), options)) return nullptr;
        info.exif = exif.exposure;
        const RowSampleType type = png->bitDepth() == 16 ? RowSampleType::U16 : RowSampleType::U8;
        return std::make_unique<DecoderRows<detail::PngScanlineReader>>(path, std::move(png), type);
    }
    if (format == FileFormat::Tiff) {
        auto tiff = opened<detail::TiffScanlineReader>(path, [&] { return std::make_unique<detail::TiffScanlineReader>(path); });
        if (!tiff->streamable()) return nullptr;
        detail::FileColour tags;
        tags.icc = tiff->iccProfile();
        const detail::ExifFields exif = detail::readExifFieldsOfFile(path);
        if (!readsAsStored(tags, exif, tiff->channels(), options)) return nullptr;
        info.exif = exif.exposure;
        const RowSampleType type = tiff->bitDepth() == 16 ? RowSampleType::U16 : RowSampleType::U8;
        return std::make_unique<DecoderRows<detail::TiffScanlineReader>>(path, std::move(tiff), type);
    }
    // EXR holds linear light: a merge takes it as it is; fusion takes display values (the frame
    // through the sRGB curve, done once on the whole frame). NonFinitePolicy::Zero needs the
    // whole image's range.
    if (format == FileFormat::Exr && purpose == RowPurpose::Merge && options.nonFinite != NonFinitePolicy::Zero) {
        auto exr = opened<detail::ExrScanlineReader>(path, [&] { return std::make_unique<detail::ExrScanlineReader>(path); });
        detail::FileColour tags;
        tags.chromaticities = exr->chromaticities();
        if (!exr->streamable() || (options.manageColour && !detail::floatSamplesReadAsStored(tags, exr->channels(), options.workingPrimaries)))
            return nullptr;
        info.encoding = ColourEncoding::Linear;
        return std::make_unique<DecoderRows<detail::ExrScanlineReader>>(path, std::move(exr), RowSampleType::Float,
                                                                        options.nonFinite == NonFinitePolicy::Reject);
    }
    return nullptr;
}

} // namespace

std::unique_ptr<FrameRowReader> openFrameRows(const std::string& path, const ReadOptions& options, RowPurpose purpose, FrameRowsInfo* info)
{
    FrameRowsInfo streamed;
    streamed.mode = RowReadMode::Scanlines;
    if (std::unique_ptr<FrameRowReader> rows = streamedRows(path, options, purpose, streamed)) {
        if (!options.readExif) streamed.exif = {};
        if (info) *info = streamed;
        return rows;
    }
    const LoadedImage loaded = readImage(path, options);
    const bool toDisplay = purpose == RowPurpose::Fusion && loaded.pixels.encoding() == ColourEncoding::Linear;
    const SampleImage rows = toDisplay ? displayEncodedFrame(loaded.pixels) : loaded.pixels;
    if (info) *info = {RowReadMode::Spooled, loaded.exif, rows.encoding()};
    return std::make_unique<SpooledRows>(path, rows);
}

struct ImageRowFile::Impl {
    detail::AtomicFile file;
    std::unique_ptr<detail::TiffScanlineWriter> tiff;
    std::unique_ptr<detail::PngRowWriter> png;
    std::unique_ptr<detail::JpegRowWriter> jpeg;
    std::unique_ptr<detail::ExrScanlineWriter> exr;
    std::vector<float> exrRows; // rows waiting for the next OpenEXR strip
    int exrBuffered = 0;
    WriteOptions options;
    FileFormat format = FileFormat::Tiff;
    int width = 0, height = 0, channels = 0;
    explicit Impl(const std::string& path) : file(path) {}

    static constexpr int kExrStripRows = 64;
    void flushExr()
    {
        exr->writeRows(exrRows.data(), exrBuffered, std::size_t(width) * std::size_t(channels));
        exrBuffered = 0;
    }
};

ImageRowFile::ImageRowFile(const std::string& path, int widthPx, int heightPx, int channels, FusedSampleType type, const WriteOptions& options)
    : m(std::make_unique<Impl>(path))
{
    m->format = formatFromExtension(path);
    if (m->format != FileFormat::Tiff && m->format != FileFormat::Exr && m->format != FileFormat::Png && m->format != FileFormat::Jpeg)
        throw Error(path, "row-by-row output is written as TIFF, PNG, JPEG or OpenEXR (.tif, .png, .jpg, .exr)");
    if (m->format == FileFormat::Exr && type != FusedSampleType::Float) throw Error(path, "OpenEXR output takes float samples");
    if (m->format == FileFormat::Png && type == FusedSampleType::Float) throw Error(path, "PNG output takes 8- or 16-bit samples");
    // writeImage puts linear light in float TIFFs; rows here are display values, so no float TIFF.
    if (m->format == FileFormat::Tiff && type == FusedSampleType::Float) throw Error(path, "row-by-row TIFF output takes 8- or 16-bit samples");
    if (m->format == FileFormat::Jpeg && type != FusedSampleType::U8) throw Error(path, "JPEG output takes 8-bit samples");
    if (options.outputPrimaries && *options.outputPrimaries != options.dataPrimaries)
        throw Error(path, "row-by-row output keeps the data's primaries (no --output-primaries conversion)");
    m->options = options;
    m->width = widthPx;
    m->height = heightPx;
    m->channels = channels;
    try {
        if (m->format == FileFormat::Exr) {
            m->exr = std::make_unique<detail::ExrScanlineWriter>(m->file.tempPath(), widthPx, heightPx, channels, options,
                                                                 options.tagColour ? std::optional(options.dataPrimaries) : std::nullopt);
            m->exrRows.resize(std::size_t(Impl::kExrStripRows) * std::size_t(widthPx) * std::size_t(channels));
        } else {
            const int bits = type == FusedSampleType::U8 ? 8 : type == FusedSampleType::U16 ? 16 : 32;
            const detail::OutputColourTag tag =
                options.tagColour ? detail::outputColourTag(ColourEncoding::Srgb, options.dataPrimaries, channels) : detail::OutputColourTag{};
            const std::string& temp = m->file.tempPath();
            if (m->format == FileFormat::Png) m->png = std::make_unique<detail::PngRowWriter>(temp, widthPx, heightPx, channels, bits, tag.icc);
            else if (m->format == FileFormat::Jpeg)
                m->jpeg = std::make_unique<detail::JpegRowWriter>(temp, widthPx, heightPx, channels, options.jpegQuality, tag.icc);
            else m->tiff = std::make_unique<detail::TiffScanlineWriter>(temp, widthPx, heightPx, channels, bits, options.tiffCompression, tag.icc);
        }
    } catch (const Error& e) {
        throw e.withFile(path);
    }
}

ImageRowFile::~ImageRowFile() = default;

void ImageRowFile::writeRow(const void* row)
{
    try {
        if (m->tiff) return m->tiff->writeRow(row);
        if (m->png) return m->png->writeRow(row);
        if (m->jpeg) return m->jpeg->writeRow(row);
        const std::size_t samples = std::size_t(m->width) * std::size_t(m->channels);
        std::memcpy(m->exrRows.data() + std::size_t(m->exrBuffered) * samples, row, samples * sizeof(float));
        if (++m->exrBuffered == Impl::kExrStripRows) m->flushExr();
    } catch (const Error& e) {
        throw e.withFile(m->file.targetPath());
    }
}

void ImageRowFile::commit()
{
    try {
        if (!m->exr) {
            if (m->tiff) m->tiff->close();
            if (m->png) m->png->close();
            if (m->jpeg) m->jpeg->close();
            m->tiff.reset();
            m->png.reset();
            m->jpeg.reset();
            if (!m->options.metadataFrom.empty())
                detail::carryMetadata(m->options.metadataFrom, m->file.tempPath(), m->width, m->height, std::string("FuseLab ") + kFuseLabVersion);
        } else {
            if (m->exrBuffered > 0) m->flushExr();
            m->exr->close(); // OpenEXR carries the metadata in its header (written at the start)
            m->exr.reset();
        }
    } catch (const Error& e) {
        throw e.withFile(m->file.targetPath());
    }
    m->file.commit();
}

std::vector<FrameRowReader*> OpenedFrames::pointers() const
{
    std::vector<FrameRowReader*> out;
    for (const auto& r : readers) out.push_back(r.get());
    return out;
}

int OpenedFrames::scanlineCount() const
{
    return int(std::count_if(info.begin(), info.end(), [](const FrameRowsInfo& i) { return i.mode == RowReadMode::Scanlines; }));
}

bool OpenedFrames::anyDeeperThan8Bits() const
{
    return std::any_of(readers.begin(), readers.end(), [](const auto& r) { return r->sampleType() != RowSampleType::U8; });
}

OpenedFrames openFramesAsRows(const std::vector<std::string>& files, const ReadOptions& options, RowPurpose purpose, ProgressSink& progress)
{
    OpenedFrames frames;
    for (std::size_t i = 0; i < files.size(); ++i) {
        progress.checkCancelled();
        progress.report(double(i) / double(files.size()), "opening");
        FrameRowsInfo info;
        frames.readers.push_back(openFrameRows(files[i], options, purpose, &info));
        frames.files.push_back(files[i]);
        frames.info.push_back(info);
    }
    return frames;
}

BandedFusionPlan fuseFramesToFile(const OpenedFrames& frames, const MertensParams& params, const BandedFusionOptions& options,
                                  const std::string& output, const WriteOptions& write, ProgressSink& progress)
{
    if (frames.readers.empty()) throw Error("exposure fusion needs at least one frame");
    const FrameRowReader& first = *frames.readers.front();
    const int planes = first.channels() >= 3 ? 3 : 1;
    ImageRowFile file(output, first.widthPx(), first.heightPx(), planes, options.outputType, write);
    ProgressSpan fusing(progress, 0.0, 0.99);
    const BandedFusionPlan plan = fuseMertensBanded(frames.pointers(), params, options, file, fusing);
    progress.report(0.99, "writing");
    file.commit();
    return plan;
}

BandedFusionPlan fuseFramesToFileWithWeights(const OpenedFrames& frames, WeightSource& weights, BandedFusionOptions options,
                                             const std::string& output, const WriteOptions& write, ProgressSink& progress)
{
    if (frames.readers.empty()) throw Error("exposure fusion needs at least one frame");
    // Pass 1: every frame's rows to the weights (their low-resolution input), one frame per worker.
    progress.report(0.0, "weights");
    parallelFor(0, int(frames.readers.size()), 1, [&](int f0, int f1) {
        for (int f = f0; f < f1; ++f) {
            FrameRowReader& r = *frames.readers[std::size_t(f)];
            const std::size_t samples = std::size_t(r.widthPx()) * std::size_t(r.channels());
            std::vector<std::uint8_t> raw(samples * std::size_t(bytesPerSample(r.sampleType())));
            std::vector<float> row(samples);
            for (int y = 0; y < r.heightPx(); ++y) {
                progress.checkCancelled();
                r.readRow(raw.data());
                rowSamplesToFloat(r.sampleType(), raw.data(), samples, row.data());
                weights.addRow(f, y, row.data());
            }
        }
    });
    progress.report(0.25, "weights");
    weights.finish();
    for (const auto& r : frames.readers) r->restart();
    MertensParams params;
    params.levels = weights.pyramidLevels();
    const WeightSource* source = &weights;
    options.weightRows = [source](int y0, int y1, const FrameRowFn& frameRow, const WeightRowFn& weightRow) {
        source->weightRows(y0, y1, frameRow, weightRow);
    };
    ProgressSpan fusing(progress, 0.3, 1.0);
    return fuseFramesToFile(frames, params, options, output, write, fusing);
}

} // namespace fuselab
