#include "pipeline.hpp"

#include "fuselab/base/error.hpp"

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

namespace {

OperatorOutput runStage(const Operator& op, const OperatorInput& input, const SessionState& session, ProgressSink& progress,
                        PipelineResult& result)
{
    const ParamValues values = session.valuesFor(op);
    OperatorOutput out = runOperator(op, input, values, progress);
    result.stages.push_back({op.info().id, op.info().version, values});
    for (std::string& n : out.notes) result.notes.push_back(op.info().name + ": " + n);
    for (const auto& [k, v] : out.scalars) result.scalars[op.info().id + "." + k] = v;
    return out;
}

} // namespace

PipelineResult runPipeline(const SessionState& session, const ExposureStack& input, const OperatorRegistry& registry, ProgressSink& progress)
{
    if (input.frames.size() < 2) throw Error("the stack needs at least two included images");
    PipelineResult result;
    ExposureStack stack = input;

    // Alignment: an alignment operator returns the aligned frames as extras (convention::alignedFrameExtra).
    double begin = 0.0;
    if (!session.alignId.empty()) {
        const Operator& align = registry.get(session.alignId);
        ProgressSpan span(progress, 0.0, 0.3);
        OperatorInput in;
        in.stack = &stack;
        const OperatorOutput out = runStage(align, in, session, span, result);
        ExposureStack aligned = stack;
        for (std::size_t k = 0; k < aligned.frames.size(); ++k) {
            const std::string name = convention::alignedFrameExtra(k);
            auto it = std::find_if(out.extras.begin(), out.extras.end(), [&](const NamedImage& n) { return n.name == name; });
            if (it == out.extras.end()) throw Error("alignment operator '" + session.alignId + "' did not return " + name);
            aligned.frames[k].pixels = SampleImage(it->image);
        }
        for (const NamedImage& n : out.extras)
            if (!convention::isAlignedFrameExtra(n.name)) result.maps.push_back(n);
        stack = std::move(aligned);
        begin = 0.3;
    }

    OperatorInput in;
    in.stack = &stack;
    const std::optional<Image8> painted = paintedSourcesFor(session, stack.width(), stack.height());
    in.deghostSources = painted ? &*painted : nullptr;
    if (painted) {
        // The painted decisions as an overlay: the frame number each painted pixel comes from.
        Image codes(painted->width(), painted->height(), 1, ColourEncoding::Linear);
        for (int y = 0; y < codes.height(); ++y)
            for (int x = 0; x < codes.width(); ++x) codes.at(x, y) = float(painted->at(x, y));
        result.maps.push_back({"painted_sources", codes});
    }
    if (session.mode == PipelineMode::Fusion) {
        const Operator& fusion = registry.get(session.fusionId);
        ProgressSpan span(progress, begin, 1.0);
        OperatorOutput out = runStage(fusion, in, session, span, result);
        result.display = out.image;
        for (NamedImage& n : out.extras) result.maps.push_back(std::move(n));
        result.label = fusion.info().name;
        return result;
    }

    const Operator* merge = session.mergeId.empty() ? firstOfCategory(registry, category::merge) : &registry.get(session.mergeId);
    const Operator* tonemap = session.tonemapId.empty() ? firstOfCategory(registry, category::tonemap) : &registry.get(session.tonemapId);
    if (!merge || !tonemap) throw Error("HDR mode needs a merge and a tone-mapping operator");
    ProgressSpan mergeSpan(progress, begin, begin + (1.0 - begin) * 0.7);
    OperatorOutput merged = runStage(*merge, in, session, mergeSpan, result);
    result.radiance = merged.image;
    for (NamedImage& n : merged.extras) result.maps.push_back(std::move(n));
    OperatorInput toneIn;
    toneIn.images.push_back(merged.image);
    ProgressSpan toneSpan(progress, begin + (1.0 - begin) * 0.7, 1.0);
    OperatorOutput toned = runStage(*tonemap, toneIn, session, toneSpan, result);
    result.display = toned.image;
    result.label = merge->info().name + " → " + tonemap->info().name;
    return result;
}

} // namespace fuselab::ui
