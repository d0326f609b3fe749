// Recipe JSON: the "recipe" object of every sidecar, and bare recipe files.
#include "fuselab/recipe.hpp"

#include "recipe_json.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fuselab {

nlohmann::json paramValueJson(const ParamValue& v)
{
    if (auto d = std::get_if<double>(&v)) return *d;
    if (auto i = std::get_if<std::int64_t>(&v)) return *i;
    if (auto b = std::get_if<bool>(&v)) return *b;
    return std::get<std::string>(v);
}

namespace {

// JSON keeps integers and reals apart (1 and 1.0), which is what the value kinds need.
ParamValue valueFromJson(const nlohmann::json& j, const std::string& where)
{
    if (j.is_boolean()) return j.get<bool>();
    if (j.is_number_integer()) return j.get<std::int64_t>();
    if (j.is_number_float()) return j.get<double>();
    if (j.is_string()) return j.get<std::string>();
    throw Error(where + " is neither a number, a flag nor a choice");
}

template <typename T>
void readIfPresent(const nlohmann::json& j, const char* key, T& into)
{
    if (j.contains(key)) into = j.at(key).get<T>();
}

} // namespace

nlohmann::json recipeJson(const Recipe& recipe)
{
    nlohmann::json steps = nlohmann::json::array();
    for (const RecipeStep& step : recipe.steps) {
        nlohmann::json values = nlohmann::json::object();
        for (const auto& [id, value] : step.values.all()) values[id] = paramValueJson(value);
        nlohmann::json j = {{"operator", step.operatorId}, {"version", step.version}, {"params", values}};
        if (!step.model.empty()) j["model"] = step.model;
        steps.push_back(std::move(j));
    }
    const RecipeOutput& o = recipe.output;
    nlohmann::json j;
    j["format"] = Recipe::kFormatVersion;
    j["inputs"] = recipe.inputs;
    j["evs"] = recipe.evs;
    j["times_s"] = recipe.timesS;
    j["deghost_mask"] = recipe.deghostMask;
    j["nonfinite"] = recipe.nonFinite;
    j["steps"] = steps;
    if (const auto& fe = recipe.frameEvents)
        j["frame_events"] = {{"frame", fe->frame},       {"events", fe->events}, {"reference", fe->reference}, {"window_us", fe->windowUs},
                             {"count", fe->count},       {"start_us", fe->startUs}, {"lenient", fe->lenient},
                             {"time_unit", fe->timeUnit}};
    j["output"] = {{"extension", recipe.outputExtension}, {"bit_depth", o.bitDepth}, {"quality", o.quality},
                   {"exr_type", o.exrType}, {"exr_compression", o.exrCompression}, {"tiff_compression", o.tiffCompression},
                   {"working_space", o.workingSpace}, {"output_space", o.outputSpace}};
    return j;
}

std::string recipeToJson(const Recipe& recipe)
{
    return recipeJson(recipe).dump(2) + "\n";
}

Recipe recipeFromJsonValue(const nlohmann::json& j, const std::string& file)
{
    try {
        const int format = j.at("format").get<int>();
        if (format > Recipe::kFormatVersion)
            throw Error(file, "the recipe's layout is version " + std::to_string(format) + ", newer than this FuseLab reads (" +
                                  std::to_string(Recipe::kFormatVersion) + ")");
        Recipe r;
        r.inputs = j.at("inputs").get<std::vector<std::string>>();
        readIfPresent(j, "evs", r.evs);
        readIfPresent(j, "times_s", r.timesS);
        readIfPresent(j, "deghost_mask", r.deghostMask);
        readIfPresent(j, "nonfinite", r.nonFinite);
        for (const nlohmann::json& s : j.at("steps")) {
            RecipeStep step;
            step.operatorId = s.at("operator").get<std::string>();
            readIfPresent(s, "version", step.version);
            readIfPresent(s, "model", step.model);
            for (const auto& [id, value] : s.at("params").items())
                step.values.set(id, valueFromJson(value, "parameter '" + id + "' of step '" + step.operatorId + "'"));
            r.steps.push_back(std::move(step));
        }
        if (r.steps.empty()) throw Error(file, "the recipe has no steps");
        if (j.contains("frame_events")) {
            const nlohmann::json& f = j.at("frame_events");
            RecipeFrameEvents fe;
            fe.frame = f.at("frame").get<std::string>();
            fe.events = f.at("events").get<std::string>();
            readIfPresent(f, "reference", fe.reference);
            readIfPresent(f, "window_us", fe.windowUs);
            readIfPresent(f, "count", fe.count);
            readIfPresent(f, "start_us", fe.startUs);
            readIfPresent(f, "lenient", fe.lenient);
            readIfPresent(f, "time_unit", fe.timeUnit);
            r.frameEvents = fe;
        }
        if (j.contains("output")) {
            const nlohmann::json& o = j.at("output");
            readIfPresent(o, "extension", r.outputExtension);
            readIfPresent(o, "bit_depth", r.output.bitDepth);
            readIfPresent(o, "quality", r.output.quality);
            readIfPresent(o, "exr_type", r.output.exrType);
            readIfPresent(o, "exr_compression", r.output.exrCompression);
            readIfPresent(o, "tiff_compression", r.output.tiffCompression);
            readIfPresent(o, "working_space", r.output.workingSpace);
            readIfPresent(o, "output_space", r.output.outputSpace);
        }
        return r;
    } catch (const Error& e) {
        throw e.withFile(file);
    } catch (const nlohmann::json::exception& e) {
        throw Error(file, std::string("not a FuseLab recipe: ") + e.what());
    }
}

Recipe recipeFromJson(const std::string& text, const std::string& file)
{
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw Error(file, std::string("not valid JSON: ") + e.what());
    }
    return recipeFromJsonValue(j, file);
}

Recipe readRecipeFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path, "cannot open the recipe");
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text.str());
    } catch (const nlohmann::json::exception& e) {
        throw Error(path, std::string("not valid JSON: ") + e.what());
    }
    if (j.is_object() && j.contains("recipe")) return recipeFromJsonValue(j.at("recipe"), path);
    if (j.is_object() && j.contains("tool") && j.contains("operators"))
        throw Error(path, "this sidecar holds no recipe (written by a FuseLab from before recipes, or by a command that "
                          "cannot be replayed); run the command again to get one");
    return recipeFromJsonValue(j, path);
}

void writeRecipeFile(const std::string& path, const Recipe& recipe)
{
    writeFileAtomically(path, recipeToJson(recipe));
}

Recipe withAbsolutePaths(Recipe recipe)
{
    const auto absolute = [](std::string& path) {
        if (!path.empty()) path = std::filesystem::absolute(path).lexically_normal().string();
    };
    for (std::string& path : recipe.inputs) absolute(path);
    absolute(recipe.deghostMask);
    for (RecipeStep& step : recipe.steps) absolute(step.model);
    if (recipe.frameEvents) {
        absolute(recipe.frameEvents->frame);
        absolute(recipe.frameEvents->events);
        absolute(recipe.frameEvents->reference);
    }
    return recipe;
}

Recipe recipeForInputs(const Recipe& recipe, std::vector<std::string> inputs, std::vector<std::string>& notes)
{
    if (recipe.frameEvents)
        throw Error("a frame/event recipe reads its frame and recording (" + recipe.frameEvents->events +
                    "); it does not take other stack images");
    Recipe out = recipe;
    out.inputs = std::move(inputs);
    if (!out.evs.empty() && out.evs.size() != out.inputs.size()) {
        notes.push_back("the recipe's " + std::to_string(out.evs.size()) + " typed EVs do not fit " + std::to_string(out.inputs.size()) +
                        " inputs; the inputs' EXIF gives their exposures");
        out.evs.clear();
    }
    if (!out.timesS.empty() && out.timesS.size() != out.inputs.size()) {
        notes.push_back("the recipe's " + std::to_string(out.timesS.size()) + " typed exposure times do not fit " +
                        std::to_string(out.inputs.size()) + " inputs; the inputs' EXIF gives their exposures");
        out.timesS.clear();
    }
    if (!out.deghostMask.empty()) {
        notes.push_back("the painted deghosting mask " + out.deghostMask + " belongs to the recipe's own frames and is not used");
        out.deghostMask.clear();
    }
    return out;
}

} // namespace fuselab
