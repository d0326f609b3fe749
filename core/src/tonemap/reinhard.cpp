// Reinhard, Stark, Shirley & Ferwerda 2002, "Photographic Tone Reproduction for Digital
// Images": the global operator (eq. 4) and the local dodging-and-burning operator (eqs. 5–9).
#include "opencv_image.hpp"
#include "tonemap_common.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace fuselab {

using namespace tonemap_detail;

namespace {

void checkKeyAndDelta(double key, double delta)
{
    if (!(key > 0.0) || !std::isfinite(key)) throw Error("the key a must be positive");
    if (!(delta > 0.0) || !std::isfinite(delta)) throw Error("the log-average δ must be positive");
}

/// L_m = (a / L̄) · L, in place on a 1-channel image.
void scaleLuminance(Image& lum, double factor)
{
    parallelFor(0, lum.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            float* l = lum.row(y);
            for (int x = 0; x < lum.width(); ++x)
                l[x] = float(std::min(double(l[x]) * factor, double(kRadianceCeiling)));
        }
    });
}

} // namespace

ToneMapResult toneMapReinhard(const Image& radiance, const ReinhardOptions& options, ProgressSink& progress)
{
    checkKeyAndDelta(options.key, options.logAverageDelta);
    if (!(options.whiteLuminance >= 0.0) || !std::isfinite(options.whiteLuminance))
        throw Error("L_white must be 0 (automatic) or positive");
    ToneMapResult result;
    const Image img = prepareRadianceForToneMapping(radiance, options.exposureStops, result.notes);
    progress.checkCancelled();

    const Image lum = luminanceOf(img);
    const double logAverage = logAverageLuminance(lum, options.logAverageDelta);
    Image scaled = lum.clone();
    scaleLuminance(scaled, options.key / logAverage);
    // Automatic L_white: the largest scaled luminance, which then maps exactly to 1.
    double white = options.whiteLuminance;
    if (white == 0.0) white = maxColourSample(scaled);
    const double invWhite2 = white > 0.0 ? 1.0 / (white * white) : 0.0;

    Image display = Image::uninitialised(lum.width(), lum.height(), 1, ColourEncoding::Linear);
    parallelFor(0, lum.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* lm = scaled.row(y);
            float* ld = display.row(y);
            for (int x = 0; x < lum.width(); ++x) {
                const double m = lm[x];
                // L_d = L_m (1 + L_m / L_white²) / (1 + L_m), in double: L_m² may exceed float.
                ld[x] = float(m * (1.0 + m * invWhite2) / (1.0 + m));
            }
        }
    });
    progress.checkCancelled();
    result.image = restoreColour(img, lum, display, options.saturation);
    result.scalars["log_average_luminance"] = logAverage;
    result.scalars["white_luminance"] = white;
    progress.report(1.0, "Reinhard");
    return result;
}

namespace {

/// Gaussian blurs of one image at arbitrary σ, each computed on the coarsest level of an
/// area-averaged pyramid that still holds it (σ ≥ kMinCoarseSigma coarse pixels) and brought
/// back to full size bilinearly. A 2^k reduction costs 4^k less per tap and 2^k fewer taps;
/// for σ ≥ 2.4 px the result differs from a full-size cv::GaussianBlur by well under 1 % of
/// the signal's local range (the blurred signal has no detail the coarse grid cannot hold).
class PyramidBlur {
public:
    static constexpr double kMinCoarseSigma = 1.2;

    explicit PyramidBlur(const cv::Mat& full)
    {
        m_levels.push_back(full);
        while (std::min(m_levels.back().cols, m_levels.back().rows) >= 16 && m_levels.size() < 8) {
            const cv::Mat& prev = m_levels.back();
            cv::Mat next;
            cv::resize(prev, next, cv::Size((prev.cols + 1) / 2, (prev.rows + 1) / 2), 0, 0, cv::INTER_AREA);
            m_levels.push_back(next);
        }
    }

    cv::Mat blur(double sigmaPx) const
    {
        std::size_t level = 0;
        while (level + 1 < m_levels.size() && sigmaPx / double(1 << (level + 1)) >= kMinCoarseSigma) ++level;
        cv::Mat out;
        if (level == 0) {
            cv::GaussianBlur(m_levels[0], out, cv::Size(0, 0), sigmaPx, sigmaPx, cv::BORDER_REFLECT);
            return out;
        }
        // The area average (variance (f²−1)/12) and the bilinear return (≈ f²/6) blur too;
        // the coarse Gaussian supplies the rest of σ².
        const double f = double(1 << level);
        const double residual = sigmaPx * sigmaPx - (f * f - 1.0) / 12.0 - f * f / 6.0;
        const double coarseSigma = std::max(std::sqrt(std::max(residual, 0.0)) / f, 0.5 * sigmaPx / f);
        cv::Mat coarse;
        cv::GaussianBlur(m_levels[level], coarse, cv::Size(0, 0), coarseSigma, coarseSigma, cv::BORDER_REFLECT);
        cv::resize(coarse, out, m_levels[0].size(), 0, 0, cv::INTER_LINEAR);
        return out;
    }

private:
    std::vector<cv::Mat> m_levels;
};

} // namespace

// At 12 MP, nine full-size Gaussian blurs up to σ = 10.7 px (≈ 65 taps) cost several seconds on
// two cores. The blurs of σ ≥ 2.4 px are therefore computed on reduced pyramid levels
// (PyramidBlur) and brought back bilinearly, while the activity test and the scale selection
// run at full resolution, so the choice of scale stays per pixel. Against plain full-size blurs
// the display luminance differs by 3e-4 on average (tests/unit/tonemap_test.cpp).
ToneMapResult toneMapReinhardLocal(const Image& radiance, const ReinhardLocalOptions& options, ProgressSink& progress)
{
    checkKeyAndDelta(options.key, options.logAverageDelta);
    if (options.scales < 1) throw Error("the local operator needs at least one scale");
    if (!(options.scaleRatio > 1.0) || !(options.alpha1 > 0.0) || !(options.surroundRatio > 1.0) ||
        !(options.epsilon > 0.0) || !std::isfinite(options.phi))
        throw Error("scale ratio and surround ratio must exceed 1; α1 and ε must be positive");
    ToneMapResult result;
    const Image img = prepareRadianceForToneMapping(radiance, options.exposureStops, result.notes);
    progress.report(0.0, "Reinhard local: luminance");
    progress.checkCancelled();

    const Image lum = luminanceOf(img);
    const double logAverage = logAverageLuminance(lum, options.logAverageDelta);
    Image scaled = lum.clone();
    scaleLuminance(scaled, options.key / logAverage);
    const cv::Mat lm = matView(scaled);
    const PyramidBlur blurs(lm);

    // The paper's kernel R_i = exp(−r²/(α_i s)²)/(π(α_i s)²) is a Gaussian of σ = α_i·s/√2.
    // Scales run s = 1, ratio, ratio², …; with the default ratios the surround of scale i is
    // the centre of scale i+1, so that blur is reused.
    const auto centreSigma = [&](int i) { return options.alpha1 * std::pow(options.scaleRatio, i) / std::sqrt(2.0); };
    const double surroundFactor = options.surroundRatio;
    const double sharpening = std::exp2(options.phi) * options.key;

    // Selected centre response V1(s_max) per pixel, and whether the search has stopped there.
    cv::Mat centre = blurs.blur(centreSigma(0));
    cv::Mat selected = centre.clone(); // where even the smallest scale is too active
    cv::Mat stopped = cv::Mat::zeros(lm.size(), CV_8U);
    cv::Mat selectedScale(lm.size(), CV_32F, cv::Scalar(1.0));
    for (int i = 0; i < options.scales; ++i) {
        progress.report(0.05 + 0.9 * double(i) / double(options.scales), "Reinhard local: scales");
        progress.checkCancelled();
        const double s = std::pow(options.scaleRatio, i);
        const double surroundSigma = centreSigma(i) * surroundFactor;
        const bool reuse = std::abs(surroundSigma - centreSigma(i + 1)) < 1e-9 * surroundSigma;
        cv::Mat surround = blurs.blur(surroundSigma);
        const float activityOffset = float(sharpening / (s * s));
        const float eps = float(options.epsilon);
        parallelFor(0, lm.rows, 32, [&](int y0, int y1) {
            for (int y = y0; y < y1; ++y) {
                const float* v1 = centre.ptr<float>(y);
                const float* v2 = surround.ptr<float>(y);
                float* sel = selected.ptr<float>(y);
                float* scale = selectedScale.ptr<float>(y);
                unsigned char* stop = stopped.ptr<unsigned char>(y);
                for (int x = 0; x < lm.cols; ++x) {
                    if (stop[x]) continue;
                    const float activity = (v1[x] - v2[x]) / (activityOffset + v1[x]);
                    if (std::fabs(activity) < eps) {
                        sel[x] = v1[x];
                        scale[x] = float(s);
                    } else {
                        stop[x] = 1; // the largest scale with |V| < ε lies below this one
                    }
                }
            }
        });
        if (i + 1 < options.scales) centre = reuse ? surround : blurs.blur(centreSigma(i + 1));
    }

    Image display = Image::uninitialised(lum.width(), lum.height(), 1, ColourEncoding::Linear);
    double scaleSum = 0.0;
    std::vector<double> rowScaleSums(std::size_t(lum.height()), 0.0);
    parallelFor(0, lum.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* m = scaled.row(y);
            const float* sel = selected.ptr<float>(y);
            const float* scale = selectedScale.ptr<float>(y);
            float* ld = display.row(y);
            double sum = 0.0;
            for (int x = 0; x < lum.width(); ++x) {
                ld[x] = m[x] / (1.0f + std::max(sel[x], 0.0f));
                sum += scale[x];
            }
            rowScaleSums[std::size_t(y)] = sum;
        }
    });
    for (double s : rowScaleSums) scaleSum += s;
    result.image = restoreColour(img, lum, display, options.saturation);
    result.scalars["log_average_luminance"] = logAverage;
    result.scalars["mean_selected_scale_px"] = scaleSum / double(lum.pixelCount());
    progress.report(1.0, "Reinhard local");
    return result;
}

} // namespace fuselab
