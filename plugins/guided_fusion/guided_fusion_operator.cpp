// The guided-fusion plugin: `fusion-gff`, two-scale exposure fusion with guided-filter weights.
#include "guided_fusion.hpp"

#include "fuselab/base/param_binding.hpp"
#include "fuselab/plugin_api.hpp"

#include <string>

namespace {

using namespace fuselab;

const char* const kPaper = "Li, Kang, Hu, Image Fusion With Guided Filtering, IEEE TIP 2013";

// Every parameter bound to its member of GuidedFusionParams (param_binding.hpp), whose members
// hold the paper's defaults: declared once.
const ParamBinding<gff::GuidedFusionParams>& guidedFusionBinding()
{
    static const ParamBinding<gff::GuidedFusionParams> binding = [] {
        ParamBinding<gff::GuidedFusionParams> b;
        b.integer("base_radius_px", "Base layer radius", 1, 100, &gff::GuidedFusionParams::baseRadiusPx)
            .withUnit("px")
            .withTooltip("Radius of the mean filter that splits each frame into a base layer and its detail; the "
                         "window is 2r+1 wide. The paper's 31 × 31 average filter is r = 15.")
            .withReference(kPaper);
        b.integer("saliency_radius_px", "Saliency radius", 1, 20, &gff::GuidedFusionParams::saliencyRadiusPx)
            .withUnit("px")
            .withTooltip("Radius of the Gaussian that spreads each frame's |Laplacian| into a saliency map. "
                         "Paper: r_g = 5.")
            .withReference(kPaper);
        b.number("saliency_sigma_px", "Saliency σ", 0.5, 20.0, &gff::GuidedFusionParams::saliencySigmaPx)
            .withUnit("px").withStep(0.1)
            .withTooltip("Standard deviation of that Gaussian. Paper: σ_g = 5.")
            .withReference(kPaper);
        b.integer("base_weight_radius_px", "Base weight radius", 1, 200, &gff::GuidedFusionParams::baseWeightRadiusPx)
            .withUnit("px")
            .withTooltip("Guided-filter radius for the base-layer weights: large, so the base blends smoothly "
                         "between frames. Paper: r1 = 45.")
            .withReference(kPaper);
        b.number("base_weight_epsilon", "Base weight ε", 1e-6, 10.0, &gff::GuidedFusionParams::baseWeightEpsilon)
            .withLogScale().withSoftRange(1e-3, 3.0)
            .withTooltip("Guided-filter regularisation for the base weights (pixel values in [0,1]): larger is "
                         "smoother, less edge-aware. Paper: ε1 = 0.3.")
            .withReference(kPaper);
        b.integer("detail_weight_radius_px", "Detail weight radius", 1, 50, &gff::GuidedFusionParams::detailWeightRadiusPx)
            .withUnit("px")
            .withTooltip("Guided-filter radius for the detail-layer weights: small, so details come from the frame "
                         "that shows them. Paper: r2 = 7.")
            .withReference(kPaper);
        b.number("detail_weight_epsilon", "Detail weight ε", 1e-9, 1.0, &gff::GuidedFusionParams::detailWeightEpsilon)
            .withLogScale().withSoftRange(1e-8, 1e-2)
            .withTooltip("Guided-filter regularisation for the detail weights: small keeps them tight to edges. "
                         "Paper: ε2 = 1e-6.")
            .withReference(kPaper);
        b.number("weight_exposedness", "Well-exposedness weight", 0.0, 10.0, &gff::GuidedFusionParams::exposednessExponent)
            .withStep(0.05).withSoftRange(0.0, 3.0)
            .withTooltip("Exponent β of the well-exposedness factor that multiplies each frame's saliency before the "
                         "most salient frame is chosen. 0 = contrast alone, as the paper (which washes exposure "
                         "stacks out towards the brightest unclipped frame); 1 (default) as Mertens et al. 2007.")
            .withReference("Mertens, Kautz, Van Reeth, Exposure Fusion, 2007");
        b.number("exposedness_sigma", "Exposedness σ", 0.01, 1.0, &gff::GuidedFusionParams::exposednessSigma)
            .withStep(0.01).withSoftRange(0.05, 0.5)
            .withTooltip("Width of the well-exposedness Gaussian around mid-grey, in [0,1] pixel-value units. "
                         "Default 0.2, Mertens et al.'s value.")
            .withReference("Mertens, Kautz, Van Reeth, Exposure Fusion, 2007");
        b.number("saliency_floor", "Saliency floor", 0.0, 0.1, &gff::GuidedFusionParams::saliencyFloor)
            .withStep(0.001).withSoftRange(0.0, 0.03)
            .withTooltip("Added to every saliency before weighting, so smooth areas (where the only contrast is 8-bit "
                         "quantisation) are decided by well-exposedness instead of flipping between frames. Default "
                         "2/255, about the saliency one quantisation step leaves; 0 = the paper.");
        b.flag("weight_maps", "Output weight maps", &gff::GuidedFusionParams::keepWeightMaps)
            .withTooltip("Also return each frame's normalised base-layer weight map (for display as an overlay).");
        return b;
    }();
    return binding;
}

class GuidedFusionOperator final : public Operator, public HasParamBinding {
public:
    OperatorInfo info() const override
    {
        return {"fusion-gff", "Guided-filter fusion (two-scale)", category::fusion, 1,
                "Fuses a stack in two layers, a smooth base and its detail, each weighted by where a frame is most "
                "salient, the weights refined by guided filters that follow the frame's edges.",
                "S. Li, X. Kang, J. Hu, Image Fusion With Guided Filtering, IEEE Transactions on Image Processing "
                "22(7), 2013"};
    }
    std::vector<ParamSpec> params() const override { return guidedFusionBinding().specs(); }
    std::vector<const ParamBindingBase*> paramBindings() const override { return {&guidedFusionBinding()}; }
    InputKind inputKind() const override { return InputKind::Stack; }

    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        const gff::GuidedFusionParams p = guidedFusionBinding().read(values);
        gff::GuidedFusionResult r = gff::fuseGuidedFiltering(*input.stack, p, progress);
        OperatorOutput out;
        out.image = r.fused;
        for (std::size_t k = 0; k < r.selectedFraction.size(); ++k)
            out.scalars["selected_fraction_" + std::to_string(k)] = r.selectedFraction[k];
        for (std::size_t k = 0; k < r.baseWeights.size(); ++k) out.extras.push_back({"weight_" + std::to_string(k), r.baseWeights[k]});
        return out;
    }
};

void registerGuidedFusionOperators(OperatorRegistry& registry)
{
    registry.add(std::make_shared<GuidedFusionOperator>());
}

} // namespace

FUSELAB_PLUGIN("guided-fusion", "1.0", "Two-scale exposure fusion with guided-filter weights (Li, Kang, Hu 2013)",
               registerGuidedFusionOperators)
