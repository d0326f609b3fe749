// Input preparation and the pieces shared by the tone-mapping operators.
#include "tonemap_common.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fuselab {

Image prepareRadianceForToneMapping(const Image& input, double exposureStops, std::vector<std::string>& notes)
{
    if (input.empty()) throw Error("tone mapping needs an image (got an empty one)");
    if (input.channels() == 2)
        throw Error("tone mapping needs 1 (grey), 3 (RGB) or 4 (RGBA) channels, not 2");
    if (input.encoding() == ColourEncoding::Pq || input.encoding() == ColourEncoding::Hlg)
        throw Error("tone mapping needs linear radiance but this image holds " +
                    std::string(toString(input.encoding())) +
                    " code values; decode them first (tonemap-pq with direction=decode for PQ)");
    if (!std::isfinite(exposureStops)) throw Error("exposure must be a finite number of stops");

    // The output is written in the same pass that reads the input (no clone first: at 12 MP
    // every pass over the image costs tens of milliseconds).
    const Image source = input.encoding() == ColourEncoding::Srgb ? withEncoding(input, ColourEncoding::Linear) : input;
    Image img = Image::uninitialised(source.width(), source.height(), source.channels(), ColourEncoding::Linear);
    const int channels = img.channels();
    const int colour = tonemap_detail::colourChannelCount(img);
    // 2^±20 at most (the parameter's range); beyond float's range the ceiling or 0 applies.
    const float gainF = float(std::min(std::exp2(exposureStops), 1e30));
    const int height = img.height();

    // Pass 1: exposure, NaN/−Inf/negative → 0, ceiling; count +Inf and remember the brightest
    // finite sample (per row, so the result does not depend on the thread count).
    std::vector<float> rowMax(std::size_t(height), 0.0f);
    std::vector<long long> rowNonFinite(std::size_t(height), 0);
    std::vector<char> rowHasPosInf(std::size_t(height), 0);
    parallelFor(0, height, 16, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* src = source.row(y);
            float* p = img.row(y);
            float brightest = 0.0f;
            long long nonFinite = 0;
            bool posInf = false;
            for (int x = 0; x < img.width(); ++x) {
                for (int c = 0; c < colour; ++c) {
                    const float in = src[x * channels + c];
                    float& v = p[x * channels + c];
                    if (std::isnan(in) || in == -std::numeric_limits<float>::infinity()) {
                        v = 0.0f;
                        ++nonFinite;
                        continue;
                    }
                    if (in == std::numeric_limits<float>::infinity()) {
                        v = in; // filled in pass 2
                        ++nonFinite;
                        posInf = true;
                        continue;
                    }
                    // Finite float × gain may overflow float only to +Inf, which the ceiling catches.
                    const float scaled = in * gainF;
                    v = scaled > 0.0f ? std::min(scaled, kRadianceCeiling) : 0.0f;
                    brightest = std::max(brightest, v);
                }
                if (channels == 4) p[x * 4 + 3] = src[x * 4 + 3];
            }
            rowMax[std::size_t(y)] = brightest;
            rowNonFinite[std::size_t(y)] = nonFinite;
            rowHasPosInf[std::size_t(y)] = posInf ? 1 : 0;
        }
    });
    long long nonFinite = 0;
    float brightest = 0.0f;
    bool anyPosInf = false;
    for (int y = 0; y < height; ++y) {
        nonFinite += rowNonFinite[std::size_t(y)];
        brightest = std::max(brightest, rowMax[std::size_t(y)]);
        anyPosInf |= rowHasPosInf[std::size_t(y)] != 0;
    }
    if (anyPosInf) {
        parallelFor(0, height, 16, [&](int y0, int y1) {
            for (int y = y0; y < y1; ++y) {
                if (!rowHasPosInf[std::size_t(y)]) continue;
                float* p = img.row(y);
                for (int x = 0; x < img.width(); ++x)
                    for (int c = 0; c < colour; ++c)
                        if (std::isinf(p[x * channels + c])) p[x * channels + c] = brightest;
            }
        });
    }
    if (nonFinite > 0)
        notes.push_back("replaced " + std::to_string(nonFinite) +
                        " non-finite radiance samples (NaN and -Inf by 0, +Inf by the brightest finite sample)");
    img.setEncoding(ColourEncoding::Linear);
    return img;
}

namespace tonemap_detail {

Image luminanceOf(const Image& radiance)
{
    Image lum = Image::uninitialised(radiance.width(), radiance.height(), 1, ColourEncoding::Linear);
    const int channels = radiance.channels();
    const bool grey = colourChannelCount(radiance) == 1;
    parallelFor(0, radiance.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* p = radiance.row(y);
            float* l = lum.row(y);
            for (int x = 0; x < radiance.width(); ++x, p += channels)
                l[x] = grey ? p[0] : linearLuminance(p[0], p[1], p[2]);
        }
    });
    return lum;
}

float maxColourSample(const Image& img)
{
    const int channels = img.channels();
    const int colour = colourChannelCount(img);
    std::vector<float> rowMax(std::size_t(img.height()), 0.0f);
    parallelFor(0, img.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* p = img.row(y);
            float m = 0.0f;
            for (int x = 0; x < img.width(); ++x)
                for (int c = 0; c < colour; ++c) m = std::max(m, p[x * channels + c]);
            rowMax[std::size_t(y)] = m;
        }
    });
    return rowMax.empty() ? 0.0f : *std::max_element(rowMax.begin(), rowMax.end());
}

double logAverageLuminance(const Image& luminance, double delta)
{
    std::vector<double> rowSums(std::size_t(luminance.height()), 0.0);
    parallelFor(0, luminance.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* l = luminance.row(y);
            double s = 0.0;
            for (int x = 0; x < luminance.width(); ++x) s += std::log(delta + double(l[x]));
            rowSums[std::size_t(y)] = s;
        }
    });
    double total = 0.0;
    for (double s : rowSums) total += s;
    return std::exp(total / double(luminance.pixelCount()));
}

float percentileOf(std::vector<float>& values, double percent)
{
    if (values.empty()) return 0.0f;
    const double q = std::clamp(percent, 0.0, 100.0) / 100.0;
    const std::size_t k = std::min(values.size() - 1, std::size_t(std::llround(q * double(values.size() - 1))));
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(k), values.end());
    return values[k];
}

Image restoreColour(const Image& radiance, const Image& luminance, const Image& displayLuminance, double saturation)
{
    const int channels = radiance.channels();
    const int colour = colourChannelCount(radiance);
    Image out = Image::uninitialised(radiance.width(), radiance.height(), channels, ColourEncoding::Linear);
    const float s = float(saturation);
    parallelFor(0, radiance.height(), 16, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* p = radiance.row(y);
            const float* l = luminance.row(y);
            const float* ld = displayLuminance.row(y);
            float* o = out.row(y);
            for (int x = 0; x < radiance.width(); ++x) {
                const float display = std::isfinite(ld[x]) ? std::clamp(ld[x], 0.0f, 1.0f) : 0.0f;
                // No light in, no light out (whatever the curve gives at 0).
                const float invL = l[x] > 0.0f ? 1.0f / l[x] : 0.0f;
                for (int c = 0; c < colour; ++c) {
                    float v = 0.0f;
                    if (colour == 1) {
                        v = invL > 0.0f ? display : 0.0f;
                    } else {
                        // C/L ≤ 1/0.0722 for non-negative RGB, so the power stays finite.
                        const float ratio = p[x * channels + c] * invL;
                        v = (s == 1.0f ? ratio : std::pow(ratio, s)) * display;
                    }
                    o[x * channels + c] = std::isfinite(v) ? std::clamp(v, 0.0f, 1.0f) : 0.0f;
                }
                if (channels == 4) o[x * channels + 3] = p[x * channels + 3];
            }
        }
    });
    return out;
}

void clampDisplay(Image& img)
{
    const int channels = img.channels();
    const int colour = colourChannelCount(img);
    parallelFor(0, img.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            float* p = img.row(y);
            for (int x = 0; x < img.width(); ++x)
                for (int c = 0; c < colour; ++c) {
                    float& v = p[x * channels + c];
                    v = std::isfinite(v) ? std::clamp(v, 0.0f, 1.0f) : 0.0f;
                }
        }
    });
}

} // namespace tonemap_detail
} // namespace fuselab
