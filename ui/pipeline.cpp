#include "pipeline.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/recipe_run.hpp"

#include <algorithm>
#include <optional>

namespace fuselab::ui {

const Operator* firstOfCategory(const OperatorRegistry& registry, const char* category)
{
    const auto ops = registry.inCategory(category);
    return ops.empty() ? nullptr : ops.front();
}

ExposureStack includedFrames(const ExposureStack& loaded, const SessionState& session)
{
    ExposureStack out;
    for (std::size_t i = 0; i < loaded.frames.size(); ++i) {
        StackFrame frame = loaded.frames[i];
        if (i < session.frames.size()) {
            if (!session.frames[i].included) continue;
            if (session.frames[i].ev) {
                frame.exposure.stops = session.frames[i].ev;
                frame.exposure.source = ExposureSource::TypedEv;
            }
        }
        out.frames.push_back(std::move(frame));
    }
    if (out.hasExposures())
        std::stable_sort(out.frames.begin(), out.frames.end(),
                         [](const StackFrame& a, const StackFrame& b) { return *a.exposure.stops < *b.exposure.stops; });
    return out;
}

std::optional<Image8> paintedSourcesFor(const SessionState& session, int widthPx, int heightPx)
{
    if (session.deghostMask.isNull()) return std::nullopt;
    // Nearest neighbour: codes are frame numbers, never blended.
    const QImage scaled = session.deghostMask.convertToFormat(QImage::Format_Grayscale8)
                              .scaled(widthPx, heightPx, Qt::IgnoreAspectRatio, Qt::FastTransformation);
    Image8 codes(widthPx, heightPx, 1);
    bool any = false;
    for (int y = 0; y < heightPx; ++y) {
        const uchar* src = scaled.constScanLine(y);
        std::copy(src, src + widthPx, codes.row(y));
        any = any || std::any_of(src, src + widthPx, [](uchar v) { return v != 0; });
    }
    if (!any) return std::nullopt;
    return codes;
}

std::vector<RecipeStep> sessionSteps(const SessionState& session, const OperatorRegistry& registry)
{
    std::vector<const Operator*> ops;
    if (!session.alignId.empty()) ops.push_back(&registry.get(session.alignId));
    if (session.mode == PipelineMode::Fusion) {
        ops.push_back(&registry.get(session.fusionId));
    } else {
        const Operator* merge = session.mergeId.empty() ? firstOfCategory(registry, category::merge) : &registry.get(session.mergeId);
        const Operator* tonemap = session.tonemapId.empty() ? firstOfCategory(registry, category::tonemap) : &registry.get(session.tonemapId);
        if (!merge || !tonemap) throw Error("HDR mode needs a merge and a tone-mapping operator");
        ops.push_back(merge);
        ops.push_back(tonemap);
    }
    std::vector<RecipeStep> steps;
    for (const Operator* op : ops) steps.push_back({op->info().id, op->info().version, session.valuesFor(*op), {}});
    return steps;
}

PipelineResult runPipeline(const SessionState& session, const ExposureStack& stack, const OperatorRegistry& registry, ProgressSink& progress)
{
    if (stack.frames.size() < 2) throw Error("the stack needs at least two included images");
    const std::vector<RecipeStep> steps = sessionSteps(session, registry);
    const std::optional<Image8> painted = paintedSourcesFor(session, stack.width(), stack.height());
    RecipeResult ran = runRecipeSteps(steps, &stack, nullptr, painted ? &*painted : nullptr, RgbPrimaries::Rec709, FusedSampleType::Float,
                                      registry, progress);
    PipelineResult result;
    result.display = *ran.image.asFloat();
    if (session.mode == PipelineMode::Hdr) result.radiance = ran.intermediate;
    result.maps = std::move(ran.maps);
    if (painted) {
        // The painted decisions as an overlay: the frame number each painted pixel comes from.
        Image codes(painted->width(), painted->height(), 1, ColourEncoding::Linear);
        for (int y = 0; y < codes.height(); ++y)
            for (int x = 0; x < codes.width(); ++x) codes.at(x, y) = float(painted->at(x, y));
        result.maps.push_back({"painted_sources", codes});
    }
    result.notes = std::move(ran.notes);
    for (std::size_t i = 0; i < ran.ran.size(); ++i)
        for (const auto& [key, value] : ran.stepScalars[i]) result.scalars[ran.ran[i].operatorId + "." + key] = value;
    std::string label;
    for (const RecipeStep& step : ran.ran) {
        const OperatorInfo info = registry.get(step.operatorId).info();
        if (info.category == category::alignment) continue;
        label += (label.empty() ? "" : " → ") + info.name;
    }
    result.label = label;
    result.steps = std::move(ran.ran);
    return result;
}

} // namespace fuselab::ui
