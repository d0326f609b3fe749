// fuselab-cli events info|render|simulate|convert: the event-camera subcommands.
#include "cli_support.hpp"
#include "command.hpp"
#include "events_commands.hpp"

namespace fuselab::cli {
namespace {

class EventsCommand final : public Command {
public:
    explicit EventsCommand(const OperatorRegistry& registry)
    {
        m_children.push_back(makeEventsInfoCommand());
        m_children.push_back(makeEventsRenderCommand(registry));
        m_children.push_back(makeEventsSimulateCommand());
        m_children.push_back(makeEventsConvertCommand());
#if defined(FUSELAB_HAVE_LEARN)
        m_children.push_back(makeEventsEvaluateCommand());
#endif
    }

    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand("events", "Event-camera recordings: info, render representations, simulate, convert (and evaluate the frame/event model)");
        sub->require_subcommand(1);
        for (auto& child : m_children) m_attached.emplace_back(child->attach(*sub), child.get());
        return sub;
    }

    int run() override
    {
        for (auto& [app, command] : m_attached)
            if (app->parsed()) return command->run();
        throw UsageError("events needs one of info, render, simulate, convert");
    }

private:
    std::vector<std::unique_ptr<Command>> m_children;
    std::vector<std::pair<CLI::App*, Command*>> m_attached;
};

} // namespace

std::unique_ptr<Command> makeEventsCommand(const OperatorRegistry& registry)
{
    return std::make_unique<EventsCommand>(registry);
}

} // namespace fuselab::cli
