// Drago 2003 and Mantiuk 2006 through OpenCV's photo module, with gamma 1 (our integer writers
// apply the sRGB curve).
//
// Two things are wrapped around OpenCV's process():
// - OpenCV first maps the input to (x − min)/(max − min) and later divides each channel by the
//   grey of that result; a pixel whose three channels all equal the minimum (any black pixel)
//   turns into 0/0 = NaN (cv::createTonemapMantiuk gives ~10 000 NaN pixels on StillLife.exr).
//   So channels are floored at 1e-6 of the brightest sample and, when some pixel still has all
//   three at the minimum, one channel of the first such pixel is lowered by 1e-5 of its value:
//   it alone holds the new minimum and no pixel's grey becomes 0. Otherwise the result is
//   OpenCV's own.
// - cv::TonemapMantiuk solves a 100-iteration conjugate-gradient problem over the whole image
//   (about 10 s for 12 MP on two cores). Larger images are tone mapped at a reduced size and the
//   resulting change of log luminance is carried back through a bilateral grid over (x, y,
//   log luminance), i.e. as a local tone curve sliced with each full-size pixel's own luminance,
//   so edges stay sharp. Detail finer than the reduced size keeps its original contrast instead
//   of being scaled by `scale` — an approximation, said in the operator's notes.
#include "bilateral_grid.hpp"
#include "opencv_image.hpp"
#include "tonemap_common.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace fuselab {

using namespace tonemap_detail;

namespace {

constexpr float kChannelFloorRelative = 1e-6f;

/// OpenCV's grey (cvtColor COLOR_RGB2GRAY weights), which its tone mappers divide by.
inline float opencvGrey(const float* rgb) { return 0.299f * rgb[0] + 0.587f * rgb[1] + 0.114f * rgb[2]; }

/// Makes sure no pixel has all three channels at the image's minimum (OpenCV's (x − min) would
/// turn it into grey 0 and its colour step into 0/0): lowers one channel of the first such pixel
/// (in row order) by 1e-5 of its value, so it alone holds the new minimum. Invisible.
void separateMinimumPixel(cv::Mat& rgb)
{
    double lo = 0.0, hi = 0.0;
    cv::minMaxLoc(rgb.reshape(1), &lo, &hi);
    const float minimum = float(lo);
    for (int y = 0; y < rgb.rows; ++y) {
        float* d = rgb.ptr<float>(y);
        for (int x = 0; x < rgb.cols; ++x)
            if (d[3 * x] == minimum && d[3 * x + 1] == minimum && d[3 * x + 2] == minimum) {
                d[3 * x + 2] = minimum * (1.0f - 1e-5f);
                return;
            }
    }
}

/// The prepared radiance as a 3-channel R,G,B Mat, channels floored at `floorValue`, with no
/// pixel left at the minimum in all three channels.
cv::Mat toOpenCvInput(const Image& img, float floorValue)
{
    const int w = img.width(), h = img.height(), channels = img.channels();
    const bool grey = colourChannelCount(img) == 1;
    cv::Mat m(h, w, CV_32FC3);
    parallelFor(0, h, 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* p = img.row(y);
            float* d = m.ptr<float>(y);
            for (int x = 0; x < w; ++x)
                for (int c = 0; c < 3; ++c) d[3 * x + c] = std::max(p[x * channels + (grey ? 0 : c)], floorValue);
        }
    });
    separateMinimumPixel(m);
    return m;
}

/// Copies a 3-channel Mat into an Image shaped like `like` (grey → channel 0, alpha copied),
/// mapping v → (v − offset)·scale, clamped to [0,1], NaN → 0.
Image fromOpenCvOutput(const cv::Mat& rgb, const Image& like, float offset = 0.0f, float scale = 1.0f)
{
    const int channels = like.channels();
    const int colour = colourChannelCount(like);
    Image out = Image::uninitialised(like.width(), like.height(), channels, ColourEncoding::Linear);
    parallelFor(0, like.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* s = rgb.ptr<float>(y);
            const float* a = like.row(y);
            float* o = out.row(y);
            for (int x = 0; x < like.width(); ++x) {
                for (int c = 0; c < colour; ++c) {
                    const float v = (s[3 * x + c] - offset) * scale;
                    o[x * channels + c] = std::isfinite(v) ? std::clamp(v, 0.0f, 1.0f) : 0.0f;
                }
                if (channels == 4) o[x * channels + 3] = a[x * channels + 3];
            }
        }
    });
    return out;
}

} // namespace

ToneMapResult toneMapDrago(const Image& radiance, const DragoOptions& options, ProgressSink& progress)
{
    if (!(options.bias > 0.0 && options.bias <= 1.0)) throw Error("Drago: the bias must lie in (0, 1]");
    if (!(options.saturation >= 0.0)) throw Error("Drago: the saturation must not be negative");
    ToneMapResult result;
    const Image img = prepareRadianceForToneMapping(radiance, options.exposureStops, result.notes);
    progress.checkCancelled();
    const float peak = maxColourSample(img);
    if (!(peak > 0.0f)) {
        result.image = Image(img.width(), img.height(), img.channels(), ColourEncoding::Linear);
        return result; // all black stays black
    }
    const cv::Mat input = toOpenCvInput(img, peak * kChannelFloorRelative);
    cv::Ptr<cv::TonemapDrago> drago = cv::createTonemapDrago(1.0f, float(options.saturation), float(options.bias));
    cv::Mat out;
    drago->process(input, out);
    progress.checkCancelled();
    result.image = fromOpenCvOutput(out, img);
    progress.report(1.0, "Drago");
    return result;
}

ToneMapResult toneMapMantiuk(const Image& radiance, const MantiukOptions& options, ProgressSink& progress)
{
    if (!(options.scale > 0.0)) throw Error("Mantiuk: the contrast scale must be positive");
    if (!(options.saturation >= 0.0)) throw Error("Mantiuk: the saturation must not be negative");
    ToneMapResult result;
    const Image img = prepareRadianceForToneMapping(radiance, options.exposureStops, result.notes);
    progress.report(0.0, "Mantiuk");
    progress.checkCancelled();
    const float peak = maxColourSample(img);
    if (!(peak > 0.0f)) {
        result.image = Image(img.width(), img.height(), img.channels(), ColourEncoding::Linear);
        result.scalars["working_scale"] = 1.0;
        return result;
    }
    const cv::Mat input = toOpenCvInput(img, peak * kChannelFloorRelative);
    const double pixels = double(img.pixelCount());

    // Reduced size: f = sqrt(pixels / directMaxPixels) per axis, at most so far that both
    // sides keep 16 pixels.
    const double factor = options.directMaxPixels > 0
                              ? std::min({std::sqrt(pixels / double(options.directMaxPixels)),
                                          img.width() / 16.0, img.height() / 16.0})
                              : 1.0;
    if (factor <= 1.0) {
        cv::Ptr<cv::TonemapMantiuk> mantiuk =
            cv::createTonemapMantiuk(1.0f, float(options.scale), float(options.saturation));
        cv::Mat out;
        mantiuk->process(input, out);
        progress.checkCancelled();
        result.image = fromOpenCvOutput(out, img);
        result.scalars["working_scale"] = 1.0;
        progress.report(1.0, "Mantiuk");
        return result;
    }

    const cv::Size reducedSize(int(std::lround(input.cols / factor)), int(std::lround(input.rows / factor)));
    const double factorX = double(input.cols) / reducedSize.width;
    const double factorY = double(input.rows) / reducedSize.height;
    cv::Mat reduced;
    cv::resize(input, reduced, reducedSize, 0, 0, cv::INTER_AREA);
    separateMinimumPixel(reduced);
    // Saturation 1 here: the reduced run only supplies the luminance change; colour is
    // restored at full size with the requested saturation.
    cv::Ptr<cv::TonemapMantiuk> mantiuk = cv::createTonemapMantiuk(1.0f, float(options.scale), 1.0f);
    cv::Mat reducedOut;
    mantiuk->process(reduced, reducedOut);
    progress.report(0.6, "Mantiuk: back to full size");
    progress.checkCancelled();

    // log10 change of grey per reduced pixel, keyed by its log10 grey.
    Image reducedGuide(reducedSize.width, reducedSize.height, 1);
    Image reducedGain(reducedSize.width, reducedSize.height, 1);
    float guideMin = 1e30f, guideMax = -1e30f;
    for (int y = 0; y < reducedSize.height; ++y) {
        const float* in = reduced.ptr<float>(y);
        const float* out = reducedOut.ptr<float>(y);
        for (int x = 0; x < reducedSize.width; ++x) {
            const float gIn = std::log10(opencvGrey(in + 3 * x));
            const float greyOut = opencvGrey(out + 3 * x);
            const float gOut = std::log10(std::isfinite(greyOut) ? std::max(greyOut, 1e-7f) : 1e-7f);
            reducedGuide.at(x, y) = gIn;
            reducedGain.at(x, y) = gOut - gIn;
            guideMin = std::min(guideMin, gIn);
            guideMax = std::max(guideMax, gIn);
        }
    }
    Image fullGuide = Image::uninitialised(img.width(), img.height(), 1);
    parallelFor(0, img.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* in = input.ptr<float>(y);
            float* g = fullGuide.row(y);
            for (int x = 0; x < img.width(); ++x) {
                g[x] = std::log10(opencvGrey(in + 3 * x));
                // Full-size pixels may lie outside the reduced image's range (glints that the
                // area average dimmed); the grid extends its edge cells flat for them.
            }
        }
    });
    // Cells of 2×2 reduced pixels and 0.2 log10 units (two thirds of a stop), smoothed by one
    // cell: the luminance change varies smoothly with luminance within a neighbourhood.
    BilateralGrid grid(img.width(), img.height(), 2.0 * std::max(factorX, factorY), guideMin, guideMax, 0.2);
    grid.splatReduced(reducedGuide, reducedGain, factorX, factorY);
    grid.blur(1.0, 1.0);
    grid.fillSparseAlongGuide(1e-3f);
    Image zeroGain(img.width(), img.height(), 1);
    const Image gain = grid.slice(fullGuide, zeroGain);
    progress.checkCancelled();

    // OpenCV's colour step at full size: (C/grey)^s · grey·10^gain, then its final
    // (x − min)/(max − min).
    cv::Mat out(input.size(), CV_32FC3);
    const float s = float(options.saturation);
    const float ln10 = float(std::log(10.0));
    std::vector<float> rowMin(static_cast<std::size_t>(img.height())), rowMax(static_cast<std::size_t>(img.height()));
    parallelFor(0, img.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* in = input.ptr<float>(y);
            const float* gn = gain.row(y);
            float* o = out.ptr<float>(y);
            float lo = std::numeric_limits<float>::max(), hi = 0.0f;
            for (int x = 0; x < img.width(); ++x) {
                const float grey = opencvGrey(in + 3 * x); // > 0: channels are floored
                const float newGrey = grey * std::exp(gn[x] * ln10);
                for (int c = 0; c < 3; ++c) {
                    const float ratio = in[3 * x + c] / grey;
                    const float v = (s == 1.0f ? ratio : std::pow(ratio, s)) * newGrey;
                    o[3 * x + c] = v;
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                }
            }
            rowMin[std::size_t(y)] = lo;
            rowMax[std::size_t(y)] = hi;
        }
    });
    const float lo = *std::min_element(rowMin.begin(), rowMin.end());
    const float hi = *std::max_element(rowMax.begin(), rowMax.end());
    result.image = fromOpenCvOutput(out, img, lo, hi - lo > 1e-30f ? 1.0f / (hi - lo) : 1.0f);
    result.scalars["working_scale"] = 1.0 / factorX;
    result.notes.push_back("Mantiuk ran at " + std::to_string(reducedSize.width) + "x" +
                           std::to_string(reducedSize.height) +
                           " and its luminance change was carried to full size edge-aware; detail finer than "
                           "that keeps its original contrast");
    progress.report(1.0, "Mantiuk");
    return result;
}

} // namespace fuselab
