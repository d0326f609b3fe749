// fuselab-cli fuse [--method mertens|learned] [--align none|mtb|homography] [--param ID=VALUE ...] -o OUT IMAGE...
// fuselab-cli fuse --frame F --events E --method learned [--model FILE] [--reference R]
//                  [--window-us N | --count N] [--start-us N] [--param ID=VALUE ...] -o OUT
#include "cli_support.hpp"
#include "command.hpp"
#include "output_options.hpp"
#include "stack_options.hpp"

#include "fuselab/colour.hpp"
#include "fuselab/deghost_params.hpp"
#include "fuselab/error.hpp"
#include "fuselab/fusion_operators.hpp"
#include "fuselab/stack_io.hpp"
#if defined(FUSELAB_HAVE_LEARN)
#include "events_commands.hpp"
#include "frame_event_fusion.hpp"
#include "fuselab/learn/frame_event_model.hpp"
#include "learn_support.hpp"

#include "fuselab/learn/learned_operator.hpp"
#include "fuselab/pyramid.hpp"
#endif

#include <cstdio>
#include <filesystem>

namespace fuselab::cli {
namespace {

class FuseCommand final : public Command {
public:
    explicit FuseCommand(const OperatorRegistry& registry) : m_registry(registry) {}

    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand("fuse", "Fuse an exposure stack into one display-referred image (no exposure data needed)");
        sub->add_option("images", m_inputs, "The stack's images, or a folder of them (not with --frame/--events)");
        sub->add_option("-o,--output", m_output, "Output image (.tif, .png, .jpg, .exr, .hdr); a sidecar <OUT>.json is written too")->required();
        sub->add_option("--method", m_method,
                        "Fusion method: mertens, or learned (a trained network's weights in the same pyramid; "
                        "LibTorch loads on demand)")
            ->capture_default_str()->check(CLI::IsMember({"mertens", "learned"}));
        sub->add_option("--model", m_model, "--method learned: the model file (default: the shipped model)");
        sub->add_option("--param", m_params, "Operator parameter ID=VALUE (repeatable; 'fuselab-cli ops --category fusion' lists them)");
#if defined(FUSELAB_HAVE_LEARN)
        // Frame/event fusion (README: Frame/event learned fusion); the window options are those of `events render`.
        sub->add_option("--frame", m_frame, "Frame/event fusion: the frame F at the window's end (sRGB image, or linear EXR with 1 = saturation)");
        sub->add_option("--events", m_events, "Frame/event fusion: the event recording (text, HDF5, AEDAT 4.0, EVT 2.0/3.0 RAW)");
        sub->add_option("--reference", m_reference,
                        "Frame/event fusion: the frame at the window's start that EF integrates from (default: the last frame "
                        "stored in an HDF5 recording at or before the window's start)");
        auto* window = sub->add_option("--window-us", m_windowUs, "Frame/event fusion: time window in microseconds (default 33333)")
                           ->check(CLI::Range(std::int64_t(1), std::int64_t(3'600'000'000LL)));
        sub->add_option("--count", m_count, "Frame/event fusion: a window of this many events instead")
            ->check(CLI::Range(std::int64_t(1), std::int64_t(1'000'000'000LL)))
            ->excludes(window);
        sub->add_option("--start-us", m_startUs, "Frame/event fusion: window start in microseconds after the recording's first event")
            ->capture_default_str();
        m_eventInput.attach(*sub);
#endif
        m_stack.attach(*sub);
        m_out.attach(*sub);
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        applyThreads(m_common);
        if (!m_model.empty() && m_method != "learned") throw UsageError("--model applies to --method learned only");
        if (!m_frame.empty() || !m_events.empty()) return runFrameEvent();
        if (m_inputs.empty()) throw UsageError("give the stack's images (or --frame and --events for frame/event fusion)");
        if (!m_reference.empty() || m_windowUs > 0 || m_count > 0 || m_startUs != 0)
            throw UsageError("--reference, --window-us, --count and --start-us apply to --frame/--events fusion only");
        if (m_method == "learned") return runLearned();
        const Operator& op = m_registry.get(m_method);
        ParamValues overrides = parseParamArguments(op, m_params);
        if (m_stack.deghost) overrides.set("deghost", true);
        const ParamValues values = resolveParamValues(op.params(), overrides);
        // Probe the output before the work: a bad path or format fails in milliseconds.
        const WriteOptions writeOptions = m_out.toWriteOptions();
        if (formatFromExtension(m_output) == FileFormat::Unknown)
            throw UsageError("unknown output format for '" + m_output + "' (.tif, .png, .jpg, .exr, .hdr)");
        (void)writeOptions;

        ConsoleProgress progress("fuse", m_common.quiet);
        ProgressSpan loading(progress, 0.0, 0.3);
        std::vector<std::string> files;
        const ExposureStack stack = m_stack.load(m_inputs, false, loading, &files);
        ProgressSpan motionSpan(progress, 0.3, 0.4);
        const std::optional<MotionMask> motion = motionMaskFromValues(stack, values, motionSpan);
        ProgressSpan fusing(progress, 0.4, 0.95);

        FusionOptions fusionOptions;
        switch (sampleTypeFor(m_output, m_out)) {
        case FusedSampleTypeChoice::U8: fusionOptions.outputType = FusedSampleType::U8; break;
        case FusedSampleTypeChoice::U16: fusionOptions.outputType = FusedSampleType::U16; break;
        case FusedSampleTypeChoice::Float: fusionOptions.outputType = FusedSampleType::Float; break;
        }
        fusionOptions.motion = motion ? &*motion : nullptr;
        const FusionResult fused = fuseMertens(stack, mertensParamsFromValues(values), fusionOptions, fusing);
        progress.report(0.95, "writing");
        Sidecar sidecar;
        sidecar.operators.push_back({op.info().id, op.info().version, values});
        sidecar.inputFiles = files;
        sidecar.numbers["pyramid_levels"] = fused.levels;
        if (motion) sidecar.numbers["moving_fraction"] = motion->movingFraction;
        if (m_stack.align != "none") sidecar.notes["alignment"] = m_stack.align;
        writeOutputWithSidecar(m_output, fused.fused, m_out, sidecar);
        progress.report(1.0, "done");
        progress.finish();
        if (!m_common.quiet) std::fprintf(stderr, "wrote %s\n", m_output.c_str());
        return kSuccess;
    }

private:
    // The learned operator through the registry (the shipped model) or for --model FILE; its
    // output is float and is written like any operator result.
    int runLearned()
    {
#if defined(FUSELAB_HAVE_LEARN)
        // A missing model is reported before the stack is read, not after a long decode.
        std::error_code ec;
        if (!m_model.empty() && !std::filesystem::is_regular_file(m_model, ec)) throw Error(m_model, "no such file");
        std::shared_ptr<const Operator> custom;
        if (!m_model.empty()) custom = learnedFusionWithModel(m_model);
        const Operator& op = custom ? *custom : m_registry.get("learned");
        const std::string modelPath = m_model.empty() ? shippedModelPath() : m_model;
        if (m_stack.deghost) throw UsageError("--deghost is not available with --method learned");
        const ParamValues overrides = parseParamArguments(op, m_params);
        const ParamValues values = resolveParamValues(op.params(), overrides);
        if (formatFromExtension(m_output) == FileFormat::Unknown)
            throw UsageError("unknown output format for '" + m_output + "' (.tif, .png, .jpg, .exr, .hdr)");
        ConsoleProgress progress("fuse", m_common.quiet);
        ProgressSpan loading(progress, 0.0, 0.3);
        std::vector<std::string> files;
        const ExposureStack stack = m_stack.load(m_inputs, false, loading, &files);
        ProgressSpan fusing(progress, 0.3, 0.95);
        OperatorInput input;
        input.stack = &stack;
        const OperatorOutput out = runOperator(op, input, overrides, fusing);
        progress.report(0.95, "writing");
        Sidecar sidecar;
        sidecar.operators.push_back({op.info().id, op.info().version, values});
        sidecar.inputFiles = files;
        sidecar.numbers = out.scalars;
        sidecar.notes["model"] = modelPath;
        if (m_stack.align != "none") sidecar.notes["alignment"] = m_stack.align;
        writeOutputWithSidecar(m_output, out.image, m_out, sidecar);
        progress.report(1.0, "done");
        progress.finish();
        if (!m_common.quiet) std::fprintf(stderr, "wrote %s\n", m_output.c_str());
        return kSuccess;
#else
        throw Error("this fuselab-cli was built without LibTorch: --method learned is unavailable");
#endif
    }

    // F + events → F, E, EF → the frame/event network; the result in camera units (float
    // outputs) or in the network's μ-law tone domain (8/16-bit outputs, display values).
    int runFrameEvent()
    {
#if defined(FUSELAB_HAVE_LEARN)
        if (m_frame.empty() || m_events.empty()) throw UsageError("frame/event fusion needs both --frame and --events");
        if (!m_inputs.empty()) throw UsageError("give either stack images or --frame/--events, not both");
        if (m_method != "learned") throw UsageError("--frame/--events fusion needs --method learned");
        if (m_stack.deghost || m_stack.align != "none") throw UsageError("--deghost and --align do not apply to --frame/--events fusion");
        const std::vector<ParamSpec> specs = learn::learnedFusionParamSpecs();
        const ParamValues overrides = parseParamArguments(specs, "learned", "learned", m_params);
        const ParamValues values = resolveParamValues(specs, overrides);
        const FileFormat format = formatFromExtension(m_output);
        if (format == FileFormat::Unknown) throw UsageError("unknown output format for '" + m_output + "' (.tif, .png, .jpg, .exr, .hdr)");
        // Files are checked before anything slow: the model, the events, the frame, in that order.
        const std::string modelPath = m_model.empty() ? shippedFrameEventModelPath() : m_model;
        std::error_code ec;
        if (!std::filesystem::is_regular_file(modelPath, ec)) throw Error(modelPath, "no such file");
        if (!std::filesystem::is_regular_file(m_events, ec)) throw Error(m_events, "no such file");
        if (!std::filesystem::is_regular_file(m_frame, ec)) throw Error(m_frame, "no such file");
        if (!m_reference.empty() && !std::filesystem::is_regular_file(m_reference, ec)) throw Error(m_reference, "no such file");

        ConsoleProgress progress("fuse", m_common.quiet);
        progress.report(0.0, "reading");
        auto reader = openEventReader(m_events, m_eventInput.toReadOptions());
        const EventIndex& index = reader->index();
        if (index.stats.count == 0) throw Error(m_events, "holds no events to fuse");
        const int w = reader->metadata().widthPx, h = reader->metadata().heightPx;
        const Image frame = readFrameLinear(m_frame);
        auto sizeText = [](int a, int b) { return std::to_string(a) + "x" + std::to_string(b); };
        if (frame.width() != w || frame.height() != h)
            throw Error(m_frame, "the frame is " + sizeText(frame.width(), frame.height()) + ", the events of " + m_events + " are " +
                                     sizeText(w, h));
        const std::int64_t start = index.stats.tFirstUs + m_startUs;
        const EventWindow window = m_count > 0 ? EventWindow::byCount(start, std::uint64_t(m_count))
                                               : EventWindow::byTime(start, m_windowUs > 0 ? m_windowUs : std::int64_t(33333));
        const std::vector<Event> events = reader->readWindow(window);
        const EventSpan span(events);
        const TimeInterval interval = windowInterval(span, window);

        std::vector<std::string> inputFiles{m_frame, m_events};
        Image reference;
        std::string referenceNote;
        if (!m_reference.empty()) {
            reference = readFrameLinear(m_reference);
            if (reference.width() != w || reference.height() != h)
                throw Error(m_reference, "the reference frame is " + sizeText(reference.width(), reference.height()) +
                                             ", the events of " + m_events + " are " + sizeText(w, h));
            inputFiles.push_back(m_reference);
            referenceNote = m_reference;
        } else {
            const std::vector<EventFileFrame> frames = reader->frames();
            const std::optional<std::size_t> found = lastFrameAtOrBefore(frames, interval.beginUs);
            if (!found)
                throw Error(m_events, "no frame at or before the window's start (" + std::to_string(interval.beginUs) +
                                          " us) for the event-derived frame EF: give --reference IMAGE");
            const std::size_t chosen = *found;
            reference = withEncoding(reader->readFrame(chosen), ColourEncoding::Linear);
            if (reference.width() != w || reference.height() != h)
                throw Error(m_events, "its frame " + frames[chosen].name + " is " + sizeText(reference.width(), reference.height()) +
                                          ", its events " + sizeText(w, h));
            referenceNote = m_events + ":" + frames[chosen].name;
        }
        progress.report(0.2, "loading model");
        progress.checkCancelled();
        const learn::LoadedFrameEventModel model = learn::loadFrameEventModel(modelPath);
        const learn::FrameEventInputs inputs = learn::makeFrameEventInputs(frame, reference, span, w, h, interval, model.encoding);

        learn::FuseOptions options;
        options.device = learn::parseDeviceChoice(values.choice("device"));
        const int lowRes = int(values.integer("low_res_px"));
        options.lowResLongSidePx = lowRes == 0 ? 0 : std::max(32, lowRes);
        options.pyramidLevels = int(values.integer("levels"));
        options.blend = &fuselab::pyramidBlend;
        ProgressSpan fusing(progress, 0.3, 0.95);
        const learn::FrameEventFused fused = learn::fuseFrameEvent(model, inputs, options, fusing);

        progress.report(0.95, "writing");
        const bool floatOutput = format == FileFormat::Exr || format == FileFormat::RadianceHdr || sampleTypeFor(m_output, m_out) == FusedSampleTypeChoice::Float;
        Image out = floatOutput ? fused.linear : fused.tone;
        if (!floatOutput) out.setEncoding(ColourEncoding::Srgb); // μ-law display values: written as they are
        Sidecar sidecar;
        sidecar.operators.push_back({"learned", 1, values});
        sidecar.inputFiles = inputFiles;
        sidecar.notes["model"] = modelPath;
        sidecar.notes["inputs"] = "frame/event: F, E, EF";
        sidecar.notes["reference_frame"] = referenceNote;
        sidecar.notes["encoding"] = floatOutput ? "linear camera units (1 = the frame's saturation)"
                                                : "mu-law tone domain of the model (T(X / 2^headroom), mu " +
                                                      std::to_string(model.encoding.mu) + ", headroom " +
                                                      std::to_string(model.encoding.headroomStops) + " stops)";
        sidecar.numbers["event_count"] = double(inputs.eventCount);
        sidecar.numbers["window_begin_us"] = double(interval.beginUs);
        sidecar.numbers["window_end_us"] = double(interval.endUs);
        sidecar.numbers["levels"] = fused.result.pyramidLevels;
        sidecar.numbers["network_width_px"] = fused.result.lowResWidthPx;
        sidecar.numbers["network_height_px"] = fused.result.lowResHeightPx;
        writeOutputWithSidecar(m_output, out, m_out, sidecar);
        progress.report(1.0, "done");
        progress.finish();
        if (!m_common.quiet)
            std::fprintf(stderr, "wrote %s (%zu events, reference %s)\n", m_output.c_str(), inputs.eventCount, referenceNote.c_str());
        return kSuccess;
#else
        throw Error("this fuselab-cli was built without LibTorch: --frame/--events fusion is unavailable");
#endif
    }

    const OperatorRegistry& m_registry;
    std::vector<std::string> m_inputs, m_params;
    std::string m_output, m_method = "mertens", m_model;
    std::string m_frame, m_events, m_reference;
    std::int64_t m_windowUs = 0, m_count = 0, m_startUs = 0;
#if defined(FUSELAB_HAVE_LEARN)
    EventInputOptions m_eventInput;
#endif
    StackOptions m_stack;
    OutputOptions m_out;
    CommonOptions m_common;
};

} // namespace

std::unique_ptr<Command> makeFuseCommand(const OperatorRegistry& registry)
{
    return std::make_unique<FuseCommand>(registry);
}

} // namespace fuselab::cli
