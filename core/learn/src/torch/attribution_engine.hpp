// Internal (torch): what attribution methods see of a model. A method needs only target values
// and their gradients at batches of input points (and, for Grad-CAM, one layer's activation and
// its gradient); evaluation curves need the fused images. Two families implement this:
//   - AutogradFunction: any differentiable LibTorch expression (tests plug tiny hand-built
//     modules here; the fusion network runs through it on a GPU);
//   - the split engine of fusion_functions.hpp (network in LibTorch at low resolution,
//     full resolution in plain C++ with hand-written adjoints: the fast CPU path).
//
// Tensors: inputs x are [B,K,C,H,W] float (B batch items, K inputs — exposures or modalities —
// of C channels); values are [B] double; gradients have x's shape. A layer's activation is
// [B·Kl, Ch, h, w], batch-major, its rows holding the inputs listed by layerInputs(layer).
#pragma once

#include "fuselab/base/progress.hpp"
#include "net.hpp"

#include <ATen/core/Tensor.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace fuselab::learn::detail {

struct EvalRequest {
    bool gradient = false; ///< fill Evaluation::gradient
    bool guided = false;   ///< Guided Backprop rule in the network's rectifiers
    std::string layer;     ///< capture this layer's activation and its gradient (Grad-CAM)
};

struct Evaluation {
    at::Tensor values;             ///< [B] double, on the CPU
    at::Tensor gradient;           ///< [B,K,C,H,W] float, on the CPU
    at::Tensor activation;         ///< [B·Kl,Ch,h,w] float, on the CPU
    at::Tensor activationGradient; ///< same shape
};

/// Counters of the batched passes of one attribution.
struct BatchStats {
    int batchSize = 0; ///< the largest batch used
    int passes = 0;    ///< batched passes through the model
    int items = 0;     ///< model evaluations in all
};

/// Where a batched computation reports: its slice [begin, end] of `progress`, its budget, its counters.
struct BatchContext {
    ProgressSink* progress = nullptr;
    double begin = 0.0, end = 1.0;
    std::size_t memoryBudgetBytes = 0;
    BatchStats* stats = nullptr;
    const char* stage = "attribution";
};

class ScalarFunction;

using MakeItem = std::function<at::Tensor(int index)>;
using ConsumeBatch = std::function<void(int first, const Evaluation& evaluation)>;
/// Evaluates `count` items (make(i) → [K,C,H,W]) in batches sized by the budget (bytesPerItem of
/// `likeItem`), reporting progress and checking cancellation after every batch.
void runBatches(const ScalarFunction& function, const at::Tensor& likeItem, int count, const EvalRequest& request, const MakeItem& make,
                const ConsumeBatch& consume, const BatchContext& context);

class ScalarFunction {
public:
    virtual ~ScalarFunction() = default;
    virtual std::vector<std::string> layers() const = 0;
    /// The inputs a layer's activation rows hold, in row order within one batch item; throws
    /// fuselab::Error naming the known layers when `layer` is not one of them.
    virtual std::vector<int> layerInputs(const std::string& layer, int inputCount) const = 0;
    virtual Evaluation evaluate(const at::Tensor& x, const EvalRequest& request) const = 0;
    /// Working memory of one batch item shaped like x[0] ([K,C,H,W]), in bytes.
    virtual std::size_t bytesPerItem(const at::Tensor& item, bool gradient) const = 0;
    /// Σ_i weights[i] · ∇f(baseline + alphas[i]·(x − baseline)), [K,C,H,W]: the path integral of
    /// Integrated Gradients. This default evaluates the gradient at every node in batches; an
    /// engine may exploit the straight path (the split engine does: see fusion_functions.cpp).
    virtual at::Tensor pathGradient(const at::Tensor& x, const at::Tensor& baseline, const std::vector<double>& alphas,
                                    const std::vector<double>& weights, const BatchContext& context) const;
};

/// The fused images of a model, for deletion/insertion and PIC.
class ImageFunction {
public:
    virtual ~ImageFunction() = default;
    /// x [B,K,C,H,W] → fused [B,3,H,W] float on the CPU (no gradient).
    virtual at::Tensor fuse(const at::Tensor& x) const = 0;
    virtual std::size_t bytesPerItem(const at::Tensor& item) const = 0;
};

/// x [B,K,C,H,W] → [B]; stores activations by layer name when `activations` is given.
using TorchForward = std::function<at::Tensor(const at::Tensor& x, Activations* activations)>;
/// A layer's rows (see ScalarFunction::layerInputs).
using LayerInputsFn = std::function<std::vector<int>(const std::string& layer, int inputCount)>;

/// A differentiable LibTorch expression. Without layerInputs, every listed layer holds all inputs.
class AutogradFunction final : public ScalarFunction {
public:
    AutogradFunction(TorchForward forward, std::vector<std::string> layers = {}, LayerInputsFn layerInputs = {},
                     double bytesPerInputSample = 64.0);
    std::vector<std::string> layers() const override { return m_layers; }
    std::vector<int> layerInputs(const std::string& layer, int inputCount) const override;
    Evaluation evaluate(const at::Tensor& x, const EvalRequest& request) const override;
    std::size_t bytesPerItem(const at::Tensor& item, bool gradient) const override;

private:
    TorchForward m_forward;
    std::vector<std::string> m_layers;
    LayerInputsFn m_layerInputs;
    double m_bytesPerInputSample;
};

/// Memory the batched passes may use: `requestedBytes` when non-zero, else a quarter of the
/// machine's available memory (MemAvailable), between 256 MiB and 1 GiB. Larger batches gain
/// nothing and cost the faulting-in of their memory: IG with 50 steps at a 256×192 network took
/// 15.7 s with 2 GiB (batches of 9) and 19.6 s with 4 GiB (18) on the 2-core machine; `pic
/// --methods ig,random` on one 800×600 scene 22.8 ± 0.9 s with 2 GiB, 20.3 ± 0.3 s with 1 GiB
/// (perf stat -r 4, 2026-12-07; 0.65 M → 0.36 M page faults).
std::size_t attributionMemoryBudget(std::size_t requestedBytes);
/// Items per batch so that batch · bytesPerItem ≤ budget, between 1 and maxItems.
int batchSizeFor(std::size_t bytesPerItem, std::size_t budgetBytes, int maxItems = 64);

/// Throws fuselab::Error naming the known layers.
[[noreturn]] void throwUnknownLayer(const std::string& layer, const std::vector<std::string>& known);

} // namespace fuselab::learn::detail
