// The quality metrics (SPEC §4) as operators: one per metric, category `metric`, input
// image + stack (images[0] the fused result, the stack its sources). Each returns its value
// under the CLI's JSON key in `scalars` and, where a map makes sense, the map as `image`
// (padded to the input's size so that it lies over it).
//
// Reference metrics (metric-ssim, metric-psnr) compare images[0] with a reference image in
// images[1]. Without one they compare it with every stack frame and report the mean (the
// fusion-evaluation convention of judging a fusion against its sources; VIFB/MEFB average
// SSIM over sources and PSNR over the sources' mean MSE), and say so in a note.
#include "builtin_list.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/param_binding.hpp"
#include "fuselab/metrics.hpp"

#include <cmath>
#include <functional>

namespace fuselab {
namespace {

constexpr const char* kMefSsimReference =
    "K. Ma, K. Zeng, Z. Wang, Perceptual quality assessment for multi-exposure image fusion, IEEE TIP 24(11), 2015";
constexpr const char* kSsimReference =
    "Z. Wang, A. C. Bovik, H. R. Sheikh, E. P. Simoncelli, Image quality assessment: from error visibility to structural "
    "similarity, IEEE TIP 13(4), 2004; MS-SSIM: Z. Wang, E. P. Simoncelli, A. C. Bovik, Asilomar 2003";

constexpr const char* kVifReference = "H. R. Sheikh, A. C. Bovik, Image information and visual quality, IEEE TIP 15(2), 2006 "
                                      "(vifp_mscale); fusion form Σ_k VIF(X_k, F) as in the IVIF evaluation toolkits";

using MetricRun = std::function<OperatorOutput(const OperatorInput&, const ParamValues&, ProgressSink&)>;

// An operator described by data: the metric operators differ only in these fields.
// `binding`, where the metric has an options struct, holds its specs bound to it.
class MetricOperator final : public Operator, public HasParamBinding {
public:
    MetricOperator(OperatorInfo info, std::vector<ParamSpec> params, MetricRun run, const ParamBindingBase* binding = nullptr)
        : m_info(std::move(info)), m_params(std::move(params)), m_run(std::move(run)), m_binding(binding)
    {
        m_info.category = category::metric;
    }
    OperatorInfo info() const override { return m_info; }
    std::vector<ParamSpec> params() const override { return m_params; }
    std::vector<const ParamBindingBase*> paramBindings() const override
    {
        if (m_binding) return {m_binding};
        return {};
    }
    InputKind inputKind() const override { return InputKind::ImageAndStack; }
    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        OperatorOutput out = m_run(input, values, progress);
        progress.report(1.0, "done");
        return out;
    }

private:
    OperatorInfo m_info;
    std::vector<ParamSpec> m_params;
    MetricRun m_run;
    const ParamBindingBase* m_binding;
};

std::vector<Image> sourceGreys(const OperatorInput& in)
{
    const Image& fused = in.images.front();
    std::vector<Image> greys;
    for (const StackFrame& f : in.stack->frames) {
        if (f.pixels.width() != fused.width() || f.pixels.height() != fused.height())
            throw Error(f.path, "is " + std::to_string(f.pixels.width()) + "x" + std::to_string(f.pixels.height()) +
                                    " but the image to judge is " + std::to_string(fused.width()) + "x" +
                                    std::to_string(fused.height()));
        greys.push_back(metricGrey(f.pixels));
    }
    return greys;
}

const Image* explicitReference(const OperatorInput& in)
{
    return in.images.size() > 1 && !in.images[1].empty() ? &in.images[1] : nullptr;
}

std::string sourcesNote(const OperatorInput& in, const char* what)
{
    return std::string("no reference image: ") + what + " against each of the " + std::to_string(in.stack->frames.size()) +
           " stack frames";
}

// ---- parameter schemas -------------------------------------------------------------------

template <class Params>
void bindWindow(ParamBinding<Params>& b, const char* reference)
{
    b.integer("window_px", "Window", 3, 31, &Params::windowPx)
        .withUnit("px").withStep(2)
        .withTooltip("Side of the square window (odd). The reference code uses 11.")
        .withReference(reference);
}

template <class Params>
void bindSigma(ParamBinding<Params>& b, const char* reference)
{
    b.number("sigma_px", "Gaussian σ", 0.1, 10.0, &Params::sigmaPx)
        .withUnit("px").withStep(0.1).withSoftRange(0.5, 4.0)
        .withTooltip("σ of the Gaussian window of the similarity statistics. The reference code uses 1.5.")
        .withReference(reference);
}

// weight_scale1 … weight_scale5, bound to the struct's levelWeights (its default holds five).
template <class Params>
void bindLevelWeights(ParamBinding<Params>& b, const char* reference, const char* whose)
{
    for (int l = 0; l < 5; ++l)
        b.number("weight_scale" + std::to_string(l + 1), "Weight, scale " + std::to_string(l + 1), 0.0, 1.0,
                 [l](const Params& p) { return p.levelWeights.at(std::size_t(l)); },
                 [l](Params& p, double w) { p.levelWeights.at(std::size_t(l)) = w; })
            .withStep(0.0001)
            .withTooltip(std::string("Exponent of scale ") + std::to_string(l + 1) +
                         " (finest first) in the multi-scale product; only the first `levels` are used. "
                         "Default: MS-SSIM's [0.0448 0.2856 0.3001 0.2363 0.1333] (Wang et al. 2003)" + whose)
            .withReference(reference);
}

const ParamBinding<MefSsimParams>& mefSsimBinding()
{
    static const ParamBinding<MefSsimParams> binding = [] {
        ParamBinding<MefSsimParams> b;
        b.number("k", "K", 1e-4, 1.0, &MefSsimParams::k)
            .withStep(0.001).withSoftRange(0.001, 0.1)
            .withTooltip("Stabilising constant C = (K·255)² of the structure comparison. The reference code uses 0.03.")
            .withReference(kMefSsimReference);
        bindWindow(b, kMefSsimReference);
        bindSigma(b, kMefSsimReference);
        b.number("signal_offset", "Signal-strength offset", 1e-6, 1.0, &MefSsimParams::signalOffset)
            .withStep(0.0001).withLogScale()
            .withTooltip("Added to each exposure's patch signal strength ‖x − μ‖ so flat patches stay defined. Reference: 0.001.")
            .withReference(kMefSsimReference);
        b.number("exponent_cap", "Exponent cap", 0.1, 100.0, &MefSsimParams::exponentCap)
            .withStep(0.5).withSoftRange(1.0, 20.0)
            .withTooltip("Cap of p = tan(πR/2), the exponent that turns signal strengths into structure weights; "
                         "10 is, per the reference code, as good as taking the strongest exposure.")
            .withReference(kMefSsimReference);
        b.integer("levels", "Scales", 1, 5, &MefSsimParams::levels)
            .withTooltip("Scales of the multi-scale score (2×2 mean and decimation between them). The reference mef_ms_ssim.m "
                         "uses 3; 1 gives the single-scale score only.")
            .withReference(kMefSsimReference);
        bindLevelWeights(b, kMefSsimReference, "; mef_ms_ssim.m uses the first three, normalised");
        return b;
    }();
    return binding;
}

const ParamBinding<SsimParams>& ssimBinding()
{
    static const ParamBinding<SsimParams> binding = [] {
        ParamBinding<SsimParams> b;
        b.number("k1", "K1", 1e-4, 1.0, &SsimParams::k1)
            .withStep(0.001).withSoftRange(0.001, 0.1)
            .withTooltip("C1 = (K1·L)² stabilises the luminance term. Wang et al. 2004: 0.01.")
            .withReference(kSsimReference);
        b.number("k2", "K2", 1e-4, 1.0, &SsimParams::k2)
            .withStep(0.001).withSoftRange(0.001, 0.1)
            .withTooltip("C2 = (K2·L)² stabilises the contrast-structure term. Wang et al. 2004: 0.03.")
            .withReference(kSsimReference);
        b.number("dynamic_range", "Dynamic range L", 1.0, 65535.0, &SsimParams::dynamicRange)
            .withStep(1.0).withSoftRange(1.0, 1023.0)
            .withTooltip("L, the range of the grey levels compared (0–255 here, as the reference drivers make them).")
            .withReference(kSsimReference);
        bindWindow(b, kSsimReference);
        bindSigma(b, kSsimReference);
        b.integer("levels", "MS-SSIM scales", 1, 5, &SsimParams::levels)
            .withTooltip("Scales of MS-SSIM (msssim.m: 5; it needs a shorter side of 11·2^(scales−1) px).")
            .withReference(kSsimReference);
        bindLevelWeights(b, kSsimReference, "");
        return b;
    }();
    return binding;
}

// ---- the operators -------------------------------------------------------------------------

std::shared_ptr<const Operator> mefSsimOperator()
{
    return std::make_shared<MetricOperator>(
        OperatorInfo{"metric-mef-ssim", "MEF-SSIM", category::metric, 1,
                     "Structural similarity of a fused image to the best structure its exposures offer, single- and multi-scale.",
                     kMefSsimReference},
        mefSsimBinding().specs(), [](const OperatorInput& in, const ParamValues& v, ProgressSink& progress) {
            MefSsimParams p = mefSsimBinding().read(v);
            const Image& fused = in.images.front();
            OperatorOutput out;
            const int fit = mefSsimLevelsThatFit(fused.width(), fused.height(), p.windowPx);
            const int wanted = p.levels;
            if (fit >= 1 && fit < wanted) {
                p.levels = 1;
                out.notes.push_back(std::to_string(wanted) + "-scale MEF-SSIM needs a shorter side of at least " +
                                    std::to_string(p.windowPx << (wanted - 1)) + " px; only the single-scale score is given");
            }
            const MefSsimResult r = mefSsimGrey(metricGrey(fused), sourceGreys(in), p, progress);
            if (p.levels == wanted) out.scalars["mef_ssim"] = r.score;
            out.scalars["mef_ssim_single_scale"] = r.singleScale;
            out.image = padValidMap(r.maps.front(), fused.width(), fused.height());
            return out;
        },
        &mefSsimBinding());
}

std::shared_ptr<const Operator> ssimOperator()
{
    return std::make_shared<MetricOperator>(
        OperatorInfo{"metric-ssim", "SSIM and MS-SSIM", category::metric, 1,
                     "Structural similarity to a reference image (images[1]), or the mean over the stack's frames without one.",
                     kSsimReference},
        ssimBinding().specs(), [](const OperatorInput& in, const ParamValues& v, ProgressSink&) {
            const SsimParams p = ssimBinding().read(v);
            const Image& fused = in.images.front();
            const Image fusedGrey = metricGrey(fused);
            std::vector<Image> references;
            OperatorOutput out;
            if (const Image* ref = explicitReference(in)) {
                references.push_back(metricGrey(*ref));
            } else {
                references = sourceGreys(in);
                out.notes.push_back(sourcesNote(in, "SSIM is the mean of the SSIM"));
            }
            const bool multi = msSsimLevelsThatFit(fused.width(), fused.height(), p.windowPx) >= p.levels;
            if (!multi)
                out.notes.push_back(std::to_string(p.levels) + "-scale MS-SSIM needs a shorter side of at least " +
                                    std::to_string(p.windowPx << (p.levels - 1)) + " px; not computed");
            double ssimSum = 0.0, msSum = 0.0;
            Image meanMap;
            for (const Image& r : references) {
                const SsimResult s = ssimGrey(fusedGrey, r, p, true);
                ssimSum += s.ssim;
                if (meanMap.empty()) {
                    meanMap = s.map;
                } else {
                    for (int y = 0; y < meanMap.height(); ++y)
                        for (int x = 0; x < meanMap.width(); ++x) meanMap.row(y)[x] += s.map.row(y)[x];
                }
                if (multi) msSum += msSsimGrey(fusedGrey, r, p);
            }
            const double count = double(references.size());
            for (int y = 0; y < meanMap.height(); ++y)
                for (int x = 0; x < meanMap.width(); ++x) meanMap.row(y)[x] = float(meanMap.row(y)[x] / count);
            out.scalars["ssim"] = ssimSum / count;
            if (multi) out.scalars["ms_ssim"] = msSum / count;
            out.image = padValidMap(meanMap, fused.width(), fused.height());
            return out;
        },
        &ssimBinding());
}

const ParamBinding<PsnrSettings>& psnrBinding()
{
    static const ParamBinding<PsnrSettings> binding = [] {
        ParamBinding<PsnrSettings> b;
        b.number("peak", "Peak", 1e-6, 1e6, &PsnrSettings::peak)
            .withStep(0.01).withSoftRange(0.1, 10.0).withLogScale()
            .withTooltip("Peak value for 10·log10(peak²/MSE). Integer files are compared normalised to [0,1], so 1 is "
                         "their own peak (255 for 8-bit, 65535 for 16-bit); float images are compared as they are.");
        b.number("mu", "μ of PSNR-μ", 1.0, 1e6, &PsnrSettings::mu)
            .withStep(100.0).withLogScale()
            .withTooltip("μ of the μ-law tone curve ln(1+μx)/ln(1+μ) applied before PSNR-μ (HDR references only). "
                         "Kalantari & Ramamoorthi 2017: 5000.")
            .withReference("N. K. Kalantari, R. Ramamoorthi, Deep high dynamic range imaging of dynamic scenes, SIGGRAPH 2017");
        return b;
    }();
    return binding;
}

std::shared_ptr<const Operator> psnrOperator()
{
    return std::make_shared<MetricOperator>(
        OperatorInfo{"metric-psnr", "PSNR and PSNR-μ", category::metric, 1,
                     "Peak signal-to-noise ratio over all channels against a reference image (images[1]), or against the "
                     "stack's frames (their mean MSE) without one; PSNR-μ too for an HDR (linear) reference.",
                     "Mean squared error over every sample; PSNR-μ: Kalantari & Ramamoorthi 2017"},
        psnrBinding().specs(), [](const OperatorInput& in, const ParamValues& v, ProgressSink&) {
            const Image& fused = in.images.front();
            OperatorOutput out;
            const PsnrSettings settings = psnrBinding().read(v);
            const double peak = settings.peak;
            if (const Image* ref = explicitReference(in)) {
                out.scalars["psnr"] = psnrDb(fused, *ref, peak);
                if (ref->encoding() == ColourEncoding::Linear) out.scalars["psnr_mu"] = psnrMuDb(fused, *ref, settings.mu);
            } else {
                double mse = 0.0;
                for (const StackFrame& f : in.stack->frames) mse += meanSquaredError(fused, f.pixels.toFloat());
                mse /= double(in.stack->frames.size());
                out.scalars["psnr"] = mse > 0.0 ? 10.0 * std::log10(peak * peak / mse) : HUGE_VAL;
                out.notes.push_back(sourcesNote(in, "PSNR of the mean MSE"));
            }
            return out;
        },
        &psnrBinding());
}

std::shared_ptr<const Operator> spatialFrequencyOperator()
{
    return std::make_shared<MetricOperator>(
        OperatorInfo{"metric-spatial-frequency", "Spatial frequency", category::metric, 1,
                     "RMS of horizontal (RF) and vertical (CF) grey-level differences, SF = sqrt(RF² + CF²).",
                     "A. M. Eskicioglu, P. S. Fisher, Image quality measures and their performance, IEEE TCOM 43(12), 1995"},
        std::vector<ParamSpec>{}, [](const OperatorInput& in, const ParamValues&, ProgressSink&) {
            const SpatialFrequency sf = spatialFrequency(metricGrey(in.images.front()));
            OperatorOutput out;
            out.scalars["spatial_frequency"] = sf.spatialFrequency;
            out.scalars["row_frequency"] = sf.rowFrequency;
            out.scalars["column_frequency"] = sf.columnFrequency;
            return out;
        });
}

std::shared_ptr<const Operator> entropyOperator()
{
    return std::make_shared<MetricOperator>(
        OperatorInfo{"metric-entropy", "Entropy", category::metric, 1,
                     "Shannon entropy in bits of the 256-level grey histogram.",
                     "C. E. Shannon, A mathematical theory of communication, 1948"},
        std::vector<ParamSpec>{}, [](const OperatorInput& in, const ParamValues&, ProgressSink&) {
            OperatorOutput out;
            out.scalars["entropy"] = entropyBits(metricGrey(in.images.front()));
            return out;
        });
}

std::shared_ptr<const Operator> standardDeviationOperator()
{
    return std::make_shared<MetricOperator>(
        OperatorInfo{"metric-standard-deviation", "Standard deviation", category::metric, 1,
                     "Population standard deviation of the grey levels (0–255).", "Fusion literature (e.g. MEFB, VIFB)"},
        std::vector<ParamSpec>{}, [](const OperatorInput& in, const ParamValues&, ProgressSink&) {
            OperatorOutput out;
            out.scalars["standard_deviation"] = standardDeviation(metricGrey(in.images.front()));
            return out;
        });
}

const ParamBinding<AverageGradientSettings>& averageGradientBinding()
{
    static const ParamBinding<AverageGradientSettings> binding = [] {
        ParamBinding<AverageGradientSettings> b;
        b.choice<GradientDifferences>("differences", "Differences",
                                      {{GradientDifferences::Central, {"central", "Central (MATLAB gradient, toolkits)"}},
                                       {GradientDifferences::Forward, {"forward", "Forward (textbook)"}}},
                                      &AverageGradientSettings::differences)
            .withTooltip("Central: MATLAB gradient() over every pixel, as the VIFB/MEFB toolkits compute it (default). "
                         "Forward: forward differences over the (W−1)(H−1) pixels that have both neighbours.");
        return b;
    }();
    return binding;
}

std::shared_ptr<const Operator> averageGradientOperator()
{
    return std::make_shared<MetricOperator>(
        OperatorInfo{"metric-average-gradient", "Average gradient", category::metric, 1,
                     "Mean of sqrt((Gx² + Gy²)/2) of the grey levels, normalised by (W−1)(H−1).",
                     "Fusion literature; central differences as the VIFB/MEFB toolkits (MATLAB gradient)"},
        averageGradientBinding().specs(),
        [](const OperatorInput& in, const ParamValues& v, ProgressSink&) {
            OperatorOutput out;
            out.scalars["average_gradient"] = averageGradient(metricGrey(in.images.front()), averageGradientBinding().read(v).differences);
            return out;
        },
        &averageGradientBinding());
}

std::shared_ptr<const Operator> mutualInformationOperator()
{
    return std::make_shared<MetricOperator>(
        OperatorInfo{"metric-mutual-information", "Fusion mutual information", category::metric, 1,
                     "Σ over the stack's frames of I(frame; fused) in bits, from 256×256 joint grey histograms.",
                     "G. Qu, D. Zhang, P. Yan, Information measure for performance of image fusion, Electronics Letters 38(7), 2002"},
        std::vector<ParamSpec>{}, [](const OperatorInput& in, const ParamValues&, ProgressSink&) {
            OperatorOutput out;
            out.scalars["mutual_information"] = fusionMutualInformation(metricGrey(in.images.front()), sourceGreys(in));
            return out;
        });
}

std::shared_ptr<const Operator> nmiOperator()
{
    return std::make_shared<MetricOperator>(
        OperatorInfo{"metric-nmi", "Normalised mutual information", category::metric, 1,
                     "2 Σ over the stack's frames of I(frame; fused) / (H(frame) + H(fused)).",
                     "M. Hossny, S. Nahavandi, D. Creighton, Comments on 'Information measure for performance of image fusion', "
                     "Electronics Letters 44(18), 2008"},
        std::vector<ParamSpec>{}, [](const OperatorInput& in, const ParamValues&, ProgressSink&) {
            OperatorOutput out;
            out.scalars["nmi"] = fusionNormalisedMutualInformation(metricGrey(in.images.front()), sourceGreys(in));
            return out;
        });
}

const ParamBinding<QabfParams>& qabfBinding()
{
    static const ParamBinding<QabfParams> binding = [] {
        constexpr const char* ref = "C. S. Xydeas, V. Petrović, Objective image fusion performance measure, Electronics Letters 36(4), 2000";
        ParamBinding<QabfParams> b;
        auto constant = [&](const char* id, const char* label, double lo, double hi, double QabfParams::*member, const char* what) {
            b.number(id, label, lo, hi, member)
                .withStep(0.01)
                .withTooltip(std::string(what) + " Xydeas & Petrović 2000: " + formatParamValue(QabfParams{}.*member) + ".")
                .withReference(ref);
        };
        constant("tg", "Γg", 0.0, 2.0, &QabfParams::tg, "Peak of the edge-strength preservation sigmoid.");
        constant("kg", "κg", -100.0, 0.0, &QabfParams::kg, "Slope of the edge-strength sigmoid.");
        constant("dg", "σg", 0.0, 1.0, &QabfParams::dg, "Centre of the edge-strength sigmoid.");
        constant("ta", "Γα", 0.0, 2.0, &QabfParams::ta, "Peak of the orientation preservation sigmoid.");
        constant("ka", "κα", -100.0, 0.0, &QabfParams::ka, "Slope of the orientation sigmoid.");
        constant("da", "σα", 0.0, 1.0, &QabfParams::da, "Centre of the orientation sigmoid.");
        constant("weight_exponent", "Weight exponent L", 0.0, 4.0, &QabfParams::weightExponent,
                 "Exponent L of the edge-strength weights w = g^L.");
        return b;
    }();
    return binding;
}

std::shared_ptr<const Operator> qabfOperator()
{
    return std::make_shared<MetricOperator>(
        OperatorInfo{"metric-qabf", "Qabf (edge preservation)", category::metric, 1,
                     "How much of the frames' Sobel edge strength and orientation the fused image keeps, weighted by edge "
                     "strength, over all frames.",
                     qabfBinding().specs().front().reference},
        qabfBinding().specs(),
        [](const OperatorInput& in, const ParamValues& v, ProgressSink&) {
            OperatorOutput out;
            Image map;
            out.scalars["qabf"] = qabf(metricGrey(in.images.front()), sourceGreys(in), qabfBinding().read(v), &map);
            out.image = map;
            return out;
        },
        &qabfBinding());
}

const ParamBinding<VifSettings>& vifBinding()
{
    static const ParamBinding<VifSettings> binding = [] {
        ParamBinding<VifSettings> b;
        b.number("noise_variance", "HVS noise σn²", 0.01, 100.0, &VifSettings::noiseVariance)
            .withStep(0.1).withLogScale()
            .withTooltip("Variance of the visual noise added to both images' channels (grey levels²). vifp_mscale.m: 2.")
            .withReference(kVifReference);
        return b;
    }();
    return binding;
}

std::shared_ptr<const Operator> vifOperator()
{
    return std::make_shared<MetricOperator>(
        OperatorInfo{"metric-vif", "VIF (fusion)", category::metric, 1,
                     "Σ over the stack's frames of the pixel-domain multi-scale VIF of the fused image against the frame.", kVifReference},
        vifBinding().specs(),
        [](const OperatorInput& in, const ParamValues& v, ProgressSink&) {
            OperatorOutput out;
            out.scalars["vif"] = fusionVif(metricGrey(in.images.front()), sourceGreys(in), vifBinding().read(v).noiseVariance);
            return out;
        },
        &vifBinding());
}

} // namespace

std::vector<std::shared_ptr<const Operator>> makeMetricOperators()
{
    return {mefSsimOperator(),          ssimOperator(),      psnrOperator(), spatialFrequencyOperator(),
            entropyOperator(),          standardDeviationOperator(), averageGradientOperator(),
            mutualInformationOperator(), nmiOperator(),       qabfOperator(), vifOperator()};
}

} // namespace fuselab
