// A fuselab-cli subcommand: attaches its options to the parser, then runs.
#pragma once

#include "fuselab/base/operator.hpp"
#include "fuselab/plugin_loader.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <vector>

namespace fuselab::cli {

class Command {
public:
    virtual ~Command() = default;
    /// Adds the subcommand and its options to `app`; returns the subcommand.
    virtual CLI::App* attach(CLI::App& app) = 0;
    /// Runs after a successful parse. Returns the exit code; throws fuselab::Error (exit 1)
    /// or UsageError (exit 2).
    virtual int run() = 0;
};

std::unique_ptr<Command> makeInfoCommand();
std::unique_ptr<Command> makeOpsCommand(const OperatorRegistry& registry);
std::unique_ptr<Command> makeSynthCommand();
std::unique_ptr<Command> makeRunCommand(const OperatorRegistry& registry);
std::unique_ptr<Command> makeSampleCommand(const OperatorRegistry& registry);
std::unique_ptr<Command> makeFuseCommand(const OperatorRegistry& registry);
std::unique_ptr<Command> makeMergeCommand(const OperatorRegistry& registry);
std::unique_ptr<Command> makeToneMapCommand(const OperatorRegistry& registry);
std::unique_ptr<Command> makeReplayCommand(const OperatorRegistry& registry);
std::unique_ptr<Command> makeBatchCommand(const OperatorRegistry& registry);
std::unique_ptr<Command> makeMetricsCommand(const OperatorRegistry& registry);
std::unique_ptr<Command> makeBenchCommand(const OperatorRegistry& registry);
std::unique_ptr<Command> makePluginsCommand(const PluginReport& report);

/// The plugin report as `plugins --json` prints it.
nlohmann::json pluginReportToJson(const PluginReport& report);
/// "filmic-tonemap 1.0 (tonemap-aces-fit tonemap-hable), …" or "none", plus the refused count.
std::string describeLoadedPlugins(const PluginReport& report);
std::unique_ptr<Command> makeEventsCommand(const OperatorRegistry& registry);
std::unique_ptr<Command> makeTrainCommand(); ///< only in builds with LibTorch (FUSELAB_HAVE_LEARN)
std::unique_ptr<Command> makeExplainCommand(const OperatorRegistry& registry); ///< only in builds with LibTorch (FUSELAB_HAVE_LEARN)
std::unique_ptr<Command> makePicCommand();     ///< only in builds with LibTorch (FUSELAB_HAVE_LEARN)

} // namespace fuselab::cli
