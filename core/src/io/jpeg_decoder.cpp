// JPEG decoding with libjpeg(-turbo) directly: OpenCV's reader returns a grey-filled image
// for a truncated file with only a warning on stderr; here every warning is an error.
#include "codecs.hpp"
#include "format_sniff.hpp"

#include "fuselab/base/error.hpp"

#include <csetjmp>
#include <cstdio>
#include <jpeglib.h>

#include <memory>

namespace fuselab::detail {
namespace {

struct StrictErrorManager {
    jpeg_error_mgr pub;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

void onError(j_common_ptr cinfo)
{
    auto* mgr = reinterpret_cast<StrictErrorManager*>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, mgr->message);
    std::longjmp(mgr->jump, 1);
}

void onMessage(j_common_ptr cinfo, int level)
{
    if (level < 0) { // a warning: corrupt data that libjpeg would paper over
        auto* mgr = reinterpret_cast<StrictErrorManager*>(cinfo->err);
        (*cinfo->err->format_message)(cinfo, mgr->message);
        std::longjmp(mgr->jump, 1);
    }
}

} // namespace

// libjpeg's longjmp never crosses a frame with C++ objects: every call into libjpeg happens in a
// function with only plain locals, on this plain state (on the heap for the row reader).
struct JpegScanlineReader::State {
    jpeg_decompress_struct cinfo;
    StrictErrorManager err;
    bool created = false;
};

namespace {

// Reads the header and starts decoding (a progressive file only when startProgressive: libjpeg
// then buffers every coefficient).
bool startScanlines(JpegScanlineReader::State* s, const std::uint8_t* data, std::size_t size, bool startProgressive, char* message,
                    int* width, int* height, int* channels, int* progressive)
{
    s->cinfo.err = jpeg_std_error(&s->err.pub);
    s->err.pub.error_exit = onError;
    s->err.pub.emit_message = onMessage;
    s->err.message[0] = '\0';
    if (setjmp(s->err.jump)) {
        std::snprintf(message, JMSG_LENGTH_MAX, "%s", s->err.message);
        return false;
    }
    jpeg_create_decompress(&s->cinfo);
    s->created = true;
    jpeg_mem_src(&s->cinfo, data, static_cast<unsigned long>(size));
    jpeg_read_header(&s->cinfo, TRUE);
    if (s->cinfo.jpeg_color_space == JCS_CMYK || s->cinfo.jpeg_color_space == JCS_YCCK) {
        std::snprintf(message, JMSG_LENGTH_MAX, "CMYK JPEG images are not supported");
        return false;
    }
    *progressive = jpeg_has_multiple_scans(&s->cinfo) ? 1 : 0;
    *width = int(s->cinfo.image_width);
    *height = int(s->cinfo.image_height);
    *channels = s->cinfo.num_components == 1 ? 1 : 3;
    if (*progressive && !startProgressive) return true; // not started: the caller decodes it another way
    s->cinfo.out_color_space = s->cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    s->cinfo.dct_method = JDCT_ISLOW; // the reference decoder's integer IDCT
    jpeg_start_decompress(&s->cinfo);
    *width = int(s->cinfo.output_width);
    *height = int(s->cinfo.output_height);
    *channels = int(s->cinfo.output_components);
    return true;
}

bool readScanline(JpegScanlineReader::State* s, std::uint8_t* row, char* message)
{
    if (setjmp(s->err.jump)) {
        std::snprintf(message, JMSG_LENGTH_MAX, "%s", s->err.message);
        return false;
    }
    JSAMPROW rows[1] = {row};
    if (jpeg_read_scanlines(&s->cinfo, rows, 1) != 1) {
        std::snprintf(message, JMSG_LENGTH_MAX, "no scanline returned");
        return false;
    }
    return true;
}

bool finishScanlines(JpegScanlineReader::State* s, char* message)
{
    if (setjmp(s->err.jump)) {
        std::snprintf(message, JMSG_LENGTH_MAX, "%s", s->err.message);
        return false;
    }
    jpeg_finish_decompress(&s->cinfo);
    return true;
}

// The whole image through the row reader's own steps; only plain locals live in this frame.
bool decodeInto(const std::uint8_t* data, std::size_t size, Image8& out, char* message)
{
    JpegScanlineReader::State s;
    int w = 0, h = 0, ch = 0, progressive = 0;
    bool ok = startScanlines(&s, data, size, true, message, &w, &h, &ch, &progressive);
    if (ok && (out.width() != w || out.height() != h || out.channels() != ch)) {
        std::snprintf(message, JMSG_LENGTH_MAX, "JPEG decoder output size differs from its header");
        ok = false;
    }
    for (int y = 0; ok && y < h; ++y) ok = readScanline(&s, out.row(y), message);
    if (ok) ok = finishScanlines(&s, message);
    if (s.created) jpeg_destroy_decompress(&s.cinfo);
    return ok;
}

} // namespace

JpegScanlineReader::JpegScanlineReader(std::vector<std::uint8_t> bytes) : m_bytes(std::move(bytes)) { restart(); }

JpegScanlineReader::~JpegScanlineReader()
{
    if (m_state && m_state->created) jpeg_destroy_decompress(&m_state->cinfo);
}

void JpegScanlineReader::restart()
{
    if (m_state && m_state->created) jpeg_destroy_decompress(&m_state->cinfo);
    m_state = std::make_unique<State>();
    char message[JMSG_LENGTH_MAX] = {0};
    int w = 0, h = 0, ch = 0, progressive = 0;
    if (!startScanlines(m_state.get(), m_bytes.data(), m_bytes.size(), false, message, &w, &h, &ch, &progressive))
        throw Error(std::string("corrupt or truncated JPEG data (") + message + ")");
    m_width = w;
    m_height = h;
    m_channels = ch;
    m_progressive = progressive != 0;
}

void JpegScanlineReader::readRow(void* dst)
{
    if (m_progressive) throw Error("a progressive JPEG is not read by scanlines here");
    char message[JMSG_LENGTH_MAX] = {0};
    if (!readScanline(m_state.get(), static_cast<std::uint8_t*>(dst), message)) throw Error(std::string("corrupt or truncated JPEG data (") + message + ")");
}

SampleImage decodeJpeg(const std::uint8_t* data, std::size_t size)
{
    // The caller has parsed the header (size, components) and checked limits already.
    const ImageHeader header = parseHeader(FileFormat::Jpeg, data, size);
    Image8 out = Image8::uninitialised(header.width, header.height, header.channels, ColourEncoding::Srgb);
    char message[JMSG_LENGTH_MAX] = {0};
    if (!decodeInto(data, size, out, message))
        throw Error(std::string("corrupt or truncated JPEG data (") + message + ")");
    return SampleImage(std::move(out));
}

} // namespace fuselab::detail
