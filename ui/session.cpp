#include "session.hpp"

#include "fuselab/builtin_operators.hpp"

#include "param_variant.hpp"

#include "fuselab/base/error.hpp"

#include <QBuffer>
#include <QJsonArray>

namespace fuselab::ui {

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
        QStringList dropped;
        s.values[id] = valuesFromJson(op->params(), o.value(QStringLiteral("params")).toObject(), &dropped);
        if (notes && (stored != op->info().version || !dropped.isEmpty())) {
            QString note = QStringLiteral("%1: version %2 → %3").arg(it.key()).arg(stored).arg(op->info().version);
            if (!dropped.isEmpty()) note += QStringLiteral("; ") + dropped.join(QStringLiteral("; "));
            notes->append(note);
        }
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
