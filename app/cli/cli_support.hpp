// Shared plumbing of fuselab-cli: exit codes, error lines, progress on stderr, JSON out,
// --param parsing, threads. See ../shared/CLI.md for the contract these implement.
#pragma once

#include "fuselab/io.hpp"
#include "fuselab/base/operator.hpp"
#include "fuselab/base/progress.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace fuselab::cli {

enum ExitCode : int { kSuccess = 0, kProcessingError = 1, kUsageError = 2 };

/// Bad usage found after parsing (a malformed --param, conflicting options): exit 2.
class UsageError : public std::runtime_error {
public:
    explicit UsageError(const std::string& what) : std::runtime_error(what) {}
};

/// Options every subcommand accepts.
struct CommonOptions {
    bool quiet = false;
    int threads = 0; ///< 0 = all cores
};
void addCommonOptions(CLI::App& sub, CommonOptions& options);

/// A repeatable option with one value per occurrence (`--param A=1 --param B=2`, as CLI.md writes
/// it). CLI11's vector options otherwise take every following word: `pic --param window=32 FOLDER`
/// swallowed the folder.
CLI::Option* addRepeatableOption(CLI::App& sub, const std::string& name, std::vector<std::string>& values, const std::string& help);
/// Applies --threads to our pool, OpenCV and (where linked) LibTorch.
void applyThreads(const CommonOptions& options);

/// Prints "fuselab-cli: error: <message>" on stderr.
void printError(const std::string& message);
void printWarning(const std::string& message);

/// Whether `s` ends with `suffix` (case-sensitive).
bool endsWith(const std::string& s, const std::string& suffix);

/// readImage for a single input file, printing the file's content note (a JPEG named .png is
/// read as JPEG) once as a warning.
LoadedImage readInputImage(const std::string& path, const ReadOptions& options = {});

/// "I/N" of --shard: whole numbers with 0 ≤ I < N. Throws UsageError naming the text.
std::pair<int, int> parseShard(const std::string& text);

/// Set by SIGINT: long work stops at its next check and the command exits 1.
std::atomic<bool>& interruptFlag();
void installInterruptHandler();

/// Progress on stderr: a redrawn bar on a terminal, a line per 10 % otherwise.
class ConsoleProgress final : public ProgressSink {
public:
    ConsoleProgress(std::string task, bool quiet);
    ~ConsoleProgress() override;
    void report(double fraction01, std::string_view stage) override;
    bool isCancelled() const override;
    void finish();

private:
    std::string m_task;
    bool m_quiet;
    bool m_tty;
    int m_lastDecile = -1;
    bool m_drawn = false;
    std::chrono::steady_clock::time_point m_lastDraw;
};

/// Parses repeated "ID=VALUE" strings against an operator's specs. Throws UsageError.
ParamValues parseParamArguments(const Operator& op, const std::vector<std::string>& arguments);
/// The same against any spec list; `owner` names the list for unknown ids ("training"),
/// `valuePrefix` starts the message of a bad value.
ParamValues parseParamArguments(const std::vector<ParamSpec>& specs, const std::string& owner, const std::string& valuePrefix,
                                const std::vector<std::string>& arguments);

/// The full command line as one string, for sidecars.
std::string joinedCommandLine(int argc, char** argv);
const std::string& commandLine();
void setCommandLine(std::string line);

/// JSON value of a parameter value.
nlohmann::json paramValueToJson(const ParamValue& value);
/// Writes a JSON document on stdout (and nothing else).
void printJson(const nlohmann::json& document);

/// Parses "--ev"/"--times" lists (exit 2 on malformed text).
std::vector<double> parseListOption(const std::string& text, const std::string& option);

} // namespace fuselab::cli
