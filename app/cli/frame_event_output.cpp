// fuse --frame --events into a file (frame_event_fusion.hpp): LibTorch builds only.
#include "frame_event_fusion.hpp"

#include "cli_support.hpp"
#include "learn_support.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/learn/frame_event_model.hpp"
#include "fuselab/learn/learned_operator.hpp"
#include "fuselab/pyramid.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace fuselab::cli {

int fuseFrameEventToFile(const FrameEventFuseRequest& request, const OutputOptions& out)
{
    const FileFormat format = formatFromExtension(request.output);
    if (format == FileFormat::Unknown) throw UsageError("unknown output format for '" + request.output + "' (.tif, .png, .jpg, .exr, .hdr)");
    // Files are checked before anything slow: the model, the events, the frame, in that order.
    const std::string modelPath = request.model.empty() ? shippedFrameEventModelPath() : request.model;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(modelPath, ec)) throw Error(modelPath, "no such file");
    request.inputs.checkFilesExist();

    ConsoleProgress progress("fuse", request.quiet);
    progress.report(0.0, "reading");
    const FrameEventFiles window = loadFrameEventWindow(request.inputs);
    progress.report(0.2, "loading model");
    progress.checkCancelled();
    const learn::LoadedFrameEventModel model = learn::loadFrameEventModel(modelPath);
    const learn::FrameEventInputs inputs = learn::makeFrameEventInputs(window.frameLinear, window.referenceLinear, EventSpan(window.events),
                                                                       window.widthPx, window.heightPx, window.interval, model.encoding);

    learn::FuseOptions options;
    options.device = learn::parseDeviceChoice(request.values.choice("device"));
    const int lowRes = int(request.values.integer("low_res_px"));
    options.lowResLongSidePx = lowRes == 0 ? 0 : std::max(32, lowRes);
    options.pyramidLevels = int(request.values.integer("levels"));
    options.blend = &fuselab::pyramidBlend;
    ProgressSpan fusing(progress, 0.3, 0.95);
    const learn::FrameEventFused fused = learn::fuseFrameEvent(model, inputs, options, fusing);

    progress.report(0.95, "writing");
    const bool floatOutput = format == FileFormat::Exr || format == FileFormat::RadianceHdr || sampleTypeFor(request.output, out) == FusedSampleType::Float;
    Image image = floatOutput ? fused.linear : fused.tone;
    if (!floatOutput) image.setEncoding(ColourEncoding::Srgb); // μ-law display values: written as they are
    Sidecar sidecar;
    sidecar.operators.push_back({"learned", 1, request.values});
    sidecar.inputFiles = window.inputFiles;
    sidecar.notes["model"] = modelPath;
    sidecar.notes["inputs"] = "frame/event: F, E, EF";
    sidecar.notes["reference_frame"] = window.referenceNote;
    sidecar.notes["encoding"] = floatOutput ? "linear camera units (1 = the frame's saturation)"
                                            : "mu-law tone domain of the model (T(X / 2^headroom), mu " +
                                                  std::to_string(model.encoding.mu) + ", headroom " +
                                                  std::to_string(model.encoding.headroomStops) + " stops)";
    sidecar.numbers["event_count"] = double(inputs.eventCount);
    sidecar.numbers["window_begin_us"] = double(window.interval.beginUs);
    sidecar.numbers["window_end_us"] = double(window.interval.endUs);
    sidecar.numbers["levels"] = fused.result.pyramidLevels;
    sidecar.numbers["network_width_px"] = fused.result.lowResWidthPx;
    sidecar.numbers["network_height_px"] = fused.result.lowResHeightPx;
    // The recipe: replay reads the same frame, window and model and fuses them again.
    Recipe recipe;
    recipe.frameEvents = recipeFrameEventsOf(request.inputs);
    recipe.steps.push_back({"learned", 1, request.values, request.model});
    recipe.output = out;
    recipe.outputExtension = request.output.substr(request.output.find_last_of('.') + 1);
    sidecar.recipe = withAbsolutePaths(recipe);
    writeOutputWithSidecar(request.output, image, out, sidecar);
    progress.report(1.0, "done");
    progress.finish();
    if (!request.quiet)
        std::fprintf(stderr, "wrote %s (%zu events, reference %s)\n", request.output.c_str(), inputs.eventCount, window.referenceNote.c_str());
    return kSuccess;
}

} // namespace fuselab::cli
