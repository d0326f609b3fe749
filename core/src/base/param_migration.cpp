#include "fuselab/base/param_migration.hpp"

#include "fuselab/base/error.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

namespace fuselab {

namespace {

std::string shown(const ParamValue& v)
{
    std::ostringstream s;
    if (auto d = std::get_if<double>(&v)) s << *d;
    else if (auto i = std::get_if<std::int64_t>(&v)) s << *i;
    else if (auto b = std::get_if<bool>(&v)) s << (*b ? "true" : "false");
    else s << '\'' << std::get<std::string>(v) << '\'';
    return s.str();
}

// The stored value as the spec's kind, repaired where it can be; nothing when it cannot.
std::optional<ParamValue> fitted(const ParamSpec& spec, const ParamValue& value, std::string& repair)
{
    switch (spec.kind) {
    case ParamKind::Float: {
        double v;
        if (auto d = std::get_if<double>(&value)) v = *d;
        else if (auto i = std::get_if<std::int64_t>(&value)) v = double(*i);
        else return std::nullopt;
        if (!std::isfinite(v)) return std::nullopt;
        const double clamped = std::clamp(v, spec.minValue, spec.maxValue);
        if (clamped != v) repair = "clamped to " + shown(ParamValue(clamped));
        return ParamValue(clamped);
    }
    case ParamKind::Int: {
        double v;
        if (auto i = std::get_if<std::int64_t>(&value)) v = double(*i);
        else if (auto d = std::get_if<double>(&value); d && std::isfinite(*d) && std::floor(*d) == *d) v = *d;
        else return std::nullopt;
        const double clamped = std::clamp(v, spec.minValue, spec.maxValue);
        if (clamped != v) repair = "clamped to " + shown(ParamValue(std::int64_t(clamped)));
        return ParamValue(std::int64_t(clamped));
    }
    case ParamKind::Bool:
        if (std::holds_alternative<bool>(value)) return value;
        return std::nullopt;
    case ParamKind::Choice: {
        const auto* id = std::get_if<std::string>(&value);
        if (!id) return std::nullopt;
        const bool known = std::any_of(spec.choices.begin(), spec.choices.end(), [&](const ParamChoice& c) { return c.id == *id; });
        if (!known) return std::nullopt;
        return value;
    }
    }
    return std::nullopt;
}

} // namespace

ParamValues migrateParamValues(const Operator& op, int fromVersion, const ParamValues& stored, std::vector<std::string>& notes)
{
    const OperatorInfo info = op.info();
    if (fromVersion > info.version)
        throw Error(info.id + ": the values were stored by version " + std::to_string(fromVersion) + " of the operator; this FuseLab has version " +
                    std::to_string(info.version));
    ParamValues values = stored;
    if (fromVersion < info.version) {
        std::vector<std::string> own;
        if (const auto* migrating = dynamic_cast<const MigratesParamValues*>(&op)) values = migrating->migrate(fromVersion, std::move(values), own);
        notes.push_back(info.id + ": values of version " + std::to_string(fromVersion) + " read by version " + std::to_string(info.version));
        for (std::string& n : own) notes.push_back(info.id + ": " + n);
    }
    const std::vector<ParamSpec> specs = op.params();
    ParamValues current = defaultValues(specs);
    for (const auto& [id, value] : values.all()) {
        const auto spec = std::find_if(specs.begin(), specs.end(), [&](const ParamSpec& s) { return s.id == id; });
        if (spec == specs.end()) {
            notes.push_back(info.id + ": '" + id + "' = " + shown(value) + " is no longer a parameter; dropped");
            continue;
        }
        std::string repair;
        if (const std::optional<ParamValue> v = fitted(*spec, value, repair)) {
            current.set(id, *v);
            if (!repair.empty()) notes.push_back(info.id + ": '" + id + "' = " + shown(value) + " does not fit its range; " + repair);
        } else {
            notes.push_back(info.id + ": '" + id + "' = " + shown(value) + " does not fit this version; the default " +
                            shown(defaultValue(*spec)) + " is used");
        }
    }
    return current;
}

} // namespace fuselab
