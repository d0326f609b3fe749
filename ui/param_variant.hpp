// ParamValue ↔ QVariant / JSON, for presets, settings and session files.
#pragma once

#include "fuselab/base/params.hpp"

#include <QJsonObject>
#include <QJsonValue>
#include <QVariant>

#include <optional>
#include <vector>

namespace fuselab::ui {

QJsonValue toJson(const ParamValue& value);
/// Converts a stored value back for `spec`, or nothing when it does not fit (wrong kind, out
/// of range, unknown choice).
std::optional<ParamValue> fromJson(const ParamSpec& spec, const QJsonValue& value);

QJsonObject valuesToJson(const ParamValues& values);
/// Reads every value of `json` that fits `specs`; the rest keeps the defaults. Ids that are
/// unknown or values that no longer fit are listed in `dropped` (for migration notes).
ParamValues valuesFromJson(const std::vector<ParamSpec>& specs, const QJsonObject& json, QStringList* dropped = nullptr);

} // namespace fuselab::ui
