#include "cli_support.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/runtime.hpp"
#include "fuselab/stack_io.hpp"

#include <opencv2/core.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace fuselab::cli {

CLI::Option* addRepeatableOption(CLI::App& sub, const std::string& name, std::vector<std::string>& values, const std::string& help)
{
    return sub.add_option(name, values, help)->allow_extra_args(false);
}

void addCommonOptions(CLI::App& sub, CommonOptions& options)
{
    sub.add_flag("--quiet,-q", options.quiet, "No progress output on stderr");
    sub.add_option("--threads", options.threads, "Worker threads (default: all cores)")->check(CLI::Range(0, 1024));
}

void applyThreads(const CommonOptions& options)
{
    configureRuntime(options.threads);
}

void printError(const std::string& message)
{
    std::fprintf(stderr, "fuselab-cli: error: %s\n", message.c_str());
}

void printWarning(const std::string& message)
{
    std::fprintf(stderr, "fuselab-cli: warning: %s\n", message.c_str());
}

LoadedImage readInputImage(const std::string& path, const ReadOptions& options)
{
    LoadedImage loaded = readImage(path, options);
    if (!loaded.header.contentNote.empty()) printWarning(path + ": " + loaded.header.contentNote);
    return loaded;
}

std::atomic<bool>& interruptFlag()
{
    static std::atomic<bool> flag{false};
    return flag;
}

namespace {
extern "C" void onInterrupt(int)
{
    interruptFlag().store(true);
}
} // namespace

void installInterruptHandler()
{
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

ConsoleProgress::ConsoleProgress(std::string task, bool quiet)
    : m_task(std::move(task)), m_quiet(quiet), m_tty(::isatty(STDERR_FILENO) != 0)
{
}

ConsoleProgress::~ConsoleProgress()
{
    finish();
}

void ConsoleProgress::report(double fraction01, std::string_view stage)
{
    if (m_quiet) return;
    const double f = std::clamp(fraction01, 0.0, 1.0);
    if (m_tty) {
        const auto now = std::chrono::steady_clock::now();
        if (m_drawn && f < 1.0 && now - m_lastDraw < std::chrono::milliseconds(100)) return;
        m_lastDraw = now;
        const int width = 30, filled = int(f * width + 0.5);
        std::fprintf(stderr, "\r%s [%s%s] %3d%% %-24.24s", m_task.c_str(), std::string(std::size_t(filled), '#').c_str(),
                     std::string(std::size_t(width - filled), ' ').c_str(), int(f * 100 + 0.5), std::string(stage).c_str());
        std::fflush(stderr);
        m_drawn = true;
        return;
    }
    const int decile = int(f * 10.0);
    if (decile == m_lastDecile) return;
    m_lastDecile = decile;
    std::fprintf(stderr, "%s: %3d%% %s\n", m_task.c_str(), decile * 10, std::string(stage).c_str());
}

bool ConsoleProgress::isCancelled() const
{
    return interruptFlag().load();
}

void ConsoleProgress::finish()
{
    if (m_drawn && m_tty && !m_quiet) std::fprintf(stderr, "\n");
    m_drawn = false;
}

ParamValues parseParamArguments(const Operator& op, const std::vector<std::string>& arguments)
{
    return parseParamArguments(op.params(), "operator '" + op.info().id + "'", op.info().id, arguments);
}

ParamValues parseParamArguments(const std::vector<ParamSpec>& specs, const std::string& owner, const std::string& valuePrefix,
                                const std::vector<std::string>& arguments)
{
    ParamValues values;
    for (const std::string& arg : arguments) {
        const std::size_t eq = arg.find('=');
        if (eq == std::string::npos || eq == 0)
            throw UsageError("--param '" + arg + "' must have the form ID=VALUE");
        const std::string id = arg.substr(0, eq);
        auto it = std::find_if(specs.begin(), specs.end(), [&](const ParamSpec& s) { return s.id == id; });
        if (it == specs.end()) {
            std::string known;
            for (const ParamSpec& s : specs) known += (known.empty() ? "" : ", ") + s.id;
            throw UsageError(owner + " has no parameter '" + id + "'" +
                             (known.empty() ? std::string() : " (known: " + known + ")"));
        }
        try {
            values.set(id, parseParamValue(*it, arg.substr(eq + 1)));
        } catch (const Error& e) {
            throw UsageError(valuePrefix + ": " + e.problem());
        }
    }
    return values;
}

std::string joinedCommandLine(int argc, char** argv)
{
    std::string line;
    for (int i = 0; i < argc; ++i) {
        std::string a = argv[i];
        const bool quote = a.find_first_of(" \t'\"") != std::string::npos || a.empty();
        line += (i ? " " : "") + (quote ? "'" + a + "'" : a);
    }
    return line;
}

namespace {
std::string& commandLineStorage()
{
    static std::string line;
    return line;
}
} // namespace

const std::string& commandLine() { return commandLineStorage(); }
void setCommandLine(std::string line) { commandLineStorage() = std::move(line); }

nlohmann::json paramValueToJson(const ParamValue& value)
{
    if (auto d = std::get_if<double>(&value)) return *d;
    if (auto i = std::get_if<std::int64_t>(&value)) return *i;
    if (auto b = std::get_if<bool>(&value)) return *b;
    return std::get<std::string>(value);
}

void printJson(const nlohmann::json& document)
{
    std::cout << document.dump(2) << std::endl;
}

std::vector<double> parseListOption(const std::string& text, const std::string& option)
{
    try {
        return parseNumberList(text, option);
    } catch (const Error& e) {
        throw UsageError(e.problem());
    }
}

std::pair<int, int> parseShard(const std::string& text)
{
    const std::size_t slash = text.find('/');
    auto number = [&](const std::string& s) {
        if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 6)
            throw UsageError("--shard '" + text + "' must be I/N with whole numbers, 0 ≤ I < N (e.g. 0/4)");
        return std::stoi(s);
    };
    if (slash == std::string::npos) number("");
    const int i = number(text.substr(0, slash)), n = number(text.substr(slash + 1));
    if (n < 1 || i >= n) throw UsageError("--shard '" + text + "' must be I/N with 0 ≤ I < N (e.g. 0/4 … 3/4)");
    return {i, n};
}

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace fuselab::cli
