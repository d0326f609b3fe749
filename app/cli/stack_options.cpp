#include "stack_options.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/recipe_run.hpp"
#include "recipe_output.hpp"

#include <cstdio>

namespace fuselab::cli {

void StackOptions::attach(CLI::App& sub)
{
    auto* evOpt = sub.add_option("--ev", ev, "Exposure per input in stops, in input order (+1 = twice the light), e.g. 2,0,-2,-4");
    sub.add_option("--times", times, "Exposure time per input in seconds, e.g. 0.0625,0.25,1,4")->excludes(evOpt);
    sub.add_option("--align", align, "Align the frames first: none, mtb (translation) or homography (hand-held)")
        ->capture_default_str()->check(CLI::IsMember({"none", "mtb", "homography"}));
    auto* on = sub.add_flag("--deghost", deghost,
                            "Show moving objects once, as they stand in the reference exposure (the default; same as "
                            "--param deghost=true)");
    sub.add_flag("--no-deghost", noDeghost, "Leave motion detection off (same as --param deghost=false)")->excludes(on);
    sub.add_option("--deghost-mask", deghostMask,
                   "Painted deghosting decisions: an 8-bit grey PNG of the stack's size where grey level k takes the "
                   "region from frame k (1 = the first frame of the stack, darkest first when exposures are known) "
                   "and 0 leaves it to the automatic detection");
}

void StackOptions::applyDeghostFlags(ParamValues& overrides) const
{
    if (deghost) overrides.set("deghost", true);
    if (noDeghost) overrides.set("deghost", false);
}

std::optional<Image8> StackOptions::paintedSources(int widthPx, int heightPx) const
{
    if (deghostMask.empty()) return std::nullopt;
    return readPaintedSources(deghostMask, widthPx, heightPx);
}

StackLoadOptions StackOptions::typedExposures() const
{
    StackLoadOptions options;
    if (!ev.empty()) options.evs = parseListOption(ev, "--ev");
    if (!times.empty()) options.timesS = parseListOption(times, "--times");
    return options;
}

std::vector<RecipeStep> StackOptions::alignmentSteps(const OperatorRegistry& registry) const
{
    if (align == "none") return {};
    const Operator& op = registry.get("align-" + align);
    return {{op.info().id, op.info().version, defaultValues(op.params()), {}}};
}

Recipe StackOptions::recipeInputs(const std::vector<std::string>& inputs, const OperatorRegistry& registry) const
{
    StackLoadOptions options = typedExposures();
    Recipe recipe;
    recipe.inputs = resolveStackFiles(inputs, options);
    recipe.evs = options.evs;
    recipe.timesS = options.timesS;
    recipe.deghostMask = deghostMask;
    recipe.steps = alignmentSteps(registry);
    return recipe;
}

ExposureStack StackOptions::load(const std::vector<std::string>& inputs, bool requireExposures, ProgressSink& progress,
                                 std::vector<std::string>* files, const OperatorRegistry& registry, RgbPrimaries working) const
{
    StackLoadOptions options = typedExposures();
    options.read.workingPrimaries = working;
    options.requireExposures = requireExposures;
    LoadedStack loaded = loadStack(inputs, options);
    for (const std::string& w : loaded.warnings) printWarning(w);
    if (files)
        for (const StackFrame& f : loaded.stack.frames) files->push_back(f.path);
    const std::vector<RecipeStep> alignment = alignmentSteps(registry);
    if (alignment.empty()) return std::move(loaded.stack);
    // The alignment step a recipe runs (the operator), as fuse --align runs it.
    ProgressSpan alignSpan(progress, 0.3, 0.6);
    RecipeResult aligned = runRecipeSteps(alignment, &loaded.stack, nullptr, nullptr, working, FusedSampleType::Float, registry, alignSpan);
    printAlignmentShifts(aligned);
    return std::move(*aligned.stack);
}

} // namespace fuselab::cli
