// Runs fuselab-cli as a child process and captures what it prints and how it ended.
#pragma once

#include <string>
#include <vector>

namespace fuselab::test {

struct CliRun {
    int exitCode = -1;       ///< valid when !signalled
    bool signalled = false;  ///< killed by a signal (a crash): never acceptable
    int signal = 0;
    std::string out;
    std::string err;
    /// Lines of stderr, without the trailing newline.
    std::vector<std::string> errLines() const;
};

/// Runs the fuselab-cli built alongside the tests (FUSELAB_CLI_PATH) with `args`.
CliRun runCli(const std::vector<std::string>& args);
/// Same, with "NAME=value" entries added to (or replacing those in) the inherited environment.
CliRun runCli(const std::vector<std::string>& args, const std::vector<std::string>& environment);

} // namespace fuselab::test
