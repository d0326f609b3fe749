// fuselab-cli events render FILE --repr frame|timesurface|voxel|eframe [--window-us N | --count N]
//                            [--start-us N] [--reference IMG] [--param ID=VALUE ...] -o OUT
// Reads only the window (through the file's index), then runs the representation operator.
#include "cli_support.hpp"
#include "events_commands.hpp"
#include "output_options.hpp"

#include "fuselab/event_rendering.hpp"
#include "fuselab/events_io.hpp"
#include "fuselab/base/events_repr.hpp"
#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"

#include <cstdio>

namespace fuselab::cli {
namespace {

class EventsRenderCommand final : public Command {
public:
    explicit EventsRenderCommand(const OperatorRegistry& registry) : m_registry(registry) {}

    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand("render", "Render a window of events as an event frame, time surface, voxel grid or "
                                                     "event-derived intensity image");
        sub->add_option("file", m_file, "Event file")->required();
        sub->add_option("--repr", m_repr, "Representation (operators events-frame, events-timesurface, events-voxel, events-eframe)")
            ->required()
            ->check(CLI::IsMember({"frame", "timesurface", "voxel", "eframe"}));
        auto* window = sub->add_option("--window-us", m_windowUs, "Time window length in microseconds (default: the operator's, " + std::to_string(kDefaultEventWindowUs) + ")")
                           ->check(CLI::Range(std::int64_t(1), std::int64_t(3'600'000'000LL)));
        sub->add_option("--count", m_count, "Count window: this many events instead of a time window")
            ->check(CLI::Range(std::int64_t(1), std::int64_t(1'000'000'000LL)))
            ->excludes(window);
        sub->add_option("--start-us", m_startUs, "Window start in microseconds after the file's first event")->capture_default_str();
        sub->add_option("--reference", m_reference, "eframe: image the integration starts from (its linear luminance)");
        addRepeatableOption(*sub, "--param", m_params, "Operator parameter ID=VALUE (repeatable; 'fuselab-cli ops' lists them)");
        sub->add_option("-o,--output", m_output, "Output image (.png, .tif, .exr, …); a sidecar <OUT>.json is written too")->required();
        m_in.attach(*sub);
        m_out.attach(*sub);
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        applyThreads(m_common);
        const Operator& op = m_registry.get("events-" + m_repr);
        ParamValues overrides = parseParamArguments(op, m_params);
        if (!m_reference.empty() && m_repr != "eframe") throw UsageError("--reference applies to --repr eframe only");

        auto reader = openEventReader(m_file, m_in.toReadOptions());
        const EventIndex& index = reader->index();
        if (index.stats.count == 0) throw Error(m_file, "holds no events to render");
        const std::int64_t start = index.stats.tFirstUs + m_startUs;
        // --window-us, else the operator's own window_us given as --param, else its default.
        const std::int64_t duration = m_windowUs > 0 ? m_windowUs
                                      : overrides.has(convention::eventWindowUsParam) ? overrides.integer(convention::eventWindowUsParam)
                                                                   : kDefaultEventWindowUs;
        const EventWindow window = m_count > 0 ? EventWindow::byCount(start, std::uint64_t(m_count)) : EventWindow::byTime(start, duration);
        std::vector<std::string> inputs{m_file};
        Image reference;
        if (!m_reference.empty()) {
            reference = withEncoding(readImage(m_reference).pixels.toFloat(), ColourEncoding::Linear);
            inputs.push_back(m_reference);
        }
        ConsoleProgress progress("events render", m_common.quiet);
        const RenderedEventWindow out = renderEventWindow(*reader, op, window, overrides, m_reference.empty() ? nullptr : &reference, progress);
        progress.finish();
        Sidecar sidecar;
        sidecar.operators.push_back({op.info().id, op.info().version, out.values});
        sidecar.inputFiles = inputs;
        sidecar.numbers = out.scalars;
        sidecar.numbers["window_start_us"] = double(start);
        writeOutputWithSidecar(m_output, out.image, m_out, sidecar);
        if (!m_common.quiet)
            std::fprintf(stderr, "wrote %s (%zu events from %s)\n", m_output.c_str(), out.eventsRead, m_file.c_str());
        return kSuccess;
    }

private:
    const OperatorRegistry& m_registry;
    std::string m_file, m_repr, m_output, m_reference;
    std::int64_t m_windowUs = 0, m_count = 0, m_startUs = 0;
    std::vector<std::string> m_params;
    EventInputOptions m_in;
    OutputOptions m_out;
    CommonOptions m_common;
};

} // namespace

std::unique_ptr<Command> makeEventsRenderCommand(const OperatorRegistry& registry)
{
    return std::make_unique<EventsRenderCommand>(registry);
}

} // namespace fuselab::cli
