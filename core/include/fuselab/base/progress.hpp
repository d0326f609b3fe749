// Progress reporting and cooperative cancellation, free of any GUI toolkit.
//
// Long operations take a ProgressSink&: they call report() with a fraction in [0,1] and
// poll isCancelled() (or checkCancelled(), which throws fuselab::Cancelled) at safe points.
// ProgressSpan maps a sub-task's [0,1] onto a slice of its parent's range.
// Thread safety: implementations must accept report() and isCancelled() from any thread.
#pragma once

#include <string_view>

namespace fuselab {

class ProgressSink {
public:
    virtual ~ProgressSink() = default;
    /// fraction01 in [0,1]; stage is a short human-readable label ("pyramid level 3").
    virtual void report(double fraction01, std::string_view stage) = 0;
    virtual bool isCancelled() const = 0;

    /// Throws fuselab::Cancelled when cancellation was requested.
    void checkCancelled() const;
};

/// Ignores progress and is never cancelled.
class NullProgress final : public ProgressSink {
public:
    void report(double, std::string_view) override {}
    bool isCancelled() const override { return false; }
};

/// Forwards to a parent sink, mapping [0,1] onto [begin01, end01] of the parent.
class ProgressSpan final : public ProgressSink {
public:
    ProgressSpan(ProgressSink& parent, double begin01, double end01)
        : m_parent(parent), m_begin(begin01), m_end(end01) {}
    void report(double fraction01, std::string_view stage) override;
    bool isCancelled() const override { return m_parent.isCancelled(); }

private:
    ProgressSink& m_parent;
    double m_begin;
    double m_end;
};

} // namespace fuselab
