// Per-sample tone curves on images: μ-law, PQ (ST 2084) and HLG (BT.2100), and their operators.
#include "tonemap_common.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>

namespace fuselab {

using namespace tonemap_detail;

namespace {

/// Applies f to every colour sample of img in place; alpha is left alone. Returns the number
/// of samples for which f reported clipping.
template <typename Curve>
long long applyPerSample(Image& img, const Curve& curve)
{
    const int channels = img.channels();
    const int colour = colourChannelCount(img);
    std::vector<long long> rowClipped(std::size_t(img.height()), 0);
    parallelFor(0, img.height(), 16, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            float* p = img.row(y);
            long long clipped = 0;
            for (int x = 0; x < img.width(); ++x)
                for (int c = 0; c < colour; ++c) {
                    bool clip = false;
                    float& v = p[x * channels + c];
                    v = curve(v, clip);
                    clipped += clip ? 1 : 0;
                }
            rowClipped[std::size_t(y)] = clipped;
        }
    });
    long long total = 0;
    for (long long c : rowClipped) total += c;
    return total;
}

/// pqEncode in float, for images: with c1 = c3 − c2 + 1 the ratio (c1 + c2·y)/(1 + c3·y) equals
/// 1 − d with d = (c2 − c3)(1 − y)/(1 + c3·y), free of cancellation, so N = exp(m2·log1p(−d))
/// keeps float accuracy (about 2e-6 relative in the decoded light, against 1e-5 required) at a
/// third of the cost of the two double pow() calls.
float pqEncodeFloat(float luminanceCdM2)
{
    constexpr float m1 = float(pq::m1), m2 = float(pq::m2), c3 = float(pq::c3);
    constexpr float c2MinusC3 = float(pq::c2 - pq::c3); // 0.1640625, exact
    const float yLinear = std::clamp(luminanceCdM2 * float(1.0 / pq::peakCdM2), 0.0f, 1.0f);
    const float y = std::pow(yLinear, m1);
    const float d = c2MinusC3 * (1.0f - y) / (1.0f + c3 * y);
    return std::exp(m2 * std::log1p(-d));
}

double sampleCount(const Image& img)
{
    return double(img.pixelCount()) * double(colourChannelCount(img));
}

} // namespace

ToneMapResult toneMapMuLaw(const Image& radiance, const MuLawOptions& options, ProgressSink& progress)
{
    if (!(options.mu > 0.0) || !std::isfinite(options.mu)) throw Error("μ must be a positive number");
    ToneMapResult result;
    Image img = prepareRadianceForToneMapping(radiance, options.exposureStops, result.notes);
    progress.checkCancelled();

    double divisor = 1.0;
    if (options.normalisation == MuLawNormalisation::Max) {
        divisor = maxColourSample(img);
    } else if (options.normalisation == MuLawNormalisation::Percentile) {
        // Per-pixel max(R,G,B) so that a saturated colour reaching 1 counts as reaching 1.
        std::vector<float> peaks(img.pixelCount());
        const int channels = img.channels();
        const int colour = colourChannelCount(img);
        parallelFor(0, img.height(), 32, [&](int y0, int y1) {
            for (int y = y0; y < y1; ++y) {
                const float* p = img.row(y);
                float* dst = peaks.data() + std::size_t(y) * std::size_t(img.width());
                for (int x = 0; x < img.width(); ++x) {
                    float m = p[x * channels];
                    for (int c = 1; c < colour; ++c) m = std::max(m, p[x * channels + c]);
                    dst[x] = m;
                }
            }
        });
        divisor = percentileOf(peaks, options.percentile);
    }
    if (!(divisor > 0.0)) divisor = 1.0; // an all-black image stays black
    progress.checkCancelled();

    // In float: the result is a display value, and float log1p is several times faster at 12 MP.
    const float mu = float(options.mu);
    const float invDivisor = float(1.0 / divisor);
    const float invLogMu = float(1.0 / std::log1p(options.mu));
    const long long clipped = applyPerSample(img, [&](float v, bool& clip) {
        float h = v * invDivisor;
        if (h > 1.0f) {
            clip = true;
            h = 1.0f;
        }
        return std::log1p(mu * h) * invLogMu;
    });
    img.setEncoding(ColourEncoding::Srgb); // display values, not to be sRGB-encoded again
    result.image = img;
    result.scalars["normalisation_divisor"] = divisor;
    result.scalars["clipped_fraction"] = double(clipped) / sampleCount(img);
    progress.report(1.0, "μ-law");
    return result;
}

ToneMapResult toneMapPq(const Image& image, const PqOptions& options, ProgressSink& progress)
{
    const double white = options.referenceWhiteCdM2;
    if (!(white > 0.0) || !std::isfinite(white)) throw Error("PQ reference white must be a positive luminance");
    ToneMapResult result;
    if (options.direction == PqDirection::Encode) {
        // PQ signals are BT.2100 (Rec. 2020 primaries); the working space's gamut lies inside it.
        Image img = convertPrimaries(prepareRadianceForToneMapping(image, options.exposureStops, result.notes),
                                     options.workingPrimaries, RgbPrimaries::Rec2020);
        progress.checkCancelled();
        const float whiteF = float(white);
        const long long clipped = applyPerSample(img, [&](float v, bool& clip) {
            const float cdM2 = v * whiteF;
            clip = cdM2 > float(pq::peakCdM2);
            return pqEncodeFloat(cdM2);
        });
        img.setEncoding(ColourEncoding::Pq);
        result.image = img;
        result.scalars["clipped_fraction"] = double(clipped) / sampleCount(img);
    } else {
        if (image.empty()) throw Error("PQ decoding needs an image (got an empty one)");
        if (image.channels() == 2) throw Error("PQ decoding needs 1, 3 or 4 channels, not 2");
        if (image.encoding() == ColourEncoding::Hlg)
            throw Error("this image holds HLG code values, not PQ ones");
        if (image.encoding() == ColourEncoding::Linear)
            result.notes.push_back("the input is tagged linear; its samples are read as PQ code values");
        Image img = image.clone();
        const double gain = std::exp2(options.exposureStops) / white;
        std::atomic<long long> nonFinite{0};
        applyPerSample(img, [&](float v, bool&) {
            if (!std::isfinite(v)) {
                nonFinite.fetch_add(1, std::memory_order_relaxed);
                return 0.0f;
            }
            return float(std::min(pqDecode(double(v)) * gain, double(kRadianceCeiling)));
        });
        if (nonFinite.load() > 0)
            result.notes.push_back("replaced " + std::to_string(nonFinite.load()) + " non-finite PQ code values by 0");
        img.setEncoding(ColourEncoding::Linear);
        result.image = convertPrimaries(img, RgbPrimaries::Rec2020, options.workingPrimaries);
    }
    progress.report(1.0, "PQ");
    return result;
}

ToneMapResult toneMapHlg(const Image& radiance, const HlgOptions& options, ProgressSink& progress)
{
    const double peak = options.sceneValueAtPeak;
    if (!(peak > 0.0) || !std::isfinite(peak)) throw Error("the scene value at the HLG peak must be positive");
    ToneMapResult result;
    Image img = convertPrimaries(prepareRadianceForToneMapping(radiance, options.exposureStops, result.notes),
                                 options.workingPrimaries, RgbPrimaries::Rec2020);
    progress.checkCancelled();
    const long long clipped = applyPerSample(img, [&](float v, bool& clip) {
        const double e = double(v) / peak;
        clip = e > 1.0;
        return float(hlgOetf(e));
    });
    img.setEncoding(ColourEncoding::Hlg);
    result.image = img;
    result.scalars["clipped_fraction"] = double(clipped) / sampleCount(img);
    progress.report(1.0, "HLG");
    return result;
}

} // namespace fuselab
