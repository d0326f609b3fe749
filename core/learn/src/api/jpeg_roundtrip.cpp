#include "jpeg_roundtrip.hpp"

#include "fuselab/base/error.hpp"

#include <cstdio>
#include <csetjmp>
#include <cstdlib>
#include <string>
#include <jpeglib.h>

namespace fuselab::learn::detail {
namespace {

struct ErrorJump {
    jpeg_error_mgr mgr;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

void onError(j_common_ptr info)
{
    auto* e = reinterpret_cast<ErrorJump*>(info->err);
    (*info->err->format_message)(info, e->message);
    std::longjmp(e->jump, 1);
}

} // namespace

Image8 jpegRoundTrip(const Image8& codes, int quality)
{
    if (codes.channels() != 3) throw Error("JPEG round trip needs 3-channel 8-bit codes");
    unsigned char* buffer = nullptr;
    unsigned long size = 0;
    Image8 out(codes.width(), codes.height(), 3, codes.encoding());
    {
        jpeg_compress_struct c{};
        ErrorJump err{};
        c.err = jpeg_std_error(&err.mgr);
        err.mgr.error_exit = onError;
        if (setjmp(err.jump)) {
            jpeg_destroy_compress(&c);
            std::free(buffer);
            throw Error(std::string("JPEG encoding failed: ") + err.message);
        }
        jpeg_create_compress(&c);
        jpeg_mem_dest(&c, &buffer, &size);
        c.image_width = JDIMENSION(codes.width());
        c.image_height = JDIMENSION(codes.height());
        c.input_components = 3;
        c.in_color_space = JCS_RGB;
        jpeg_set_defaults(&c);
        jpeg_set_quality(&c, quality, TRUE);
        jpeg_start_compress(&c, TRUE);
        while (c.next_scanline < c.image_height) {
            JSAMPROW row = const_cast<JSAMPROW>(codes.row(int(c.next_scanline)));
            jpeg_write_scanlines(&c, &row, 1);
        }
        jpeg_finish_compress(&c);
        jpeg_destroy_compress(&c);
    }
    jpeg_decompress_struct d{};
    ErrorJump err{};
    d.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = onError;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&d);
        std::free(buffer);
        throw Error(std::string("JPEG decoding failed: ") + err.message);
    }
    jpeg_create_decompress(&d);
    jpeg_mem_src(&d, buffer, size);
    jpeg_read_header(&d, TRUE);
    d.out_color_space = JCS_RGB;
    jpeg_start_decompress(&d);
    while (d.output_scanline < d.output_height) {
        JSAMPROW row = out.row(int(d.output_scanline));
        jpeg_read_scanlines(&d, &row, 1);
    }
    jpeg_finish_decompress(&d);
    jpeg_destroy_decompress(&d);
    std::free(buffer);
    return out;
}

} // namespace fuselab::learn::detail
