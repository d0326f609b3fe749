// PNG (libpng) and JPEG (libjpeg) written a row at a time, for the bounded-memory paths (whole
// images are encoded by OpenCV in the companion codec module). Settings follow that encoder's:
// PNG zlib level 3, JPEG at the requested quality with libjpeg's defaults (4:2:0 chroma); the
// ICC profile goes in iCCP / APP2 as writeImage puts it.
#include "codecs.hpp"

#include "fuselab/base/error.hpp"

#include <png.h>
#include <jpeglib.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>

namespace fuselab::detail {

// ---- PNG --------------------------------------------------------------------------------------

struct PngRowWriter::State {
    std::FILE* file = nullptr;
    png_structp png = nullptr;
    png_infop info = nullptr;
    char message[256] = {0};
};

namespace {

void onPngError(png_structp png, png_const_charp message)
{
    auto* s = static_cast<PngRowWriter::State*>(png_get_error_ptr(png));
    std::snprintf(s->message, sizeof s->message, "%s", message);
    png_longjmp(png, 1);
}

void onPngWarning(png_structp, png_const_charp) {}

// Only plain locals: libpng's longjmp lands here.
bool pngStart(PngRowWriter::State* s, int width, int height, int channels, int bitDepth, const std::uint8_t* icc, std::size_t iccSize)
{
    s->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, s, onPngError, onPngWarning);
    if (!s->png) return false;
    s->info = png_create_info_struct(s->png);
    if (setjmp(png_jmpbuf(s->png))) return false;
    if (!s->info) png_error(s->png, "out of memory");
    png_init_io(s->png, s->file);
    png_set_compression_level(s->png, 3);
    const int type = channels == 1 ? PNG_COLOR_TYPE_GRAY : channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGB_ALPHA;
    png_set_IHDR(s->png, s->info, png_uint_32(width), png_uint_32(height), bitDepth, type, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (iccSize > 0) png_set_iCCP(s->png, s->info, "ICC profile", PNG_COMPRESSION_TYPE_BASE, icc, png_uint_32(iccSize));
    png_write_info(s->png, s->info);
    if (bitDepth == 16) png_set_swap(s->png); // PNG stores big-endian samples
    return true;
}

bool pngRow(PngRowWriter::State* s, const void* row)
{
    if (setjmp(png_jmpbuf(s->png))) return false;
    png_write_row(s->png, static_cast<png_const_bytep>(row));
    return true;
}

bool pngEnd(PngRowWriter::State* s)
{
    if (setjmp(png_jmpbuf(s->png))) return false;
    png_write_end(s->png, s->info);
    return true;
}

void pngDestroy(PngRowWriter::State* s)
{
    if (s->png) png_destroy_write_struct(&s->png, s->info ? &s->info : nullptr);
    s->png = nullptr;
    s->info = nullptr;
    if (s->file) std::fclose(s->file);
    s->file = nullptr;
}

} // namespace

PngRowWriter::PngRowWriter(const std::string& path, int widthPx, int heightPx, int channels, int bitDepth, const std::vector<std::uint8_t>& icc)
    : m(std::make_unique<State>()), m_height(heightPx)
{
    if (channels == 2) throw Error("two-channel images cannot be written");
    m->file = std::fopen(path.c_str(), "wb");
    if (!m->file) throw Error("cannot open for PNG writing");
    if (!pngStart(m.get(), widthPx, heightPx, channels, bitDepth, icc.data(), icc.size())) {
        const std::string why = m->message;
        pngDestroy(m.get());
        throw Error("PNG write failed (" + why + ")");
    }
}

PngRowWriter::~PngRowWriter() { pngDestroy(m.get()); }

void PngRowWriter::writeRow(const void* row)
{
    if (m_next >= m_height) throw Error("PNG write past the last row");
    if (!pngRow(m.get(), row)) throw Error(std::string("PNG write failed (") + m->message + ")");
    ++m_next;
}

void PngRowWriter::close()
{
    if (m_next != m_height) throw Error("PNG closed after " + std::to_string(m_next) + " of " + std::to_string(m_height) + " rows");
    const bool ok = pngEnd(m.get());
    const std::string why = m->message;
    std::FILE* f = m->file;
    m->file = nullptr;
    pngDestroy(m.get());
    const bool flushed = f && std::fflush(f) == 0 && std::ferror(f) == 0;
    if (f) std::fclose(f);
    if (!ok) throw Error("PNG write failed (" + why + ")");
    if (!flushed) throw Error("PNG write failed (disk full?)");
}

// ---- JPEG -------------------------------------------------------------------------------------

struct JpegRowWriter::State {
    std::FILE* file = nullptr;
    jpeg_compress_struct cinfo;
    jpeg_error_mgr pub;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX] = {0};
    bool created = false;
};

namespace {

void onJpegError(j_common_ptr cinfo)
{
    auto* s = reinterpret_cast<JpegRowWriter::State*>(cinfo->client_data);
    (*cinfo->err->format_message)(cinfo, s->message);
    std::longjmp(s->jump, 1);
}

bool jpegStart(JpegRowWriter::State* s, int width, int height, int channels, int quality, const std::uint8_t* icc, std::size_t iccSize)
{
    s->cinfo.err = jpeg_std_error(&s->pub);
    s->pub.error_exit = onJpegError;
    if (setjmp(s->jump)) return false;
    jpeg_create_compress(&s->cinfo);
    s->cinfo.client_data = s;
    s->created = true;
    jpeg_stdio_dest(&s->cinfo, s->file);
    s->cinfo.image_width = JDIMENSION(width);
    s->cinfo.image_height = JDIMENSION(height);
    s->cinfo.input_components = channels;
    s->cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&s->cinfo);
    jpeg_set_quality(&s->cinfo, quality, TRUE);
    jpeg_start_compress(&s->cinfo, TRUE);
    if (iccSize > 0) jpeg_write_icc_profile(&s->cinfo, icc, static_cast<unsigned int>(iccSize));
    return true;
}

bool jpegRow(JpegRowWriter::State* s, const void* row)
{
    if (setjmp(s->jump)) return false;
    JSAMPROW rows[1] = {const_cast<JSAMPLE*>(static_cast<const JSAMPLE*>(row))};
    jpeg_write_scanlines(&s->cinfo, rows, 1);
    return true;
}

bool jpegEnd(JpegRowWriter::State* s)
{
    if (setjmp(s->jump)) return false;
    jpeg_finish_compress(&s->cinfo);
    return true;
}

void jpegDestroy(JpegRowWriter::State* s)
{
    if (s->created) jpeg_destroy_compress(&s->cinfo);
    s->created = false;
    if (s->file) std::fclose(s->file);
    s->file = nullptr;
}

} // namespace

JpegRowWriter::JpegRowWriter(const std::string& path, int widthPx, int heightPx, int channels, int quality, const std::vector<std::uint8_t>& icc)
    : m(std::make_unique<State>()), m_height(heightPx)
{
    if (channels != 1 && channels != 3) throw Error("JPEG has no alpha channel; write PNG, TIFF or EXR");
    m->file = std::fopen(path.c_str(), "wb");
    if (!m->file) throw Error("cannot open for JPEG writing");
    if (!jpegStart(m.get(), widthPx, heightPx, channels, quality, icc.data(), icc.size())) {
        const std::string why = m->message;
        jpegDestroy(m.get());
        throw Error("JPEG write failed (" + why + ")");
    }
}

JpegRowWriter::~JpegRowWriter() { jpegDestroy(m.get()); }

void JpegRowWriter::writeRow(const void* row)
{
    if (m_next >= m_height) throw Error("JPEG write past the last row");
    if (!jpegRow(m.get(), row)) throw Error(std::string("JPEG write failed (") + m->message + ")");
    ++m_next;
}

void JpegRowWriter::close()
{
    if (m_next != m_height) throw Error("JPEG closed after " + std::to_string(m_next) + " of " + std::to_string(m_height) + " rows");
    const bool ok = jpegEnd(m.get());
    const std::string why = m->message;
    const bool flushed = std::fflush(m->file) == 0 && std::ferror(m->file) == 0;
    jpegDestroy(m.get());
    if (!ok) throw Error("JPEG write failed (" + why + ")");
    if (!flushed) throw Error("JPEG write failed (disk full?)");
}

} // namespace fuselab::detail
