// 8-bit grey conversion and area-averaged proxies of stack frames.
#include "grey_levels.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace fuselab::align {
namespace {

// Ward (2003) converts display-encoded RGB with (54 R + 183 G + 19 B) / 256, i.e. the
// Rec. 709 luma weights in fixed point; the sum of the weights is exactly 256.
constexpr int kWeightR = 54, kWeightG = 183, kWeightB = 19;

template <typename T>
void greyRowsInteger(const ImageBuffer<T>& px, cv::Mat& grey, int shift)
{
    const int w = px.width(), ch = px.channels();
    parallelFor(0, px.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const T* src = px.row(y);
            std::uint8_t* dst = grey.ptr<std::uint8_t>(y);
            if (ch >= 3) {
                for (int x = 0; x < w; ++x) {
                    const T* p = src + std::size_t(x) * ch;
                    const std::uint32_t r = std::uint32_t(p[0]) >> shift, g = std::uint32_t(p[1]) >> shift,
                                        b = std::uint32_t(p[2]) >> shift;
                    dst[x] = std::uint8_t((kWeightR * r + kWeightG * g + kWeightB * b + 128) >> 8);
                }
            } else {
                for (int x = 0; x < w; ++x) dst[x] = std::uint8_t(std::uint32_t(src[std::size_t(x) * ch]) >> shift);
            }
        }
    });
}

void greyRowsFloat(const Image& px, cv::Mat& grey)
{
    const int w = px.width(), ch = px.channels();
    const bool linear = px.encoding() == ColourEncoding::Linear;
    parallelFor(0, px.height(), 16, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* src = px.row(y);
            std::uint8_t* dst = grey.ptr<std::uint8_t>(y);
            for (int x = 0; x < w; ++x) {
                const float* p = src + std::size_t(x) * ch;
                float v;
                if (ch >= 3) {
                    // Weights applied to linear light, then encoded: the grey of a linear
                    // frame is the encoded luminance, which is what a display would show.
                    v = linear ? linearToSrgb(linearLuminance(p[0], p[1], p[2]))
                               : (kWeightR * p[0] + kWeightG * p[1] + kWeightB * p[2]) / 256.0f;
                } else {
                    v = linear ? linearToSrgb(p[0]) : p[0];
                }
                if (!(v > 0.0f)) v = 0.0f; // NaN and negatives to black
                dst[x] = std::uint8_t(std::lround(std::min(v, 1.0f) * 255.0f));
            }
        }
    });
}

} // namespace

cv::Mat greyLevels(const SampleImage& frame)
{
    if (frame.empty()) throw Error("cannot take the grey levels of an empty frame");
    cv::Mat grey(frame.height(), frame.width(), CV_8UC1);
    if (const Image8* p8 = frame.as8()) greyRowsInteger(*p8, grey, 0);
    else if (const Image16* p16 = frame.as16()) greyRowsInteger(*p16, grey, 8);
    else greyRowsFloat(*frame.asFloat(), grey);
    return grey;
}

double proxyScale(int widthPx, int heightPx, int longSidePx)
{
    const int longSide = std::max(widthPx, heightPx);
    if (longSidePx <= 0 || longSidePx >= longSide) return 1.0;
    return double(longSidePx) / double(longSide);
}

cv::Mat reduceGrey(const cv::Mat& grey, double scale)
{
    if (scale >= 1.0) return grey;
    const int w = std::max(1, int(std::lround(grey.cols * scale)));
    const int h = std::max(1, int(std::lround(grey.rows * scale)));
    cv::Mat out;
    cv::resize(grey, out, cv::Size(w, h), 0.0, 0.0, cv::INTER_AREA);
    return out;
}

cv::Mat proxyGrey(const SampleImage& frame, int longSidePx)
{
    return reduceGrey(greyLevels(frame), proxyScale(frame.width(), frame.height(), longSidePx));
}

int proxyFactor(int widthPx, int heightPx, int longSidePx)
{
    const int longSide = std::max(widthPx, heightPx);
    if (longSidePx <= 0 || longSidePx >= longSide) return 1;
    return (longSide + longSidePx - 1) / longSidePx;
}

std::vector<cv::Mat> proxyPlanes(const SampleImage& frame, int factor, bool greyOnly)
{
    if (frame.empty()) throw Error("cannot take the colour planes of an empty frame");
    if (factor < 1) throw Error("a proxy's reduction factor must be at least 1");
    const int colourChannels = greyOnly ? 1 : frame.channels() >= 3 ? 3 : 1;
    const int w = frame.width(), h = frame.height();
    cv::Mat codes;
    if (greyOnly) {
        codes = greyLevels(frame);
    } else if (frame.as8() && frame.channels() == colourChannels) {
        codes = wrapPixels(frame); // no copy: 8-bit RGB or grey as it is
    } else {
        codes.create(h, w, CV_8UC(colourChannels));
        const int ch = frame.channels();
        const bool linearFloat = frame.isFloat() && frame.encoding() == ColourEncoding::Linear;
        parallelFor(0, h, 16, [&](int y0, int y1) {
            std::vector<float> row(std::size_t(w) * std::size_t(ch));
            for (int y = y0; y < y1; ++y) {
                frame.rowToFloat(y, row.data());
                std::uint8_t* dst = codes.ptr<std::uint8_t>(y);
                for (int x = 0; x < w; ++x)
                    for (int c = 0; c < colourChannels; ++c) {
                        float v = row[std::size_t(x) * std::size_t(ch) + std::size_t(c)];
                        if (linearFloat) v = linearToSrgb(v);
                        if (!(v > 0.0f)) v = 0.0f;
                        dst[x * colourChannels + c] = std::uint8_t(std::lround(std::min(v, 1.0f) * 255.0f));
                    }
            }
        });
    }
    cv::Mat reduced = codes;
    if (factor > 1) {
        const int pw = std::max(1, w / factor), ph = std::max(1, h / factor);
        const cv::Mat covered = codes(cv::Rect(0, 0, std::min(w, pw * factor), std::min(h, ph * factor)));
        cv::resize(covered, reduced, cv::Size(pw, ph), 0.0, 0.0, cv::INTER_AREA);
    }
    std::vector<cv::Mat> planes;
    cv::split(reduced, planes);
    return planes;
}

cv::Mat wrapPixels(const SampleImage& frame)
{
    const int ch = frame.channels();
    if (const Image8* p8 = frame.as8())
        return cv::Mat(p8->height(), p8->width(), CV_8UC(ch), const_cast<std::uint8_t*>(p8->data()),
                       p8->rowStrideSamples() * sizeof(std::uint8_t));
    if (const Image16* p16 = frame.as16())
        return cv::Mat(p16->height(), p16->width(), CV_16UC(ch), const_cast<std::uint16_t*>(p16->data()),
                       p16->rowStrideSamples() * sizeof(std::uint16_t));
    const Image* pf = frame.asFloat();
    return cv::Mat(pf->height(), pf->width(), CV_32FC(ch), const_cast<float*>(pf->data()),
                   pf->rowStrideSamples() * sizeof(float));
}

} // namespace fuselab::align
