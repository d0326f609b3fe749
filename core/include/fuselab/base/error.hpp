// Errors and cancellation in the core.
//
// Core functions report failure by throwing fuselab::Error, which carries the file the
// problem is about (may be empty) and a one-line description of the problem, so every
// front end can print "<file>: <problem>". Long work that notices a cancellation request
// throws fuselab::Cancelled. Nothing else escapes the core's public functions on bad input.
#pragma once

#include <stdexcept>
#include <string>

namespace fuselab {

class Error : public std::runtime_error {
public:
    /// `file` may be empty when no file is involved; `problem` is one line, no trailing period.
    Error(std::string file, std::string problem);
    explicit Error(std::string problem) : Error(std::string(), std::move(problem)) {}

    const std::string& file() const noexcept { return m_file; }
    const std::string& problem() const noexcept { return m_problem; }

    /// The same problem, attributed to `file` (keeps an existing attribution).
    Error withFile(const std::string& file) const;

private:
    std::string m_file;
    std::string m_problem;
};

/// Thrown when the caller's ProgressSink asked to stop; not an error to show the user.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

} // namespace fuselab
