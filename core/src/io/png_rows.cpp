// PNG read a row at a time with libpng (whole PNGs are decoded by OpenCV in the companion codec
// module; this reader serves the bounded-memory paths, which never hold a frame whole).
#include "codecs.hpp"

#include "fuselab/base/error.hpp"

#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>

namespace fuselab::detail {

struct PngScanlineReader::State {
    png_structp png = nullptr;
    png_infop info = nullptr;
    const std::vector<std::uint8_t>* bytes = nullptr;
    std::size_t pos = 0;
    char message[256] = {0};
};

namespace {

void readFromMemory(png_structp png, png_bytep out, png_size_t count)
{
    auto* s = static_cast<PngScanlineReader::State*>(png_get_io_ptr(png));
    if (s->pos + count > s->bytes->size()) png_error(png, "file ends early");
    std::memcpy(out, s->bytes->data() + s->pos, count);
    s->pos += count;
}

void onError(png_structp png, png_const_charp message)
{
    auto* s = static_cast<PngScanlineReader::State*>(png_get_error_ptr(png));
    std::snprintf(s->message, sizeof s->message, "%s", message);
    png_longjmp(png, 1);
}

void onWarning(png_structp, png_const_charp) {}

struct Header {
    png_uint_32 width = 0, height = 0;
    int bitDepth = 0, colourType = 0, interlace = 0;
    bool transparency = false;
};

// Only plain locals here: libpng's longjmp lands in this frame.
bool start(PngScanlineReader::State* s, Header* h)
{
    s->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, s, onError, onWarning);
    if (!s->png) {
        std::snprintf(s->message, sizeof s->message, "out of memory");
        return false;
    }
    s->info = png_create_info_struct(s->png);
    if (setjmp(png_jmpbuf(s->png))) return false;
    if (!s->info) png_error(s->png, "out of memory");
    s->pos = 0;
    png_set_read_fn(s->png, s, readFromMemory);
    png_read_info(s->png, s->info);
    png_get_IHDR(s->png, s->info, &h->width, &h->height, &h->bitDepth, &h->colourType, &h->interlace, nullptr, nullptr);
    h->transparency = png_get_valid(s->png, s->info, PNG_INFO_tRNS) != 0;
    if (h->bitDepth == 16) png_set_swap(s->png); // PNG is big-endian
    png_read_update_info(s->png, s->info);
    return true;
}

bool readOne(PngScanlineReader::State* s, void* row)
{
    if (setjmp(png_jmpbuf(s->png))) return false;
    png_read_row(s->png, static_cast<png_bytep>(row), nullptr);
    return true;
}

void finish(PngScanlineReader::State* s)
{
    if (s->png) png_destroy_read_struct(&s->png, s->info ? &s->info : nullptr, nullptr);
    s->png = nullptr;
    s->info = nullptr;
}

} // namespace

PngScanlineReader::PngScanlineReader(std::vector<std::uint8_t> bytes) : m_bytes(std::move(bytes)) { restart(); }

PngScanlineReader::~PngScanlineReader()
{
    if (m_state) finish(m_state.get());
}

void PngScanlineReader::restart()
{
    if (m_state) finish(m_state.get());
    m_state = std::make_unique<State>();
    m_state->bytes = &m_bytes;
    Header h;
    if (!start(m_state.get(), &h)) throw Error(std::string("corrupt PNG (") + m_state->message + ")");
    m_width = int(h.width);
    m_height = int(h.height);
    m_bitDepth = h.bitDepth;
    m_channels = h.colourType == PNG_COLOR_TYPE_GRAY ? 1 : h.colourType == PNG_COLOR_TYPE_RGB ? 3 : h.colourType == PNG_COLOR_TYPE_RGB_ALPHA ? 4 : 0;
    // The rows OpenCV's decoder (readImage) returns unchanged: grey, RGB or RGBA of 8 or 16 bits,
    // not interlaced, without a tRNS chunk (which OpenCV turns into an alpha channel).
    m_streamable = m_channels != 0 && (h.bitDepth == 8 || h.bitDepth == 16) && h.interlace == PNG_INTERLACE_NONE && !h.transparency;
}

void PngScanlineReader::readRow(void* dst)
{
    if (!m_streamable) throw Error("this PNG is not read row by row here");
    if (!readOne(m_state.get(), dst)) throw Error(std::string("corrupt PNG data (") + m_state->message + ")");
}

} // namespace fuselab::detail
