// fuselab-cli replay SIDECAR.json [--inputs IMAGE...] -o OUT
#include "cli_support.hpp"
#include "command.hpp"
#include "recipe_output.hpp"

#include "fuselab/base/error.hpp"
#include "fuse_banded.hpp"

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
        Sidecar sidecar;
        sidecar.notes["replayed_from"] = m_sidecar;
        if (!m_inputs.empty()) {
            std::vector<std::string> notes;
            recipe = recipeForInputs(recipe, expandStackInputs(m_inputs), notes);
            for (const std::string& n : notes) printWarning(n);
        }
        produceFromCommandLine(recipe, m_output, std::move(sidecar), m_registry, {"replay", m_common.quiet, m_json});
        return kSuccess;
    }

private:
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
