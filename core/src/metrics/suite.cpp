// Every metric of a fused image at once, with the CLI's keys and in the CLI's order.
#include "fuselab/metrics.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"

#include <algorithm>

namespace fuselab {
namespace {

std::string sizeText(int w, int h)
{
    return std::to_string(w) + "x" + std::to_string(h);
}

} // namespace

std::vector<std::string> fusionMetricKeys()
{
    return {"mef_ssim", "mef_ssim_single_scale", "spatial_frequency", "entropy", "standard_deviation",
            "average_gradient", "mutual_information", "nmi", "qabf", "vif"};
}

std::vector<std::string> referenceMetricKeys(bool hdrReference)
{
    std::vector<std::string> keys = {"psnr"};
    if (hdrReference) keys.push_back("psnr_mu");
    keys.push_back("ssim");
    keys.push_back("ms_ssim");
    return keys;
}

std::vector<MetricValue> computeFusionMetrics(const SampleImage& fused, const ExposureStack& stack,
                                              const SampleImage* reference, const MetricSuiteOptions& options,
                                              ProgressSink& progress)
{
    if (stack.frames.empty()) throw Error("metrics need the exposure stack the image was fused from");
    const int w = fused.width(), h = fused.height();
    // Size problems are the fused image's (front ends attribute file-less errors to it).
    for (const StackFrame& f : stack.frames)
        if (f.pixels.width() != w || f.pixels.height() != h)
            throw Error("is " + sizeText(w, h) + " but its stack is " + sizeText(f.pixels.width(), f.pixels.height()) + " (" +
                        f.path + ")");
    if (reference && (reference->width() != w || reference->height() != h))
        throw Error("is " + sizeText(w, h) + " but the reference is " + sizeText(reference->width(), reference->height()));

    progress.report(0.0, "grey planes");
    const Image fusedGrey = metricGrey(fused);
    std::vector<Image> sources;
    for (const StackFrame& f : stack.frames) sources.push_back(metricGrey(f.pixels));
    progress.checkCancelled();

    std::vector<MetricValue> out;
    auto add = [&](const std::string& key, std::optional<double> value, std::string note = {}) {
        out.push_back({key, value, std::move(note)});
    };

    // MEF-SSIM: the multi-scale score only where its levels fit; the single scale wherever the window does.
    {
        ProgressSpan span(progress, 0.02, 0.45);
        const int fit = mefSsimLevelsThatFit(w, h, options.mefSsim.windowPx);
        if (fit == 0) {
            const std::string why = "the image (" + sizeText(w, h) + ") is smaller than the MEF-SSIM window";
            add("mef_ssim", std::nullopt, why);
            add("mef_ssim_single_scale", std::nullopt, why);
        } else {
            MefSsimParams p = options.mefSsim;
            const bool multi = fit >= p.levels;
            if (!multi) p.levels = 1;
            const MefSsimResult r = mefSsimGrey(fusedGrey, sources, p, span);
            if (multi)
                add("mef_ssim", r.score);
            else
                add("mef_ssim", std::nullopt,
                    std::to_string(options.mefSsim.levels) + "-scale MEF-SSIM needs a shorter side of at least " +
                        std::to_string(options.mefSsim.windowPx << (options.mefSsim.levels - 1)) + " px (the image is " +
                        sizeText(w, h) + ")");
            add("mef_ssim_single_scale", r.singleScale);
        }
    }
    progress.checkCancelled();
    const bool twoByTwo = w >= 2 && h >= 2;
    const std::string tooSmall = "the image (" + sizeText(w, h) + ") is smaller than 2x2";
    if (twoByTwo) add("spatial_frequency", spatialFrequency(fusedGrey).spatialFrequency);
    else add("spatial_frequency", std::nullopt, tooSmall);
    add("entropy", entropyBits(fusedGrey));
    add("standard_deviation", standardDeviation(fusedGrey));
    if (twoByTwo) add("average_gradient", averageGradient(fusedGrey, options.gradient));
    else add("average_gradient", std::nullopt, tooSmall);
    progress.report(0.5, "mutual information");
    add("mutual_information", fusionMutualInformation(fusedGrey, sources));
    add("nmi", fusionNormalisedMutualInformation(fusedGrey, sources));
    progress.checkCancelled();
    progress.report(0.55, "Qabf");
    add("qabf", qabf(fusedGrey, sources, options.qabf));
    progress.checkCancelled();
    progress.report(0.7, "VIF");
    if (w >= 17 && h >= 17) add("vif", fusionVif(fusedGrey, sources));
    else add("vif", std::nullopt, "the image (" + sizeText(w, h) + ") is smaller than VIF's 17x17 window");

    if (reference) {
        progress.checkCancelled();
        progress.report(0.9, "reference metrics");
        const bool hdr = reference->isFloat();
        add("psnr", psnrDb(fused, *reference));
        // PSNR-μ compares linear light: an sRGB-encoded result is decoded first.
        if (hdr) add("psnr_mu", psnrMuDb(withEncoding(fused.toFloat(), ColourEncoding::Linear), *reference->asFloat(), options.psnrMu));
        const Image referenceGrey = metricGrey(*reference);
        const int n = options.ssim.windowPx;
        if (w >= n && h >= n) add("ssim", ssimGrey(fusedGrey, referenceGrey, options.ssim).ssim);
        else add("ssim", std::nullopt, "the image (" + sizeText(w, h) + ") is smaller than the SSIM window");
        if (msSsimLevelsThatFit(w, h, n) >= options.ssim.levels)
            add("ms_ssim", msSsimGrey(fusedGrey, referenceGrey, options.ssim));
        else
            add("ms_ssim", std::nullopt,
                std::to_string(options.ssim.levels) + "-scale MS-SSIM needs a shorter side of at least " +
                    std::to_string(n << (options.ssim.levels - 1)) + " px (the image is " + sizeText(w, h) + ")");
    }
    progress.report(1.0, "metrics done");
    return out;
}

} // namespace fuselab
