#include "attribution_methods.hpp"

#include "fuselab/base/error.hpp"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <functional>

namespace fuselab::learn::detail {
namespace {

const at::TensorOptions kFloat = at::TensorOptions().dtype(at::kFloat);

double valueAt(const ScalarFunction& f, const at::Tensor& x, BatchStats& stats)
{
    const Evaluation e = f.evaluate(x.unsqueeze(0), EvalRequest{});
    ++stats.passes;
    ++stats.items;
    return e.values[0].item<double>();
}

BatchContext contextOf(ProgressSink& progress, double begin, double end, std::size_t budget, BatchStats& stats, const char* stage)
{
    BatchContext c;
    c.progress = &progress;
    c.begin = begin;
    c.end = end;
    c.memoryBudgetBytes = budget;
    c.stats = &stats;
    c.stage = stage;
    return c;
}

// Legendre nodes on [−1,1] by Newton's iteration from Chebyshev-like guesses (exact to double).
Quadrature gaussLegendre(int n)
{
    Quadrature q;
    q.alphas.resize(std::size_t(n));
    q.weights.resize(std::size_t(n));
    const double pi = 3.14159265358979323846;
    for (int i = 0; i < (n + 1) / 2; ++i) {
        double t = std::cos(pi * (i + 0.75) / (n + 0.5));
        double dp = 0.0;
        for (int iter = 0; iter < 100; ++iter) {
            double p0 = 1.0, p1 = t;
            for (int k = 2; k <= n; ++k) {
                const double p2 = ((2.0 * k - 1.0) * t * p1 - (k - 1.0) * p0) / k;
                p0 = p1;
                p1 = p2;
            }
            if (n == 1) {
                p1 = t;
                p0 = 1.0;
            }
            dp = n * (t * p1 - p0) / (t * t - 1.0);
            const double step = p1 / dp;
            t -= step;
            if (std::fabs(step) < 1e-15) break;
        }
        // recompute the derivative at the converged node
        double p0 = 1.0, p1 = t;
        for (int k = 2; k <= n; ++k) {
            const double p2 = ((2.0 * k - 1.0) * t * p1 - (k - 1.0) * p0) / k;
            p0 = p1;
            p1 = p2;
        }
        dp = n == 1 ? 1.0 : n * (t * p1 - p0) / (t * t - 1.0);
        const double w = 2.0 / ((1.0 - t * t) * dp * dp);
        // map [−1,1] → [0,1]: α = (1 ± t)/2, weight w/2
        q.alphas[std::size_t(i)] = 0.5 * (1.0 - t);
        q.weights[std::size_t(i)] = 0.5 * w;
        q.alphas[std::size_t(n - 1 - i)] = 0.5 * (1.0 + t);
        q.weights[std::size_t(n - 1 - i)] = 0.5 * w;
    }
    return q;
}

at::Tensor sumChannels(const at::Tensor& raw) // [K,C,H,W] → [K,H,W]
{
    return raw.sum(1);
}

MethodOutput integratedGradients(const ScalarFunction& f, const at::Tensor& x, const at::Tensor& baseline, const MethodSettings& s,
                                 const BatchContext& context)
{
    const Quadrature q = quadrature(s.rule, s.steps);
    MethodOutput out;
    out.raw = (x - baseline) * f.pathGradient(x, baseline, q.alphas, q.weights, context);
    return out;
}

MethodOutput plainGradient(const ScalarFunction& f, const at::Tensor& x, AttributionMethod method, const BatchContext& context)
{
    EvalRequest request;
    request.gradient = true;
    request.guided = method == AttributionMethod::GuidedBackprop;
    at::Tensor grad;
    runBatches(f, x, 1, request, [&](int) { return x; }, [&](int, const Evaluation& e) { grad = e.gradient[0]; }, context);
    MethodOutput out;
    out.raw = method == AttributionMethod::GradientTimesInput ? x * grad : grad;
    return out;
}

MethodOutput noiseTunnel(const ScalarFunction& f, const at::Tensor& x, const at::Tensor& baseline, const MethodSettings& s,
                         std::size_t budget, ProgressSink& progress, BatchStats& stats)
{
    // σ per input: noise × (max − min) of that input (SPEC §6: 0.15 of the input range).
    const auto k = x.size(0);
    const at::Tensor flat = x.reshape({k, -1});
    const at::Tensor range = (std::get<0>(flat.max(1)) - std::get<0>(flat.min(1))).reshape({k, 1, 1, 1});
    const at::Tensor sigma = range * s.noiseFraction;
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(std::uint64_t(s.seed));
    std::vector<at::Tensor> noise;
    auto noiseOf = [&](int i) -> const at::Tensor& {
        while (int(noise.size()) <= i) noise.push_back(at::randn(x.sizes(), generator, kFloat) * sigma);
        return noise[std::size_t(i)];
    };
    at::Tensor sum = at::zeros(x.sizes(), at::TensorOptions().dtype(at::kDouble));
    at::Tensor sumSquares = at::zeros(x.sizes(), at::TensorOptions().dtype(at::kDouble));
    auto accumulate = [&](const at::Tensor& a) {
        const at::Tensor d = a.to(at::kDouble);
        sum.add_(d);
        sumSquares.add_(d * d);
    };
    const AttributionMethod base = s.base;
    if (base == AttributionMethod::IntegratedGradients) {
        for (int i = 0; i < s.samples; ++i) {
            const double b0 = double(i) / s.samples, b1 = double(i + 1) / s.samples;
            MethodOutput one = integratedGradients(f, x + noiseOf(i), baseline, s, contextOf(progress, b0, b1, budget, stats, "smoothgrad"));
            accumulate(one.raw);
            noise[std::size_t(i)] = at::Tensor(); // drawn in order; no longer needed
        }
    } else {
        EvalRequest request;
        request.gradient = true;
        request.guided = base == AttributionMethod::GuidedBackprop;
        runBatches(
            f, x, s.samples, request, [&](int i) { return x + noiseOf(i); },
            [&](int first, const Evaluation& e) {
                for (std::int64_t j = 0; j < e.gradient.size(0); ++j) {
                    const int i = first + int(j);
                    const at::Tensor& g = e.gradient[j];
                    accumulate(base == AttributionMethod::GradientTimesInput ? (x + noise[std::size_t(i)]) * g : g);
                    noise[std::size_t(i)] = at::Tensor();
                }
            },
            contextOf(progress, 0.0, 1.0, budget, stats, s.method == AttributionMethod::VarGrad ? "vargrad" : "smoothgrad"));
    }
    const at::Tensor mean = sum / double(s.samples);
    const at::Tensor meanSquare = sumSquares / double(s.samples);
    MethodOutput out;
    if (s.method == AttributionMethod::VarGrad) {
        out.raw = (meanSquare - mean * mean).clamp_min(0.0).to(at::kFloat);
        out.isSigned = false;
    } else if (s.squared) {
        out.raw = meanSquare.to(at::kFloat);
        out.isSigned = false;
    } else {
        out.raw = mean.to(at::kFloat);
    }
    return out;
}

MethodOutput gradCam(const ScalarFunction& f, const at::Tensor& x, const MethodSettings& s, ProgressSink& progress, BatchStats& stats)
{
    const auto k = x.size(0), h = x.size(2), w = x.size(3);
    const std::vector<int> rows = f.layerInputs(s.layer, int(k));
    EvalRequest request;
    request.layer = s.layer;
    const Evaluation e = f.evaluate(x.unsqueeze(0), request);
    ++stats.passes;
    ++stats.items;
    progress.report(0.9, "grad-cam");
    progress.checkCancelled();
    const at::Tensor& a = e.activation;          // [Kl,Ch,h,w]
    const at::Tensor& g = e.activationGradient;  // same
    at::Tensor weights;
    if (s.method == AttributionMethod::GradCam) {
        weights = g.mean({2, 3}, /*keepdim=*/true);
    } else {
        const at::Tensor g2 = g * g, g3 = g2 * g;
        const at::Tensor sumA = a.sum({2, 3}, true);
        const at::Tensor alpha = g2 / (2.0 * g2 + sumA * g3 + 1e-6);
        weights = (alpha * at::relu(g)).sum({2, 3}, true);
    }
    const at::Tensor cam = at::relu((weights * a).sum(1, true)); // [Kl,1,h,w]
    const at::Tensor up = at::upsample_bilinear2d(cam, {h, w}, /*align_corners=*/false).squeeze(1);
    MethodOutput out;
    out.maps = at::zeros({k, h, w}, kFloat);
    for (std::size_t r = 0; r < rows.size(); ++r) out.maps[rows[r]].copy_(up[std::int64_t(r)]);
    if (std::int64_t(rows.size()) < k)
        out.notes.push_back("layer " + s.layer + " sees only some inputs; the others' maps are 0");
    out.isSigned = false;
    return out;
}

std::vector<int> windowStarts(int size, int window, int stride)
{
    std::vector<int> starts;
    if (window >= size) return {0};
    for (int p = 0; p + window <= size; p += stride) starts.push_back(p);
    if (starts.back() + window < size) starts.push_back(size - window);
    return starts;
}

MethodOutput occlusion(const ScalarFunction& f, const at::Tensor& x, const MethodSettings& s, std::size_t budget, ProgressSink& progress,
                       BatchStats& stats)
{
    const auto k = x.size(0), h = x.size(2), w = x.size(3);
    const int win = s.windowPx;
    const std::vector<int> ys = windowStarts(int(h), win, s.stridePx), xs = windowStarts(int(w), win, s.stridePx);
    const int perInput = int(ys.size() * xs.size());
    const double full = valueAt(f, x, stats);
    at::Tensor total = at::zeros({k, h, w}, at::TensorOptions().dtype(at::kDouble));
    at::Tensor count = at::zeros({k, h, w}, at::TensorOptions().dtype(at::kDouble));
    auto window = [&](int i) {
        const int input = i / perInput, cell = i % perInput;
        const int y0 = ys[std::size_t(cell) / xs.size()], x0 = xs[std::size_t(cell) % xs.size()];
        return std::array<int, 5>{input, y0, x0, std::min(win, int(h) - y0), std::min(win, int(w) - x0)};
    };
    runBatches(
        f, x, int(k) * perInput, EvalRequest{},
        [&](int i) {
            const auto [input, y0, x0, wh, ww] = window(i);
            at::Tensor item = x.clone();
            item[input].narrow(1, y0, wh).narrow(2, x0, ww).fill_(float(s.fillValue));
            return item;
        },
        [&](int first, const Evaluation& e) {
            for (std::int64_t j = 0; j < e.values.size(0); ++j) {
                const auto [input, y0, x0, wh, ww] = window(first + int(j));
                const double change = full - e.values[j].item<double>();
                total[input].narrow(0, y0, wh).narrow(1, x0, ww).add_(change);
                count[input].narrow(0, y0, wh).narrow(1, x0, ww).add_(1.0);
            }
        },
        contextOf(progress, 0.0, 1.0, budget, stats, "occlusion"));
    MethodOutput out;
    out.maps = (total / count.clamp_min(1.0)).to(at::kFloat);
    out.value = full;
    return out;
}

} // namespace


Quadrature quadrature(IntegrationRule rule, int steps)
{
    if (steps < 1) throw Error("integrated gradients needs at least one step");
    Quadrature q;
    const int n = steps;
    switch (rule) {
    case IntegrationRule::GaussLegendre: return gaussLegendre(n);
    case IntegrationRule::RiemannLeft:
    case IntegrationRule::RiemannRight:
    case IntegrationRule::RiemannMiddle: {
        const double shift = rule == IntegrationRule::RiemannLeft ? 0.0 : (rule == IntegrationRule::RiemannRight ? 1.0 : 0.5);
        for (int i = 0; i < n; ++i) {
            q.alphas.push_back((i + shift) / n);
            q.weights.push_back(1.0 / n);
        }
        return q;
    }
    case IntegrationRule::RiemannTrapezoid:
        if (n == 1) return {{0.5}, {1.0}};
        for (int i = 0; i < n; ++i) {
            q.alphas.push_back(double(i) / (n - 1));
            q.weights.push_back((i == 0 || i == n - 1 ? 0.5 : 1.0) / (n - 1));
        }
        return q;
    }
    return q;
}


MethodOutput runAttributionMethod(const ScalarFunction& f, const at::Tensor& xIn, const at::Tensor& baselineIn, const MethodSettings& s,
                                  std::size_t budget, ProgressSink& progress)
{
    const at::Tensor x = xIn.to(at::kCPU, at::kFloat).contiguous();
    if (x.dim() != 4) throw Error("internal: attribution input must be [K,C,H,W]");
    BatchStats stats;
    MethodOutput out;
    switch (s.method) {
    case AttributionMethod::Saliency:
    case AttributionMethod::GradientTimesInput:
    case AttributionMethod::GuidedBackprop:
        out = plainGradient(f, x, s.method, contextOf(progress, 0.0, 1.0, budget, stats, "gradient"));
        out.value = valueAt(f, x, stats);
        break;
    case AttributionMethod::IntegratedGradients: {
        const at::Tensor baseline = baselineIn.to(at::kCPU, at::kFloat).contiguous();
        out = integratedGradients(f, x, baseline, s, contextOf(progress, 0.0, 0.97, budget, stats, "integrated gradients"));
        const Evaluation ends = f.evaluate(at::stack({x, baseline}), EvalRequest{});
        ++stats.passes;
        stats.items += 2;
        out.value = ends.values[0].item<double>();
        out.baselineValue = ends.values[1].item<double>();
        const double difference = out.value - out.baselineValue;
        const double sum = out.raw.sum().item<double>();
        out.completenessGap = std::fabs(sum - difference) / std::max(std::fabs(difference), 1e-30);
        break;
    }
    case AttributionMethod::SmoothGrad:
    case AttributionMethod::VarGrad:
        if (s.base != AttributionMethod::Saliency && s.base != AttributionMethod::GradientTimesInput &&
            s.base != AttributionMethod::GuidedBackprop && s.base != AttributionMethod::IntegratedGradients)
            throw Error("SmoothGrad and VarGrad wrap saliency, gradxinput, guided or ig");
        out = noiseTunnel(f, x, baselineIn.defined() ? baselineIn.to(at::kCPU, at::kFloat).contiguous() : at::zeros_like(x), s, budget,
                          progress, stats);
        out.value = valueAt(f, x, stats);
        break;
    case AttributionMethod::GradCam:
    case AttributionMethod::GradCamPlusPlus:
        out = gradCam(f, x, s, progress, stats);
        out.value = valueAt(f, x, stats);
        break;
    case AttributionMethod::Occlusion:
        if (s.windowPx < 1 || s.stridePx < 1) throw Error("occlusion window and stride must be at least 1 px");
        out = occlusion(f, x, s, budget, progress, stats);
        break;
    case AttributionMethod::Random: {
        at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(std::uint64_t(s.seed));
        out.maps = at::rand({x.size(0), x.size(2), x.size(3)}, generator, kFloat);
        out.isSigned = false;
        out.value = valueAt(f, x, stats);
        break;
    }
    }
    if (!out.maps.defined()) out.maps = sumChannels(out.raw);
    out.batchSize = stats.batchSize;
    out.passes = stats.passes;
    out.items = stats.items;
    progress.report(1.0, "done");
    return out;
}

at::Tensor gaussianBlur(const at::Tensor& xIn, double sigmaPx)
{
    if (sigmaPx <= 0.0) return xIn.clone();
    const at::Tensor x = xIn.to(at::kFloat).contiguous();
    const auto k = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    // Large σ: blur at a reduced resolution (factor ⌊σ/3⌋, area average), then bilinear back up.
    const int factor = std::max(1, int(sigmaPx / 3.0));
    at::Tensor planes = x.reshape({k * c, 1, h, w});
    const std::int64_t lh = std::max<std::int64_t>(1, h / factor), lw = std::max<std::int64_t>(1, w / factor);
    if (factor > 1) planes = at::adaptive_avg_pool2d(planes, {lh, lw});
    const double sigma = sigmaPx / factor;
    auto blurAlong = [&](const at::Tensor& p, int dim) {
        const std::int64_t size = p.size(dim);
        const int radius = int(std::min<std::int64_t>(std::int64_t(std::ceil(3.0 * sigma)), size - 1));
        if (radius < 1) return p;
        std::vector<float> taps;
        double total = 0.0;
        for (int i = -radius; i <= radius; ++i) total += std::exp(-0.5 * i * i / (sigma * sigma));
        for (int i = -radius; i <= radius; ++i) taps.push_back(float(std::exp(-0.5 * i * i / (sigma * sigma)) / total));
        const at::Tensor kernel = at::tensor(taps, kFloat);
        if (dim == 3) {
            const at::Tensor padded = at::reflection_pad2d(p, {radius, radius, 0, 0});
            return at::conv2d(padded, kernel.reshape({1, 1, 1, 2 * radius + 1}));
        }
        const at::Tensor padded = at::reflection_pad2d(p, {0, 0, radius, radius});
        return at::conv2d(padded, kernel.reshape({1, 1, 2 * radius + 1, 1}));
    };
    planes = blurAlong(blurAlong(planes, 3), 2);
    if (factor > 1) planes = at::upsample_bilinear2d(planes, {h, w}, false);
    return planes.reshape({k, c, h, w});
}

} // namespace fuselab::learn::detail
