#include "fuselab/base/operator.hpp"

#include "fuselab/base/error.hpp"

#include <algorithm>

namespace fuselab {

std::string_view toString(InputKind kind)
{
    switch (kind) {
    case InputKind::Image: return "image";
    case InputKind::Stack: return "stack";
    case InputKind::ImageAndStack: return "image+stack";
    case InputKind::Events: return "events";
    }
    return "unknown";
}

namespace {

// The values runOperator runs with: resolved and validated, the inputs checked against inputKind().
ParamValues checkedRunValues(const Operator& op, const OperatorInput& input, const ParamValues& overrides)
{
    const OperatorInfo info = op.info();
    ParamValues values;
    try {
        values = resolveParamValues(op.params(), overrides);
    } catch (const Error& e) {
        throw Error(info.id + ": " + e.problem());
    }
    const InputKind kind = op.inputKind();
    const bool needsImage = kind == InputKind::Image || kind == InputKind::ImageAndStack;
    const bool needsStack = kind == InputKind::Stack || kind == InputKind::ImageAndStack;
    if (needsImage && (input.images.empty() || input.images.front().empty()))
        throw Error(info.id + ": needs an input image");
    if (needsStack && (!input.stack || input.stack->frames.empty()))
        throw Error(info.id + ": needs an exposure stack");
    if (kind == InputKind::Events &&
        (!input.events || input.events->metadata.widthPx <= 0 || input.events->metadata.heightPx <= 0))
        throw Error(info.id + ": needs an event stream with a known geometry");
    return values;
}

} // namespace

OperatorOutput runOperator(const Operator& op, const OperatorInput& input, const ParamValues& overrides,
                           ProgressSink& progress)
{
    const ParamValues values = checkedRunValues(op, input, overrides);
    progress.checkCancelled();
    return op.run(input, values, progress);
}

SampleImage runOperatorTyped(const Operator& op, const OperatorInput& input, const ParamValues& overrides, FusedSampleType type,
                             OperatorOutput& rest, ProgressSink& progress)
{
    const ParamValues values = checkedRunValues(op, input, overrides);
    progress.checkCancelled();
    const auto* typed = dynamic_cast<const MakesTypedImage*>(&op);
    if (typed && type != FusedSampleType::Float) return typed->runTyped(input, values, type, rest, progress);
    rest = op.run(input, values, progress);
    SampleImage image(std::move(rest.image));
    rest.image = Image();
    return image;
}

void OperatorRegistry::add(std::shared_ptr<const Operator> op)
{
    if (!op) throw Error("cannot register a null operator");
    const OperatorInfo info = op->info();
    if (info.id.empty()) throw Error("cannot register an operator without an id");
    if (m_ops.count(info.id)) throw Error("operator id '" + info.id + "' is registered twice");
    const std::vector<ParamSpec> specs = op->params();
    for (const ParamSpec& spec : specs) {
        const std::string problem = describeSpecProblem(spec, specs);
        if (!problem.empty()) throw Error("operator '" + info.id + "': " + problem);
    }
    m_ops.emplace(info.id, std::move(op));
}

const Operator* OperatorRegistry::find(std::string_view id) const
{
    auto it = m_ops.find(id);
    return it == m_ops.end() ? nullptr : it->second.get();
}

std::shared_ptr<const Operator> OperatorRegistry::findShared(std::string_view id) const
{
    auto it = m_ops.find(id);
    return it == m_ops.end() ? nullptr : it->second;
}

const Operator& OperatorRegistry::get(std::string_view id) const
{
    if (const Operator* op = find(id)) return *op;
    std::string similar;
    for (const auto& [known, op] : m_ops) {
        const bool shares = known.find(std::string(id)) != std::string::npos ||
                            std::string(id).find(known) != std::string::npos;
        if (shares) similar += (similar.empty() ? "" : ", ") + known;
    }
    throw Error("unknown operator '" + std::string(id) + "'" +
                (similar.empty() ? std::string("; 'fuselab-cli ops' lists them") : " (did you mean: " + similar + "?)"));
}

std::vector<const Operator*> OperatorRegistry::all() const
{
    std::vector<const Operator*> ops;
    for (const auto& [id, op] : m_ops) ops.push_back(op.get());
    std::stable_sort(ops.begin(), ops.end(), [](const Operator* a, const Operator* b) {
        return a->info().category < b->info().category;
    });
    return ops;
}

std::vector<const Operator*> OperatorRegistry::inCategory(std::string_view cat) const
{
    std::vector<const Operator*> ops;
    for (const auto& [id, op] : m_ops)
        if (op->info().category == cat) ops.push_back(op.get());
    return ops;
}

} // namespace fuselab
