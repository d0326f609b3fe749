// The children of `fuselab-cli events` (one file each) and what they share.
#pragma once

#include "command.hpp"

#include "fuselab/events_io.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace fuselab::cli {

std::unique_ptr<Command> makeEventsInfoCommand();
std::unique_ptr<Command> makeEventsRenderCommand(const OperatorRegistry& registry);
std::unique_ptr<Command> makeEventsSimulateCommand();
std::unique_ptr<Command> makeEventsConvertCommand();
#if defined(FUSELAB_HAVE_LEARN)
/// events evaluate: the frame/event model against the truth (builds with LibTorch only).
std::unique_ptr<Command> makeEventsEvaluateCommand();
#endif

/// --lenient and --time-unit, shared by the commands that read event files.
struct EventInputOptions {
    bool lenient = false;
    std::string timeUnit = "auto";
    void attach(CLI::App& sub);
    EventReadOptions toReadOptions() const;
};

} // namespace fuselab::cli
