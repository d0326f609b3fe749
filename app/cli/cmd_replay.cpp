// fuselab-cli replay SIDECAR.json [--inputs IMAGE...] -o OUT
#include "cli_support.hpp"
#include "command.hpp"
#include "recipe_output.hpp"

#include "fuselab/base/error.hpp"
#include "fuse_banded.hpp"
#include "merge_banded.hpp"
#include "frame_event_fusion.hpp"

#include "fuselab/banded_fusion.hpp"
#include "fuselab/fusion_operators.hpp"
#include "fuselab/merge_files.hpp"
#if defined(FUSELAB_HAVE_LEARN)
#include "fuselab/learn/learned_operator.hpp"
#endif

#include <algorithm>
#include <optional>

namespace fuselab::cli {
namespace {

class ReplayCommand final : public Command {
public:
    explicit ReplayCommand(const OperatorRegistry& registry) : m_registry(registry) {}

    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand("replay", "Make an output again from its sidecar's recipe (bit for bit), or apply that recipe to other inputs");
        sub->add_option("sidecar", m_sidecar, "A sidecar <OUTPUT>.json written by fuse, merge, tonemap, batch or the GUI (or a recipe file)")->required();
        sub->add_option("--inputs", m_inputs, "Other inputs for the same recipe (images or a folder); default: the recorded ones");
        sub->add_option("-o,--output", m_output, "Output image; its extension chooses the format")->required();
        sub->add_flag("--json", m_json, "Print what was written (path, size, depth, colour space, sidecar) as JSON on stdout");
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        applyThreads(m_common);
        requireImageOutputFormat(m_output);
        Recipe recipe = readRecipeFile(m_sidecar);
        if (recipe.frameEvents) return replayFrameEvents(recipe);
        Sidecar sidecar;
        sidecar.notes["replayed_from"] = m_sidecar;
        if (!m_inputs.empty()) {
            std::vector<std::string> notes;
            recipe = recipeForInputs(recipe, expandStackInputs(m_inputs), notes);
            for (const std::string& n : notes) printWarning(n);
        }
        if (const std::optional<int> code = replayInBands(recipe)) return *code;
        produceFromCommandLine(recipe, m_output, std::move(sidecar), m_registry, {"replay", m_common.quiet, m_json});
        return kSuccess;
    }

private:
    // Frame/event fusion: the recorded frame, window and model through the learned library.
    int replayFrameEvents(const Recipe& recipe)
    {
        if (!m_inputs.empty()) throw UsageError("a frame/event recipe reads its own frame and recording; --inputs does not apply");
#if defined(FUSELAB_HAVE_LEARN)
        if (recipe.steps.size() != 1) throw Error(m_sidecar, "a frame/event recipe has one step, the learned fusion");
        FrameEventFuseRequest request;
        request.inputs = frameEventOptionsOf(*recipe.frameEvents);
        request.values = resolveParamValues(learn::learnedFusionParamSpecs(), recipe.steps.front().values);
        request.model = recipe.steps.front().model;
        request.output = m_output;
        request.quiet = m_common.quiet;
        OutputOptions out;
        static_cast<RecipeOutput&>(out) = recipe.output;
        return fuseFrameEventToFile(request, out);
#else
        (void)recipe;
        throw Error(m_sidecar, "frame/event fusion needs a fuselab-cli built with LibTorch");
#endif
    }

    // A one-step fusion or merge whose whole-image run would not fit half of the available
    // memory (FUSELAB_MEMORY_MB) runs in row bands, as fuse and merge do: the same pixels.
    // Nothing when the recipe needs whole images or fits.
    std::optional<int> replayInBands(const Recipe& recipe)
    {
        if (recipe.steps.size() != 1 || !recipe.deghostMask.empty() || recipe.output.workingSpace != RecipeOutput{}.workingSpace ||
            !recipe.output.outputSpace.empty())
            return std::nullopt;
        const RecipeStep& step = recipe.steps.front();
        const Operator* op = m_registry.find(step.operatorId);
        if (!op || (op->info().category != category::fusion && op->info().category != category::merge)) return std::nullopt;
        const ParamValues values = resolveParamValues(op->params(), step.values);
        if (values.has("deghost") && values.flag("deghost")) return std::nullopt;
        const std::size_t budget = defaultMemoryBudgetBytes();
        BandedRunRequest run;
        run.inputs = recipe.inputs;
        run.output = m_output;
        run.budgetBytes = budget;
        run.budgetOrigin = "half of the available memory";
        run.quiet = m_common.quiet;
        run.json = m_json;
        OutputOptions out;
        static_cast<RecipeOutput&>(out) = recipe.output;
        const FileFormat format = formatFromExtension(m_output);
        if (op->info().category == category::fusion) {
            // Bands fuse the files in their order; the whole-image fusion in exposure order. They are
            // the same run only when the typed exposures (a folder's ev.txt) are already in order.
            if (!std::is_sorted(recipe.evs.begin(), recipe.evs.end()) || !std::is_sorted(recipe.timesS.begin(), recipe.timesS.end()))
                return std::nullopt;
            if (format != FileFormat::Tiff && format != FileFormat::Png && format != FileFormat::Jpeg) return std::nullopt;
            if (sampleTypeFor(m_output, out) == FusedSampleType::Float || wholeFusionBytesOfFiles(recipe.inputs) <= budget) return std::nullopt;
            BandedFuseRequest request;
            static_cast<BandedRunRequest&>(request) = run;
            request.values = values;
            request.model = step.model;
            std::shared_ptr<const Operator> withModel = step.model.empty() ? nullptr : commandLineModelOperators()(step);
            request.op = withModel ? withModel.get() : op;
            if (const auto* provider = dynamic_cast<const BandWeightsProvider*>(request.op))
                return runBandedFuseWithWeights(request, *provider, step.model, out);
            if (!bandedFusionRecipe(op->info().id, values, false).possible) return std::nullopt;
            return runBandedFuse(request, out);
        }
        if (format != FileFormat::Exr || wholeMergeBytesOfFiles(recipe.inputs) <= budget) return std::nullopt;
        if (!rowMergeRecipe(op->info().id, values, false).possible) return std::nullopt;
        BandedMergeRequest request;
        static_cast<BandedRunRequest&>(request) = run;
        request.op = op;
        request.values = values;
        request.evs = recipe.evs;
        request.timesS = recipe.timesS;
        request.response = step.model; // a response CSV, or empty: the operator and its values say the rest
        return runBandedMerge(request, out);
    }

    const OperatorRegistry& m_registry;
    std::string m_sidecar, m_output;
    std::vector<std::string> m_inputs;
    bool m_json = false;
    CommonOptions m_common;
};

} // namespace

std::unique_ptr<Command> makeReplayCommand(const OperatorRegistry& registry)
{
    return std::make_unique<ReplayCommand>(registry);
}

} // namespace fuselab::cli
