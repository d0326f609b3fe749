#include "fuselab/base/params.hpp"

#include "fuselab/base/error.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

namespace fuselab {

std::string_view toString(ParamKind kind)
{
    switch (kind) {
    case ParamKind::Float: return "float";
    case ParamKind::Int: return "int";
    case ParamKind::Bool: return "bool";
    case ParamKind::Choice: return "choice";
    }
    return "unknown";
}

ParamSpec ParamSpec::number(std::string id, std::string label, double minValue, double maxValue,
                            double defaultValue)
{
    ParamSpec s;
    s.id = std::move(id);
    s.label = std::move(label);
    s.kind = ParamKind::Float;
    s.minValue = s.softMin = minValue;
    s.maxValue = s.softMax = maxValue;
    s.defaultValue = defaultValue;
    return s;
}

ParamSpec ParamSpec::integer(std::string id, std::string label, std::int64_t minValue,
                             std::int64_t maxValue, std::int64_t defaultValue)
{
    ParamSpec s = number(std::move(id), std::move(label), double(minValue), double(maxValue),
                         double(defaultValue));
    s.kind = ParamKind::Int;
    s.step = 1.0;
    return s;
}

ParamSpec ParamSpec::flag(std::string id, std::string label, bool defaultValue)
{
    ParamSpec s = number(std::move(id), std::move(label), 0.0, 1.0, defaultValue ? 1.0 : 0.0);
    s.kind = ParamKind::Bool;
    s.step = 1.0;
    return s;
}

ParamSpec ParamSpec::choice(std::string id, std::string label, std::vector<ParamChoice> choices,
                            std::string defaultChoice)
{
    ParamSpec s;
    s.id = std::move(id);
    s.label = std::move(label);
    s.kind = ParamKind::Choice;
    s.choices = std::move(choices);
    s.defaultChoice = std::move(defaultChoice);
    return s;
}

// --- ParamValues ----------------------------------------------------------------------------

const ParamValue* ParamValues::find(const std::string& id) const
{
    auto it = m_values.find(id);
    return it == m_values.end() ? nullptr : &it->second;
}

namespace {
[[noreturn]] void missing(const std::string& id, const char* kind)
{
    throw Error("parameter '" + id + "' is missing or is not " + kind);
}
} // namespace

double ParamValues::number(const std::string& id) const
{
    const ParamValue* v = find(id);
    if (v) {
        if (auto d = std::get_if<double>(v)) return *d;
        if (auto i = std::get_if<std::int64_t>(v)) return double(*i);
    }
    missing(id, "a number");
}

std::int64_t ParamValues::integer(const std::string& id) const
{
    const ParamValue* v = find(id);
    if (v)
        if (auto i = std::get_if<std::int64_t>(v)) return *i;
    missing(id, "an integer");
}

bool ParamValues::flag(const std::string& id) const
{
    const ParamValue* v = find(id);
    if (v)
        if (auto b = std::get_if<bool>(v)) return *b;
    missing(id, "a boolean");
}

const std::string& ParamValues::choice(const std::string& id) const
{
    const ParamValue* v = find(id);
    if (v)
        if (auto s = std::get_if<std::string>(v)) return *s;
    missing(id, "a choice");
}

// --- defaults, parsing, validation ------------------------------------------------------------

ParamValue defaultValue(const ParamSpec& spec)
{
    switch (spec.kind) {
    case ParamKind::Float: return spec.defaultValue;
    case ParamKind::Int: return std::int64_t(std::llround(spec.defaultValue));
    case ParamKind::Bool: return spec.defaultValue != 0.0;
    case ParamKind::Choice: return spec.defaultChoice;
    }
    return spec.defaultValue;
}

ParamValues defaultValues(const std::vector<ParamSpec>& specs)
{
    ParamValues values;
    for (const ParamSpec& spec : specs)
        values.set(spec.id, defaultValue(spec));
    return values;
}

namespace {

std::string formatNumber(double v)
{
    std::ostringstream os;
    os.precision(10);
    os << v;
    return os.str();
}

std::string choiceList(const ParamSpec& spec)
{
    std::string list;
    for (const ParamChoice& c : spec.choices)
        list += (list.empty() ? "" : ", ") + c.id;
    return list;
}

[[noreturn]] void badValue(const ParamSpec& spec, const std::string& problem)
{
    throw Error("parameter '" + spec.id + "': " + problem);
}

} // namespace

void validateParamValue(const ParamSpec& spec, const ParamValue& value)
{
    switch (spec.kind) {
    case ParamKind::Float: {
        double v;
        if (auto d = std::get_if<double>(&value)) v = *d;
        else if (auto i = std::get_if<std::int64_t>(&value)) v = double(*i);
        else badValue(spec, "expects a number");
        if (!std::isfinite(v)) badValue(spec, "must be a finite number");
        if (v < spec.minValue || v > spec.maxValue)
            badValue(spec, formatNumber(v) + " is outside [" + formatNumber(spec.minValue) + ", " +
                               formatNumber(spec.maxValue) + "]");
        return;
    }
    case ParamKind::Int: {
        auto i = std::get_if<std::int64_t>(&value);
        if (!i) badValue(spec, "expects an integer");
        if (double(*i) < spec.minValue || double(*i) > spec.maxValue)
            badValue(spec, std::to_string(*i) + " is outside [" + formatNumber(spec.minValue) + ", " +
                               formatNumber(spec.maxValue) + "]");
        return;
    }
    case ParamKind::Bool:
        if (!std::holds_alternative<bool>(value)) badValue(spec, "expects true or false");
        return;
    case ParamKind::Choice: {
        auto s = std::get_if<std::string>(&value);
        if (!s) badValue(spec, "expects one of: " + choiceList(spec));
        for (const ParamChoice& c : spec.choices)
            if (c.id == *s) return;
        badValue(spec, "'" + *s + "' is not one of: " + choiceList(spec));
    }
    }
}

ParamValue parseParamValue(const ParamSpec& spec, std::string_view textView)
{
    const std::string text(textView);
    ParamValue value;
    switch (spec.kind) {
    case ParamKind::Float: {
        char* end = nullptr;
        errno = 0;
        const double v = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE)
            badValue(spec, "'" + text + "' is not a number");
        value = v;
        break;
    }
    case ParamKind::Int: {
        char* end = nullptr;
        errno = 0;
        const long long v = std::strtoll(text.c_str(), &end, 10);
        if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE)
            badValue(spec, "'" + text + "' is not an integer");
        value = std::int64_t(v);
        break;
    }
    case ParamKind::Bool: {
        std::string t = text;
        std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        if (t == "1" || t == "true" || t == "yes" || t == "on") value = true;
        else if (t == "0" || t == "false" || t == "no" || t == "off") value = false;
        else badValue(spec, "'" + text + "' is not true/false");
        break;
    }
    case ParamKind::Choice: value = text; break;
    }
    validateParamValue(spec, value);
    return value;
}

ParamValues resolveParamValues(const std::vector<ParamSpec>& specs, const ParamValues& overrides)
{
    ParamValues values = defaultValues(specs);
    for (const auto& [id, value] : overrides.all()) {
        auto it = std::find_if(specs.begin(), specs.end(), [&](const ParamSpec& s) { return s.id == id; });
        if (it == specs.end()) {
            std::string known;
            for (const ParamSpec& s : specs)
                known += (known.empty() ? "" : ", ") + s.id;
            throw Error("unknown parameter '" + id + "'" +
                        (known.empty() ? std::string(" (this operator has none)") : " (known: " + known + ")"));
        }
        ParamValue v = value;
        // Integers are acceptable where a float is expected (a session may store 5 for 5.0).
        if (it->kind == ParamKind::Float)
            if (auto i = std::get_if<std::int64_t>(&value)) v = double(*i);
        validateParamValue(*it, v);
        values.set(id, v);
    }
    return values;
}

std::string formatParamValue(const ParamValue& value)
{
    struct Visitor {
        std::string operator()(double d) const { return formatNumber(d); }
        std::string operator()(std::int64_t i) const { return std::to_string(i); }
        std::string operator()(bool b) const { return b ? "true" : "false"; }
        std::string operator()(const std::string& s) const { return s; }
    };
    return std::visit(Visitor{}, value);
}

std::string describeSpecProblem(const ParamSpec& spec, const std::vector<ParamSpec>& siblings)
{
    if (spec.id.empty()) return "empty parameter id";
    for (char c : spec.id)
        if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
            return "parameter id '" + spec.id + "' may hold only a-z, 0-9 and _";
    if (spec.label.empty()) return "parameter '" + spec.id + "' has no label";
    if (spec.tooltip.empty()) return "parameter '" + spec.id + "' has no tooltip";
    if (spec.kind == ParamKind::Float || spec.kind == ParamKind::Int) {
        if (!(spec.minValue <= spec.defaultValue && spec.defaultValue <= spec.maxValue))
            return "parameter '" + spec.id + "' default lies outside its range";
        if (!(spec.minValue <= spec.softMin && spec.softMin < spec.softMax && spec.softMax <= spec.maxValue))
            return "parameter '" + spec.id + "' soft range must lie inside its hard range";
        if (spec.logScale && spec.minValue <= 0)
            return "parameter '" + spec.id + "' is log-scaled but its range includes 0";
    }
    if (spec.kind == ParamKind::Choice) {
        if (spec.choices.empty()) return "choice parameter '" + spec.id + "' has no choices";
        std::set<std::string> ids;
        bool defaultFound = false;
        for (const ParamChoice& c : spec.choices) {
            if (!ids.insert(c.id).second) return "choice '" + c.id + "' repeats in '" + spec.id + "'";
            defaultFound |= c.id == spec.defaultChoice;
        }
        if (!defaultFound) return "choice parameter '" + spec.id + "' default is not a choice";
    }
    if (!spec.enabledBy.empty()) {
        const std::string target = spec.enabledBy.substr(0, spec.enabledBy.find('='));
        auto it = std::find_if(siblings.begin(), siblings.end(), [&](const ParamSpec& s) { return s.id == target; });
        if (it == siblings.end()) return "parameter '" + spec.id + "' is enabled by unknown '" + target + "'";
    }
    int same = 0;
    for (const ParamSpec& s : siblings)
        same += s.id == spec.id;
    if (same > 1) return "parameter id '" + spec.id + "' repeats";
    return {};
}

} // namespace fuselab
