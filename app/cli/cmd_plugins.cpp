// fuselab-cli plugins [--json]: the folders searched for plugins and what became of each one.
#include "cli_support.hpp"
#include "command.hpp"

#include "fuselab/version.hpp"

#include <cstdio>

namespace fuselab::cli {
namespace {

class PluginsCommand final : public Command {
public:
    explicit PluginsCommand(const PluginReport& report) : m_report(report) {}

    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand(
            "plugins", "List the folders searched for operator plugins (installed, build tree, FUSELAB_PLUGIN_PATH) "
                       "and whether each plugin was loaded or refused, and why");
        sub->add_flag("--json", m_json, "Print one JSON object on stdout");
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        if (m_json) {
            printJson(pluginReportToJson(m_report));
            return kSuccess;
        }
        std::printf("Plugin folders, in search order:\n");
        if (m_report.folders.empty()) std::printf("  (none)\n");
        for (const PluginFolderScan& f : m_report.folders)
            std::printf("  %s  (%s%s)\n", f.folder.path.c_str(), std::string(toString(f.folder.origin)).c_str(),
                        f.exists ? "" : "; absent");
        std::printf("\nPlugins (%zu loaded, %zu refused):\n", m_report.loadedCount(), m_report.refusedCount());
        if (m_report.plugins.empty()) std::printf("  (none found)\n");
        for (const PluginRecord& p : m_report.plugins) {
            std::string title = p.name.empty() ? std::string() : p.name + " " + p.version + "  ";
            std::printf("  %-8s %s%s\n", std::string(toString(p.status)).c_str(), title.c_str(), p.path.c_str());
            std::printf("           %s\n", p.message.c_str());
        }
        std::printf("\nPlugin ABI version %u (FuseLab %s). FUSELAB_PLUGIN_PATH adds folders (colon-separated).\n",
                    unsigned(plugin::kAbiVersion), kFuseLabVersion);
        return kSuccess;
    }

private:
    const PluginReport& m_report;
    bool m_json = false;
    CommonOptions m_common;
};

} // namespace

nlohmann::json pluginReportToJson(const PluginReport& report)
{
    nlohmann::json j;
    j["abi_version"] = plugin::kAbiVersion;
    j["fuselab_version"] = kFuseLabVersion;
    nlohmann::json folders = nlohmann::json::array();
    for (const PluginFolderScan& f : report.folders)
        folders.push_back({{"path", f.folder.path}, {"origin", std::string(toString(f.folder.origin))}, {"exists", f.exists}});
    j["folders"] = folders;
    nlohmann::json plugins = nlohmann::json::array();
    for (const PluginRecord& p : report.plugins)
        plugins.push_back({{"path", p.path},
                           {"status", std::string(toString(p.status))},
                           {"name", p.name},
                           {"version", p.version},
                           {"description", p.description},
                           {"operators", p.operatorIds},
                           {"message", p.message}});
    j["plugins"] = plugins;
    return j;
}

std::string describeLoadedPlugins(const PluginReport& report)
{
    std::string text;
    for (const PluginRecord& p : report.plugins) {
        if (p.status != PluginStatus::Loaded) continue;
        text += (text.empty() ? "" : ", ") + p.name + " " + p.version + " (";
        for (std::size_t i = 0; i < p.operatorIds.size(); ++i) text += (i ? " " : "") + p.operatorIds[i];
        text += ")";
    }
    if (text.empty()) text = "none";
    if (report.refusedCount() > 0)
        text += "; " + std::to_string(report.refusedCount()) + " refused ('fuselab-cli plugins' says why)";
    return text;
}

std::unique_ptr<Command> makePluginsCommand(const PluginReport& report)
{
    return std::make_unique<PluginsCommand>(report);
}

} // namespace fuselab::cli
