// EXIF Orientation (TIFF/EP tag 274) applied to decoded pixels, so portrait frames and rotated
// shots come out upright wherever they are used.
#include "codecs.hpp"

#include "fuselab/base/parallel.hpp"

namespace fuselab::detail {
namespace {

template <typename T>
ImageBuffer<T> oriented(const ImageBuffer<T>& s, int orientation)
{
    const int w = s.width(), h = s.height(), ch = s.channels();
    const bool swap = orientation >= 5;
    ImageBuffer<T> d = ImageBuffer<T>::uninitialised(swap ? h : w, swap ? w : h, ch, s.encoding());
    const int dw = d.width();
    parallelFor(0, d.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            T* out = d.row(y);
            for (int x = 0; x < dw; ++x) {
                // The stored pixel shown at (x, y), per the tag's definition of rows and columns.
                int sx = x, sy = y;
                switch (orientation) {
                case 2: sx = w - 1 - x; break;                   // mirrored left–right
                case 3: sx = w - 1 - x; sy = h - 1 - y; break;   // rotated 180°
                case 4: sy = h - 1 - y; break;                   // mirrored top–bottom
                case 5: sx = y; sy = x; break;                   // transposed
                case 6: sx = y; sy = h - 1 - x; break;           // shown rotated 90° clockwise
                case 7: sx = w - 1 - y; sy = h - 1 - x; break;   // transversed
                case 8: sx = w - 1 - y; sy = x; break;           // shown rotated 90° anticlockwise
                default: break;
                }
                const T* in = s.row(sy) + std::size_t(sx) * std::size_t(ch);
                for (int c = 0; c < ch; ++c) out[std::size_t(x) * std::size_t(ch) + std::size_t(c)] = in[c];
            }
        }
    });
    return d;
}

} // namespace

SampleImage applyExifOrientation(const SampleImage& image, int orientation)
{
    if (orientation < 2 || orientation > 8) return image;
    if (const Image8* p = image.as8()) return SampleImage(oriented(*p, orientation));
    if (const Image16* p = image.as16()) return SampleImage(oriented(*p, orientation));
    return SampleImage(oriented(*image.asFloat(), orientation));
}

} // namespace fuselab::detail
