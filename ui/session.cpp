#include "session.hpp"

#include "fuselab/builtin_operators.hpp"

#include "param_variant.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/param_migration.hpp"

#include <QBuffer>
#include <QJsonArray>

#include <cmath>

namespace fuselab::ui {

namespace {

// A stored value as its spec's kind where it fits one, else as JSON holds it (a renamed or
// retyped parameter for the operator's migration to read).
ParamValue storedValue(const std::vector<ParamSpec>& specs, const QString& key, const QJsonValue& value)
{
    for (const ParamSpec& spec : specs)
        if (spec.id == key.toStdString())
            if (std::optional<ParamValue> v = fromJson(spec, value)) return *v;
    if (value.isBool()) return value.toBool();
    if (value.isString()) return value.toString().toStdString();
    const double d = value.toDouble();
    if (std::floor(d) == d && std::fabs(d) < 9e15) return std::int64_t(d);
    return d;
}

} // namespace

bool operator==(const SessionFrame& a, const SessionFrame& b)
{
    return a.path == b.path && a.ev == b.ev && a.included == b.included;
}

ParamValues SessionState::valuesFor(const Operator& op) const
{
    auto it = values.find(op.info().id);
    try {
        return resolveParamValues(op.params(), it == values.end() ? ParamValues{} : it->second);
    } catch (const Error&) {
        return defaultValues(op.params());
    }
}

QJsonObject SessionState::toJson(const OperatorRegistry& registry) const
{
    QJsonObject root;
    root.insert(QStringLiteral("format"), QStringLiteral("fuselab-session"));
    root.insert(QStringLiteral("format_version"), kFormatVersion);
    QJsonArray stack;
    for (const SessionFrame& f : frames) {
        QJsonObject o;
        o.insert(QStringLiteral("path"), f.path);
        o.insert(QStringLiteral("ev"), f.ev ? QJsonValue(*f.ev) : QJsonValue(QJsonValue::Null));
        o.insert(QStringLiteral("included"), f.included);
        stack.append(o);
    }
    root.insert(QStringLiteral("stack"), stack);
    root.insert(QStringLiteral("synthetic_sample"), syntheticSample);
    root.insert(QStringLiteral("mode"), mode == PipelineMode::Fusion ? QStringLiteral("fusion") : QStringLiteral("hdr"));
    QJsonObject stages;
    stages.insert(QStringLiteral("align"), QString::fromStdString(alignId));
    stages.insert(QStringLiteral("fusion"), QString::fromStdString(fusionId));
    stages.insert(QStringLiteral("merge"), QString::fromStdString(mergeId));
    stages.insert(QStringLiteral("tonemap"), QString::fromStdString(tonemapId));
    root.insert(QStringLiteral("stages"), stages);
    QJsonObject ops;
    for (const auto& [id, v] : values) {
        QJsonObject o;
        const Operator* op = registry.find(id);
        o.insert(QStringLiteral("version"), op ? op->info().version : 1);
        o.insert(QStringLiteral("params"), valuesToJson(op ? resolveParamValues(op->params(), v) : v));
        ops.insert(QString::fromStdString(id), o);
    }
    root.insert(QStringLiteral("operators"), ops);
    if (!deghostMask.isNull()) {
        QByteArray png;
        QBuffer buffer(&png);
        buffer.open(QIODevice::WriteOnly);
        deghostMask.save(&buffer, "PNG");
        root.insert(QStringLiteral("deghost_mask_png"), QString::fromLatin1(png.toBase64()));
    }
    return root;
}

SessionState SessionState::fromJson(const QJsonObject& root, const OperatorRegistry& registry, QStringList* notes)
{
    if (root.value(QStringLiteral("format")).toString() != QLatin1String("fuselab-session"))
        throw Error("not a FuseLab session file (no \"format\": \"fuselab-session\")");
    if (root.value(QStringLiteral("format_version")).toInt() > kFormatVersion)
        throw Error("the session was written by a newer FuseLab (format version " +
                    std::to_string(root.value(QStringLiteral("format_version")).toInt()) + ")");
    SessionState s;
    for (const QJsonValue& v : root.value(QStringLiteral("stack")).toArray()) {
        const QJsonObject o = v.toObject();
        SessionFrame f;
        f.path = o.value(QStringLiteral("path")).toString();
        if (o.value(QStringLiteral("ev")).isDouble()) f.ev = o.value(QStringLiteral("ev")).toDouble();
        f.included = o.value(QStringLiteral("included")).toBool(true);
        s.frames.push_back(f);
    }
    s.syntheticSample = root.value(QStringLiteral("synthetic_sample")).toBool(false);
    s.mode = root.value(QStringLiteral("mode")).toString() == QLatin1String("hdr") ? PipelineMode::Hdr : PipelineMode::Fusion;
    const QJsonObject stages = root.value(QStringLiteral("stages")).toObject();
    auto stage = [&](const char* key, std::string& target) {
        const std::string id = stages.value(QLatin1String(key)).toString().toStdString();
        if (!id.empty() && !registry.find(id)) {
            if (notes) notes->append(QStringLiteral("operator '%1' is not available; the default is used").arg(QString::fromStdString(id)));
            return;
        }
        target = id;
    };
    stage("align", s.alignId);
    stage("fusion", s.fusionId);
    stage("merge", s.mergeId);
    stage("tonemap", s.tonemapId);
    // Stages the file does not name start with their category's default, as a new session does.
    for (auto [category, id] : {std::pair<const char*, std::string*>{category::fusion, &s.fusionId}, {category::merge, &s.mergeId},
                                {category::tonemap, &s.tonemapId}})
        if (id->empty())
            if (const Operator* op = defaultOperatorOf(registry, category)) *id = op->info().id;
    const QJsonObject ops = root.value(QStringLiteral("operators")).toObject();
    for (auto it = ops.begin(); it != ops.end(); ++it) {
        const std::string id = it.key().toStdString();
        const Operator* op = registry.find(id);
        if (!op) {
            if (notes) notes->append(QStringLiteral("values of unknown operator '%1' were dropped").arg(it.key()));
            continue;
        }
        const QJsonObject o = it.value().toObject();
        const int stored = o.value(QStringLiteral("version")).toInt(1);
        // Every stored value goes to the operator's migration (core's migrateParamValues): values
        // of an older version are mapped by the operator; what still does not fit is repaired or
        // reset with a note, and nothing is dropped without one.
        ParamValues raw;
        const QJsonObject params = o.value(QStringLiteral("params")).toObject();
        for (auto p = params.begin(); p != params.end(); ++p) raw.set(p.key().toStdString(), storedValue(op->params(), p.key(), p.value()));
        std::vector<std::string> migrationNotes;
        try {
            s.values[id] = migrateParamValues(*op, stored, raw, migrationNotes);
        } catch (const Error& e) {
            if (notes) notes->append(QString::fromStdString(e.what()) + QStringLiteral("; its defaults are used"));
            continue;
        }
        if (notes)
            for (const std::string& n : migrationNotes) notes->append(QString::fromStdString(n));
    }
    const QString mask = root.value(QStringLiteral("deghost_mask_png")).toString();
    if (!mask.isEmpty()) {
        QImage painted;
        if (!painted.loadFromData(QByteArray::fromBase64(mask.toLatin1()), "PNG"))
            throw Error("the session's painted deghosting mask is not a readable PNG");
        s.deghostMask = painted.convertToFormat(QImage::Format_Grayscale8);
    }
    return s;
}

} // namespace fuselab::ui
