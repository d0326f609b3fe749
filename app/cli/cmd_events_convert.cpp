// fuselab-cli events convert IN -o OUT.txt|OUT.h5: rewrites a recording as text or HDF5.
#include "cli_support.hpp"
#include "events_commands.hpp"

#include "fuselab/base/error.hpp"

#include <cstdio>

namespace fuselab::cli {
namespace {

class EventsConvertCommand final : public Command {
public:
    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand("convert", "Rewrite an event file as text (t x y p, with a 'width height' line) or HDF5");
        sub->add_option("input", m_input, "Event file (any format 'events info' reads)")->required();
        sub->add_option("-o,--output", m_output, "OUT.txt (text) or OUT.h5 / OUT.hdf5")->required();
        sub->add_flag("--seconds", m_seconds, "Text output: times in seconds with 6 decimals instead of integer microseconds");
        m_in.attach(*sub);
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        std::string ext = m_output.substr(m_output.find_last_of('.') == std::string::npos ? m_output.size() : m_output.find_last_of('.'));
        for (char& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
        const bool text = ext == ".txt" || ext == ".csv";
        const bool hdf5 = ext == ".h5" || ext == ".hdf5";
        if (!text && !hdf5) throw UsageError("-o must end in .txt or .h5/.hdf5 (got '" + m_output + "')");
        const EventStream stream = readAllEvents(m_input, m_in.toReadOptions());
        if (text) {
            TextWriteOptions options;
            options.timeInSeconds = m_seconds;
            writeEventsText(m_output, stream, options);
        } else {
            writeEventsHdf5(m_output, stream);
        }
        if (!m_common.quiet) std::fprintf(stderr, "wrote %zu events to %s\n", stream.events.size(), m_output.c_str());
        return kSuccess;
    }

private:
    std::string m_input, m_output;
    bool m_seconds = false;
    EventInputOptions m_in;
    CommonOptions m_common;
};

} // namespace

std::unique_ptr<Command> makeEventsConvertCommand()
{
    return std::make_unique<EventsConvertCommand>();
}

} // namespace fuselab::cli
