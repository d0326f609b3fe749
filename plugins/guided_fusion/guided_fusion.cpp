#include "guided_fusion.hpp"

#include "plane_filters.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace gff {

using fuselab::Image;

namespace {

constexpr float kWeightFloor = 1e-12f;

int colourChannelsOf(int channels)
{
    return channels == 4 ? 3 : channels == 2 ? 1 : channels;
}

/// The frame's samples normalised to [0,1] (integer codes / full scale), float.
Image frameToFloat(const fuselab::StackFrame& frame)
{
    return frame.pixels.toFloat();
}

/// Grey of the colour channels: 0.299 R + 0.587 G + 0.114 B, or the single channel.
Image greyOf(const Image& img)
{
    Image grey = Image::uninitialised(img.width(), img.height(), 1);
    const int channels = img.channels();
    const bool colour = colourChannelsOf(channels) == 3;
    fuselab::parallelFor(0, img.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* p = img.row(y);
            float* dst = grey.row(y);
            for (int x = 0; x < img.width(); ++x) {
                const float* px = p + std::size_t(x) * std::size_t(channels);
                dst[x] = colour ? 0.299f * px[0] + 0.587f * px[1] + 0.114f * px[2] : px[0];
            }
        }
    });
    return grey;
}

Image channelOf(const Image& img, int c)
{
    Image plane = Image::uninitialised(img.width(), img.height(), 1);
    fuselab::parallelFor(0, img.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* p = img.row(y);
            float* dst = plane.row(y);
            for (int x = 0; x < img.width(); ++x) dst[x] = p[std::size_t(x) * std::size_t(img.channels()) + std::size_t(c)];
        }
    });
    return plane;
}

void checkFrames(const fuselab::ExposureStack& stack)
{
    if (stack.frames.empty()) throw fuselab::Error("guided-filter fusion needs at least one frame");
    const fuselab::StackFrame& first = stack.frames.front();
    for (const fuselab::StackFrame& f : stack.frames) {
        if (f.pixels.width() != first.pixels.width() || f.pixels.height() != first.pixels.height() ||
            f.pixels.channels() != first.pixels.channels())
            throw fuselab::Error(f.path, "is " + std::to_string(f.pixels.width()) + "×" + std::to_string(f.pixels.height()) +
                                             "×" + std::to_string(f.pixels.channels()) + ", the first frame is " +
                                             std::to_string(first.pixels.width()) + "×" +
                                             std::to_string(first.pixels.height()) + "×" +
                                             std::to_string(first.pixels.channels()) + "; fusion needs one size");
    }
}

} // namespace

GuidedFusionResult fuseGuidedFiltering(const fuselab::ExposureStack& stack, const GuidedFusionParams& params,
                                       fuselab::ProgressSink& progress)
{
    checkFrames(stack);
    const int frames = int(stack.frames.size());
    const int w = stack.width(), h = stack.height();
    const int colour = colourChannelsOf(stack.channels());
    const std::size_t pixels = std::size_t(w) * std::size_t(h);
    const double steps = 2.0 * frames;

    // Pass 1: the most salient frame at each pixel (P_n = [winner == n]).
    std::vector<float> bestScore(pixels, -1.0f);
    std::vector<std::uint16_t> winner(pixels, 0);
    const bool useExposedness = params.exposednessExponent > 0.0;
    const float invTwoSigma2 = float(1.0 / (2.0 * params.exposednessSigma * params.exposednessSigma));
    const float beta = float(params.exposednessExponent);
    const float floor = float(params.saliencyFloor);
    for (int n = 0; n < frames; ++n) {
        const Image grey = greyOf(frameToFloat(stack.frames[std::size_t(n)]));
        const Image saliency = gaussianBlur(absLaplacian(grey), params.saliencyRadiusPx, params.saliencySigmaPx);
        fuselab::parallelFor(0, h, 32, [&](int y0, int y1) {
            for (int y = y0; y < y1; ++y) {
                const float* s = saliency.row(y);
                const float* g = grey.row(y);
                for (int x = 0; x < w; ++x) {
                    const std::size_t i = std::size_t(y) * std::size_t(w) + std::size_t(x);
                    float score = s[x] + floor;
                    if (useExposedness) {
                        const float d = g[x] - 0.5f;
                        score *= std::exp(-beta * d * d * invTwoSigma2); // E^β
                    }
                    if (score > bestScore[i]) {
                        bestScore[i] = score;
                        winner[i] = std::uint16_t(n);
                    }
                }
            }
        });
        progress.report((n + 1) / steps, "saliency");
        progress.checkCancelled();
    }

    // Pass 2: guided-filter weights per frame, accumulated over the two layers.
    const std::size_t colourCount = static_cast<std::size_t>(colour);
    std::vector<Image> baseSum(colourCount), detailSum(colourCount);
    for (int c = 0; c < colour; ++c) {
        baseSum[std::size_t(c)] = Image(w, h, 1);
        detailSum[std::size_t(c)] = Image(w, h, 1);
    }
    Image baseWeightSum(w, h, 1), detailWeightSum(w, h, 1);
    GuidedFusionResult result;
    result.selectedFraction.assign(std::size_t(frames), 0.0);
    for (int n = 0; n < frames; ++n) {
        const Image img = frameToFloat(stack.frames[std::size_t(n)]);
        const Image grey = greyOf(img);
        Image selected(w, h, 1);
        std::size_t count = 0;
        for (int y = 0; y < h; ++y) {
            float* p = selected.row(y);
            for (int x = 0; x < w; ++x) {
                const bool mine = winner[std::size_t(y) * std::size_t(w) + std::size_t(x)] == n;
                p[x] = mine ? 1.0f : 0.0f;
                count += mine ? 1 : 0;
            }
        }
        result.selectedFraction[std::size_t(n)] = double(count) / double(pixels);
        Image baseWeight = GuidedFilter(grey, params.baseWeightRadiusPx, params.baseWeightEpsilon).apply(selected);
        Image detailWeight = GuidedFilter(grey, params.detailWeightRadiusPx, params.detailWeightEpsilon).apply(selected);
        std::vector<Image> bases(colourCount);
        for (int c = 0; c < colour; ++c) bases[std::size_t(c)] = boxMean(channelOf(img, c), params.baseRadiusPx);
        fuselab::parallelFor(0, h, 16, [&](int y0, int y1) {
            for (int y = y0; y < y1; ++y) {
                float* wb = baseWeight.row(y);
                float* wd = detailWeight.row(y);
                float* sb = baseWeightSum.row(y);
                float* sd = detailWeightSum.row(y);
                const float* p = img.row(y);
                for (int x = 0; x < w; ++x) {
                    wb[x] = std::max(wb[x], 0.0f) + kWeightFloor;
                    wd[x] = std::max(wd[x], 0.0f) + kWeightFloor;
                    sb[x] += wb[x];
                    sd[x] += wd[x];
                    for (int c = 0; c < colour; ++c) {
                        const float base = bases[std::size_t(c)].row(y)[x];
                        const float detail = p[std::size_t(x) * std::size_t(img.channels()) + std::size_t(c)] - base;
                        baseSum[std::size_t(c)].row(y)[x] += wb[x] * base;
                        detailSum[std::size_t(c)].row(y)[x] += wd[x] * detail;
                    }
                }
            }
        });
        if (params.keepWeightMaps) result.baseWeights.push_back(baseWeight);
        progress.report((frames + n + 1) / steps, "guided-filter weights");
        progress.checkCancelled();
    }

    Image fused = Image::uninitialised(w, h, colour, stack.frames.front().pixels.encoding());
    fuselab::parallelFor(0, h, 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            float* dst = fused.row(y);
            const float* sb = baseWeightSum.row(y);
            const float* sd = detailWeightSum.row(y);
            for (int x = 0; x < w; ++x)
                for (int c = 0; c < colour; ++c)
                    dst[std::size_t(x) * std::size_t(colour) + std::size_t(c)] =
                        baseSum[std::size_t(c)].row(y)[x] / sb[x] + detailSum[std::size_t(c)].row(y)[x] / sd[x];
            for (Image& weight : result.baseWeights) {
                float* wb = weight.row(y);
                for (int x = 0; x < w; ++x) wb[x] /= sb[x];
            }
        }
    });
    result.fused = fused;
    return result;
}

} // namespace gff
