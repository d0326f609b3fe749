// Running recipes: inputs → steps → the written file with its sidecar.
#include "fuselab/recipe_run.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/param_migration.hpp"
#include "fuselab/colour_space.hpp"
#include "fuselab/deghost.hpp"
#include "fuselab/io.hpp"
#include "fuselab/stack_io.hpp"

#include <algorithm>
#include <filesystem>

namespace fuselab {

namespace {

const Operator& stepOperator(const RecipeStep& step, const OperatorRegistry& registry)
{
    const Operator* op = registry.find(step.operatorId);
    if (!op) throw Error("the recipe's step '" + step.operatorId + "' names an operator this FuseLab does not have (a plugin not installed?)");
    return *op;
}

bool startsWithStack(const Recipe& recipe, const OperatorRegistry& registry)
{
    if (recipe.steps.empty()) throw Error("the recipe has no steps");
    return stepOperator(recipe.steps.front(), registry).inputKind() != InputKind::Image;
}

bool mergesRadiance(const Recipe& recipe, const OperatorRegistry& registry)
{
    return std::any_of(recipe.steps.begin(), recipe.steps.end(),
                       [&](const RecipeStep& s) { return stepOperator(s, registry).info().category == category::merge; });
}

ReadOptions readOptionsOf(const Recipe& recipe)
{
    ReadOptions read;
    read.workingPrimaries = primariesFromString(recipe.output.workingSpace);
    if (recipe.nonFinite != "reject" && recipe.nonFinite != "zero")
        throw Error("the recipe's nonfinite policy must be reject or zero (got '" + recipe.nonFinite + "')");
    read.nonFinite = recipe.nonFinite == "zero" ? NonFinitePolicy::Zero : NonFinitePolicy::Reject;
    return read;
}

} // namespace

Image8 readPaintedSources(const std::string& path, int widthPx, int heightPx)
{
    ReadOptions asStored;
    asStored.manageColour = false; // frame numbers, not colours: no profile may change them
    const LoadedImage loaded = readImage(path, asStored);
    const Image8* codes = loaded.pixels.as8();
    if (!codes) throw Error(path, "a deghosting mask must be an 8-bit grey image (grey level k = frame k)");
    if (codes->width() != widthPx || codes->height() != heightPx)
        throw Error(path, "the deghosting mask is " + std::to_string(codes->width()) + "x" + std::to_string(codes->height()) +
                              " but the stack is " + std::to_string(widthPx) + "x" + std::to_string(heightPx));
    if (codes->channels() == 1) return *codes;
    Image8 grey(widthPx, heightPx, 1);
    for (int y = 0; y < heightPx; ++y)
        for (int x = 0; x < widthPx; ++x) {
            const std::uint8_t r = codes->at(x, y, 0);
            if (codes->at(x, y, 1) != r || codes->at(x, y, 2) != r)
                throw Error(path, "the deghosting mask has colour at (" + std::to_string(x) + ", " + std::to_string(y) +
                                      "); it must be grey (level k = frame k)");
            grey.at(x, y) = r;
        }
    return grey;
}

RecipeInputs loadRecipeInputs(const Recipe& recipe, const OperatorRegistry& registry, ProgressSink& progress)
{
    if (recipe.frameEvents)
        throw Error(recipe.frameEvents->events, "frame/event fusion runs in the learned library (fuselab-cli replay runs this recipe)");
    RecipeInputs in;
    const ReadOptions read = readOptionsOf(recipe);
    // No "0 %" line before the files are read: a file that cannot be read is one error line.
    progress.checkCancelled();
    if (!startsWithStack(recipe, registry)) {
        if (recipe.inputs.size() != 1)
            throw Error("the recipe's first step '" + recipe.steps.front().operatorId + "' takes one image (the recipe has " +
                        std::to_string(recipe.inputs.size()) + " inputs)");
        const std::string& path = recipe.inputs.front();
        const LoadedImage loaded = readImage(path, read);
        if (!loaded.header.contentNote.empty()) in.warnings.push_back(path + ": " + loaded.header.contentNote);
        in.image = loaded.pixels.toFloat();
        in.metadataFrom = path;
        in.anyDeeperThan8Bits = loaded.pixels.bitDepth() > 8;
        in.readNotes["colour " + path] = loaded.colourNote;
        if (!loaded.colourWarning.empty()) in.warnings.push_back(path + ": " + loaded.colourWarning);
        const bool toneMaps = stepOperator(recipe.steps.front(), registry).info().category == category::tonemap;
        if (toneMaps && in.image.encoding() == ColourEncoding::Srgb && loaded.pixels.bitDepth() != 32)
            in.warnings.push_back(path + ": an 8/16-bit display image is not radiance; it is decoded from sRGB and tone-mapped anyway");
        return in;
    }
    StackLoadOptions options;
    options.read = read;
    options.evs = recipe.evs;
    options.timesS = recipe.timesS;
    options.requireExposures = mergesRadiance(recipe, registry);
    LoadedStack loaded = loadStack(recipe.inputs, options);
    in.warnings = std::move(loaded.warnings);
    in.stack = std::move(loaded.stack);
    for (const StackFrame& f : in.stack.frames) {
        if (!f.readNote.empty()) in.readNotes["read " + f.path] = f.readNote;
        if (!f.colourNote.empty()) in.readNotes["colour " + f.path] = f.colourNote;
        in.anyDeeperThan8Bits = in.anyDeeperThan8Bits || f.pixels.bitDepth() > 8;
    }
    in.metadataFrom = in.stack.frames[std::size_t(defaultReferenceIndex(in.stack))].path; // camera, lens, date, place
    if (!recipe.deghostMask.empty()) in.painted = readPaintedSources(recipe.deghostMask, in.stack.width(), in.stack.height());
    return in;
}

RecipeResult runRecipeSteps(const std::vector<RecipeStep>& steps, const ExposureStack* stack, const Image* image,
                            const Image8* deghostSources, RgbPrimaries workingPrimaries, FusedSampleType finalType,
                            const OperatorRegistry& registry, ProgressSink& progress, const ModelOperatorMaker& models)
{
    if (steps.empty()) throw Error("the recipe has no steps");
    RecipeResult result;
    ExposureStack aligned; // the stack after alignment steps, when there were any
    const ExposureStack* currentStack = stack;
    Image currentImage = image ? *image : Image();
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const RecipeStep& step = steps[i];
        std::shared_ptr<const Operator> withModel;
        if (!step.model.empty()) {
            if (!models) throw Error(step.model, "the recipe's step '" + step.operatorId + "' runs this model, which this front end cannot load");
            withModel = models(step);
        }
        const Operator& op = withModel ? *withModel : stepOperator(step, registry);
        const OperatorInfo info = op.info();
        // A step of an older version: its values migrated (the operator's own mapping, then
        // repaired with notes); of a newer one: refused.
        ParamValues values = step.values;
        if (step.version != info.version) values = migrateParamValues(op, step.version, step.values, result.notes);
        const bool last = i + 1 == steps.size();
        OperatorInput input;
        input.workingPrimaries = workingPrimaries;
        const InputKind kind = op.inputKind();
        if (kind == InputKind::Stack || kind == InputKind::ImageAndStack) {
            if (!currentStack) throw Error("the recipe's step '" + step.operatorId + "' needs a stack, but the step before made one image");
            input.stack = currentStack;
            input.deghostSources = deghostSources;
        }
        if (kind == InputKind::Image || kind == InputKind::ImageAndStack) {
            if (currentImage.empty()) throw Error("the recipe's step '" + step.operatorId + "' needs an image, but it comes first on a stack");
            input.images.push_back(currentImage);
        }
        if (kind == InputKind::Events) throw Error("the recipe's step '" + step.operatorId + "' takes events, which recipes do not hold yet");

        ProgressSpan span(progress, double(i) / double(steps.size()), double(i + 1) / double(steps.size()));
        OperatorOutput out;
        SampleImage made = runOperatorTyped(op, input, values, last ? finalType : FusedSampleType::Float, out, span);
        result.ran.push_back({info.id, info.version, resolveParamValues(op.params(), values), step.model});
        result.stepScalars.push_back(out.scalars);
        for (std::string& n : out.notes) result.notes.push_back(info.name + ": " + n);

        if (info.category == category::alignment) {
            // The aligned frames go on as the stack (convention::alignedFrameExtra).
            ExposureStack next = *currentStack;
            for (std::size_t k = 0; k < next.frames.size(); ++k) {
                const std::string name = convention::alignedFrameExtra(k);
                auto it = std::find_if(out.extras.begin(), out.extras.end(), [&](const NamedImage& n) { return n.name == name; });
                if (it == out.extras.end()) throw Error("alignment operator '" + info.id + "' did not return " + name);
                next.frames[k].pixels = SampleImage(it->image);
            }
            for (NamedImage& n : out.extras)
                if (!convention::isAlignedFrameExtra(n.name)) result.maps.push_back(std::move(n));
            aligned = std::move(next);
            currentStack = &aligned;
            if (last) {
                result.image = made;
                result.stack = aligned;
            }
            continue;
        }
        for (NamedImage& n : out.extras) result.maps.push_back(std::move(n));
        if (last) {
            result.image = std::move(made);
        } else {
            const Image* asFloat = made.asFloat();
            if (!asFloat || asFloat->empty()) throw Error("the recipe's step '" + step.operatorId + "' made no image for the next step");
            currentImage = *asFloat;
            result.intermediate = currentImage;
            currentStack = nullptr;
        }
    }
    return result;
}

RecipeStep pqEncodingStep(const OperatorRegistry& registry, double referenceWhiteCdM2)
{
    const Operator& pq = registry.get("tonemap-pq");
    ParamValues values = defaultValues(pq.params());
    values.set("direction", std::string("encode"));
    values.set("reference_white_cdm2", referenceWhiteCdM2);
    return {pq.info().id, pq.info().version, resolveParamValues(pq.params(), values), {}};
}

FusedSampleType sampleTypeForFile(const std::string& path, int bitDepth)
{
    const FileFormat f = formatFromExtension(path);
    if (f == FileFormat::Exr || f == FileFormat::RadianceHdr || (f == FileFormat::Tiff && bitDepth == 32)) return FusedSampleType::Float;
    if (f == FileFormat::Jpeg || bitDepth <= 8) return FusedSampleType::U8;
    return FusedSampleType::U16;
}

RecipeProduced produceRecipeOutput(const Recipe& recipe, const std::string& outputPath, Sidecar sidecar,
                                   const OperatorRegistry& registry, ProgressSink& progress, const ModelOperatorMaker& models)
{
    const FileFormat format = formatFromExtension(outputPath);
    if (format == FileFormat::Unknown || format == FileFormat::CameraRaw)
        throw Error(outputPath, "unknown output format (.tif, .png, .jpg, .exr, .hdr)");
    (void)writeOptionsFor(recipe.output, {}); // a bad setting fails before the work
    RecipeProduced produced;
    ProgressSpan loading(progress, 0.0, 0.3);
    RecipeInputs in = loadRecipeInputs(recipe, registry, loading);
    produced.warnings = in.warnings;

    Recipe ran = recipe;
    if (ran.output.bitDepth == 0) ran.output.bitDepth = in.anyDeeperThan8Bits ? 16 : 8;
    ran.outputExtension = outputPath.substr(outputPath.find_last_of('.') + 1);
    const bool stackFirst = !in.stack.frames.empty();
    ProgressSpan running(progress, 0.3, 0.95);
    produced.result = runRecipeSteps(recipe.steps, stackFirst ? &in.stack : nullptr, stackFirst ? nullptr : &in.image,
                                     in.painted ? &*in.painted : nullptr, primariesFromString(recipe.output.workingSpace),
                                     sampleTypeForFile(outputPath, ran.output.bitDepth), registry, running, models);
    ran.steps = produced.result.ran;
    for (const std::string& n : produced.result.notes) produced.warnings.push_back(n);
    if (produced.result.image.empty()) throw Error("the recipe's last step '" + ran.steps.back().operatorId + "' made no image");

    progress.report(0.95, "writing");
    for (const RecipeStep& step : ran.steps) sidecar.operators.push_back({step.operatorId, step.version, step.values});
    if (stackFirst) {
        for (const StackFrame& f : in.stack.frames) sidecar.inputFiles.push_back(f.path);
    } else {
        sidecar.inputFiles = recipe.inputs;
    }
    for (const auto& [key, note] : in.readNotes) sidecar.notes[key] = note;
    for (const RecipeStep& step : ran.steps)
        if (!step.model.empty()) {
            sidecar.inputFiles.push_back(step.model);
            sidecar.notes["model"] = step.model;
        }
    if (!recipe.deghostMask.empty()) {
        sidecar.inputFiles.push_back(recipe.deghostMask);
        sidecar.notes["deghost_mask"] = recipe.deghostMask + " (grey level k = frame k, 0 = automatic)";
    }
    // The last step's numbers under their own names (as `run` gives them); earlier steps' as <operator>.<name>.
    for (std::size_t i = 0; i < ran.steps.size(); ++i)
        for (const auto& [key, value] : produced.result.stepScalars[i])
            sidecar.numbers[i + 1 == ran.steps.size() ? key : ran.steps[i].operatorId + "." + key] = value;
    sidecar.recipe = withAbsolutePaths(ran); // replays from any folder
    produced.written = writeImageWithSidecar(outputPath, produced.result.image, ran.output, in.metadataFrom, std::move(sidecar));
    progress.report(1.0, "done");
    return produced;
}

} // namespace fuselab
