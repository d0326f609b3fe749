#include "webp_size.hpp"

#include "fuselab/base/error.hpp"

#if defined(FUSELAB_HAVE_WEBP)
#include <webp/encode.h>
#endif

namespace fuselab::learn::detail {

bool webpAvailable()
{
#if defined(FUSELAB_HAVE_WEBP)
    return true;
#else
    return false;
#endif
}

#if defined(FUSELAB_HAVE_WEBP)
namespace {

// Counts bytes instead of keeping them.
int countBytes(const std::uint8_t*, std::size_t size, const WebPPicture* picture)
{
    *static_cast<std::size_t*>(picture->custom_ptr) += size;
    return 1;
}

} // namespace
#endif

std::size_t losslessWebpBytes(const std::uint8_t* rgb, int width, int height, int method, int quality)
{
#if defined(FUSELAB_HAVE_WEBP)
    WebPConfig config;
    if (!WebPConfigInit(&config)) throw Error("libwebp: version mismatch");
    config.lossless = 1;
    config.exact = 1;
    config.method = method;
    config.quality = float(quality);
    if (!WebPValidateConfig(&config)) throw Error("libwebp: invalid settings (method 0..6, quality 0..100)");
    WebPPicture picture;
    if (!WebPPictureInit(&picture)) throw Error("libwebp: version mismatch");
    picture.use_argb = 1;
    picture.width = width;
    picture.height = height;
    if (!WebPPictureImportRGB(&picture, rgb, width * 3)) throw Error("libwebp: out of memory");
    std::size_t bytes = 0;
    picture.writer = &countBytes;
    picture.custom_ptr = &bytes;
    const int ok = WebPEncode(&config, &picture);
    const int code = picture.error_code;
    WebPPictureFree(&picture);
    if (!ok) throw Error("libwebp: encoding failed (error " + std::to_string(code) + ")");
    return bytes;
#else
    (void)rgb;
    (void)width;
    (void)height;
    (void)method;
    (void)quality;
    throw Error("this build has no libwebp (install libwebp-dev and rebuild): PIC curves measure information with lossless WebP");
#endif
}

} // namespace fuselab::learn::detail
