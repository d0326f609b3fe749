// Loading values stored by an older version of an operator (sessions, recipes): the operator
// maps them onto its current parameters, and whatever still does not fit is repaired with a
// note — never dropped silently, never run with another meaning.
//
// Threads: pure functions of their arguments.
#pragma once

#include "fuselab/base/operator.hpp"

#include <string>
#include <vector>

namespace fuselab {

/// An operator whose parameters changed between versions (a renamed id, another unit, a split
/// choice) says how values of an older version read now. A separate interface, so Operator's
/// layout (the plugin ABI) stays as it is.
class MigratesParamValues {
public:
    virtual ~MigratesParamValues() = default;
    /// `values` as version `fromVersion` (< info().version) stored them, in the current
    /// version's ids and units; `notes` says what changed ("threshold (0..1) is now tolerance
    /// (0..255)"). Values it does not know it leaves for migrateParamValues to report.
    virtual ParamValues migrate(int fromVersion, ParamValues values, std::vector<std::string>& notes) const = 0;
};

/// Values stored by version `fromVersion` of `op`, made current and complete: first the
/// operator's own migration (when older and it has one), then every value checked against its
/// spec — a whole real for an integer is taken, a number out of range is clamped, a value of the
/// wrong kind or an unknown choice gets the default, an id that is no parameter is dropped; each
/// repair is a note "<operator id>: …". Throws fuselab::Error when `fromVersion` is newer than
/// the operator (its values may mean something this version cannot know).
ParamValues migrateParamValues(const Operator& op, int fromVersion, const ParamValues& stored, std::vector<std::string>& notes);

} // namespace fuselab
