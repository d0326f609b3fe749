// fuselab-cli pic --methods M1,M2,... FOLDER -o results.csv [--model FILE] [--target T]
//                 [--region X,Y,W,H] [--max-side PX] [--param ID=VALUE ...] [--curve-param ID=VALUE ...]
//
// The table a paper needs: for every scene of FOLDER (one sub-folder per stack) and every method,
// the AUCs of SIC and AIC (SPEC §7) and of the deletion and insertion curves, then one `median`
// row per method (the AUC of the pointwise median curve over the scenes, as SPEC §7 aggregates
// PIC curves; the same for deletion and insertion). Method `random` is the baseline. Every method
// of a scene is scored against the same random start (one seed per run).
#include "attribution_support.hpp"
#include "cli_support.hpp"
#include "command.hpp"
#include "fuselab/csv_table.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/learn/learn_library.hpp"
#include "fuselab/mertens.hpp"
#include "fuselab/stack_io.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

namespace fuselab::cli {
namespace {

namespace fs = std::filesystem;
using namespace fuselab::learn;

// Pointwise median of curves sharing their x (deletion/insertion over scenes: same step count).
Curve medianCurve(const std::vector<Curve>& curves)
{
    Curve m;
    if (curves.empty()) return m;
    m.x = curves.front().x;
    std::vector<double> column(curves.size());
    for (std::size_t i = 0; i < m.x.size(); ++i) {
        for (std::size_t j = 0; j < curves.size(); ++j) column[j] = curves[j].y.at(i);
        std::sort(column.begin(), column.end());
        const std::size_t n = column.size();
        m.y.push_back(n % 2 ? column[n / 2] : 0.5 * (column[n / 2 - 1] + column[n / 2]));
    }
    m.auc = trapezoidAuc(m.x, m.y);
    return m;
}

struct MethodCurves {
    std::vector<PicCurve> sic, aic;
    std::vector<Curve> deletion, insertion;
};

class PicCommand final : public Command {
public:
    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand(
            "pic", "SIC/AIC (PIC) and deletion/insertion AUCs of attribution methods over a folder of stacks, as CSV "
                   "(README: Attribution)");
        sub->add_option("folder", m_folder, "A folder with one sub-folder per scene (its exposures in name order)")->required();
        sub->add_option("-o,--output", m_output, "CSV written atomically: image, method, sic_auc, aic_auc, deletion_auc, insertion_auc")
            ->required();
        std::string ids;
        for (const std::string& id : attributionMethodIds()) ids += (ids.empty() ? "" : ",") + id;
        sub->add_option("--methods", m_methods, "Comma-separated attribution methods (" + ids + "); random is the baseline")->required();
        sub->add_option("--model", m_model, "The fusion model file (default: the shipped model)");
        sub->add_option("--max-side", m_maxSide, "Stacks are reduced so their long side is at most this (0: full size)")
            ->capture_default_str()->check(CLI::Range(0, 100000));
        addRepeatableOption(*sub, "--param", m_params, "Method parameter ID=VALUE, applied to every listed method that has it (repeatable)");
        std::string curveHelp = "Curve setting ID=VALUE (repeatable):";
        for (const ParamSpec& s : attributionCurveParamSpecs()) curveHelp += " " + s.id + "=" + formatParamValue(defaultValue(s));
        addRepeatableOption(*sub, "--curve-param", m_curveParams, curveHelp);
        sub->add_option("--device", m_device, "auto (CUDA when LibTorch sees one), cpu or cuda")
            ->capture_default_str()->check(CLI::IsMember({"auto", "cpu", "cuda"}));
        m_target.attach(*sub);
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        applyThreads(m_common);
        const std::vector<AttributionMethod> methods = parseMethodList(m_methods);
        const AttributionTarget target = m_target.resolve();
        const std::map<AttributionMethod, ParamValues> methodValues = methodParameters(methods);
        const AttributionCurvesOptions curveOptions =
            attributionCurvesOptionsFromValues(parseParamArguments(attributionCurveParamSpecs(), "curve settings", "--curve-param", m_curveParams));
        if (formatFromExtension(m_output) != FileFormat::Unknown || fs::path(m_output).extension() != ".csv")
            throw UsageError("-o '" + m_output + "' should be a .csv file");
        checkModelFile(m_model);
        const std::vector<fs::path> scenes = sceneFolders();

        std::string modelPath;
        const auto model = loadAttributionModel(m_model, &modelPath);
        const LearnEntryPoints& learn = LearnLibrary::get();
        CsvTable table;
        table.header = {"image", "method", "sic_auc", "aic_auc", "deletion_auc", "insertion_auc"};
        std::map<AttributionMethod, MethodCurves> curves;
        ConsoleProgress progress("pic", m_common.quiet);
        for (std::size_t s = 0; s < scenes.size(); ++s) {
            const std::string name = scenes[s].filename().string();
            const LoadedStack loaded = loadStack({scenes[s].string()}, StackLoadOptions{});
            for (const std::string& w : loaded.warnings) printWarning(w);
            const ExposureStack stack = m_maxSide > 0 ? makeProxyStack(loaded.stack, m_maxSide) : loaded.stack;
            std::vector<Image> inputs;
            for (const StackFrame& f : stack.frames) inputs.push_back(f.pixels.toFloat());
            const std::vector<Modality> modalities(inputs.size(), Modality::Exposure);
            // Every method's maps first, then their curves in one call: the fused reference, the
            // curves' starts and ends and PIC's random start and sizes are shared by the methods.
            const double sceneBegin = double(s) / double(scenes.size()), sceneSpan = 1.0 / double(scenes.size());
            std::vector<AttributionResult> maps(methods.size());
            std::vector<std::vector<Image>> mapSets;
            std::vector<AttributionCurves> sceneCurves;
            try {
                for (std::size_t m = 0; m < methods.size(); ++m) {
                    const double unit = sceneBegin + sceneSpan * 0.3 * double(m) / double(methods.size());
                    ProgressSpan explaining(progress, unit, unit + sceneSpan * 0.3 / double(methods.size()));
                    AttributionRequest request;
                    request.method = methods[m];
                    request.values = methodValues.at(methods[m]);
                    request.target = target;
                    request.compute.device = parseDeviceChoice(m_device);
                    maps[m] = learn.attribute(*model, inputs, modalities, request, explaining);
                    mapSets.push_back(maps[m].maps);
                }
                ProgressSpan evaluating(progress, sceneBegin + sceneSpan * 0.3, sceneBegin + sceneSpan);
                AttributionCurvesOptions o = curveOptions;
                o.compute.device = parseDeviceChoice(m_device);
                sceneCurves = learn.attributionCurvesForEach(*model, inputs, modalities, mapSets, target, o, evaluating, {});
            } catch (const Error& e) {
                throw e.file().empty() ? e.withFile(scenes[s].string()) : e;
            }
            for (std::size_t m = 0; m < methods.size(); ++m) {
                const AttributionCurves& c = sceneCurves[m];
                MethodCurves& mc = curves[methods[m]];
                mc.sic.push_back(c.pic.sic);
                mc.aic.push_back(c.pic.aic);
                mc.deletion.push_back(c.deletion);
                mc.insertion.push_back(c.insertion);
                for (const auto& [curveName, curve] : {std::make_pair("SIC", &c.pic.sic), std::make_pair("AIC", &c.pic.aic)})
                    if (curve->skipped) printWarning(name + ", " + std::string(toString(methods[m])) + ": " + curveName + " skipped: " + curve->skipReason);
                table.rows.push_back({name, std::string(toString(methods[m])), c.pic.sic.skipped ? "" : formatNumber(c.pic.sic.auc),
                                      c.pic.aic.skipped ? "" : formatNumber(c.pic.aic.auc), formatNumber(c.deletion.auc),
                                      formatNumber(c.insertion.auc)});
                if (!m_common.quiet)
                    std::fprintf(stderr, "pic: %s %ux%u, %s: SIC %s, AIC %s, deletion %.4f, insertion %.4f (%.1f s + %.1f s)\n", name.c_str(),
                                 unsigned(stack.width()), unsigned(stack.height()), std::string(toString(methods[m])).c_str(),
                                 table.rows.back()[2].empty() ? "skipped" : table.rows.back()[2].substr(0, 6).c_str(),
                                 table.rows.back()[3].empty() ? "skipped" : table.rows.back()[3].substr(0, 6).c_str(), c.deletion.auc,
                                 c.insertion.auc, maps[m].seconds, c.seconds);
            }
        }
        for (AttributionMethod m : methods) {
            const MethodCurves& mc = curves[m];
            auto aggregated = [](const std::vector<PicCurve>& list) {
                const bool any = std::any_of(list.begin(), list.end(), [](const PicCurve& c) { return !c.skipped; });
                return any ? formatNumber(aggregatePicCurves(list).auc) : std::string();
            };
            table.rows.push_back({"median", std::string(toString(m)), aggregated(mc.sic), aggregated(mc.aic),
                                  formatNumber(medianCurve(mc.deletion).auc), formatNumber(medianCurve(mc.insertion).auc)});
        }
        progress.finish();
        writeFileAtomically(m_output, formatCsv(table));
        if (!m_common.quiet)
            std::fprintf(stderr, "wrote %s (%zu scenes x %zu methods, model %s)\n", m_output.c_str(), scenes.size(), methods.size(),
                         modelPath.c_str());
        return kSuccess;
    }

private:
    // --param ID=VALUE goes to every listed method whose specs have ID; an ID no method has is a usage error.
    std::map<AttributionMethod, ParamValues> methodParameters(const std::vector<AttributionMethod>& methods) const
    {
        std::map<AttributionMethod, ParamValues> out;
        for (AttributionMethod m : methods) out[m] = {};
        for (const std::string& argument : m_params) {
            bool used = false;
            for (AttributionMethod m : methods) {
                const std::vector<ParamSpec> specs = attributionParamSpecs(m);
                const std::string id = argument.substr(0, argument.find('='));
                if (std::none_of(specs.begin(), specs.end(), [&](const ParamSpec& s) { return s.id == id; })) continue;
                const ParamValues one = parseParamArguments(specs, "--method " + std::string(toString(m)), "--param", {argument});
                for (const auto& [k, v] : one.all()) out[m].set(k, v);
                used = true;
            }
            if (!used) throw UsageError("--param '" + argument + "': none of the listed methods has this parameter");
        }
        return out;
    }

    std::vector<fs::path> sceneFolders() const
    {
        std::error_code ec;
        if (!fs::is_directory(m_folder, ec)) throw Error(m_folder, "is not a folder");
        std::vector<fs::path> scenes;
        for (const fs::directory_entry& e : fs::directory_iterator(m_folder, ec))
            if (e.is_directory() && e.path().filename().string()[0] != '.') scenes.push_back(e.path());
        if (ec) throw Error(m_folder, "cannot list the folder: " + ec.message());
        std::sort(scenes.begin(), scenes.end());
        if (scenes.empty()) throw Error(m_folder, "holds no scene folders (one sub-folder per stack)");
        return scenes;
    }

    std::string m_folder, m_output, m_methods, m_model, m_device = "auto";
    std::vector<std::string> m_params, m_curveParams;
    int m_maxSide = 1024;
    TargetOptions m_target;
    CommonOptions m_common;
};

} // namespace

std::unique_ptr<Command> makePicCommand()
{
    return std::make_unique<PicCommand>();
}

} // namespace fuselab::cli
