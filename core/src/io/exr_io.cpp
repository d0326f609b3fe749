// OpenEXR reading (RGB(A), Y, luminance/chroma; half or float; scanline or tiled) and
// writing (half or float, any of the library's compressions).
#include "codecs.hpp"
#include "colour_tags.hpp"
#include "half_convert.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/version.hpp"

#include <ImfChannelList.h>
#include <ImfFrameBuffer.h>
#include <ImfHeader.h>
#include <ImfStandardAttributes.h>
#include <ImfStringAttribute.h>
#include <ImfIO.h>
#include <ImfInputFile.h>
#include <ImfOutputFile.h>
#include <ImfRgbaFile.h>
#include <ImfArray.h>
#include <Iex.h>


#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <memory>
#include <mutex>

namespace fuselab::detail {
namespace {

// An in-memory input stream: the file was already read (and size-checked) by the caller.
class MemoryIStream final : public Imf::IStream {
public:
    MemoryIStream(const std::uint8_t* data, std::size_t size) : Imf::IStream("memory"), m_data(data), m_size(size) {}
    bool read(char c[], int n) override
    {
        if (n < 0 || m_pos + std::uint64_t(n) > m_size) throw Iex::InputExc("unexpected end of file");
        std::memcpy(c, m_data + m_pos, std::size_t(n));
        m_pos += std::uint64_t(n);
        return m_pos < m_size;
    }
    uint64_t tellg() override { return m_pos; }
    void seekg(uint64_t pos) override
    {
        if (pos > m_size) throw Iex::InputExc("seek past the end of file");
        m_pos = pos;
    }
    void clear() override {}

private:
    const std::uint8_t* m_data;
    std::size_t m_size;
    std::uint64_t m_pos = 0;
};

struct ChannelLayout {
    std::vector<std::string> names; // in our channel order
    bool lumaChroma = false;
    bool anyHalf = false;
};

// Interleaved float samples (names[c] at first[c], rows rowStrideSamples apart) over `window`, as
// one frame buffer; on reading, a missing alpha is filled with 1 (colour channels all exist).
Imf::FrameBuffer interleavedFloats(const std::vector<std::string>& names, float* first, const Imath::Box2i& window,
                                   std::size_t rowStrideSamples)
{
    Imf::FrameBuffer fb;
    const std::size_t xStride = sizeof(float) * names.size();
    for (std::size_t c = 0; c < names.size(); ++c)
        fb.insert(names[c], Imf::Slice::Make(Imf::FLOAT, first + c, window, xStride, sizeof(float) * rowStrideSamples, 1, 1,
                                              names[c] == "A" ? 1.0 : 0.0));
    return fb;
}

ChannelLayout chooseChannels(const Imf::Header& header)
{
    const Imf::ChannelList& list = header.channels();
    ChannelLayout layout;
    auto has = [&](const char* n) { return list.findChannel(n) != nullptr; };
    if (has("RY") || has("BY")) {
        layout.lumaChroma = true;
        layout.names = {"R", "G", "B"};
        if (has("A")) layout.names.push_back("A");
        return layout;
    }
    if (has("R") && has("G") && has("B")) {
        layout.names = {"R", "G", "B"};
        if (has("A")) layout.names.push_back("A");
    } else if (has("Y")) {
        layout.names = {"Y"};
    } else if (list.begin() != list.end() && ++list.begin() == list.end()) {
        layout.names = {list.begin().name()}; // a lone channel (e.g. only "G") is a grey image
    } else {
        std::string found;
        for (auto it = list.begin(); it != list.end(); ++it) found += (found.empty() ? "" : ", ") + std::string(it.name());
        throw Error("OpenEXR image has no R/G/B or Y channels (it has: " + (found.empty() ? std::string("none") : found) + ")");
    }
    for (const std::string& n : layout.names) {
        const Imf::Channel* c = list.findChannel(n.c_str());
        if (c->xSampling != 1 || c->ySampling != 1) throw Error("OpenEXR channel '" + n + "' is subsampled; not supported");
        layout.anyHalf |= c->type == Imf::HALF;
    }
    return layout;
}

[[noreturn]] void rethrowExr(const std::exception& e)
{
    throw Error(std::string("corrupt or truncated OpenEXR data (") + e.what() + ")");
}

} // namespace

ImageHeader readExrHeader(const std::uint8_t* data, std::size_t size)
{
    try {
        MemoryIStream stream(data, size);
        Imf::InputFile file(stream);
        const Imath::Box2i dw = file.header().dataWindow();
        ImageHeader h;
        h.format = FileFormat::Exr;
        const long long w = (long long)dw.max.x - dw.min.x + 1, hh = (long long)dw.max.y - dw.min.y + 1;
        if (w <= 0 || hh <= 0 || w > 0x7fffffff || hh > 0x7fffffff) throw Error("OpenEXR header gives an invalid data window");
        h.width = int(w);
        h.height = int(hh);
        const ChannelLayout layout = chooseChannels(file.header());
        h.channels = int(layout.names.size());
        h.bitDepth = layout.anyHalf || layout.lumaChroma ? 16 : 32;
        return h;
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        rethrowExr(e);
    }
}

SampleImage decodeExr(const std::uint8_t* data, std::size_t size, std::uint64_t maxPixels, ImageHeader& header)
{
    header = readExrHeader(data, size);
    if (std::uint64_t(header.width) * std::uint64_t(header.height) > maxPixels)
        throw Error("image of " + std::to_string(header.width) + "x" + std::to_string(header.height) +
                    " pixels exceeds the limit of " + std::to_string(maxPixels / 1000000) + " megapixels");
    try {
        MemoryIStream stream(data, size);
        Imf::InputFile file(stream);
        const Imath::Box2i dw = file.header().dataWindow();
        const ChannelLayout layout = chooseChannels(file.header());
        const int w = header.width, h = header.height, ch = int(layout.names.size());
        Image out = Image::uninitialised(w, h, ch, ColourEncoding::Linear);

        if (layout.lumaChroma) {
            // Luminance/chroma files need the RGBA interface's reconstruction filter.
            MemoryIStream rgbaStream(data, size);
            Imf::RgbaInputFile rgbaFile(rgbaStream);
            Imf::Array2D<Imf::Rgba> pixels(h, w);
            rgbaFile.setFrameBuffer(&pixels[0][0] - dw.min.x - std::ptrdiff_t(dw.min.y) * w, 1, std::size_t(w));
            rgbaFile.readPixels(dw.min.y, dw.max.y);
            for (int y = 0; y < h; ++y) {
                float* dst = out.row(y);
                for (int x = 0; x < w; ++x) {
                    const Imf::Rgba& p = pixels[y][x];
                    dst[x * ch + 0] = p.r;
                    dst[x * ch + 1] = p.g;
                    dst[x * ch + 2] = p.b;
                    if (ch == 4) dst[x * ch + 3] = p.a;
                }
            }
            return SampleImage(std::move(out));
        }

        file.setFrameBuffer(interleavedFloats(layout.names, out.data(), dw, std::size_t(w) * std::size_t(ch)));
        file.readPixels(dw.min.y, dw.max.y);
        return SampleImage(std::move(out));
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        rethrowExr(e);
    }
}

struct ExrScanlineReader::State {
    std::unique_ptr<Imf::InputFile> file;
    ChannelLayout layout;
    Imath::Box2i window;
};

ExrScanlineReader::ExrScanlineReader(const std::string& path) : m(std::make_unique<State>())
{
    try {
        m->file = std::make_unique<Imf::InputFile>(path.c_str());
        const Imf::Header& header = m->file->header();
        m->window = header.dataWindow();
        m->layout = chooseChannels(header);
        m_width = m->window.max.x - m->window.min.x + 1;
        m_height = m->window.max.y - m->window.min.y + 1;
        m_channels = int(m->layout.names.size());
        if (Imf::hasChromaticities(header)) {
            const Imf::Chromaticities& c = Imf::chromaticities(header);
            m_chromaticities = Chromaticities{c.red.x, c.red.y, c.green.x, c.green.y, c.blue.x, c.blue.y, c.white.x, c.white.y};
        }
        // Luminance/chroma files need the RGBA interface's reconstruction filter over neighbouring rows.
        m_streamable = !m->layout.lumaChroma && m_width > 0 && m_height > 0;
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        rethrowExr(e);
    }
}

ExrScanlineReader::~ExrScanlineReader() = default;

void ExrScanlineReader::readRow(void* dst)
{
    if (m_next >= m_height) throw Error("OpenEXR read past the last row");
    try {
        // One row of the data window, every channel as float, alpha 1 where missing (as decodeExr).
        const int y = m->window.min.y + m_next;
        const Imath::Box2i row(Imath::V2i(m->window.min.x, y), Imath::V2i(m->window.max.x, y));
        m->file->setFrameBuffer(interleavedFloats(m->layout.names, static_cast<float*>(dst), row, std::size_t(m_width) * std::size_t(m_channels)));
        m->file->readPixels(y);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        rethrowExr(e);
    }
    ++m_next;
}

std::optional<Chromaticities> exrChromaticities(const std::uint8_t* data, std::size_t size)
{
    try {
        MemoryIStream stream(data, size);
        Imf::InputFile file(stream);
        if (!Imf::hasChromaticities(file.header())) return std::nullopt;
        const Imf::Chromaticities& c = Imf::chromaticities(file.header());
        return Chromaticities{c.red.x, c.red.y, c.green.x, c.green.y, c.blue.x, c.blue.y, c.white.x, c.white.y};
    } catch (const std::exception&) {
        return std::nullopt; // the pixel decoder reports a damaged file
    }
}

struct ExrScanlineWriter::State {
    std::unique_ptr<Imf::OutputFile> file;
    std::vector<std::string> names;
    Imf::PixelType type = Imf::HALF;
    int width = 0, height = 0, channels = 0, next = 0;
    std::unique_ptr<std::uint16_t[]> halves; // one strip of half samples
};

ExrScanlineWriter::ExrScanlineWriter(const std::string& path, int widthPx, int heightPx, int channels, const WriteOptions& options,
                                     std::optional<RgbPrimaries> primaries)
    : m(std::make_unique<State>())
{
    static constexpr Imf::Compression kCompressions[] = {
        Imf::NO_COMPRESSION, Imf::RLE_COMPRESSION, Imf::ZIPS_COMPRESSION, Imf::ZIP_COMPRESSION, Imf::PIZ_COMPRESSION,
        Imf::PXR24_COMPRESSION, Imf::B44_COMPRESSION, Imf::B44A_COMPRESSION, Imf::DWAA_COMPRESSION, Imf::DWAB_COMPRESSION};
    if (channels == 2) throw Error("OpenEXR output needs 1, 3 or 4 channels");
    m->width = widthPx;
    m->height = heightPx;
    m->channels = channels;
    try {
        Imf::Header header(widthPx, heightPx);
        header.compression() = kCompressions[int(options.exrCompression)];
        m->type = options.exrType == ExrPixelType::Half ? Imf::HALF : Imf::FLOAT;
        m->names = channels == 1 ? std::vector<std::string>{"Y"}
                   : channels == 3 ? std::vector<std::string>{"R", "G", "B"}
                                   : std::vector<std::string>{"R", "G", "B", "A"};
        for (const std::string& n : m->names) header.channels().insert(n, Imf::Channel(m->type));
        if (primaries) {
            const Chromaticities c = chromaticitiesOf(*primaries);
            Imf::addChromaticities(header, Imf::Chromaticities(Imath::V2f(float(c.rx), float(c.ry)), Imath::V2f(float(c.gx), float(c.gy)),
                                                           Imath::V2f(float(c.bx), float(c.by)), Imath::V2f(float(c.wx), float(c.wy))));
        }
        if (!options.metadataFrom.empty()) {
            // OpenEXR has no EXIF: the photograph's camera, lens and capture date go in header
            // attributes (capDate and comments are OpenEXR standard attributes).
            const MainMetadata md = readMainMetadata(options.metadataFrom);
            if (md.dateTimeOriginal.size() == 19) Imf::addCapDate(header, md.dateTimeOriginal);
            const std::string camera = md.make + (md.make.empty() || md.model.empty() ? "" : " ") + md.model;
            if (!camera.empty()) header.insert("cameraModel", Imf::StringAttribute(camera));
            if (!md.lens.empty()) header.insert("lensModel", Imf::StringAttribute(md.lens));
            if (!camera.empty() || !md.lens.empty())
                Imf::addComments(header, "from " + camera + (md.lens.empty() ? "" : ", " + md.lens));
            header.insert("software", Imf::StringAttribute(std::string("FuseLab ") + kFuseLabVersion));
        }
        m->file = std::make_unique<Imf::OutputFile>(path.c_str(), header);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(std::string("OpenEXR write failed (") + e.what() + ")");
    }
}

ExrScanlineWriter::~ExrScanlineWriter() = default;

int ExrScanlineWriter::rowsWritten() const { return m->next; }

void ExrScanlineWriter::writeRows(const float* rows, int count, std::size_t rowStrideSamples)
{
    const int w = m->width, ch = m->channels;
    if (count <= 0) return;
    if (m->next + count > m->height) throw Error("OpenEXR write past the last row");
    const std::size_t rowSamples = std::size_t(w) * std::size_t(ch);
    try {
        if (m->type == Imf::FLOAT) {
            // OpenEXR reads the rows in place, through the caller's row stride.
            const Imath::Box2i window(Imath::V2i(0, m->next), Imath::V2i(w - 1, m->next + count - 1));
            m->file->setFrameBuffer(interleavedFloats(m->names, const_cast<float*>(rows), window, rowStrideSamples));
            m->file->writePixels(count);
            m->next += count;
            return;
        }
        // Half samples: converted a strip at a time into one reused buffer and handed to
        // OpenEXR (which compresses a strip's line blocks on its threads). A whole-image half
        // copy was 72 MiB of fresh pages for 12 MP RGB; OpenEXR's OutputFile refuses a float
        // frame buffer for half channels (tried). 256 rows are whole line blocks for every
        // compression (1, 16 or 32 rows).
        constexpr int kStripRows = 256;
        if (!m->halves) m->halves.reset(new std::uint16_t[std::size_t(std::min(m->height, kStripRows)) * rowSamples]);
        for (int r0 = 0; r0 < count; r0 += kStripRows) {
            const int n = std::min(kStripRows, count - r0);
            std::mutex largestMutex;
            float largest = 0.0f;
            parallelFor(0, n, 16, [&](int a, int b) {
                float local = 0.0f;
                for (int r = a; r < b; ++r)
                    local = std::max(local, convertToHalf(rows + std::size_t(r0 + r) * rowStrideSamples, m->halves.get() + std::size_t(r) * rowSamples,
                                                          rowSamples));
                std::lock_guard<std::mutex> lock(largestMutex);
                largest = std::max(largest, local);
            });
            // Half floats end at 65504: beyond, the conversion makes Inf, which readers then
            // refuse. Saying so beats writing a file that silently holds Inf (the caller's
            // temporary file is removed, nothing at the destination changes).
            if (largest > 65504.0f)
                throw Error("values up to " + std::to_string(largest) +
                            " exceed the half-float range (65504); write a 32-bit float EXR (--exr-type float)");
            Imf::FrameBuffer fb;
            const Imath::Box2i stripWindow(Imath::V2i(0, m->next), Imath::V2i(w - 1, m->next + n - 1));
            for (int c = 0; c < ch; ++c)
                fb.insert(m->names[std::size_t(c)], Imf::Slice::Make(Imf::HALF, m->halves.get() + c, stripWindow, sizeof(half) * ch,
                                                                     sizeof(half) * rowSamples));
            m->file->setFrameBuffer(fb);
            m->file->writePixels(n);
            m->next += n;
        }
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(std::string("OpenEXR write failed (") + e.what() + ")");
    }
}

void ExrScanlineWriter::close()
{
    if (m->next != m->height) throw Error("OpenEXR closed after " + std::to_string(m->next) + " of " + std::to_string(m->height) + " rows");
    try {
        m->file.reset();
    } catch (const std::exception& e) {
        throw Error(std::string("OpenEXR write failed when closing (") + e.what() + ")");
    }
}

void writeExr(const std::string& path, const Image& linear, const WriteOptions& options, std::optional<RgbPrimaries> primaries)
{
    ExrScanlineWriter out(path, linear.width(), linear.height(), linear.channels(), options, primaries);
    out.writeRows(linear.row(0), linear.height(), linear.rowStrideSamples());
    out.close();
}

} // namespace fuselab::detail
