// fuselab-cli sample -o DIR: the main pipeline on the built-in sample scene, headless.
// It is what the README's run command does where there is no display.
#include "cli_support.hpp"
#include "command.hpp"

#include "fuselab/sample_pipeline.hpp"

#include <cstdio>

namespace fuselab::cli {
namespace {

class SampleCommand final : public Command {
public:
    explicit SampleCommand(const OperatorRegistry& registry) : m_registry(registry) {}

    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand("sample", "Run the main pipeline on the built-in sample scene and write every output to a folder");
        sub->add_option("-o,--output", m_outDir, "Output folder")->capture_default_str();
        sub->add_option("--size", m_size, "Width x height of the sample scene")->capture_default_str();
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        applyThreads(m_common);
        SampleOptions options;
        if (std::sscanf(m_size.c_str(), "%dx%d", &options.widthPx, &options.heightPx) != 2 || options.widthPx < 64 ||
            options.heightPx < 64 || options.widthPx > 8000 || options.heightPx > 8000)
            throw UsageError("--size must be WIDTHxHEIGHT with sides in 64..8000");
        options.outDir = m_outDir;
        options.command = commandLine();
        ConsoleProgress progress("sample", m_common.quiet);
        const SampleReport report = runSamplePipeline(options, m_registry, progress);
        progress.finish();
        std::printf("sample scene %dx%d written to %s/\n", options.widthPx, options.heightPx, m_outDir.c_str());
        for (const auto& [what, path] : report.outputs) std::printf("  %-28s %s\n", what.c_str(), path.c_str());
        for (const auto& [what, value] : report.numbers) std::printf("  %-28s %.4f\n", what.c_str(), value);
        return kSuccess;
    }

private:
    const OperatorRegistry& m_registry;
    std::string m_outDir = "out/sample";
    std::string m_size = "1200x800";
    CommonOptions m_common;
};

} // namespace

std::unique_ptr<Command> makeSampleCommand(const OperatorRegistry& registry)
{
    return std::make_unique<SampleCommand>(registry);
}

} // namespace fuselab::cli
