// The grey planes every metric works on, their 2×2 downsampling, and map padding.
#include "fuselab/metrics.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace fuselab {
namespace {

// MATLAB rgb2gray: the first row of the inverse of the NTSC YIQ matrix.
constexpr double kRed = 0.298936021293775;
constexpr double kGreen = 0.587043074451121;
constexpr double kBlue = 0.114020904255103;

// Round half away from zero for v in [0, 256): the same as std::round there, without a
// library call. (v + 0.5 could only round up wrongly within 2^-53 below a half; the grey
// sums never come that close, which tests/unit/metrics_test.cpp checks for all 2^24 colours.)
inline int roundNonNegative(double v)
{
    return int(v + 0.5);
}

// A normalised sample as its 8-bit code (MATLAB im2uint8: clip, scale, round half away).
inline int code8(float v)
{
    if (!(v > 0.0f)) return 0; // NaN counts as black rather than poisoning every window
    if (v >= 1.0f) return 255;
    return roundNonNegative(double(v) * 255.0);
}

// rgb2gray of uint8 data: c_R·R + c_G·G + c_B·B in double, rounded back to an integer.
struct GreyTables {
    double red[256], green[256], blue[256];
    GreyTables()
    {
        for (int i = 0; i < 256; ++i) {
            red[i] = kRed * i;
            green[i] = kGreen * i;
            blue[i] = kBlue * i;
        }
    }
    float operator()(int r, int g, int b) const { return float(roundNonNegative(red[r] + green[g] + blue[b])); }
};

const GreyTables& greyTables()
{
    static const GreyTables tables;
    return tables;
}

inline float greyOfCodes(int r, int g, int b)
{
    return greyTables()(r, g, b);
}

void checkChannels(int channels)
{
    if (channels != 1 && channels != 3 && channels != 4)
        throw Error("metrics need 1 or 3 channels (4 with alpha), got " + std::to_string(channels));
}

} // namespace

Image metricGrey(const Image& image)
{
    if (image.empty()) throw Error("metrics need a non-empty image");
    checkChannels(image.channels());
    const bool linear = image.encoding() == ColourEncoding::Linear;
    const int w = image.width(), ch = image.channels();
    Image grey = Image::uninitialised(w, image.height(), 1);
    parallelFor(0, image.height(), 16, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* src = image.row(y);
            float* dst = grey.row(y);
            auto code = [&](float v) { return code8(linear ? linearToSrgb(v) : v); };
            if (ch == 1) {
                for (int x = 0; x < w; ++x) dst[x] = float(code(src[x]));
            } else {
                for (int x = 0; x < w; ++x) {
                    const float* p = src + std::size_t(x) * std::size_t(ch);
                    dst[x] = greyOfCodes(code(p[0]), code(p[1]), code(p[2]));
                }
            }
        }
    });
    return grey;
}

Image metricGrey(const SampleImage& image)
{
    if (image.empty()) throw Error("metrics need a non-empty image");
    if (const Image8* px = image.as8()) {
        checkChannels(px->channels());
        const int w = px->width(), ch = px->channels();
        Image grey = Image::uninitialised(w, px->height(), 1);
        const GreyTables& t = greyTables();
        parallelFor(0, px->height(), 16, [&](int y0, int y1) {
            for (int y = y0; y < y1; ++y) {
                const std::uint8_t* src = px->row(y);
                float* dst = grey.row(y);
                if (ch == 1) {
                    for (int x = 0; x < w; ++x) dst[x] = float(src[x]);
                } else {
                    for (int x = 0; x < w; ++x) {
                        const std::uint8_t* p = src + std::size_t(x) * std::size_t(ch);
                        dst[x] = t(p[0], p[1], p[2]);
                    }
                }
            }
        });
        return grey;
    }
    if (const Image16* px = image.as16()) {
        checkChannels(px->channels());
        const int w = px->width(), ch = px->channels();
        Image grey = Image::uninitialised(w, px->height(), 1);
        // im2uint8 of 16-bit data: round(code / 257).
        auto code = [](std::uint16_t v) { return roundNonNegative(double(v) / 257.0); };
        parallelFor(0, px->height(), 16, [&](int y0, int y1) {
            for (int y = y0; y < y1; ++y) {
                const std::uint16_t* src = px->row(y);
                float* dst = grey.row(y);
                for (int x = 0; x < w; ++x) {
                    const std::uint16_t* p = src + std::size_t(x) * std::size_t(ch);
                    dst[x] = ch == 1 ? float(code(p[0])) : greyOfCodes(code(p[0]), code(p[1]), code(p[2]));
                }
            }
        });
        return grey;
    }
    return metricGrey(*image.asFloat());
}

Image downsampleMean2x2(const Image& grey)
{
    if (grey.channels() != 1) throw Error("internal: downsampleMean2x2 needs a grey plane");
    const int w = grey.width(), h = grey.height();
    Image out = Image::uninitialised((w + 1) / 2, (h + 1) / 2, 1);
    parallelFor(0, out.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            // 'symmetric' padding: the row/column past the edge repeats the edge.
            const float* a = grey.row(2 * y);
            const float* b = grey.row(std::min(2 * y + 1, h - 1));
            float* dst = out.row(y);
            for (int x = 0; x < out.width(); ++x) {
                const int x1 = std::min(2 * x + 1, w - 1);
                dst[x] = ((a[2 * x] + a[x1]) + (b[2 * x] + b[x1])) * 0.25f;
            }
        }
    });
    return out;
}

Image padValidMap(const Image& validMap, int widthPx, int heightPx)
{
    if (validMap.empty()) throw Error("internal: empty quality map");
    const int mw = validMap.width(), mh = validMap.height();
    const int left = (widthPx - mw) / 2, top = (heightPx - mh) / 2;
    Image out = Image::uninitialised(widthPx, heightPx, 1);
    for (int y = 0; y < heightPx; ++y) {
        const float* src = validMap.row(std::clamp(y - top, 0, mh - 1));
        float* dst = out.row(y);
        for (int x = 0; x < widthPx; ++x) dst[x] = src[std::clamp(x - left, 0, mw - 1)];
    }
    return out;
}

} // namespace fuselab
