#include "fuselab/base/colour.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <array>
#include <cmath>

namespace fuselab {

float srgbToLinear(float v)
{
    const float a = std::fabs(v);
    const float lin = a <= 0.04045f ? a / 12.92f : std::pow((a + 0.055f) / 1.055f, 2.4f);
    return std::copysign(lin, v);
}

float linearToSrgb(float v)
{
    const float a = std::fabs(v);
    const float enc = a <= 0.0031308f ? a * 12.92f : 1.055f * std::pow(a, 1.0f / 2.4f) - 0.055f;
    return std::copysign(enc, v);
}

const float* srgb8ToLinearTable()
{
    static const std::array<float, 256> table = [] {
        std::array<float, 256> t{};
        for (int i = 0; i < 256; ++i) t[i] = srgbToLinear(float(i) / 255.0f);
        return t;
    }();
    return table.data();
}

void convertEncoding(Image& image, ColourEncoding target)
{
    const ColourEncoding source = image.encoding();
    if (source == target) return;
    const bool supported = (source == ColourEncoding::Linear || source == ColourEncoding::Srgb) &&
                           (target == ColourEncoding::Linear || target == ColourEncoding::Srgb);
    if (!supported)
        throw Error("cannot convert an image from " + std::string(toString(source)) + " to " +
                    std::string(toString(target)) + " encoding");
    const bool toLinear = target == ColourEncoding::Linear;
    const int colourChannels = image.channels() == 4 ? 3 : image.channels(); // alpha stays linear
    parallelFor(0, image.height(), 16, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            float* p = image.row(y);
            for (int x = 0; x < image.width(); ++x)
                for (int c = 0; c < colourChannels; ++c) {
                    float& v = p[x * image.channels() + c];
                    v = toLinear ? srgbToLinear(v) : linearToSrgb(v);
                }
        }
    });
    image.setEncoding(target);
}

Image withEncoding(const Image& image, ColourEncoding target)
{
    if (image.encoding() == target) return image;
    Image copy = image.clone();
    convertEncoding(copy, target);
    return copy;
}

} // namespace fuselab
