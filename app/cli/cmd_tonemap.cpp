// fuselab-cli tonemap --op mulaw|pq|hlg|reinhard|reinhard-local|drago|mantiuk|durand [--param ID=VALUE ...] -o OUT IN.exr|IN.hdr
#include "cli_support.hpp"
#include "command.hpp"
#include "output_options.hpp"
#include "recipe_output.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"

#include <cstdio>

namespace fuselab::cli {
namespace {

class ToneMapCommand final : public Command {
public:
    explicit ToneMapCommand(const OperatorRegistry& registry) : m_registry(registry) {}

    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand("tonemap", "Tone-map linear radiance (EXR, HDR, float TIFF) into a display-referred image");
        sub->add_option("input", m_input, "Linear radiance file")->required();
        sub->add_option("-o,--output", m_output, "Output image; PQ and HLG belong in 16-bit PNG or TIFF")->required();
        std::vector<std::string> names;
        for (const Operator* op : m_registry.inCategory(category::tonemap)) names.push_back(op->info().id.substr(std::string("tonemap-").size()));
        sub->add_option("--op", m_op, "Tone mapper: " + [&] {
                std::string list;
                for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
                return list;
            }())
            ->required()->check(CLI::IsMember(names));
        addRepeatableOption(*sub, "--param", m_params, "Parameter ID=VALUE of the tone mapper (repeatable; 'fuselab-cli ops --category tonemap')");
        sub->add_option("--nonfinite", m_nonFinite, "NaN/Inf input samples: reject (default) or zero (replace them)")
            ->capture_default_str()->check(CLI::IsMember({"reject", "zero"}));
        m_out.attach(*sub);
        sub->add_flag("--json", m_json, "Print what was written (path, size, depth, colour space, sidecar) as JSON on stdout");
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        applyThreads(m_common);
        const Operator& op = m_registry.get("tonemap-" + m_op);
        const ParamValues values = [&] {
            try {
                return resolveParamValues(op.params(), parseParamArguments(op, m_params));
            } catch (const Error& e) {
                throw UsageError(e.problem());
            }
        }();
        Recipe recipe;
        recipe.inputs = {m_input};
        recipe.nonFinite = m_nonFinite;
        recipe.steps.push_back({op.info().id, op.info().version, values, {}});
        recipe.output = m_out;
        produceFromCommandLine(recipe, m_output, {}, m_registry, {"tonemap", m_common.quiet, m_json});
        return kSuccess;
    }

private:
    const OperatorRegistry& m_registry;
    std::string m_input, m_output, m_op, m_nonFinite = "reject";
    std::vector<std::string> m_params;
    OutputOptions m_out;
    CommonOptions m_common;
    bool m_json = false;
};

} // namespace

std::unique_ptr<Command> makeToneMapCommand(const OperatorRegistry& registry)
{
    return std::make_unique<ToneMapCommand>(registry);
}

} // namespace fuselab::cli
