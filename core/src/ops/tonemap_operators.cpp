// The tone-mapping operators (category tonemap): each reads its parameters and calls its
// tone mapper in core/src/tonemap (μ-law, PQ, HLG, Reinhard global and local, Drago, Mantiuk,
// Durand).
#include "builtin_list.hpp"

#include "../tonemap/tonemap_common.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/param_binding.hpp"
#include "fuselab/tonemap.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace fuselab {
namespace {

// Parameters and output shared by the tone-mapping operators. Each operator's parameters are
// bound to its options struct (param_binding.hpp): the defaults are the struct's.
template <class Options>
ParamSpec& bindExposure(ParamBinding<Options>& b)
{
    return b.number("exposure_stops", "Exposure", -20.0, 20.0, &Options::exposureStops)
        .withUnit("stops").withStep(0.1).withSoftRange(-8.0, 8.0)
        .withTooltip("Multiplies the radiance by 2^stops before tone mapping (+1 = twice as bright); "
                     "0 leaves it as it is.");
}

template <class Options>
ParamSpec& bindSaturation(ParamBinding<Options>& b, const std::string& reference)
{
    return b.number("saturation", "Saturation", 0.0, 2.0, &Options::saturation)
        .withStep(0.05)
        .withTooltip("Exponent s on the colour ratios: out = (C/L)^s · L_display. 1 keeps the scene's "
                     "colour ratios (the paper's choice), 0 gives grey, below 1 tames over-saturated colour.")
        .withReference(reference);
}

OperatorOutput toOperatorOutput(ToneMapResult result)
{
    OperatorOutput out;
    out.image = std::move(result.image);
    out.scalars = std::move(result.scalars);
    out.notes = std::move(result.notes);
    return out;
}

} // namespace

// --- curves ------------------------------------------------------------------------------------
namespace {

const ParamBinding<MuLawOptions>& muLawBinding()
{
    static const ParamBinding<MuLawOptions> binding = [] {
        ParamBinding<MuLawOptions> b;
        bindExposure(b);
        b.number("mu", "μ", 1.0, 1e7, &MuLawOptions::mu)
                .withLogScale().withSoftRange(10.0, 1e5)
                .withTooltip("Compression strength: larger μ lifts the shadows more. 5000 is the value of "
                             "Kalantari & Ramamoorthi 2017 (PSNR-μ).")
                .withReference("Kalantari & Ramamoorthi 2017");
        b.choice("normalisation", "Normalise by",
                 std::vector<std::pair<MuLawNormalisation, ParamChoice>>{{MuLawNormalisation::Max, {"max", "Brightest sample"}},
                                                                         {MuLawNormalisation::Percentile, {"percentile", "Percentile"}},
                                                                         {MuLawNormalisation::None, {"none", "Nothing"}}},
                 &MuLawOptions::normalisation)
                .withTooltip("What becomes H = 1: the brightest sample (default; the curve is defined on [0,1]), "
                             "a percentile of the per-pixel max(R,G,B) (brighter samples clip), or nothing "
                             "(the radiance must already lie in [0,1]).");
        b.number("percentile", "Percentile", 50.0, 100.0, &MuLawOptions::percentile)
                .withUnit("%").withStep(0.1).withSoftRange(90.0, 100.0)
                .enabledWhen("normalisation=percentile")
                .withTooltip("With percentile normalisation: this percentile of max(R,G,B) maps to H = 1; "
                             "99.9 ignores the brightest 0.1 % (specular glints).");
        return b;
    }();
    return binding;
}

class MuLawOperator final : public Operator, public HasParamBinding {
public:
    OperatorInfo info() const override
    {
        return {"tonemap-mulaw", "μ-law", category::tonemap, 1,
                "Compresses normalised radiance with T(H) = log(1 + μH) / log(1 + μ), the curve HDR "
                "learning papers compare images on.",
                "Kalantari & Ramamoorthi, Deep High Dynamic Range Imaging of Dynamic Scenes, SIGGRAPH 2017"};
    }
    std::vector<ParamSpec> params() const override { return muLawBinding().specs(); }
    std::vector<const ParamBindingBase*> paramBindings() const override { return {&muLawBinding()}; }
    InputKind inputKind() const override { return InputKind::Image; }
    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        MuLawOptions o = muLawBinding().read(values);
        return toOperatorOutput(toneMapMuLaw(input.images.front(), o, progress));
    }
};

const ParamBinding<PqOptions>& pqBinding()
{
    static const ParamBinding<PqOptions> binding = [] {
        ParamBinding<PqOptions> b;
        bindExposure(b);
        b.choice("direction", "Direction",
                 std::vector<std::pair<PqDirection, ParamChoice>>{{PqDirection::Encode, {"encode", "Encode (linear → PQ)"}},
                                                                  {PqDirection::Decode, {"decode", "Decode (PQ → linear)"}}},
                 &PqOptions::direction)
                .withTooltip("encode: linear radiance → PQ code values (written as integer files); decode: PQ "
                             "code values → linear light relative to the reference white (exposure is then "
                             "applied to the decoded light).");
        b.number("reference_white_cdm2", "Reference white", 1.0, 10000.0, &PqOptions::referenceWhiteCdM2)
                .withUnit("cd/m²").withLogScale().withSoftRange(80.0, 1000.0)
                .withTooltip("Display luminance of scene value 1.0 (diffuse white). 203 cd/m² is the HDR "
                             "reference white of ITU-R BT.2408.")
                .withReference("ITU-R BT.2408");
        return b;
    }();
    return binding;
}

class PqOperator final : public Operator, public HasParamBinding {
public:
    OperatorInfo info() const override
    {
        return {"tonemap-pq", "PQ (SMPTE ST 2084)", category::tonemap, 1,
                "Encodes scene-linear light as PQ code values for HDR displays (scene 1.0 = reference "
                "white), or decodes PQ code values back to linear light.",
                "SMPTE ST 2084:2014; ITU-R BT.2100; reference white from ITU-R BT.2408"};
    }
    std::vector<ParamSpec> params() const override { return pqBinding().specs(); }
    std::vector<const ParamBindingBase*> paramBindings() const override { return {&pqBinding()}; }
    InputKind inputKind() const override { return InputKind::Image; }
    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        PqOptions o = pqBinding().read(values);
        o.workingPrimaries = input.workingPrimaries;
        return toOperatorOutput(toneMapPq(input.images.front(), o, progress));
    }
};

const ParamBinding<HlgOptions>& hlgBinding()
{
    static const ParamBinding<HlgOptions> binding = [] {
        ParamBinding<HlgOptions> b;
        bindExposure(b);
        b.number("scene_value_at_peak", "Scene value at peak", 1e-3, 1e6, &HlgOptions::sceneValueAtPeak)
                .withLogScale().withSoftRange(0.1, 100.0)
                .withTooltip("The scene value that becomes E = 1 (brighter values clip). The default "
                             "3.7741 = 1/E(0.75) puts scene 1.0 (diffuse white) at BT.2408's HLG reference "
                             "white E' = 0.75; 1 maps scene 1.0 to the peak.")
                .withReference("ITU-R BT.2408");
        return b;
    }();
    return binding;
}

class HlgOperator final : public Operator, public HasParamBinding {
public:
    OperatorInfo info() const override
    {
        return {"tonemap-hlg", "HLG (BT.2100)", category::tonemap, 1,
                "Encodes scene-linear light with the Hybrid Log-Gamma OETF after mapping a chosen scene "
                "value to the signal peak E = 1.",
                "ITU-R BT.2100 (HLG OETF); reference white from ITU-R BT.2408"};
    }
    std::vector<ParamSpec> params() const override { return hlgBinding().specs(); }
    std::vector<const ParamBindingBase*> paramBindings() const override { return {&hlgBinding()}; }
    InputKind inputKind() const override { return InputKind::Image; }
    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        HlgOptions o = hlgBinding().read(values);
        o.workingPrimaries = input.workingPrimaries;
        return toOperatorOutput(toneMapHlg(input.images.front(), o, progress));
    }
};

} // namespace

std::shared_ptr<const Operator> makeMuLawOperator() { return std::make_shared<MuLawOperator>(); }
std::shared_ptr<const Operator> makePqOperator() { return std::make_shared<PqOperator>(); }
std::shared_ptr<const Operator> makeHlgOperator() { return std::make_shared<HlgOperator>(); }

// --- durand ------------------------------------------------------------------------------------
namespace {

const ParamBinding<DurandOptions>& durandBinding()
{
    static const ParamBinding<DurandOptions> binding = [] {
        ParamBinding<DurandOptions> b;
        bindExposure(b);
        b.number("sigma_space_percent", "Spatial σ", 0.1, 20.0, &DurandOptions::sigmaSpacePercent)
                .withUnit("%").withStep(0.1).withSoftRange(0.5, 8.0)
                .withTooltip("Spatial extent σ_s of the bilateral filter as a percentage of the image's "
                             "long side; 2 % as in the paper.")
                .withReference("Durand & Dorsey 2002, §5.3");
        b.number("sigma_range", "Range σ", 0.05, 5.0, &DurandOptions::sigmaRangeLog10)
                .withUnit("log10").withStep(0.05).withSoftRange(0.1, 2.0)
                .withTooltip("Range σ_r of the bilateral filter in log10 luminance; edges stronger than about "
                             "this are kept out of the base. 0.4 as in the paper.")
                .withReference("Durand & Dorsey 2002, §5.3");
        b.number("target_contrast", "Target contrast", 1.5, 1000.0, &DurandOptions::targetContrast)
                .withLogScale().withSoftRange(2.0, 100.0)
                .withTooltip("Contrast (brightest/darkest) of the base layer after compression; 5 as in "
                             "the paper. Larger keeps more global contrast.")
                .withReference("Durand & Dorsey 2002, §5.3");
        b.number("base_range_clip_percent", "Ignore darkest base", 0.0, 10.0, &DurandOptions::baseRangeClipPercent)
                .withUnit("%").withStep(0.1).withSoftRange(0.0, 5.0)
                .withTooltip("Percentage of the darkest base values left out when measuring the base's range, "
                             "so a few black pixels do not flatten the whole image; 0 uses the full range as "
                             "the paper does.");
        bindSaturation(b, "Colour ratios restored as in Durand & Dorsey 2002 (s = 1)");
        b.choice("output_values", "Output values",
                 std::vector<std::pair<DurandOutputValues, ParamChoice>>{{DurandOutputValues::DisplayCode, {"display", "Display codes (as in the paper)"}},
                                                                         {DurandOutputValues::Linear, {"linear", "Linear light"}}},
                 &DurandOptions::outputValues)
                .withTooltip("display: the result is taken as display code values, as the paper shows it "
                             "(the 5:1 base contrast is a contrast of pixel values, about 34:1 in light); "
                             "linear: the same numbers as linear light (5:1 in light, a flat, pale look).")
                .withReference("Durand & Dorsey 2002, pseudo-code of §5");
        return b;
    }();
    return binding;
}

class DurandOperator final : public Operator, public HasParamBinding {
public:
    OperatorInfo info() const override
    {
        return {"tonemap-durand", "Durand (bilateral)", category::tonemap, 1,
                "Compresses the large-scale variation of log luminance (a bilateral-filtered base) to a "
                "target contrast while keeping the detail layer.",
                "Durand & Dorsey, Fast Bilateral Filtering for the Display of High-Dynamic-Range Images, SIGGRAPH 2002"};
    }
    std::vector<ParamSpec> params() const override { return durandBinding().specs(); }
    std::vector<const ParamBindingBase*> paramBindings() const override { return {&durandBinding()}; }
    InputKind inputKind() const override { return InputKind::Image; }
    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        DurandOptions o = durandBinding().read(values);
        return toOperatorOutput(toneMapDurand(input.images.front(), o, progress));
    }
};

} // namespace

std::shared_ptr<const Operator> makeDurandOperator() { return std::make_shared<DurandOperator>(); }

// --- opencv ------------------------------------------------------------------------------------
namespace {

const ParamBinding<DragoOptions>& dragoBinding()
{
    static const ParamBinding<DragoOptions> binding = [] {
        ParamBinding<DragoOptions> b;
        bindExposure(b);
        b.number("bias", "Bias", 0.5, 1.0, &DragoOptions::bias)
                .withStep(0.01)
                .withTooltip("Bias b of the adaptive log base (ln b / ln 0.5 exponent): lower gives more "
                             "contrast and darker shadows; 0.85 is the paper's and OpenCV's default.")
                .withReference("Drago et al. 2003, §4.1");
        bindSaturation(b, "OpenCV cv::TonemapDrago default 1");
        return b;
    }();
    return binding;
}

class DragoOperator final : public Operator, public HasParamBinding {
public:
    OperatorInfo info() const override
    {
        return {"tonemap-drago", "Drago (adaptive logarithmic)", category::tonemap, 1,
                "Logarithmic compression whose log base adapts with luminance (OpenCV's implementation).",
                "Drago, Myszkowski, Annen & Chiba, Adaptive Logarithmic Mapping for Displaying High Contrast "
                "Scenes, Eurographics 2003; OpenCV cv::TonemapDrago"};
    }
    std::vector<ParamSpec> params() const override { return dragoBinding().specs(); }
    std::vector<const ParamBindingBase*> paramBindings() const override { return {&dragoBinding()}; }
    InputKind inputKind() const override { return InputKind::Image; }
    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        DragoOptions o = dragoBinding().read(values);
        return toOperatorOutput(toneMapDrago(input.images.front(), o, progress));
    }
};

const ParamBinding<MantiukOptions>& mantiukBinding()
{
    static const ParamBinding<MantiukOptions> binding = [] {
        ParamBinding<MantiukOptions> b;
        bindExposure(b);
        b.number("scale", "Contrast scale", 0.1, 1.5, &MantiukOptions::scale)
                .withStep(0.05).withSoftRange(0.3, 1.0)
                .withTooltip("Factor on perceived contrast: below 1 compresses; 0.7 is OpenCV's default "
                             "(the paper suggests 0.6–0.9).")
                .withReference("Mantiuk et al. 2006; OpenCV cv::TonemapMantiuk");
        bindSaturation(b, "OpenCV cv::TonemapMantiuk default 1");
        b.number("full_size_limit_mp", "Full-size limit", 0.0, 100.0,
                 [](const MantiukOptions& o) { return double(o.directMaxPixels) / 1e6; },
                 [](MantiukOptions& o, double mp) { o.directMaxPixels = int(std::lround(mp * 1e6)); })
                .withUnit("MP").withStep(0.1).withSoftRange(0.0, 16.0)
                .withTooltip("Images with more megapixels are tone mapped at this size and their luminance "
                             "change is carried back to full size edge-aware, because OpenCV's solver takes "
                             "about 10 s for 12 MP on two cores; 0 always works at full size.");
        return b;
    }();
    return binding;
}

class MantiukOperator final : public Operator, public HasParamBinding {
public:
    OperatorInfo info() const override
    {
        return {"tonemap-mantiuk", "Mantiuk (contrast domain)", category::tonemap, 1,
                "Scales contrast in a perceptual multi-scale gradient domain and solves back for luminance "
                "(OpenCV's implementation).",
                "Mantiuk, Myszkowski & Seidel, A Perceptual Framework for Contrast Processing of High Dynamic "
                "Range Images, ACM TAP 2006; OpenCV cv::TonemapMantiuk"};
    }
    std::vector<ParamSpec> params() const override { return mantiukBinding().specs(); }
    std::vector<const ParamBindingBase*> paramBindings() const override { return {&mantiukBinding()}; }
    InputKind inputKind() const override { return InputKind::Image; }
    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        MantiukOptions o = mantiukBinding().read(values);
        return toOperatorOutput(toneMapMantiuk(input.images.front(), o, progress));
    }
};

} // namespace

std::shared_ptr<const Operator> makeDragoOperator() { return std::make_shared<DragoOperator>(); }
std::shared_ptr<const Operator> makeMantiukOperator() { return std::make_shared<MantiukOperator>(); }

// --- reinhard ----------------------------------------------------------------------------------
namespace {

template <class Options>
ParamSpec& bindKey(ParamBinding<Options>& b)
{
    return b.number("key", "Key", 0.001, 1.0, &Options::key)
        .withStep(0.01).withLogScale().withSoftRange(0.045, 0.72)
        .withTooltip("Middle grey a: the log-average luminance is mapped to this value. 0.18 is the "
                     "paper's normal key; lower for dark (low-key) scenes, higher for bright ones.")
        .withReference("Reinhard et al. 2002, §3");
}

template <class Options>
ParamSpec& bindDelta(ParamBinding<Options>& b)
{
    return b.number("log_average_delta", "Log-average δ", 1e-12, 1e-2, &Options::logAverageDelta)
        .withLogScale()
        .withTooltip("Small δ in exp(mean(log(δ + L))) so that black pixels do not send the log-average "
                     "to 0; 1e-6 is far below any visible radiance in relative units.")
        .withReference("Reinhard et al. 2002, eq. 1");
}

const ParamBinding<ReinhardOptions>& reinhardBinding()
{
    static const ParamBinding<ReinhardOptions> binding = [] {
        ParamBinding<ReinhardOptions> b;
        bindExposure(b);
        bindKey(b);
        b.number("l_white", "L_white", 0.0, 1e6, &ReinhardOptions::whiteLuminance)
                .withStep(0.1).withSoftRange(0.0, 100.0)
                .withTooltip("Smallest scaled luminance that becomes pure white. 0 = automatic: the "
                             "largest scaled luminance of the image (the paper's suggestion); very large "
                             "values give the plain L/(1 + L) curve.")
                .withReference("Reinhard et al. 2002, eq. 4");
        bindSaturation(b, "Common colour-ratio rule; 1 = Reinhard et al. 2002");
        bindDelta(b);
        return b;
    }();
    return binding;
}

class ReinhardOperator final : public Operator, public HasParamBinding {
public:
    OperatorInfo info() const override
    {
        return {"tonemap-reinhard", "Reinhard (global)", category::tonemap, 1,
                "Photographic tone reproduction: scales the scene to a key value and compresses with "
                "L(1 + L/L_white²)/(1 + L).",
                "Reinhard, Stark, Shirley & Ferwerda, Photographic Tone Reproduction for Digital Images, SIGGRAPH 2002"};
    }
    std::vector<ParamSpec> params() const override { return reinhardBinding().specs(); }
    std::vector<const ParamBindingBase*> paramBindings() const override { return {&reinhardBinding()}; }
    InputKind inputKind() const override { return InputKind::Image; }
    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        ReinhardOptions o = reinhardBinding().read(values);
        return toOperatorOutput(toneMapReinhard(input.images.front(), o, progress));
    }
};

const ParamBinding<ReinhardLocalOptions>& reinhardLocalBinding()
{
    static const ParamBinding<ReinhardLocalOptions> binding = [] {
        ParamBinding<ReinhardLocalOptions> b;
        bindExposure(b);
        bindKey(b);
        b.integer("scales", "Scales", 1, 12, &ReinhardLocalOptions::scales)
                .withTooltip("Number of centre-surround scales s = 1, 1.6, 1.6², … px; 8 as in the paper.")
                .withReference("Reinhard et al. 2002, §4");
        b.number("scale_ratio", "Scale ratio", 1.1, 3.0, &ReinhardLocalOptions::scaleRatio)
                .withStep(0.05)
                .withTooltip("Ratio between successive scales; 1.6 as in the paper.")
                .withReference("Reinhard et al. 2002, §4");
        b.number("alpha1", "Centre α1", 0.05, 2.0, &ReinhardLocalOptions::alpha1)
                .withStep(0.01)
                .withTooltip("Centre kernel size relative to the scale (Gaussian σ = α1·s/√2); 1/(2√2) ≈ "
                             "0.354 as in the paper.")
                .withReference("Reinhard et al. 2002, eq. 5");
        b.number("surround_ratio", "Surround α2/α1", 1.1, 4.0, &ReinhardLocalOptions::surroundRatio)
                .withStep(0.05)
                .withTooltip("Surround kernel size relative to the centre (α2 = 1.6·α1 in the paper).")
                .withReference("Reinhard et al. 2002, eq. 5");
        b.number("phi", "Sharpening φ", 1.0, 20.0, &ReinhardLocalOptions::phi)
                .withStep(0.5)
                .withTooltip("Sharpening parameter φ in the activity measure (2^φ·a/s² + V1); larger accepts "
                             "larger scales, 8 as in the paper.")
                .withReference("Reinhard et al. 2002, eq. 7");
        b.number("epsilon", "Threshold ε", 0.001, 1.0, &ReinhardLocalOptions::epsilon)
                .withStep(0.005).withLogScale().withSoftRange(0.005, 0.5)
                .withTooltip("Scale selection stops at the first scale whose centre-surround activity |V| "
                             "reaches ε; 0.05 as in the paper. Larger means larger regions, fewer halos' worth "
                             "of local contrast.")
                .withReference("Reinhard et al. 2002, eq. 8");
        bindSaturation(b, "Common colour-ratio rule; 1 = Reinhard et al. 2002");
        bindDelta(b);
        return b;
    }();
    return binding;
}

class ReinhardLocalOperator final : public Operator, public HasParamBinding {
public:
    OperatorInfo info() const override
    {
        return {"tonemap-reinhard-local", "Reinhard (dodging and burning)", category::tonemap, 1,
                "Photographic tone reproduction with a per-pixel adaptation scale chosen from "
                "centre-surround differences, like dodging and burning in a darkroom.",
                "Reinhard, Stark, Shirley & Ferwerda, Photographic Tone Reproduction for Digital Images, SIGGRAPH 2002"};
    }
    std::vector<ParamSpec> params() const override { return reinhardLocalBinding().specs(); }
    std::vector<const ParamBindingBase*> paramBindings() const override { return {&reinhardLocalBinding()}; }
    InputKind inputKind() const override { return InputKind::Image; }
    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        ReinhardLocalOptions o = reinhardLocalBinding().read(values);
        return toOperatorOutput(toneMapReinhardLocal(input.images.front(), o, progress));
    }
};

} // namespace

std::shared_ptr<const Operator> makeReinhardOperator() { return std::make_shared<ReinhardOperator>(); }
std::shared_ptr<const Operator> makeReinhardLocalOperator() { return std::make_shared<ReinhardLocalOperator>(); }

} // namespace fuselab
