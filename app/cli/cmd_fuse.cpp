// fuselab-cli fuse [--method mertens|learned] [--align none|mtb|homography] [--param ID=VALUE ...] -o OUT IMAGE...
// fuselab-cli fuse --frame F --events E --method learned [--model FILE] [--reference R]
//                  [--window-us N | --count N] [--start-us N] [--param ID=VALUE ...] -o OUT
#include "cli_support.hpp"
#include "fuse_banded.hpp"
#include "command.hpp"
#include "output_options.hpp"
#include "recipe_output.hpp"
#include "stack_options.hpp"

#include "fuselab/banded_fusion.hpp"
#include "fuselab/base/colour.hpp"
#include "fuselab/deghost_params.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/fusion_operators.hpp"
#include "fuselab/stack_io.hpp"
#include "frame_event_fusion.hpp"
#if defined(FUSELAB_HAVE_LEARN)
#include "fuselab/learn/frame_event_model.hpp"
#include "learn_support.hpp"

#include "fuselab/learn/learned_operator.hpp"
#include "fuselab/pyramid.hpp"
#endif

#include <cstdio>
#include <filesystem>
#include <optional>

namespace fuselab::cli {
namespace {

class FuseCommand final : public Command {
public:
    explicit FuseCommand(const OperatorRegistry& registry) : m_registry(registry) {}

    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand("fuse", "Fuse an exposure stack into one display-referred image (no exposure data needed)");
        sub->add_option("images", m_inputs, "The stack's images, or a folder of them (not with --frame/--events)");
        sub->add_option("-o,--output", m_output, "Output image (.tif, .png, .jpg, .exr, .hdr); a sidecar <OUT>.json is written too")->required();
        sub->add_option("--method", m_method,
                        "Fusion method: mertens, or learned (a trained network's weights in the same pyramid; "
                        "LibTorch loads on demand)")
            ->capture_default_str()->check(CLI::IsMember({"mertens", "learned"}));
        sub->add_option("--model", m_model, "--method learned: the model file (default: the shipped model)");
        addRepeatableOption(*sub, "--param", m_params, "Operator parameter ID=VALUE (repeatable; 'fuselab-cli ops --category fusion' lists them)");
#if defined(FUSELAB_HAVE_LEARN)
        // Frame/event fusion (README: Frame/event learned fusion); the window options are those of `events render`.
        m_frameEvent.attach(*sub, "Frame/event fusion");
#endif
        m_stack.attach(*sub);
        m_out.attach(*sub);
        sub->add_option("--memory-mb", m_memoryMb,
                        "Fuse in row bands within this many MiB (to TIFF, PNG or JPEG, without --align and deghosting: add --no-deghost; "
                        "--method learned computes its weights a band at a time on the CPU); "
                        "frames are read by scanlines where their format allows. Without it, stacks too large for half of the "
                        "available memory are fused in bands when they can be")
            ->check(CLI::Range(64, 1 << 24));
        sub->add_flag("--json", m_json, "Print what was written (path, size, depth, colour space, sidecar) as JSON on stdout");
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        applyThreads(m_common);
        if (!m_model.empty() && m_method != "learned") throw UsageError("--model applies to --method learned only");
        m_frameEvent.checkInputChoice(!m_inputs.empty());
        if (m_frameEvent.given()) return runFrameEvent();
        if (m_method == "learned") return runLearned();
        const Operator& op = m_registry.get(m_method);
        ParamValues overrides = parseParamArguments(op, m_params);
        m_stack.applyDeghostFlags(overrides);
        const ParamValues values = resolveParamValues(op.params(), overrides);
        if (const std::optional<BandedFuseRequest> banded = bandsFor(op, values)) return runBandedFuse(*banded, m_out);
        requireImageOutputFormat(m_output);
        return produce(op, values, {});
    }

private:
    // The whole-image fusion as a recipe: the stack flags' inputs and alignment, then `op`.
    int produce(const Operator& op, const ParamValues& values, const std::string& model, Sidecar sidecar = {})
    {
        Recipe recipe = m_stack.recipeInputs(m_inputs, m_registry);
        recipe.steps.push_back({op.info().id, op.info().version, values, model});
        recipe.output = m_out;
        if (m_stack.align != "none") sidecar.notes["alignment"] = m_stack.align;
        produceFromCommandLine(recipe, m_output, std::move(sidecar), m_registry, {"fuse", m_common.quiet, m_json});
        return kSuccess;
    }

    // What of the command needs whole frames whatever the method: alignment, the output's kind.
    std::string bandsCannotDo() const
    {
        if (m_stack.align != "none") return "alignment (--align)";
        const FileFormat f = formatFromExtension(m_output);
        if (f != FileFormat::Tiff && f != FileFormat::Png && f != FileFormat::Jpeg) return "an output other than TIFF, PNG or JPEG";
        if (sampleTypeFor(m_output, m_out) == FusedSampleType::Float) return "a 32-bit float output (linear light)";
        return {};
    }

    BandedFuseRequest bandedRequest(const Operator& op, const ParamValues& values) const
    {
        BandedFuseRequest request;
        request.inputs = m_inputs;
        request.output = m_output;
        request.op = &op;
        request.values = values;
        request.quiet = m_common.quiet;
        request.json = m_json;
        return request;
    }

    // Fusion in row bands when --memory-mb asks for it, or when the whole-image fusion would not
    // fit the default budget and nothing needs whole images; nothing otherwise.
    std::optional<BandedFuseRequest> bandsFor(const Operator& op, const ParamValues& values) const
    {
        if (m_memoryMb == 0 && m_inputs.empty()) return std::nullopt;
        std::string needsWhole = bandsCannotDo();
        if (needsWhole.empty() && (values.flag("deghost") || !m_stack.deghostMask.empty())) needsWhole = "deghosting (add --no-deghost)";
        else if (needsWhole.empty() && (!m_stack.ev.empty() || !m_stack.times.empty())) needsWhole = "--ev/--times";
        BandedFuseRequest request = bandedRequest(op, values);
        if (m_memoryMb > 0) {
            if (!needsWhole.empty()) throw UsageError("--memory-mb fuses in row bands, which cannot do " + needsWhole);
            request.budgetBytes = std::size_t(m_memoryMb) << 20;
            request.budgetOrigin = "--memory-mb";
            return request;
        }
        const std::vector<std::string> files = expandStackInputs(m_inputs);
        if (files.size() < 2) return std::nullopt;
        const std::size_t whole = wholeFusionBytesOfFiles(files);
        const std::size_t budget = defaultMemoryBudgetBytes();
        if (whole <= budget) return std::nullopt;
        if (!needsWhole.empty()) {
            printWarning("fusing these " + std::to_string(files.size()) + " frames whole needs about " + std::to_string(whole >> 20) +
                         " MiB, more than half of the available memory; fusion in row bands (--memory-mb) would not, but it cannot do " +
                         needsWhole);
            return std::nullopt;
        }
        request.budgetBytes = budget;
        request.budgetOrigin = "half of the available memory";
        return request;
    }

    // The learned operator through the registry (the shipped model) or for --model FILE; its
    // output is float and is written like any operator result.
    int runLearned()
    {
#if defined(FUSELAB_HAVE_LEARN)
        // A missing model is reported before the stack is read, not after a long decode.
        std::error_code ec;
        if (!m_model.empty() && !std::filesystem::is_regular_file(m_model, ec)) throw Error(m_model, "no such file");
        std::shared_ptr<const Operator> custom;
        if (!m_model.empty()) custom = learnedFusionWithModel(m_model);
        const Operator& op = custom ? *custom : m_registry.get("learned");
        const std::string modelPath = m_model.empty() ? shippedModelPath() : m_model;
        if (m_stack.deghost || !m_stack.deghostMask.empty())
            throw UsageError("--deghost and --deghost-mask are not available with --method learned");
        const ParamValues overrides = parseParamArguments(op, m_params);
        const ParamValues values = resolveParamValues(op.params(), overrides);
        if (m_memoryMb > 0) {
            if (const std::string why = bandsCannotDo(); !why.empty()) throw UsageError("--memory-mb fuses in row bands, which cannot do " + why);
            BandedFuseRequest request = bandedRequest(op, values);
            request.model = m_model;
            request.budgetBytes = std::size_t(m_memoryMb) << 20;
            request.budgetOrigin = "--memory-mb";
            const auto* provider = dynamic_cast<const BandWeightsProvider*>(&op);
            if (!provider) throw UsageError("--memory-mb: this fusion method's weights cannot be computed a band at a time");
            return runBandedFuseWithWeights(request, *provider, modelPath, m_out);
        }
        requireImageOutputFormat(m_output);
        Sidecar sidecar;
        sidecar.notes["model"] = modelPath;
        return produce(op, values, m_model, std::move(sidecar));
#else
        throw Error("this fuselab-cli was built without LibTorch: --method learned is unavailable");
#endif
    }

    // F + events → F, E, EF → the frame/event network; the result in camera units (float
    // outputs) or in the network's μ-law tone domain (8/16-bit outputs, display values).
    int runFrameEvent()
    {
#if defined(FUSELAB_HAVE_LEARN)
        if (m_method != "learned") throw UsageError("--frame/--events fusion needs --method learned");
        if (m_stack.deghost || m_stack.align != "none") throw UsageError("--deghost and --align do not apply to --frame/--events fusion");
        const std::vector<ParamSpec> specs = learn::learnedFusionParamSpecs();
        const ParamValues overrides = parseParamArguments(specs, "learned", "learned", m_params);
        const ParamValues values = resolveParamValues(specs, overrides);
        FrameEventFuseRequest request;
        request.inputs = m_frameEvent;
        request.values = values;
        request.model = m_model;
        request.output = m_output;
        request.quiet = m_common.quiet;
        return fuseFrameEventToFile(request, m_out);
#else
        throw Error("this fuselab-cli was built without LibTorch: --frame/--events fusion is unavailable");
#endif
    }

    const OperatorRegistry& m_registry;
    std::vector<std::string> m_inputs, m_params;
    std::string m_output, m_method = "mertens", m_model;
    FrameEventOptions m_frameEvent;
    StackOptions m_stack;
    OutputOptions m_out;
    CommonOptions m_common;
    bool m_json = false;
    int m_memoryMb = 0;
};

} // namespace

std::unique_ptr<Command> makeFuseCommand(const OperatorRegistry& registry)
{
    return std::make_unique<FuseCommand>(registry);
}

} // namespace fuselab::cli
