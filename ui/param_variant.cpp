#include "param_variant.hpp"

#include "fuselab/base/error.hpp"

#include <QStringList>

#include <cmath>

namespace fuselab::ui {

QJsonValue toJson(const ParamValue& value)
{
    if (auto d = std::get_if<double>(&value)) return *d;
    if (auto i = std::get_if<std::int64_t>(&value)) return double(*i);
    if (auto b = std::get_if<bool>(&value)) return *b;
    return QString::fromStdString(std::get<std::string>(value));
}

std::optional<ParamValue> fromJson(const ParamSpec& spec, const QJsonValue& v)
{
    ParamValue value;
    switch (spec.kind) {
    case ParamKind::Float:
        if (!v.isDouble()) return std::nullopt;
        value = v.toDouble();
        break;
    case ParamKind::Int: {
        if (!v.isDouble()) return std::nullopt;
        const double d = v.toDouble();
        if (d != std::floor(d)) return std::nullopt;
        value = std::int64_t(d);
        break;
    }
    case ParamKind::Bool:
        if (!v.isBool()) return std::nullopt;
        value = v.toBool();
        break;
    case ParamKind::Choice:
        if (!v.isString()) return std::nullopt;
        value = v.toString().toStdString();
        break;
    }
    try {
        validateParamValue(spec, value);
    } catch (const Error&) {
        return std::nullopt;
    }
    return value;
}

QJsonObject valuesToJson(const ParamValues& values)
{
    QJsonObject o;
    for (const auto& [id, v] : values.all()) o.insert(QString::fromStdString(id), toJson(v));
    return o;
}

ParamValues valuesFromJson(const std::vector<ParamSpec>& specs, const QJsonObject& json, QStringList* dropped)
{
    ParamValues values = defaultValues(specs);
    for (auto it = json.begin(); it != json.end(); ++it) {
        const std::string id = it.key().toStdString();
        const ParamSpec* spec = nullptr;
        for (const ParamSpec& s : specs)
            if (s.id == id) spec = &s;
        if (!spec) {
            if (dropped) dropped->append(it.key() + QStringLiteral(" (no longer a parameter)"));
            continue;
        }
        if (auto v = fromJson(*spec, it.value())) values.set(id, *v);
        else if (dropped) dropped->append(it.key() + QStringLiteral(" (stored value does not fit; default used)"));
    }
    return values;
}

} // namespace fuselab::ui
