// fuselab-cli events info FILE [--json] [--lenient]: format, geometry, counts, time span and
// what was skipped, from one decoding pass.
#include "cli_support.hpp"
#include "events_commands.hpp"

#include "fuselab/base/error.hpp"

#include <cinttypes>
#include <cstdio>

namespace fuselab::cli {

void EventInputOptions::attach(CLI::App& sub)
{
    sub.add_flag("--lenient", lenient,
                 "Skip and count undecodable data (bad words, broken packets, events outside the geometry or "
                 "earlier than their predecessor) instead of stopping with an error");
    sub.add_option("--time-unit", timeUnit, "Text files only: time column unit (auto: '.'/'e' in the first time means seconds, "
                                            "an integer means microseconds)")
        ->capture_default_str()
        ->check(CLI::IsMember({"auto", "s", "us"}));
}

EventReadOptions EventInputOptions::toReadOptions() const
{
    EventReadOptions options;
    options.lenient = lenient;
    options.textTimeUnit = timeUnit == "s" ? TextTimeUnit::Seconds : timeUnit == "us" ? TextTimeUnit::Microseconds : TextTimeUnit::Auto;
    return options;
}

namespace {

class EventsInfoCommand final : public Command {
public:
    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand("info", "Format, geometry (and where it came from), event counts, time span, skipped data");
        sub->add_option("file", m_file, "Event file: .txt, .h5, .aedat4, Prophesee .raw (EVT 2.0/3.0)")->required();
        sub->add_flag("--json", m_json,
                      "One JSON object: path, format, width, height, event_count, positive, negative, t_first_us, "
                      "t_last_us, duration_s, skipped");
        m_input.attach(*sub);
        return sub;
    }

    int run() override
    {
        auto reader = openEventReader(m_file, m_input.toReadOptions());
        const EventIndex& index = reader->index();
        const EventMetadata& meta = reader->metadata();
        const EventStats& s = index.stats;
        const double durationS = s.count ? double(s.tLastUs - s.tFirstUs) * 1e-6 : 0.0;
        if (m_json) {
            nlohmann::json j;
            j["path"] = m_file;
            j["format"] = std::string(toString(meta.format));
            j["width"] = meta.widthPx;
            j["height"] = meta.heightPx;
            j["event_count"] = s.count;
            j["positive"] = s.positive;
            j["negative"] = s.negative;
            j["t_first_us"] = s.count ? nlohmann::json(s.tFirstUs) : nlohmann::json(nullptr);
            j["t_last_us"] = s.count ? nlohmann::json(s.tLastUs) : nlohmann::json(nullptr);
            j["duration_s"] = durationS;
            j["skipped"] = index.skippedTotal();
            printJson(j);
            return kSuccess;
        }
        std::printf("%s\n", m_file.c_str());
        std::printf("  format      %s\n", std::string(toString(meta.format)).c_str());
        std::printf("  geometry    %d x %d (%s)\n", meta.widthPx, meta.heightPx, meta.geometrySource.c_str());
        if (!meta.camera.empty()) std::printf("  camera      %s\n", meta.camera.c_str());
        if (!meta.recordedAt.empty()) std::printf("  recorded    %s\n", meta.recordedAt.c_str());
        std::printf("  events      %" PRIu64 " (%" PRIu64 " ON, %" PRIu64 " OFF)\n", s.count, s.positive, s.negative);
        if (s.count) {
            std::printf("  time        %" PRId64 " .. %" PRId64 " us%s\n", s.tFirstUs, s.tLastUs,
                        meta.originUnixUs ? " (Unix time)" : " (camera clock)");
            std::printf("  duration    %.6f s\n", durationS);
        }
        std::printf("  skipped     %" PRIu64 "\n", index.skippedTotal());
        for (const auto& [kind, n] : index.skipped) std::printf("    %-40s %" PRIu64 "\n", kind.c_str(), n);
        return kSuccess;
    }

private:
    std::string m_file;
    bool m_json = false;
    EventInputOptions m_input;
};

} // namespace

std::unique_ptr<Command> makeEventsInfoCommand()
{
    return std::make_unique<EventsInfoCommand>();
}

} // namespace fuselab::cli
