// The `mertens` operator: exposure fusion with every constant of SPEC §1 as a parameter.
#include "builtin_list.hpp"

#include "fuselab/deghost_params.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/fusion_operators.hpp"

namespace fuselab {

const ParamBinding<MertensParams>& mertensParamBinding()
{
    // The defaults are MertensParams's own: declared once, in mertens.hpp.
    static const ParamBinding<MertensParams> binding = [] {
        ParamBinding<MertensParams> b;
        b.number("weight_contrast", "Contrast weight", 0.0, 10.0, &MertensParams::contrastExponent)
            .withStep(0.05).withSoftRange(0.0, 3.0)
            .withTooltip("Exponent of the contrast measure (|Laplacian| of the grey image). Paper and OpenCV: 1; enfuse: 0.")
            .withReference("Mertens, Kautz, Van Reeth 2007");
        b.number("weight_saturation", "Saturation weight", 0.0, 10.0, &MertensParams::saturationExponent)
            .withStep(0.05).withSoftRange(0.0, 3.0)
            .withTooltip("Exponent of the saturation measure (standard deviation of R, G, B). Paper and OpenCV: 1; enfuse: 0.2.")
            .withReference("Mertens, Kautz, Van Reeth 2007");
        b.number("weight_exposedness", "Well-exposedness weight", 0.0, 10.0, &MertensParams::exposednessExponent)
            .withStep(0.05).withSoftRange(0.0, 3.0)
            .withTooltip("Exponent of the well-exposedness measure (Gaussian around the optimum). Paper: 1; enfuse: 1.")
            .withReference("Mertens, Kautz, Van Reeth 2007");
        b.number("sigma", "Exposedness σ", 0.01, 1.0, &MertensParams::sigma)
            .withStep(0.01).withSoftRange(0.05, 0.5)
            .withTooltip("Width of the well-exposedness Gaussian, in [0,1] pixel-value units. Paper: 0.2.")
            .withReference("Mertens, Kautz, Van Reeth 2007");
        b.number("optimum", "Exposedness optimum", 0.0, 1.0, &MertensParams::optimum)
            .withStep(0.01)
            .withTooltip("Pixel value considered best exposed (centre of the Gaussian). Paper: 0.5.");
        b.integer("levels", "Pyramid levels", 0, 20, &MertensParams::levels)
            .withTooltip("Laplacian pyramid levels; 0 = as OpenCV's MergeMertens, floor(log2(short side)) + 1 (the coarsest "
                         "level 1–2 px). Fewer levels blend more locally and can show seams.");
        b.number("quality_floor", "Quality floor", 0.0, 0.01, &MertensParams::qualityFloor)
            .withStep(1e-6).withSoftRange(0.0, 1e-3)
            .withTooltip("Added to contrast and saturation. 0 (default) = the paper's measures, as OpenCV's MergeMertens. "
                         "A small floor (e.g. 1e-5) lets well-exposedness decide regions that are flat or neutral in every "
                         "frame (synthetic flat walls) instead of averaging them, clipped frames included; on real "
                         "photographs it pulls smooth skies and clipped areas towards the darker frames (up to 13 levels "
                         "darker than the paper on an extreme pair).");
        b.unbound(ParamSpec::flag(convention::weightMapsParam, "Output weight maps", false))
            .withTooltip("Also return each frame's normalised weight map (for display as an overlay).");
        return b;
    }();
    return binding;
}

std::vector<ParamSpec> mertensParamSpecs()
{
    return mertensParamBinding().specs();
}

std::vector<ParamSpec> mertensOperatorParamSpecs()
{
    std::vector<ParamSpec> specs = mertensParamSpecs();
    for (ParamSpec& s : deghostParamSpecs()) specs.push_back(std::move(s));
    return specs;
}

MertensParams mertensParamsFromValues(const ParamValues& v)
{
    return mertensParamBinding().read(v);
}

BandedFusionRecipe bandedFusionRecipe(const std::string& operatorId, const ParamValues& values, bool aligned)
{
    BandedFusionRecipe r;
    if (operatorId != "mertens") r.whyNot = "only Mertens fusion runs in bands (not '" + operatorId + "')";
    else if (aligned) r.whyNot = "alignment works on whole frames (turn it off)";
    else if (values.flag("deghost")) r.whyNot = "deghosting works on whole frames (turn it off)";
    if (!r.whyNot.empty()) return r;
    r.possible = true;
    r.params = mertensParamsFromValues(values);
    return r;
}

namespace {

class MertensOperator final : public Operator, public HasParamBinding, public MakesTypedImage {
public:
    OperatorInfo info() const override
    {
        return {"mertens", "Exposure fusion (Mertens)", category::fusion, 1,
                "Blends the frames of a stack by contrast, saturation and well-exposedness in a Laplacian pyramid.",
                "T. Mertens, J. Kautz, F. Van Reeth, Exposure Fusion, Pacific Graphics 2007"};
    }
    std::vector<ParamSpec> params() const override { return mertensOperatorParamSpecs(); }
    std::vector<const ParamBindingBase*> paramBindings() const override { return {&mertensParamBinding(), &deghostParamBinding()}; }
    InputKind inputKind() const override { return InputKind::Stack; }

    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        OperatorOutput out;
        out.image = *runTyped(input, values, FusedSampleType::Float, out, progress).asFloat();
        return out;
    }

    // The fusion writes its full-resolution level straight into the requested type (mertens.hpp).
    SampleImage runTyped(const OperatorInput& input, const ParamValues& values, FusedSampleType type, OperatorOutput& out,
                         ProgressSink& progress) const override
    {
        FusionOptions options;
        options.outputType = type;
        options.keepWeightMaps = values.flag(convention::weightMapsParam);
        ProgressSpan deghostSpan(progress, 0.0, 0.2);
        const std::optional<DeghostOutcome> deghosted = deghostFromValues(*input.stack, values, input.deghostSources, deghostSpan);
        ProgressSpan fusionSpan(progress, 0.2, 1.0);
        FusionResult r = fuseMertens(stackToUse(deghosted, *input.stack), mertensParamsFromValues(values), options, fusionSpan);
        if (deghosted) reportDeghost(*deghosted, out);
        for (std::size_t k = 0; k < r.weightMaps.size(); ++k) out.extras.push_back({"weight_" + std::to_string(k), r.weightMaps[k]});
        out.scalars["levels"] = r.levels;
        return std::move(r.fused);
    }
};

} // namespace

std::shared_ptr<const Operator> makeMertensOperator()
{
    return std::make_shared<MertensOperator>();
}

} // namespace fuselab
