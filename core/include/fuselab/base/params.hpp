// Self-describing operator parameters.
//
// A ParamSpec is the single place that declares a parameter's id, label, unit, range,
// default and help. The GUI builds its widgets from it, the CLI its --param parsing and
// --help text, sessions and sidecars their stored values. Hard limits (minValue/maxValue)
// are enforced; the soft range only narrows a slider's default travel (darktable habit).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fuselab {

enum class ParamKind { Float, Int, Bool, Choice };
std::string_view toString(ParamKind kind);

struct ParamChoice {
    std::string id;    ///< stable, used on the command line and in sessions
    std::string label; ///< shown to people
};

struct ParamSpec {
    std::string id;      ///< stable identifier: lowercase, digits and '_' ("sigma", "weight_contrast")
    std::string label;   ///< short human label
    std::string tooltip; ///< one or two sentences: what it does, where the default comes from
    std::string unit;    ///< "px", "stops", "cd/m²", "" for dimensionless
    ParamKind kind = ParamKind::Float;
    double minValue = 0.0;     ///< hard lower limit (Float, Int)
    double maxValue = 1.0;     ///< hard upper limit (Float, Int)
    double defaultValue = 0.0; ///< Float, Int, Bool (0/1)
    double step = 0.0;         ///< widget step; 0 = let the GUI choose
    double softMin = 0.0;      ///< slider travel; equal to hard limits unless narrowed
    double softMax = 0.0;
    bool logScale = false; ///< sliders move in log space (learning rates, μ)
    std::vector<ParamChoice> choices;
    std::string defaultChoice;
    /// "id" (enabled when bool parameter id is true) or "id=choice" (when choice id has
    /// that value); empty means always enabled.
    std::string enabledBy;
    std::string reference; ///< where the definition or default comes from

    static ParamSpec number(std::string id, std::string label, double minValue, double maxValue,
                            double defaultValue);
    static ParamSpec integer(std::string id, std::string label, std::int64_t minValue,
                             std::int64_t maxValue, std::int64_t defaultValue);
    static ParamSpec flag(std::string id, std::string label, bool defaultValue);
    static ParamSpec choice(std::string id, std::string label, std::vector<ParamChoice> choices,
                            std::string defaultChoice);

    ParamSpec& withUnit(std::string u) { unit = std::move(u); return *this; }
    ParamSpec& withTooltip(std::string t) { tooltip = std::move(t); return *this; }
    ParamSpec& withStep(double s) { step = s; return *this; }
    ParamSpec& withSoftRange(double lo, double hi) { softMin = lo; softMax = hi; return *this; }
    ParamSpec& withLogScale() { logScale = true; return *this; }
    ParamSpec& enabledWhen(std::string condition) { enabledBy = std::move(condition); return *this; }
    ParamSpec& withReference(std::string r) { reference = std::move(r); return *this; }
};

/// A parameter value: Float → double, Int → int64, Bool → bool, Choice → choice id.
using ParamValue = std::variant<double, std::int64_t, bool, std::string>;

/// Values by parameter id. Getters throw fuselab::Error when the id is missing or of
/// another kind (number() also accepts an Int value).
class ParamValues {
public:
    void set(const std::string& id, ParamValue value) { m_values[id] = std::move(value); }
    bool has(const std::string& id) const { return m_values.count(id) != 0; }
    const ParamValue* find(const std::string& id) const;
    void erase(const std::string& id) { m_values.erase(id); }

    double number(const std::string& id) const;
    std::int64_t integer(const std::string& id) const;
    bool flag(const std::string& id) const;
    const std::string& choice(const std::string& id) const;

    const std::map<std::string, ParamValue>& all() const { return m_values; }
    bool operator==(const ParamValues& other) const { return m_values == other.m_values; }
    bool operator!=(const ParamValues& other) const { return !(*this == other); }

private:
    std::map<std::string, ParamValue> m_values;
};

ParamValue defaultValue(const ParamSpec& spec);
ParamValues defaultValues(const std::vector<ParamSpec>& specs);

/// Parses text ("0.2", "5", "true", "hat") as a value of spec's kind and checks its range.
/// Throws fuselab::Error naming the parameter and the problem.
ParamValue parseParamValue(const ParamSpec& spec, std::string_view text);

/// Checks kind and range of one value against its spec. Throws fuselab::Error.
void validateParamValue(const ParamSpec& spec, const ParamValue& value);

/// Defaults for every spec, overridden by `overrides` (each validated). Unknown ids in
/// overrides are an error that lists the known ones.
ParamValues resolveParamValues(const std::vector<ParamSpec>& specs, const ParamValues& overrides);

/// Value as text, in the form parseParamValue accepts ("0.2", "5", "true", "hat").
std::string formatParamValue(const ParamValue& value);

/// Checks that a spec is well-formed (id syntax, min ≤ default ≤ max, choices present and
/// unique, enabledBy names a sibling). Returns an empty string when valid, else the problem.
std::string describeSpecProblem(const ParamSpec& spec, const std::vector<ParamSpec>& siblings);

} // namespace fuselab
