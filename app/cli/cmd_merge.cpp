// fuselab-cli merge [--ev LIST | --times LIST] [--response debevec|robertson|linear|gamma|srgb|FILE.csv]
//                   [--response-out FILE.csv] [--align none|mtb|homography] -o OUT.exr|OUT.hdr IMAGE...
#include "cli_support.hpp"
#include "fuse_banded.hpp"
#include "merge_banded.hpp"
#include "command.hpp"
#include "output_options.hpp"
#include "recipe_output.hpp"
#include "stack_options.hpp"

#include "fuselab/banded_fusion.hpp"
#include "fuselab/deghost_params.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/hdr_merge.hpp"
#include "fuselab/merge_operators.hpp"
#include "fuselab/io.hpp"

#include <algorithm>
#include <cstdio>

namespace fuselab::cli {
namespace {

class MergeCommand final : public Command {
public:
    explicit MergeCommand(const OperatorRegistry& registry) : m_registry(registry) {}

    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand("merge", "Merge an exposure stack into linear HDR radiance (EXR or Radiance HDR)");
        sub->add_option("images", m_inputs, "The stack's images, or a folder of them")->required();
        sub->add_option("-o,--output", m_output, "Output radiance: .exr or .hdr (a sidecar <OUT>.json is written too)")->required();
        sub->add_option("--response", m_response,
                        "Camera response: debevec, robertson (recovered), linear, gamma, srgb, or a FILE.csv (default: linear "
                        "for camera RAW frames, which are developed linearly; debevec otherwise)")
            ->capture_default_str();
        sub->add_option("--response-out", m_responseOut, "Write the response used to this CSV (pixel_value,r,g,b)");
        addRepeatableOption(*sub, "--param", m_params, "Parameter ID=VALUE of the merge operator (repeatable; 'fuselab-cli ops --category merge')");
        m_stack.attach(*sub);
        m_out.attach(*sub);
        sub->add_option("--memory-mb", m_memoryMb,
                        "Merge row by row within this many MiB (to .exr, without --align and deghosting: add --no-deghost); "
                        "frames are read by scanlines where their format allows, the response from sample pixels gathered on the way. "
                        "Without it, stacks too large for half of the available memory are merged row by row when they can be")
            ->check(CLI::Range(64, 1 << 24));
        sub->add_flag("--json", m_json, "Print what was written (path, size, depth, colour space, sidecar) as JSON on stdout");
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        applyThreads(m_common);
        if (!endsWith(m_output, ".exr") && !endsWith(m_output, ".hdr") && !endsWith(m_output, ".EXR") && !endsWith(m_output, ".HDR"))
            throw UsageError("merge writes linear radiance: -o must end in .exr or .hdr (tone-map it with 'fuselab-cli tonemap')");
        const std::vector<std::string> known = {"debevec", "robertson", "linear", "gamma", "srgb"};
        if (!m_response.empty() && !endsWith(m_response, ".csv") && std::find(known.begin(), known.end(), m_response) == known.end())
            throw UsageError("--response must be debevec, robertson, linear, gamma, srgb or a FILE.csv (got '" + m_response + "')");
        if (m_memoryMb > 0) return runRowByRow(std::size_t(m_memoryMb) << 20, "--memory-mb", false);
        if (wholeMergeWouldNotFit()) {
            const int code = runRowByRow(defaultMemoryBudgetBytes(), "half of the available memory", true);
            if (code >= 0) return code;
        }

        const std::string response = m_response.empty() ? responseByContent() : m_response;
        const bool fromFile = endsWith(response, ".csv");
        const auto [op, values] = mergeOperatorFor(response);
        Recipe recipe = m_stack.recipeInputs(m_inputs, m_registry);
        // A measured curve is the step's model file: merge-response runs it instead of its choice.
        recipe.steps.push_back({op->info().id, op->info().version, values, fromFile ? response : std::string()});
        recipe.output = m_out;
        Sidecar sidecar;
        sidecar.notes["content"] = kRadianceNote;
        if (fromFile) sidecar.notes["response"] = "from " + response;
        const RecipeProduced produced =
            produceFromCommandLine(recipe, m_output, std::move(sidecar), m_registry, {"merge", m_common.quiet, m_json});
        if (!m_responseOut.empty()) {
            if (fromFile) writeResponseCsv(m_responseOut, readResponseCsv(response)); // the curve as given, every code
            else
                for (const NamedImage& n : produced.result.maps)
                    if (n.name == "response") writeResponseCsv(m_responseOut, responseFromCurveImage(n.image));
        }
        return kSuccess;
    }

private:
    static constexpr const char* kRadianceNote = "linear scene radiance, relative (exposure 2^stops = 1)";

    // Camera RAW frames are developed linearly (no curve to recover): a RAW bracket merges
    // through the linear response unless the user says otherwise. By content, before decoding.
    std::string responseByContent() const
    {
        const std::vector<std::string> files = expandStackInputs(m_inputs);
        const bool raw = !files.empty() && std::all_of(files.begin(), files.end(), [](const std::string& f) {
            try {
                return probeImage(f).format == FileFormat::CameraRaw; // a DNG is TIFF to a sniffer; LibRaw tells
            } catch (const Error&) {
                return false; // reading the stack names the file and its problem
            }
        });
        return raw ? "linear" : "debevec";
    }

    // The operator a --response names (a CSV file: the known-response operator's weighting,
    // check and deghosting) with its values from --param and the deghosting flags.
    std::pair<const Operator*, ParamValues> mergeOperatorFor(const std::string& response) const
    {
        const bool fromFile = endsWith(response, ".csv");
        const std::string opId = response == "debevec" ? "merge-debevec" : response == "robertson" ? "merge-robertson" : "merge-response";
        const Operator& op = m_registry.get(opId);
        ParamValues overrides = parseParamArguments(op, m_params);
        if (opId == "merge-response" && !fromFile) overrides.set("response", response);
        m_stack.applyDeghostFlags(overrides);
        try {
            return {&op, resolveParamValues(op.params(), overrides)};
        } catch (const Error& e) {
            throw UsageError(e.problem());
        }
    }

    // Whether the whole-image merge would hold more than the default budget (wholeMergeBytesOfFiles).
    bool wholeMergeWouldNotFit() const
    {
        const std::vector<std::string> files = expandStackInputs(m_inputs);
        return files.size() >= 2 && wholeMergeBytesOfFiles(files) > defaultMemoryBudgetBytes();
    }

    // Frames read row by row, the response from gathered sample pixels, OpenEXR written in bands
    // (merge_banded.hpp): asked for with --memory-mb, or chosen because the stack does not fit
    // (`automatic`: then what needs whole frames is a warning and the whole-image merge runs,
    // returning −1 here).
    int runRowByRow(std::size_t budgetBytes, const std::string& origin, bool automatic)
    {
        std::string needsWhole;
        if (!endsWith(m_output, ".exr") && !endsWith(m_output, ".EXR")) needsWhole = "an output other than OpenEXR (.exr)";
        else if (m_stack.align != "none") needsWhole = "alignment (--align)";
        else if (!m_stack.deghostMask.empty()) needsWhole = "deghosting (--deghost-mask)";
        const std::string response = m_response.empty() ? responseByContent() : m_response;
        const auto [op, values] = mergeOperatorFor(response);
        if (needsWhole.empty() && values.flag("deghost")) needsWhole = "deghosting (add --no-deghost)";
        if (!needsWhole.empty()) {
            if (!automatic) throw UsageError("--memory-mb merges row by row, which cannot do " + needsWhole);
            printWarning("this stack would need more than half of the available memory to merge whole; merging row by row "
                         "(--memory-mb) would not, but it cannot do " + needsWhole);
            return -1;
        }
        BandedMergeRequest request;
        request.inputs = m_inputs;
        request.output = m_output;
        request.budgetBytes = budgetBytes;
        request.budgetOrigin = origin;
        request.response = response;
        request.op = op;
        request.values = values;
        if (!m_stack.ev.empty()) request.evs = parseNumberList(m_stack.ev, "--ev");
        if (!m_stack.times.empty()) request.timesS = parseNumberList(m_stack.times, "--times");
        if (!request.evs.empty() && !request.timesS.empty()) throw UsageError("give either --ev or --times, not both");
        request.responseOut = m_responseOut;
        request.quiet = m_common.quiet;
        request.json = m_json;
        return runBandedMerge(request, m_out);
    }

    const OperatorRegistry& m_registry;
    std::vector<std::string> m_inputs, m_params;
    std::string m_output, m_response, m_responseOut; ///< m_response empty: chosen by the frames (see --response)
    StackOptions m_stack;
    OutputOptions m_out;
    CommonOptions m_common;
    bool m_json = false;
    int m_memoryMb = 0;
};

} // namespace

std::unique_ptr<Command> makeMergeCommand(const OperatorRegistry& registry)
{
    return std::make_unique<MergeCommand>(registry);
}

} // namespace fuselab::cli
