// fuselab-cli explain --method METHOD [--model FILE] [--target T] [--region X,Y,W,H | --mask FILE]
//                     [--param ID=VALUE ...] [--device auto|cpu|cuda] [--max-side PX] [--sanity model|data|all]
//                     [--json] -o OUTDIR IMAGE...
// fuselab-cli explain --method METHOD --frame F --events E [--reference R] [--window-us N | --count N]
//                     [--start-us N] [--model FILE] ... -o OUTDIR
//
// One attribution map per input of the learned fusion (README: Attribution): OUTDIR/map_<k>_<stem>.exr
// (float, one channel, signed), OUTDIR/map_<k>_<stem>.png (coloured), each with its sidecar, and
// OUTDIR/summary.json (method, target, inputs[] with file, map, png, min, max, sum; completeness_gap
// for Integrated Gradients). With --frame/--events the frame/event network is explained: three
// maps, map_0_F, map_1_E and map_2_EF, and each summary input also names its modality.
// LibTorch loads only after the arguments and the model file are checked.
#include "attribution_support.hpp"
#include "cli_support.hpp"
#include "command.hpp"
#include "frame_event_fusion.hpp"
#include "learn_support.hpp"
#include "output_options.hpp"
#include "stack_options.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/learn/frame_event.hpp"
#include "fuselab/learn/frame_event_model.hpp"
#include "fuselab/learn/learn_library.hpp"
#include "fuselab/mertens.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>

namespace fuselab::cli {
namespace {

namespace fs = std::filesystem;
using namespace fuselab::learn;

std::string safeStem(const std::string& path)
{
    std::string stem = fs::path(path).stem().string();
    for (char& c : stem)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '_';
    return stem.empty() ? "input" : stem;
}

nlohmann::json numberOrNull(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

class ExplainCommand final : public Command {
public:
    explicit ExplainCommand(const OperatorRegistry& registry) : m_registry(registry) {}

    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand(
            "explain", "Attribution maps of the learned fusion: one map per input, for a target such as the mean output over a "
                       "region (README: Attribution)");
        sub->add_option("images", m_inputs, "The stack's images, or a folder of them (not with --frame/--events)");
        sub->add_option("-o,--output", m_output, "Output folder (created): map_<k>_<stem>.exr/.png per input and summary.json")
            ->required();
        sub->add_option("--method", m_method, "Attribution method")->required()->check(CLI::IsMember(attributionMethodIds()));
        sub->add_option("--model", m_model,
                        "The fusion model file (default: the shipped model; with --frame/--events the shipped frame/event model)");
        std::string help = "Method parameter ID=VALUE (repeatable):";
        std::vector<AttributionMethod> all = attributionMethods();
        all.push_back(AttributionMethod::Random);
        for (AttributionMethod m : all) {
            std::string ids;
            for (const ParamSpec& s : attributionParamSpecs(m)) ids += (ids.empty() ? "" : ",") + s.id;
            if (!ids.empty()) help += " " + std::string(toString(m)) + " {" + ids + "}";
        }
        addRepeatableOption(*sub, "--param", m_params, help);
        sub->add_option("--device", m_device, "auto (CUDA when LibTorch sees one), cpu or cuda")
            ->capture_default_str()->check(CLI::IsMember({"auto", "cpu", "cuda"}));
        sub->add_option("--max-side", m_maxSide, "Reduce the stack first so its long side is at most this (0: full size); --region and --mask then refer to the reduced size")
            ->capture_default_str()->check(CLI::Range(0, 100000));
        sub->add_option("--sanity", m_sanity,
                        "Also run sanity checks and add them to summary.json: model (re-initialise the network's layers "
                        "from the output down; rank correlation per step), data (two tiny networks trained on true and "
                        "permuted targets), all, or none")
            ->capture_default_str()->check(CLI::IsMember({"none", "model", "data", "all"}));
        sub->add_flag("--json", m_json, "Also print summary.json on stdout");
        m_target.attach(*sub);
        m_frameEvent.attach(*sub, "Frame/event attribution");
        m_stack.attach(*sub);
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        applyThreads(m_common);
        if (m_stack.deghost) throw UsageError("--deghost does not apply to explain");
        m_frameEvent.checkInputChoice(!m_inputs.empty());
        const bool frameEvent = m_frameEvent.given();
        if (frameEvent) {
            if (m_maxSide > 0) throw UsageError("--max-side applies to exposure stacks (the event representation is not resampled)");
            if (m_stack.align != "none") throw UsageError("--align does not apply to --frame/--events");
        }
        const AttributionMethod method = parseAttributionMethod(m_method);
        // Everything that can be wrong with the arguments is found before LibTorch or the stack load.
        const ParamValues overrides = parseParamArguments(attributionParamSpecs(method), "--method " + m_method, "--param", m_params);
        const AttributionTarget target = m_target.resolve();
        checkModelFile(m_model);
        if (frameEvent) m_frameEvent.checkFilesExist();
        std::error_code ec;
        if (fs::exists(m_output, ec) && !fs::is_directory(m_output, ec)) throw Error(m_output, "exists and is not a folder");

        ConsoleProgress progress("explain", m_common.quiet || m_json);
        ProgressSpan loading(progress, 0.0, 0.1);
        std::vector<std::string> files;
        std::vector<std::string> mapNames;   ///< the part of each map's file name after map_<k>_
        std::vector<std::string> inputFiles; ///< every file read, for the sidecars
        std::vector<Image> inputs;
        std::vector<Modality> modalities;
        std::shared_ptr<const FusionModel> model;
        std::string modelPath;
        if (frameEvent) {
            const FrameEventFiles window = loadFrameEventWindow(m_frameEvent);
            modelPath = m_model.empty() ? shippedFrameEventModelPath() : m_model;
            progress.report(0.05, "loading model");
            const LoadedFrameEventModel loadedModel = loadFrameEventModel(modelPath);
            const FrameEventInputs fe = makeFrameEventInputs(window.frameLinear, window.referenceLinear, EventSpan(window.events),
                                                             window.widthPx, window.heightPx, window.interval, loadedModel.encoding);
            model = loadedModel.model;
            inputs = fe.networkInputs();
            modalities = frameEventModalities();
            files = {m_frameEvent.frame, m_frameEvent.events, m_frameEvent.events};
            if (!m_frameEvent.reference.empty()) files[2] = m_frameEvent.reference;
            mapNames = {"F", "E", "EF"};
            inputFiles = window.inputFiles;
        } else {
            const ExposureStack loaded = m_stack.load(m_inputs, false, loading, &files, m_registry);
            const ExposureStack stack = m_maxSide > 0 ? makeProxyStack(loaded, m_maxSide) : loaded;
            for (const StackFrame& f : stack.frames) inputs.push_back(f.pixels.toFloat());
            modalities.assign(inputs.size(), Modality::Exposure);
            for (const std::string& f : files) mapNames.push_back(safeStem(f));
            inputFiles = files;
            model = loadAttributionModel(m_model, &modelPath);
        }
        const LearnEntryPoints& learn = LearnLibrary::get();

        AttributionRequest request;
        request.method = method;
        request.values = overrides;
        request.target = target;
        request.compute.device = parseDeviceChoice(m_device);
        // The layer list (Grad-CAM) comes from the model: refuse an unknown one before the work.
        const std::vector<ParamSpec> specs = attributionParamSpecs(method, model->layerNames());
        try {
            resolveParamValues(specs, overrides);
        } catch (const Error& e) {
            throw UsageError(std::string("--param: ") + e.what());
        }
        const bool modelCheck = m_sanity == "model" || m_sanity == "all", dataCheck = m_sanity == "data" || m_sanity == "all";
        const double explainEnd = modelCheck || dataCheck ? 0.4 : 0.95;
        ProgressSpan explaining(progress, 0.1, explainEnd);
        const AttributionResult r = learn.attribute(*model, inputs, modalities, request, explaining);
        nlohmann::json sanity = nlohmann::json::object();
        if (modelCheck) {
            ProgressSpan span(progress, explainEnd, dataCheck ? 0.75 : 0.95);
            const ModelRandomisationResult m = learn.modelRandomisationCheck(*model, inputs, modalities, request, SanityOptions{}, span);
            nlohmann::json steps = nlohmann::json::array();
            for (const RandomisationStep& s : m.steps)
                steps.push_back({{"layer", s.layer}, {"rank_correlation", s.rankCorrelation}, {"rank_correlation_abs", s.rankCorrelationAbs}});
            sanity["model_randomisation"] = steps;
        }
        if (dataCheck) {
            ProgressSpan span(progress, modelCheck ? 0.75 : explainEnd, 0.95);
            const DataRandomisationResult d = learn.dataRandomisationCheck(request, DataRandomisationOptions{}, span);
            sanity["data_randomisation"] = {{"rank_correlation", d.rankCorrelation}, {"rank_correlation_abs", d.rankCorrelationAbs},
                                            {"true_label_loss", d.trueLabelLoss}, {"random_label_loss", d.randomLabelLoss}};
        }

        progress.report(0.95, "writing");
        fs::create_directories(m_output, ec);
        if (ec) throw Error(m_output, "cannot create the folder: " + ec.message());
        const ParamValues values = resolveParamValues(specs, overrides);
        OutputOptions exr;
        exr.exrType = "float";
        OutputOptions png;
        nlohmann::json summary;
        summary["method"] = std::string(toString(method));
        summary["method_name"] = std::string(displayName(method));
        summary["target"] = r.target;
        summary["model"] = modelPath;
        nlohmann::json params = nlohmann::json::object();
        for (const auto& [id, v] : values.all()) params[id] = paramValueToJson(v);
        summary["params"] = params;
        summary["signed"] = r.isSigned;
        summary["target_value"] = numberOrNull(r.targetValue);
        if (method == AttributionMethod::IntegratedGradients) {
            summary["completeness_gap"] = numberOrNull(r.completenessGap);
            summary["baseline_value"] = numberOrNull(r.baselineValue);
        }
        summary["attribution_sum"] = r.attributionSum;
        if (!r.layer.empty()) summary["layer"] = r.layer;
        summary["device"] = r.device;
        summary["engine"] = r.engine;
        summary["passes"] = r.passes;
        summary["seconds"] = r.seconds;
        summary["notes"] = r.notes;
        if (!sanity.empty()) summary["sanity"] = sanity;
        summary["inputs"] = nlohmann::json::array();
        const DisplayRange range = attributionDisplayRange(r.maps, r.isSigned);
        summary["display_range"] = {range.lo, range.hi};
        for (std::size_t k = 0; k < r.maps.size(); ++k) {
            const std::string base = "map_" + std::to_string(k) + "_" + mapNames.at(k);
            const std::string exrPath = (fs::path(m_output) / (base + ".exr")).string();
            const std::string pngPath = (fs::path(m_output) / (base + ".png")).string();
            Sidecar sidecar;
            sidecar.operators.push_back({"attribution-" + std::string(toString(method)), 1, values});
            sidecar.inputFiles = inputFiles;
            sidecar.notes["model"] = modelPath;
            sidecar.notes["target"] = r.target;
            sidecar.notes["input"] = files[k];
            if (frameEvent) sidecar.notes["modality"] = std::string(toString(modalities[k]));
            sidecar.notes["map"] = r.isSigned ? "signed attribution, one channel" : "attribution ≥ 0, one channel";
            if (std::isfinite(r.completenessGap)) sidecar.numbers["completeness_gap"] = r.completenessGap;
            writeOutputWithSidecar(exrPath, r.maps[k], exr, sidecar);
            sidecar.notes["map"] = r.isSigned ? "display: blue (negative) – white (0) – red (positive), ±99th percentile of |v| over every input's map"
                                              : "display: inferno-like ramp up to the 99th percentile over every input's map";
            sidecar.numbers["display_min"] = range.lo;
            sidecar.numbers["display_max"] = range.hi;
            writeOutputWithSidecar(pngPath, colouredAttributionMap(r.maps[k], r.isSigned, range), png, sidecar);
            const MapStatistics s = mapStatistics(r.maps[k]);
            nlohmann::json entry = {{"file", files[k]}, {"map", exrPath}, {"png", pngPath}, {"min", s.min}, {"max", s.max}, {"sum", s.sum}};
            if (frameEvent) entry["modality"] = std::string(toString(modalities[k]));
            summary["inputs"].push_back(entry);
        }
        const std::string summaryPath = (fs::path(m_output) / "summary.json").string();
        writeFileAtomically(summaryPath, summary.dump(2) + "\n");
        progress.report(1.0, "done");
        progress.finish();
        if (m_json) printJson(summary);
        else if (!m_common.quiet) {
            std::fprintf(stderr, "explain: %s of %s: %zu maps in %s (%.1f s on %s)", std::string(displayName(method)).c_str(),
                         r.target.c_str(), r.maps.size(), m_output.c_str(), r.seconds, r.device.c_str());
            if (std::isfinite(r.completenessGap)) std::fprintf(stderr, ", completeness gap %.3g %%", 100.0 * r.completenessGap);
            std::fprintf(stderr, "\n");
        }
        return kSuccess;
    }

private:
    const OperatorRegistry& m_registry;
    std::vector<std::string> m_inputs, m_params;
    std::string m_output, m_method, m_model, m_device = "auto";
    bool m_json = false;
    int m_maxSide = 0;
    std::string m_sanity = "none";
    TargetOptions m_target;
    FrameEventOptions m_frameEvent;
    StackOptions m_stack;
    CommonOptions m_common;
};

} // namespace

std::unique_ptr<Command> makeExplainCommand(const OperatorRegistry& registry)
{
    return std::make_unique<ExplainCommand>(registry);
}

} // namespace fuselab::cli
