// The `learned` fusion operator: torch-free here; LibTorch and the model load on first run.
#include "fuselab/learn/learned_operator.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/learn/attribution_operators.hpp"
#include "fuselab/learn/learn_library.hpp"
#include "fuselab/weight_source.hpp"

#include <algorithm>
#include <mutex>

namespace fuselab::learn {
namespace {

class LearnedFusionOperator final : public Operator, public BandWeightsProvider, public HasParamBinding {
public:
    LearnedFusionOperator(std::string modelPath, PyramidBlendFn blend)
        : m_modelPath(std::move(modelPath)), m_blend(std::move(blend))
    {
    }

    OperatorInfo info() const override
    {
        return {"learned", "Learned fusion", category::fusion, 1,
                "Blends the frames of a stack in a Laplacian pyramid with per-frame weights predicted by a trained network.",
                "FuseLab learned fusion (README); guided-filter weight upsampling after Ma et al., MEF-Net, TIP 2019; "
                "pyramid blend after Mertens, Kautz & Van Reeth 2007"};
    }
    std::vector<ParamSpec> params() const override { return learnedFusionParamSpecs(); }
    std::vector<const ParamBindingBase*> paramBindings() const override { return {&learnedFusionParamBinding()}; }
    InputKind inputKind() const override { return InputKind::Stack; }

    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        progress.report(0.0, "loading model");
        progress.checkCancelled();
        const FusionModel& net = model();
        FuseOptions options = fuseOptionsFromValues(values);
        options.blend = m_blend;
        ProgressSpan span(progress, 0.05, 1.0);
        FuseResult r = net.fuse(*input.stack, options, span);
        OperatorOutput out;
        out.image = r.fused;
        for (std::size_t k = 0; k < r.weightMaps.size(); ++k) out.extras.push_back({"weight_" + std::to_string(k), r.weightMaps[k]});
        out.scalars["levels"] = r.pyramidLevels;
        out.scalars["network_width_px"] = r.lowResWidthPx;
        out.scalars["network_height_px"] = r.lowResHeightPx;
        return out;
    }

    std::unique_ptr<WeightSource> bandWeights(const ParamValues& values, int frames, int widthPx, int heightPx, int channels,
                                              std::string* whyNot) const override
    {
        const FuseOptions options = fuseOptionsFromValues(values);
        if (options.device == DeviceChoice::Cuda) {
            if (whyNot) *whyNot = "its weights are computed a band at a time on the CPU (set the device to auto or cpu)";
            return nullptr;
        }
        return model().bandWeights(frames, widthPx, heightPx, channels, options);
    }

private:
    const FusionModel& model() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (!m_model) m_model = LearnLibrary::get().loadModel(m_modelPath);
        return *m_model;
    }

    std::string m_modelPath;
    PyramidBlendFn m_blend;
    mutable std::mutex m_mutex;
    mutable std::shared_ptr<const FusionModel> m_model;
};

} // namespace

const ParamBinding<FuseOptions>& learnedFusionParamBinding()
{
    // The defaults are FuseOptions's own (fusion_model.hpp): declared once, there.
    static const ParamBinding<FuseOptions> binding = [] {
        ParamBinding<FuseOptions> b;
        b.integer("low_res_px", "Network resolution", 0, 2048, &FuseOptions::lowResLongSidePx)
            .withUnit("px").withSoftRange(0, 1024)
            .withTooltip("Long side the frames are reduced to before the network predicts their weights; 0 = the "
                         "model's own (256 for the shipped model). Values below 32 are raised to 32.");
        b.integer("levels", "Pyramid levels", 0, 20, &FuseOptions::pyramidLevels)
            .withTooltip("Laplacian pyramid levels of the blend; 0 = as many as fit (the coarsest level at least 2 px), as "
                         "during training.");
        b.choice("device", "Device",
                 std::vector<std::pair<DeviceChoice, ParamChoice>>{
                     {DeviceChoice::Auto, {"auto", "Auto"}}, {DeviceChoice::Cpu, {"cpu", "CPU"}}, {DeviceChoice::Cuda, {"cuda", "CUDA"}}},
                 &FuseOptions::device)
            .withTooltip("Where the network runs: auto takes a CUDA GPU when LibTorch sees one, else the CPU.");
        b.flag(convention::weightMapsParam, "Output weight maps", &FuseOptions::keepWeightMaps)
            .withTooltip("Also return each frame's full-resolution weight map (for display as an overlay).");
        return b;
    }();
    return binding;
}

FuseOptions fuseOptionsFromValues(const ParamValues& values)
{
    FuseOptions options = learnedFusionParamBinding().read(values);
    if (options.lowResLongSidePx != 0) options.lowResLongSidePx = std::max(32, options.lowResLongSidePx);
    return options;
}

std::vector<ParamSpec> learnedFusionParamSpecs()
{
    return learnedFusionParamBinding().specs();
}

std::shared_ptr<const Operator> makeLearnedFusionOperator(std::string modelPath, PyramidBlendFn blend)
{
    return std::make_shared<LearnedFusionOperator>(std::move(modelPath), std::move(blend));
}

void registerLearnOperators(OperatorRegistry& registry, const std::string& modelPath, PyramidBlendFn blend)
{
    registry.add(makeLearnedFusionOperator(modelPath, std::move(blend)));
    registerAttributionOperators(registry, modelPath);
}

} // namespace fuselab::learn
