#include "attribution_engine.hpp"

#include "fuselab/base/system_memory.hpp"

#include "fuselab/base/error.hpp"
#include "guided_relu.hpp"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include <algorithm>

namespace fuselab::learn::detail {

AutogradFunction::AutogradFunction(TorchForward forward, std::vector<std::string> layers, LayerInputsFn layerInputs,
                                   double bytesPerInputSample)
    : m_forward(std::move(forward)), m_layers(std::move(layers)), m_layerInputs(std::move(layerInputs)),
      m_bytesPerInputSample(bytesPerInputSample)
{
}

std::vector<int> AutogradFunction::layerInputs(const std::string& layer, int inputCount) const
{
    if (std::find(m_layers.begin(), m_layers.end(), layer) == m_layers.end()) throwUnknownLayer(layer, m_layers);
    if (m_layerInputs) return m_layerInputs(layer, inputCount);
    std::vector<int> all(static_cast<std::size_t>(inputCount));
    for (int i = 0; i < inputCount; ++i) all[std::size_t(i)] = i;
    return all;
}

Evaluation AutogradFunction::evaluate(const at::Tensor& x, const EvalRequest& request) const
{
    const bool capture = !request.layer.empty();
    if (capture) layerInputs(request.layer, int(x.size(1))); // validates the name
    Evaluation out;
    if (!request.gradient && !capture) {
        at::NoGradGuard noGrad;
        out.values = m_forward(x, nullptr).detach().to(at::kCPU, at::kDouble);
        return out;
    }
    GuidedBackpropScope guided(request.guided);
    const at::Tensor xi = x.detach().requires_grad_(true);
    Activations activations;
    const at::Tensor values = m_forward(xi, capture ? &activations : nullptr);
    std::vector<at::Tensor> wrt;
    if (request.gradient) wrt.push_back(xi);
    at::Tensor activation;
    if (capture) {
        const auto it = activations.find(request.layer);
        if (it == activations.end()) throw Error("the model did not produce layer '" + request.layer + "'");
        activation = it->second;
        wrt.push_back(activation);
    }
    const std::vector<at::Tensor> grads =
        torch::autograd::grad({values.sum()}, wrt, {}, /*retain_graph=*/false, /*create_graph=*/false, /*allow_unused=*/true);
    std::size_t next = 0;
    if (request.gradient) {
        const at::Tensor& g = grads[next++];
        out.gradient = g.defined() ? g.detach().to(at::kCPU, at::kFloat) : at::zeros(x.sizes(), at::TensorOptions().dtype(at::kFloat));
    }
    if (capture) {
        const at::Tensor& g = grads[next++];
        out.activation = activation.detach().to(at::kCPU, at::kFloat);
        out.activationGradient = g.defined() ? g.detach().to(at::kCPU, at::kFloat) : at::zeros_like(out.activation);
    }
    out.values = values.detach().to(at::kCPU, at::kDouble);
    return out;
}

std::size_t AutogradFunction::bytesPerItem(const at::Tensor& item, bool gradient) const
{
    return std::size_t(double(item.numel()) * m_bytesPerInputSample * (gradient ? 2.0 : 1.0));
}

void runBatches(const ScalarFunction& f, const at::Tensor& likeItem, int count, const EvalRequest& request, const MakeItem& make,
                const ConsumeBatch& consume, const BatchContext& context)
{
    const int batch = batchSizeFor(f.bytesPerItem(likeItem, request.gradient || !request.layer.empty()), context.memoryBudgetBytes);
    if (context.stats) context.stats->batchSize = std::max(context.stats->batchSize, std::min(batch, count));
    for (int first = 0; first < count; first += batch) {
        const int n = std::min(batch, count - first);
        std::vector<at::Tensor> items;
        items.reserve(std::size_t(n));
        for (int i = 0; i < n; ++i) items.push_back(make(first + i));
        const Evaluation e = f.evaluate(at::stack(items), request);
        consume(first, e);
        if (context.stats) {
            ++context.stats->passes;
            context.stats->items += n;
        }
        if (context.progress) {
            context.progress->report(context.begin + (context.end - context.begin) * double(first + n) / double(count), context.stage);
            context.progress->checkCancelled();
        }
    }
}

at::Tensor ScalarFunction::pathGradient(const at::Tensor& x, const at::Tensor& baseline, const std::vector<double>& alphas,
                                        const std::vector<double>& weights, const BatchContext& context) const
{
    const at::Tensor delta = x - baseline;
    at::Tensor sum = at::zeros(x.sizes(), at::TensorOptions().dtype(at::kFloat));
    EvalRequest request;
    request.gradient = true;
    runBatches(
        *this, x, int(alphas.size()), request, [&](int i) { return baseline + delta * alphas[std::size_t(i)]; },
        [&](int first, const Evaluation& e) {
            for (std::int64_t j = 0; j < e.gradient.size(0); ++j) sum.add_(e.gradient[j], weights[std::size_t(first + int(j))]);
        },
        context);
    return sum;
}

std::size_t attributionMemoryBudget(std::size_t requestedBytes)
{
    if (requestedBytes > 0) return requestedBytes;
    constexpr std::size_t kMiB = std::size_t(1) << 20;
    const std::size_t available = availableMemoryBytes();
    if (available == 0) return 1024 * kMiB;
    return std::clamp(available / 4, 256 * kMiB, 1024 * kMiB);
}

int batchSizeFor(std::size_t bytesPerItem, std::size_t budgetBytes, int maxItems)
{
    if (bytesPerItem == 0) return maxItems;
    return int(std::clamp<std::size_t>(budgetBytes / bytesPerItem, 1, std::size_t(std::max(1, maxItems))));
}

void throwUnknownLayer(const std::string& layer, const std::vector<std::string>& known)
{
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    throw Error("unknown layer '" + layer + "' (this model has: " + (list.empty() ? "none" : list) + ")");
}

} // namespace fuselab::learn::detail
