#include "exporter.hpp"

#include "fuselab/banded_fusion.hpp"
#include "fuselab/base/colour.hpp"
#include "fuselab/fusion_operators.hpp"
#include "fuselab/merge_files.hpp"
#include "fuselab/row_io.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/deghost.hpp"
#include "fuselab/recipe_run.hpp"
#include "fuselab/io.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/sidecar.hpp"
#include "fuselab/tonemap.hpp"

#include <QFileInfo>

#include <algorithm>

namespace fuselab::ui {

QStringList exportFormatNames()
{
    return {QStringLiteral("OpenEXR, half float"), QStringLiteral("OpenEXR, 32-bit float"), QStringLiteral("Radiance HDR"),
            QStringLiteral("PNG, 8-bit"),          QStringLiteral("PNG, 16-bit"),           QStringLiteral("TIFF, 8-bit"),
            QStringLiteral("TIFF, 16-bit"),        QStringLiteral("JPEG"),                  QStringLiteral("PNG, 16-bit PQ (HDR10)")};
}

ExportFormat exportFormatFromName(const QString& name)
{
    const int i = int(exportFormatNames().indexOf(name));
    return i < 0 ? ExportFormat::Png16 : ExportFormat(i);
}

QString exportExtension(ExportFormat f)
{
    switch (f) {
    case ExportFormat::ExrHalf:
    case ExportFormat::ExrFloat: return QStringLiteral(".exr");
    case ExportFormat::RadianceHdr: return QStringLiteral(".hdr");
    case ExportFormat::Tiff8:
    case ExportFormat::Tiff16: return QStringLiteral(".tif");
    case ExportFormat::Jpeg: return QStringLiteral(".jpg");
    default: return QStringLiteral(".png");
    }
}

std::vector<RgbPrimaries> exportColourSpaces()
{
    return {RgbPrimaries::Rec709, RgbPrimaries::DisplayP3, RgbPrimaries::AdobeRgb, RgbPrimaries::Rec2020};
}

QString exportColourSpaceName(RgbPrimaries primaries) { return QString::fromUtf8(displayName(primaries).data(), int(displayName(primaries).size())); }

bool exportTakesColourSpace(ExportFormat format) { return format != ExportFormat::PqPng16 && format != ExportFormat::RadianceHdr; }

namespace {

bool isRadianceFormat(ExportFormat f)
{
    return f == ExportFormat::ExrHalf || f == ExportFormat::ExrFloat || f == ExportFormat::RadianceHdr;
}

// The steps and the format's settings of a recipe. hdrMode: the steps end in a merge and a tone
// mapping; a radiance format writes the merge's radiance (the tone mapping dropped), and PQ
// encodes it (the tone mapping replaced by core's PQ encoding step; after a fusion, PQ encodes
// the fused image).
// How a format writes its file, as a recipe states it (and the export writes it: writeOptionsFor).
RecipeOutput outputSettingsOf(const ExportChoice& choice)
{
    RecipeOutput o;
    switch (choice.format) {
    case ExportFormat::Png8:
    case ExportFormat::Tiff8:
    case ExportFormat::Jpeg: o.bitDepth = 8; break;
    case ExportFormat::PqPng16:
    case ExportFormat::Png16:
    case ExportFormat::Tiff16: o.bitDepth = 16; break;
    case ExportFormat::ExrFloat: o.exrType = "float"; break;
    default: break;
    }
    o.quality = choice.jpegQuality;
    if (exportTakesColourSpace(choice.format)) o.outputSpace = std::string(toString(choice.outputPrimaries));
    return o;
}

// The steps and the format's settings of a recipe. hdrMode: the steps end in a merge and a tone
// mapping; a radiance format writes the merge's radiance (the tone mapping dropped), and PQ
// encodes it (the tone mapping replaced by core's PQ encoding step; after a fusion, PQ encodes
// the fused image).
Recipe recipeOfSteps(std::vector<RecipeStep> steps, const ExportChoice& choice, bool hdrMode, const OperatorRegistry& registry)
{
    Recipe recipe;
    recipe.steps = std::move(steps);
    const bool pq = choice.format == ExportFormat::PqPng16;
    if (hdrMode && (isRadianceFormat(choice.format) || pq)) recipe.steps.pop_back();
    if (pq) recipe.steps.push_back(pqEncodingStep(registry, choice.pqReferenceWhiteCdM2));
    recipe.output = outputSettingsOf(choice);
    recipe.outputExtension = exportExtension(choice.format).mid(1).toStdString();
    return recipe;
}

// The frames a recipe reads: the included ones, in the pipeline's order, with their exposures
// where any was typed (an EV from EXIF is given again as the same stops).
void setRecipeInputs(Recipe& recipe, const ExposureStack& included)
{
    const bool typed = std::any_of(included.frames.begin(), included.frames.end(), [](const StackFrame& f) {
        return f.exposure.source == ExposureSource::TypedEv || f.exposure.source == ExposureSource::TypedTime;
    });
    for (const StackFrame& f : included.frames) {
        recipe.inputs.push_back(f.path);
        if (typed) recipe.evs.push_back(f.exposure.stops.value_or(0.0));
    }
}

std::optional<Recipe> exportRecipe(const PipelineResult& result, const ExposureStack* included, const ExportChoice& choice,
                                   const std::string& path, const std::string& maskPath, const OperatorRegistry& registry)
{
    if (!included || included->frames.empty()) return std::nullopt;
    Recipe recipe = recipeOfSteps(result.steps, choice, !result.radiance.empty(), registry);
    setRecipeInputs(recipe, *included);
    recipe.deghostMask = maskPath;
    recipe.outputExtension = path.substr(path.find_last_of('.') + 1);
    return recipe;
}

} // namespace

void writePaintedMask(const std::string& path, const Image8& codes)
{
    Image codesAsWritten(codes.width(), codes.height(), 1, ColourEncoding::Srgb); // codes, written as they are
    for (int y = 0; y < codes.height(); ++y)
        for (int x = 0; x < codes.width(); ++x) codesAsWritten.at(x, y) = float(codes.at(x, y)) / 255.0f;
    WriteOptions maskOptions;
    maskOptions.bitDepth = 8;
    maskOptions.tagColour = false; // frame numbers, not colours
    writeImage(path, codesAsWritten, maskOptions);
}

Recipe openStackRecipe(const SessionState& session, const OperatorRegistry& registry, const ExposureStack& included, const std::string& maskPath)
{
    Recipe recipe;
    recipe.steps = sessionSteps(session, registry);
    setRecipeInputs(recipe, included);
    recipe.deghostMask = maskPath;
    return recipe;
}

Recipe sessionRecipe(const SessionState& session, const OperatorRegistry& registry, const ExportChoice& choice)
{
    return recipeOfSteps(sessionSteps(session, registry), choice, session.mode == PipelineMode::Hdr, registry);
}

void exportResult(const PipelineResult& result, const QString& qpath, const ExportChoice& choice, const ExposureStack* included,
                  const OperatorRegistry& registry)
{
    const std::string path = qpath.toStdString();
    if (result.display.empty()) throw Error(path, "there is no result to export yet");
    const QString expected = exportExtension(choice.format);
    const QString suffix = QLatin1Char('.') + QFileInfo(qpath).suffix().toLower();
    const bool tiffOk = expected == QLatin1String(".tif") && suffix == QLatin1String(".tiff");
    const bool jpegOk = expected == QLatin1String(".jpg") && suffix == QLatin1String(".jpeg");
    if (suffix != expected && !tiffOk && !jpegOk)
        throw Error(path, "the extension does not match the chosen format (expected " + expected.toStdString() + ")");

    // The reference frame's camera, lens, date and place travel with the export, as from the command line.
    const std::string metadataFrom =
        included && !included->frames.empty() ? included->frames[std::size_t(defaultReferenceIndex(*included))].path : std::string();
    const WriteOptions options = writeOptionsFor(outputSettingsOf(choice), metadataFrom);
    Sidecar sidecar;
    sidecar.command = "fuselab (GUI export)";
    for (const RecipeStep& step : result.steps) sidecar.operators.push_back({step.operatorId, step.version, step.values});
    if (included)
        for (const StackFrame& f : included->frames) sidecar.inputFiles.push_back(f.path);
    sidecar.notes["result"] = result.label;
    const bool hdrTarget = isRadianceFormat(choice.format);
    Image image = result.display;
    if (choice.format == ExportFormat::PqPng16) {
        // Core's PQ encoding step, as the recipe in the sidecar runs it.
        NullProgress quiet;
        const Image& source = result.radiance.empty() ? result.display : result.radiance;
        image = *runRecipeSteps({pqEncodingStep(registry, choice.pqReferenceWhiteCdM2)}, nullptr, &source, nullptr, RgbPrimaries::Rec709,
                                FusedSampleType::Float, registry, quiet)
                     .image.asFloat();
        sidecar.notes["transfer_function"] = "PQ (SMPTE ST 2084), code values in 16-bit PNG";
        sidecar.numbers["pq_reference_white_cd_m2"] = choice.pqReferenceWhiteCdM2;
    }
    const bool radianceWritten = hdrTarget && !result.radiance.empty();
    if (radianceWritten) {
        image = result.radiance;
        sidecar.notes["content"] = "linear scene radiance (relative)";
    } else if (hdrTarget) {
        sidecar.notes["content"] = "display-referred result, linearised";
    }
    for (const auto& [key, value] : result.scalars) sidecar.numbers[key] = value;
    const auto painted = std::find_if(result.maps.begin(), result.maps.end(), [](const NamedImage& m) { return m.name == "painted_sources"; });
    std::string maskPath;
    if (painted != result.maps.end()) {
        // The painted deghosting decisions travel with the output as the grey PNG the CLI's
        // --deghost-mask reads (level k = frame k), named in the sidecar and hashed there.
        maskPath = path + ".deghost-mask.png";
        Image8 codes(painted->image.width(), painted->image.height(), 1);
        for (int y = 0; y < codes.height(); ++y)
            for (int x = 0; x < codes.width(); ++x) codes.at(x, y) = std::uint8_t(painted->image.at(x, y));
        writePaintedMask(maskPath, codes);
        sidecar.inputFiles.push_back(maskPath);
        sidecar.notes["deghost_mask"] = maskPath + " (painted in the GUI; grey level k = frame k, 0 = automatic)";
    }
    sidecar.recipe = exportRecipe(result, included, choice, path, maskPath, registry);
    writeImage(path, image, options);
    writeSidecar(path, sidecar);
}

namespace {

// The recipe of an export made in bands: the whole-image pipeline it equals.
Recipe bandsRecipe(const SessionState& session, const OperatorRegistry& registry, const ExposureStack& included, const ExportChoice& choice,
                   const std::string& out)
{
    Recipe recipe = sessionRecipe(session, registry, choice);
    setRecipeInputs(recipe, included);
    recipe.outputExtension = out.substr(out.find_last_of('.') + 1);
    return withAbsolutePaths(recipe);
}

const char* const kTooLarge = "this stack is too large to hold whole, so its full-size export runs in row bands";

void exportFusionInBands(const SessionState& session, const OperatorRegistry& registry, const ExposureStack& included,
                         const std::vector<std::string>& files, const std::string& out, const ExportChoice& choice, ProgressSink& progress)
{
    const std::string tooLarge = kTooLarge;
    const Operator& fusion = registry.get(session.fusionId);
    const ParamValues values = session.valuesFor(fusion);
    // Weights a band at a time from the operator itself (the learned fusion), or Mertens's.
    const auto* provider = dynamic_cast<const BandWeightsProvider*>(&fusion);
    const BandedFusionRecipe recipe = bandedFusionRecipe(fusion.info().id, values, !session.alignId.empty());
    if (provider && !session.alignId.empty()) throw Error(out, tooLarge + ", and alignment works on whole frames (turn it off)");
    if (!provider && !recipe.possible) throw Error(out, tooLarge + ", and " + recipe.whyNot);
    const bool sixteen = choice.format == ExportFormat::Tiff16 || choice.format == ExportFormat::Png16;
    if (!sixteen && choice.format != ExportFormat::Tiff8 && choice.format != ExportFormat::Png8 && choice.format != ExportFormat::Jpeg)
        throw Error(out, tooLarge + " to display-referred files: choose TIFF, PNG or JPEG");
    ProgressSpan opening(progress, 0.0, 0.02);
    const OpenedFrames frames = openFramesAsRows(files, ReadOptions{}, RowPurpose::Fusion, opening);
    BandedFusionOptions options;
    options.memoryBudgetBytes = defaultMemoryBudgetBytes();
    options.outputType = sixteen ? FusedSampleType::U16 : FusedSampleType::U8;
    // The same format-to-settings mapping as the recipe it records.
    const WriteOptions write = writeOptionsFor(outputSettingsOf(choice), files[files.size() / 2]);
    ProgressSpan fusing(progress, 0.02, 1.0);
    BandedFusionPlan plan;
    if (provider) {
        std::string whyNot;
        const FrameRowReader& first = *frames.readers.front();
        const std::unique_ptr<WeightSource> weights =
            provider->bandWeights(values, int(frames.readers.size()), first.widthPx(), first.heightPx(), first.channels(), &whyNot);
        if (!weights) throw Error(out, tooLarge + ", and " + whyNot);
        plan = fuseFramesToFileWithWeights(frames, *weights, options, out, write, fusing);
    } else {
        plan = fuseFramesToFile(frames, recipe.params, options, out, write, fusing);
    }

    Sidecar sidecar;
    sidecar.command = "fuselab (GUI export)";
    sidecar.operators.push_back({fusion.info().id, fusion.info().version, values});
    sidecar.inputFiles = files;
    sidecar.notes["result"] = fusion.info().name;
    sidecar.notes["fusion"] = "in row bands within " + std::to_string(options.memoryBudgetBytes >> 20) +
                              " MiB (half of the available memory); equal to the whole-image fusion";
    sidecar.notes["encoding"] = "srgb";
    sidecar.numbers["pyramid_levels"] = plan.levels;
    sidecar.numbers["bands"] = plan.bands;
    sidecar.outputWidth = frames.readers.front()->widthPx();
    sidecar.outputHeight = frames.readers.front()->heightPx();
    sidecar.outputChannels = frames.readers.front()->channels() >= 3 ? 3 : 1;
    sidecar.outputBitDepth = write.bitDepth;
    sidecar.recipe = bandsRecipe(session, registry, included, choice, out);
    writeSidecar(out, sidecar);
}

// HDR mode: the merge's radiance, row by row, to OpenEXR (tone mapping needs the whole image).
void exportRadianceInBands(const SessionState& session, const OperatorRegistry& registry, const ExposureStack& included,
                           const std::vector<std::string>& files, const std::string& out, const ExportChoice& choice, ProgressSink& progress)
{
    const std::string tooLarge = kTooLarge;
    if (choice.format != ExportFormat::ExrHalf && choice.format != ExportFormat::ExrFloat)
        throw Error(out, tooLarge + ": in HDR mode that is the merged radiance as OpenEXR (tone mapping needs the whole image)");
    const Operator* merge = session.mergeId.empty() ? firstOfCategory(registry, category::merge) : &registry.get(session.mergeId);
    if (!merge) throw Error(out, "no merge operator is registered");
    const ParamValues values = session.valuesFor(*merge);
    const RowMergeRecipe recipe = rowMergeRecipe(merge->info().id, values, !session.alignId.empty());
    if (!recipe.possible) throw Error(out, tooLarge + ", and " + recipe.whyNot);
    const std::vector<double> times = included.relativeExposureTimes(); // names a frame without exposure data
    ProgressSpan opening(progress, 0.0, 0.02);
    const OpenedFrames frames = openFramesAsRows(files, ReadOptions{}, RowPurpose::Merge, opening);
    const WriteOptions write = writeOptionsFor(outputSettingsOf(choice), files[(files.size() - 1) / 2]);
    ProgressSpan merging(progress, 0.02, 1.0);
    const RowMergeReport report = mergeFramesToFile(frames, times, recipe.response, recipe.params, defaultMemoryBudgetBytes(), out, write, merging);

    Sidecar sidecar;
    sidecar.command = "fuselab (GUI export)";
    sidecar.operators.push_back({merge->info().id, merge->info().version, values});
    sidecar.inputFiles = files;
    sidecar.notes["result"] = merge->info().name;
    sidecar.notes["merge"] = "row by row within " + std::to_string(defaultMemoryBudgetBytes() >> 20) +
                             " MiB (half of the available memory); equal to the whole-image merge";
    sidecar.notes["content"] = "linear scene radiance (relative)";
    sidecar.notes["encoding"] = "linear";
    sidecar.outputWidth = report.widthPx;
    sidecar.outputHeight = report.heightPx;
    sidecar.outputChannels = report.channels;
    sidecar.outputBitDepth = choice.format == ExportFormat::ExrHalf ? 16 : 32;
    sidecar.recipe = bandsRecipe(session, registry, included, choice, out);
    writeSidecar(out, sidecar);
}

} // namespace

void exportInBands(const SessionState& session, const OperatorRegistry& registry, const ExposureStack& included, const QString& path,
                   const ExportChoice& choice, ProgressSink& progress)
{
    const std::string out = path.toStdString();
    if (choice.outputPrimaries != RgbPrimaries::Rec709) throw Error(out, std::string(kTooLarge) + " in the working space (sRGB / Rec. 709)");
    if (included.frames.size() < 2) throw Error("the stack needs at least two included images");
    std::vector<std::string> files;
    for (const StackFrame& f : included.frames) files.push_back(f.path);
    if (session.mode == PipelineMode::Fusion) exportFusionInBands(session, registry, included, files, out, choice, progress);
    else exportRadianceInBands(session, registry, included, files, out, choice, progress);
}

} // namespace fuselab::ui
