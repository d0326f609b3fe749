// Internal (torch): the attribution methods of SPEC §6 over any ScalarFunction, batched.
#pragma once

#include "attribution_engine.hpp"
#include "fuselab/learn/attribution.hpp"
#include "fuselab/base/progress.hpp"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace fuselab::learn::detail {


/// Nodes α in [0,1] and weights (Σ = 1) of ∫₀¹ with `steps` evaluations.
struct Quadrature {
    std::vector<double> alphas, weights;
};
Quadrature quadrature(IntegrationRule rule, int steps);

/// A method and its settings (attributionMethodSettings: the values of attributionParamSpecs).
struct MethodSettings : AttributionMethodSettings {
    AttributionMethod method = AttributionMethod::Saliency;

    static MethodSettings of(AttributionMethod method, const AttributionMethodSettings& settings)
    {
        MethodSettings s;
        static_cast<AttributionMethodSettings&>(s) = settings;
        s.method = method;
        return s;
    }
};

struct MethodOutput {
    at::Tensor raw;  ///< [K,C,H,W] per-channel attribution (undefined for Grad-CAM, occlusion, random)
    at::Tensor maps; ///< [K,H,W]
    bool isSigned = true;
    double value = 0.0;
    double baselineValue = std::numeric_limits<double>::quiet_NaN();
    double completenessGap = std::numeric_limits<double>::quiet_NaN();
    int batchSize = 0, passes = 0, items = 0;
    std::vector<std::string> notes;
};

/// x, baseline: [K,C,H,W] float on the CPU (baseline is used by IG and by SmoothGrad/VarGrad over IG).
MethodOutput runAttributionMethod(const ScalarFunction& function, const at::Tensor& x, const at::Tensor& baseline,
                                  const MethodSettings& settings, std::size_t memoryBudgetBytes, ProgressSink& progress);

/// Separable Gaussian blur of [K,C,H,W] (reflect-101 borders, kernel ±3σ), σ in pixels.
at::Tensor gaussianBlur(const at::Tensor& x, double sigmaPx);

} // namespace fuselab::learn::detail
