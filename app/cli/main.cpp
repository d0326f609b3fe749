// fuselab-cli: the command line of FuseLab (contract: ../shared/CLI.md).
#include "cli_support.hpp"
#include "command.hpp"

#include "fuselab/builtin_operators.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/heap_policy.hpp"
#include "fuselab/plugin_loader.hpp"
#include "fuselab/version.hpp"
#if defined(FUSELAB_HAVE_LEARN)
#include "learn_support.hpp"
#endif

#include <opencv2/core/version.hpp>

#include <cstdio>
#include <cstdlib>
#include <new>

using namespace fuselab;
using namespace fuselab::cli;

namespace {

std::string versionText(const PluginReport& plugins)
{
    std::string text = std::string("fuselab-cli ") + kFuseLabVersion + "\n";
    text += std::string("features: ") + kFuseLabBuildFeatures + "\n";
    text += std::string("libraries: OpenCV ") + CV_VERSION + ", OpenEXR, Exiv2, libjpeg-turbo, OpenSSL (SHA-256)";
#if defined(FUSELAB_HAVE_LEARN)
    text += ", LibTorch (loaded on demand for train, learned fusion, explain and pic)";
#endif
    text += "\nplugins (ABI " + std::to_string(plugin::kAbiVersion) + "): " + describeLoadedPlugins(plugins);
    return text;
}

/// One warning line per refused plugin, so a stale or broken plugin never goes unnoticed.
void warnAboutRefusedPlugins(const PluginReport& plugins)
{
    for (const PluginRecord& p : plugins.plugins)
        if (p.status == PluginStatus::Refused) printWarning("plugin " + p.path + " was not loaded: " + p.message);
}

int runMain(int argc, char** argv)
{
    setCommandLine(joinedCommandLine(argc, argv));
    installInterruptHandler();

    OperatorRegistry registry;
    registerBuiltinOperators(registry);
#if defined(FUSELAB_HAVE_LEARN)
    registerLearnedFusion(registry);
#endif
    // After the built-ins, so a plugin can never replace one (a clashing id is refused).
    const PluginReport plugins = loadPlugins(defaultPluginFolders(), registry);

    CLI::App app{"FuseLab command line: exposure fusion, HDR merge, tone mapping, metrics and learned fusion.\n"
                 "Every operator parameter can be set with --param ID=VALUE; 'fuselab-cli ops' lists them.",
                 "fuselab-cli"};
    app.set_version_flag("--version", versionText(plugins));
    app.require_subcommand(1);
    app.failure_message(CLI::FailureMessage::simple);

    std::vector<std::unique_ptr<Command>> commands;
    commands.push_back(makeInfoCommand());
    commands.push_back(makeOpsCommand(registry));
    commands.push_back(makeSynthCommand());
    commands.push_back(makeRunCommand(registry));
    commands.push_back(makeFuseCommand(registry));
    commands.push_back(makeMergeCommand(registry));
    commands.push_back(makeToneMapCommand(registry));
    commands.push_back(makeReplayCommand(registry));
    commands.push_back(makeBatchCommand(registry));
    commands.push_back(makeMetricsCommand(registry));
    commands.push_back(makeBenchCommand(registry));
    commands.push_back(makeSampleCommand(registry));
    commands.push_back(makePluginsCommand(plugins));
    commands.push_back(makeEventsCommand(registry));
#if defined(FUSELAB_HAVE_LEARN)
    commands.push_back(makeTrainCommand());
    commands.push_back(makeExplainCommand(registry));
    commands.push_back(makePicCommand());
#endif
    std::vector<std::pair<CLI::App*, Command*>> attached;
    for (auto& c : commands) attached.emplace_back(c->attach(app), c.get());

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        printError(std::string(e.what()) + " (see --help)");
        return kUsageError;
    }

    for (auto& [sub, command] : attached) {
        if (!sub->parsed()) continue;
        if (sub->get_name() != "plugins") warnAboutRefusedPlugins(plugins);
        try {
            return command->run();
        } catch (const UsageError& e) {
            printError(std::string(e.what()) + " (see " + sub->get_name() + " --help)");
            return kUsageError;
        } catch (const Cancelled&) {
            printError("interrupted; nothing was written");
            return kProcessingError;
        } catch (const Error& e) {
            printError(e.what());
            return kProcessingError;
        } catch (const std::bad_alloc&) {
            printError("out of memory");
            return kProcessingError;
        } catch (const std::exception& e) {
            printError(std::string("internal error: ") + e.what());
            return kProcessingError;
        }
    }
    printError("no subcommand given (see --help)");
    return kUsageError;
}

} // namespace

int main(int argc, char** argv)
{
    // A CLI process lives for one command, so freed memory stays in its heap (heap_policy.hpp):
    // `fuse --method learned` on meflut-1 3.05 → 2.32 s (medians of 5 alternating runs), 671 k →
    // 381 k page faults, peak memory 1.55 → 1.62 GB. Not in the GUI, which should give memory back.
    fuselab::keepFreedHeapForProcessLifetime();
    try {
        return runMain(argc, argv);
    } catch (const std::exception& e) {
        printError(std::string("internal error: ") + e.what());
        return kProcessingError;
    }
}
