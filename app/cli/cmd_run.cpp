// fuselab-cli run OPERATOR [--param ID=VALUE ...] -o OUT INPUT...
#include "cli_support.hpp"
#include "command.hpp"
#include "output_options.hpp"
#include "recipe_output.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/stack_io.hpp"

#include <cstdio>
#include <map>

namespace fuselab::cli {
namespace {

class RunCommand final : public Command {
public:
    explicit RunCommand(const OperatorRegistry& registry) : m_registry(registry) {}

    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand("run", "Run any operator by id on an image or a stack ('ops' lists ids and parameters)");
        sub->add_option("operator", m_operator, "Operator id")->required();
        sub->add_option("inputs", m_inputs, "Input image, or the stack's images / folder (for image+stack operators: the image first)")->required();
        addRepeatableOption(*sub, "--param", m_params, "Parameter ID=VALUE (repeatable)");
        sub->add_option("-o,--output", m_output, "Output image (format from the extension); a sidecar <OUT>.json is written too");
        auto* ev = sub->add_option("--ev", m_ev, "Exposure per stack input in stops (+1 = twice the light)");
        sub->add_option("--times", m_times, "Exposure time per stack input in seconds")->excludes(ev);
        sub->add_flag("--json", m_json, "Print the operator's scalar results as one JSON object");
        m_out.attach(*sub);
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        applyThreads(m_common);
        const Operator& op = m_registry.get(m_operator);
        const ParamValues overrides = parseParamArguments(op, m_params);
        const InputKind kind = op.inputKind();
        if (kind == InputKind::Image && m_inputs.size() != 1)
            throw UsageError("operator '" + m_operator + "' takes one input image (got " + std::to_string(m_inputs.size()) + ")");
        // Metrics and evaluations answer with numbers; -o is for operators that make an image.
        const bool numbersOnly = op.info().category == category::metric || op.info().category == category::evaluation;
        if (kind != InputKind::Image && m_output.empty() && !numbersOnly)
            throw UsageError("-o OUT is required for operator '" + m_operator + "'");
        if (kind == InputKind::Image && m_output.empty()) throw UsageError("-o OUT is required for operator '" + m_operator + "'");

        // An operator that makes an image from files: a one-step recipe, so its sidecar replays.
        const bool makesImage = !numbersOnly && (kind == InputKind::Image || kind == InputKind::Stack);
        if (makesImage) {
            Recipe recipe;
            if (kind == InputKind::Stack) {
                StackLoadOptions options = typedExposures();
                recipe.inputs = resolveStackFiles(m_inputs, options);
                recipe.evs = options.evs;
                recipe.timesS = options.timesS;
            } else {
                recipe.inputs = m_inputs;
            }
            recipe.steps.push_back({op.info().id, op.info().version, resolveParamValues(op.params(), overrides), {}});
            recipe.output = m_out;
            const RecipeProduced produced = produceFromCommandLine(recipe, m_output, {}, m_registry, {m_operator, m_common.quiet, false});
            printScalars(produced.result.stepScalars.back());
            return kSuccess;
        }

        OperatorInput input;
        LoadedStack loaded;
        std::vector<std::string> stackFiles(m_inputs.begin(), m_inputs.end());
        if (kind == InputKind::Image || kind == InputKind::ImageAndStack) {
            input.images.push_back(readInputImage(m_inputs.front()).pixels.toFloat());
            if (kind == InputKind::ImageAndStack) stackFiles.erase(stackFiles.begin());
        }
        if (kind == InputKind::Stack || kind == InputKind::ImageAndStack) {
            loaded = loadStack(stackFiles, typedExposures());
            for (const std::string& w : loaded.warnings) printWarning(w);
            input.stack = &loaded.stack;
        }

        ConsoleProgress progress(m_operator, m_common.quiet);
        const OperatorOutput out = runOperator(op, input, overrides, progress);
        progress.finish();
        for (const std::string& note : out.notes) printWarning(note);

        if (!m_output.empty()) {
            if (out.image.empty()) throw Error("operator '" + m_operator + "' produced no image to write");
            Sidecar sidecar;
            sidecar.operators.push_back({op.info().id, op.info().version, resolveParamValues(op.params(), overrides)});
            if (kind != InputKind::Stack) sidecar.inputFiles.push_back(m_inputs.front());
            for (const StackFrame& f : loaded.stack.frames) sidecar.inputFiles.push_back(f.path);
            addReadNotes(sidecar, loaded.stack);
            sidecar.numbers = out.scalars;
            writeOutputWithSidecar(m_output, out.image, m_out, sidecar);
        }
        printScalars(out.scalars);
        if (!m_output.empty() && !m_common.quiet && !m_json) std::fprintf(stderr, "wrote %s\n", m_output.c_str());
        return kSuccess;
    }

private:
    StackLoadOptions typedExposures() const
    {
        StackLoadOptions options;
        if (!m_ev.empty()) options.evs = parseListOption(m_ev, "--ev");
        if (!m_times.empty()) options.timesS = parseListOption(m_times, "--times");
        return options;
    }

    void printScalars(const std::map<std::string, double>& scalars) const
    {
        if (m_json) {
            nlohmann::json j = nlohmann::json::object();
            for (const auto& [k, v] : scalars) j[k] = v;
            printJson(j);
        } else {
            for (const auto& [k, v] : scalars) std::printf("%s %.9g\n", k.c_str(), v);
        }
    }

    const OperatorRegistry& m_registry;
    std::string m_operator;
    std::vector<std::string> m_inputs;
    std::vector<std::string> m_params;
    std::string m_output, m_ev, m_times;
    bool m_json = false;
    OutputOptions m_out;
    CommonOptions m_common;
};

} // namespace

std::unique_ptr<Command> makeRunCommand(const OperatorRegistry& registry)
{
    return std::make_unique<RunCommand>(registry);
}

} // namespace fuselab::cli
