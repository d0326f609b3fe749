// Attribution and evaluation operators: torch-free here; fuselab_learn and the model load on
// the first run (LearnLibrary), so registering them costs nothing at start-up.
#include "fuselab/learn/attribution_operators.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/learn/attribution.hpp"
#include "fuselab/learn/learn_library.hpp"

#include <cmath>
#include <mutex>

namespace fuselab::learn {
namespace {

// One model for every operator registered together, loaded on first use.
class SharedModel {
public:
    explicit SharedModel(std::string path) : m_path(std::move(path)) {}
    const FusionModel& get() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (!m_model) m_model = LearnLibrary::get().loadModel(m_path);
        return *m_model;
    }

private:
    std::string m_path;
    mutable std::mutex m_mutex;
    mutable std::shared_ptr<const FusionModel> m_model;
};

// Where the network runs, bound to ComputeOptions (whose member holds the default).
const ParamBinding<ComputeOptions>& computeBinding()
{
    static const ParamBinding<ComputeOptions> binding = [] {
        ParamBinding<ComputeOptions> b;
        b.choice<DeviceChoice>("device", "Device",
                               {{DeviceChoice::Auto, {"auto", "Auto"}}, {DeviceChoice::Cpu, {"cpu", "CPU"}}, {DeviceChoice::Cuda, {"cuda", "CUDA"}}},
                               &ComputeOptions::device)
            .withTooltip("Where the network runs: auto takes a CUDA GPU when LibTorch sees one (autograd engine), else the CPU "
                         "(split engine: network in LibTorch at low resolution, full resolution in C++).");
        return b;
    }();
    return binding;
}

ParamSpec deviceSpec()
{
    return computeBinding().specs().front();
}

std::vector<Image> framesOf(const OperatorInput& input)
{
    if (!input.stack || input.stack->size() == 0) throw Error("attribution needs a stack");
    std::vector<Image> frames;
    for (const StackFrame& f : input.stack->frames) frames.push_back(f.pixels.toFloat());
    return frames;
}

ParamValues subset(const ParamValues& values, const std::vector<ParamSpec>& specs)
{
    ParamValues out;
    for (const ParamSpec& s : specs)
        if (const ParamValue* v = values.find(s.id)) out.set(s.id, *v);
    return out;
}

std::vector<ParamSpec> concatenated(std::vector<std::vector<ParamSpec>> lists)
{
    std::vector<ParamSpec> all;
    for (auto& l : lists) all.insert(all.end(), l.begin(), l.end());
    return all;
}

const char* referenceOf(AttributionMethod m)
{
    switch (m) {
    case AttributionMethod::Saliency: return "Simonyan, Vedaldi, Zisserman, ICLR workshop 2014";
    case AttributionMethod::GradientTimesInput: return "Shrikumar et al., arXiv:1605.01713 (2016)";
    case AttributionMethod::IntegratedGradients: return "Sundararajan, Taly, Yan, ICML 2017";
    case AttributionMethod::GuidedBackprop: return "Springenberg et al., ICLR workshop 2015";
    case AttributionMethod::GradCam: return "Selvaraju et al., ICCV 2017";
    case AttributionMethod::GradCamPlusPlus: return "Chattopadhay et al., WACV 2018";
    case AttributionMethod::SmoothGrad: return "Smilkov et al., arXiv:1706.03825 (2017)";
    case AttributionMethod::VarGrad: return "Adebayo et al., ICLR workshop 2018";
    case AttributionMethod::Occlusion: return "Zeiler & Fergus, ECCV 2014";
    case AttributionMethod::Random: return "";
    }
    return "";
}

// withMethodParams: the attribution operators carry the method's parameters; the evaluation
// operators do not (their own ids, such as PIC's seed, must not reach the method).
AttributionRequest requestFrom(AttributionMethod method, const ParamValues& values, bool withMethodParams)
{
    AttributionRequest r;
    r.method = method;
    if (withMethodParams) r.values = subset(values, attributionParamSpecs(method, fusionLayerNames()));
    r.target = attributionTargetFromValues(values);
    r.compute = computeBinding().read(values);
    return r;
}

class AttributionOperator final : public Operator, public HasParamBinding {
public:
    AttributionOperator(AttributionMethod method, std::shared_ptr<const SharedModel> model) : m_method(method), m_model(std::move(model)) {}

    OperatorInfo info() const override
    {
        return {"attribution-" + std::string(toString(m_method)), std::string(displayName(m_method)), category::attribution, 1,
                "Explains the learned fusion of a stack with " + std::string(displayName(m_method)) +
                    ": one attribution map per frame for the chosen target.",
                referenceOf(m_method)};
    }
    std::vector<ParamSpec> params() const override
    {
        return concatenated({attributionParamSpecs(m_method, fusionLayerNames()), attributionTargetParamSpecs(), {deviceSpec()}});
    }
    InputKind inputKind() const override { return InputKind::Stack; }
    std::vector<const ParamBindingBase*> paramBindings() const override
    {
        std::vector<const ParamBindingBase*> bindings = {&attributionTargetParamBinding(), &computeBinding()};
        if (const ParamBindingBase* method = attributionMethodBinding(m_method)) bindings.push_back(method);
        return bindings;
    }

    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        progress.report(0.0, "loading model");
        progress.checkCancelled();
        const std::vector<Image> frames = framesOf(input);
        const FusionModel& model = m_model->get();
        ProgressSpan span(progress, 0.05, 1.0);
        const AttributionResult r = LearnLibrary::get().attribute(
            model, frames, std::vector<Modality>(frames.size(), Modality::Exposure), requestFrom(m_method, values, true), span);
        OperatorOutput out;
        out.image = Image(r.maps[0].width(), r.maps[0].height(), 1, ColourEncoding::Linear);
        for (std::size_t k = 0; k < r.maps.size(); ++k) {
            out.extras.push_back({"attribution_" + std::to_string(k), r.maps[k]});
            for (int y = 0; y < out.image.height(); ++y)
                for (int x = 0; x < out.image.width(); ++x) out.image.at(x, y) += r.maps[k].at(x, y);
        }
        out.scalars["target_value"] = r.targetValue;
        out.scalars["attribution_sum"] = r.attributionSum;
        if (std::isfinite(r.completenessGap)) out.scalars["completeness_gap"] = r.completenessGap;
        if (std::isfinite(r.baselineValue)) out.scalars["baseline_value"] = r.baselineValue;
        out.notes = r.notes;
        return out;
    }

private:
    AttributionMethod m_method;
    std::shared_ptr<const SharedModel> m_model;
};

enum class Evaluation { DeletionInsertion, Pic, ModelRandomisation };

ParamSpec methodSpec()
{
    std::vector<ParamChoice> choices;
    for (AttributionMethod m : attributionMethods()) choices.push_back({std::string(toString(m)), std::string(displayName(m))});
    choices.push_back({"random", "Random (baseline)"});
    return ParamSpec::choice("method", "Method", choices, "saliency")
        .withTooltip("The attribution method evaluated (its parameters at their defaults); random is the baseline every method "
                     "should beat.");
}

// The curve settings an evaluation operator exposes, from the shared table.
std::vector<ParamSpec> curveSpecs(std::initializer_list<const char*> ids)
{
    std::vector<ParamSpec> out;
    for (const ParamSpec& s : attributionCurveParamSpecs())
        for (const char* id : ids)
            if (s.id == id) out.push_back(s);
    return out;
}

// The model-randomisation check's seed, bound to SanityOptions (whose member holds the default).
const ParamBinding<SanityOptions>& sanityBinding()
{
    static const ParamBinding<SanityOptions> binding = [] {
        ParamBinding<SanityOptions> b;
        b.integer("seed", "Seed", 0, 2147483647, &SanityOptions::seed).withSoftRange(0, 1000)
            .withTooltip("Draws the re-initialised weights (PyTorch's default uniform ±1/√fan-in).");
        return b;
    }();
    return binding;
}

class EvaluationOperator final : public Operator, public HasParamBinding {
public:
    EvaluationOperator(Evaluation kind, std::shared_ptr<const SharedModel> model) : m_kind(kind), m_model(std::move(model)) {}

    OperatorInfo info() const override
    {
        switch (m_kind) {
        case Evaluation::DeletionInsertion:
            return {"evaluation-deletion-insertion", "Deletion / insertion", category::evaluation, 1,
                    "Areas under the curves of the fused output's similarity as the most important pixels are deleted or inserted.",
                    "Petsiuk, Das, Saenko, BMVC 2018 (RISE)"};
        case Evaluation::Pic:
            return {"evaluation-pic", "PIC (SIC / AIC)", category::evaluation, 1,
                    "Performance information curves: output similarity against lossless WebP information of partial inputs.",
                    "Kapishnikov et al., ICCV 2019 (XRAI); SPEC §7"};
        case Evaluation::ModelRandomisation:
            return {"evaluation-model-randomisation", "Model randomisation", category::evaluation, 1,
                    "Rank correlation of a method's maps with those of the network re-initialised layer by layer from the top.",
                    "Adebayo et al., NeurIPS 2018 (Sanity Checks for Saliency Maps)"};
        }
        return {};
    }

    std::vector<ParamSpec> params() const override
    {
        std::vector<ParamSpec> own;
        switch (m_kind) {
        case Evaluation::DeletionInsertion: own = curveSpecs({"curve_steps", "deletion_value", "insertion_blur"}); break;
        case Evaluation::Pic: own = curveSpecs({"random_fraction", "seed", "aic_threshold", "webp_method"}); break;
        case Evaluation::ModelRandomisation: own = sanityBinding().specs(); break;
        }
        return concatenated({{methodSpec()}, own, attributionTargetParamSpecs(), {deviceSpec()}});
    }
    std::vector<const ParamBindingBase*> paramBindings() const override
    {
        if (m_kind == Evaluation::ModelRandomisation) return {&attributionTargetParamBinding(), &computeBinding(), &sanityBinding()};
        return {&attributionTargetParamBinding(), &computeBinding()};
    }
    InputKind inputKind() const override { return InputKind::Stack; }

    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        progress.report(0.0, "loading model");
        progress.checkCancelled();
        const std::vector<Image> frames = framesOf(input);
        const std::vector<Modality> modalities(frames.size(), Modality::Exposure);
        const FusionModel& model = m_model->get();
        const LearnEntryPoints& learn = LearnLibrary::get();
        const AttributionRequest request = requestFrom(parseAttributionMethod(values.choice("method")), values, false);
        OperatorOutput out;
        if (m_kind == Evaluation::ModelRandomisation) {
            const SanityOptions options = sanityBinding().read(values);
            ProgressSpan span(progress, 0.05, 1.0);
            const ModelRandomisationResult r = learn.modelRandomisationCheck(model, frames, modalities, request, options, span);
            for (const RandomisationStep& s : r.steps) {
                out.scalars["rank_correlation." + s.layer] = s.rankCorrelation;
                out.scalars["rank_correlation_abs." + s.layer] = s.rankCorrelationAbs;
            }
            return out;
        }
        ProgressSpan explaining(progress, 0.05, 0.4), evaluating(progress, 0.4, 1.0);
        const AttributionResult maps = learn.attribute(model, frames, modalities, request, explaining);
        for (std::size_t k = 0; k < maps.maps.size(); ++k) out.extras.push_back({"attribution_" + std::to_string(k), maps.maps[k]});
        AttributionCurvesOptions o = attributionCurvesOptionsFromValues(values);
        o.withDeletionInsertion = m_kind == Evaluation::DeletionInsertion;
        o.withPic = m_kind == Evaluation::Pic;
        o.compute = request.compute;
        const AttributionCurves r = learn.attributionCurves(model, frames, modalities, maps.maps, request.target, o, evaluating, {});
        if (m_kind == Evaluation::DeletionInsertion) {
            out.scalars["deletion_auc"] = r.deletion.auc;
            out.scalars["insertion_auc"] = r.insertion.auc;
            return out;
        }
        out.scalars["start_similarity"] = r.pic.startSimilarity;
        for (const auto& [name, curve] : {std::make_pair("sic", &r.pic.sic), std::make_pair("aic", &r.pic.aic)}) {
            if (curve->skipped) {
                out.scalars[std::string(name) + "_skipped"] = 1.0;
                out.notes.push_back(std::string(name) + ": " + curve->skipReason);
            } else {
                out.scalars[std::string(name) + "_auc"] = curve->auc;
            }
        }
        return out;
    }

private:
    Evaluation m_kind;
    std::shared_ptr<const SharedModel> m_model;
};

} // namespace

void registerAttributionOperators(OperatorRegistry& registry, const std::string& modelPath)
{
    auto model = std::make_shared<const SharedModel>(modelPath);
    for (AttributionMethod m : attributionMethods()) registry.add(std::make_shared<AttributionOperator>(m, model));
    for (Evaluation e : {Evaluation::DeletionInsertion, Evaluation::Pic, Evaluation::ModelRandomisation})
        registry.add(std::make_shared<EvaluationOperator>(e, model));
}

} // namespace fuselab::learn
