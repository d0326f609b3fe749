// Evaluation curves of attribution maps on the fusion model: RISE deletion/insertion and PIC
// (SIC/AIC, SPEC §7). Partial inputs go through the model in batches; each point is scored by
// the explained target, normalised between the curve's start and the full inputs (default), or
// by the SSIM of the fused output against the fused output of the full inputs (attribution.hpp).
#include "fuselab/learn/attribution.hpp"

#include "fuselab/base/heap_policy.hpp"
#include "../pic/scattered_fill.hpp"
#include "../pic/webp_size.hpp"
#include "attribution_curves.hpp"
#include "attribution_methods.hpp"
#include "attribution_support.hpp"
#include "fuselab/base/error.hpp"
#include "../full_res/row_parallel.hpp"
#include "fusion_functions.hpp"
#include "tensor_utils.hpp"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>

namespace fuselab::learn {
namespace {

using Clock = std::chrono::steady_clock;
const at::TensorOptions kDouble = at::TensorOptions().dtype(at::kDouble);

// SSIM (Wang et al. 2004) of 8-bit grey codes, Gaussian 11×11 σ 1.5, 'valid' windows averaged
// with the target's window weights.
class Similarity {
public:
    Similarity(const at::Tensor& reference, const at::Tensor& windowWeights)
    {
        if (reference.size(1) < 11 || reference.size(2) < 11) throw Error("curves score SSIM, which needs images of at least 11×11 pixels");
        std::vector<double> taps(11);
        double sum = 0.0;
        for (int i = 0; i < 11; ++i) sum += taps[std::size_t(i)] = std::exp(-double((i - 5) * (i - 5)) / (2.0 * 1.5 * 1.5));
        for (double& t : taps) t /= sum;
        const at::Tensor k = at::tensor(taps, kDouble);
        m_kv = k.reshape({1, 1, 11, 1});
        m_kh = k.reshape({1, 1, 1, 11});
        m_weights = windowWeights.to(at::kDouble);
        m_ref = grey(reference.unsqueeze(0));
        m_refMean = blur(m_ref);
        m_refVar = blur(m_ref * m_ref) - m_refMean * m_refMean;
    }

    /// fused [B,3,H,W] → B scores.
    std::vector<double> operator()(const at::Tensor& fused) const
    {
        c10::InferenceMode inference;
        const at::Tensor y = grey(fused);
        const at::Tensor muY = blur(y);
        const at::Tensor varY = blur(y * y) - muY * muY;
        const at::Tensor cov = blur(y * m_ref) - muY * m_refMean;
        const double c1 = (0.01 * 255) * (0.01 * 255), c2 = (0.03 * 255) * (0.03 * 255);
        const at::Tensor map = ((2.0 * muY * m_refMean + c1) * (2.0 * cov + c2)) /
                               ((muY * muY + m_refMean * m_refMean + c1) * (varY + m_refVar + c2));
        const at::Tensor s = (map.squeeze(1) * m_weights).sum({1, 2});
        std::vector<double> out;
        for (std::int64_t i = 0; i < s.size(0); ++i) out.push_back(s[i].item<double>());
        return out;
    }

private:
    static at::Tensor grey(const at::Tensor& rgb01) { return detail::greyCodesOf(rgb01.to(at::kDouble)).unsqueeze(1); }
    at::Tensor blur(const at::Tensor& x) const { return at::conv2d(at::conv2d(x, m_kv), m_kh); }

    at::Tensor m_kv, m_kh, m_weights, m_ref, m_refMean, m_refVar;
};

using detail::CurveInputs;

// What a curve point scores, for a batch of partial inputs [B,K,C,H,W].
class Scorer {
public:
    virtual ~Scorer() = default;
    virtual std::vector<double> operator()(const at::Tensor& items) const = 0;
    virtual std::size_t bytesPerItem(const at::Tensor& item) const = 0;
    /// The scores of the curve's start and of the full inputs.
    virtual std::array<double, 2> ends(const at::Tensor& start, const at::Tensor& full) const
    {
        const std::vector<double> v = (*this)(at::stack({start, full}));
        return {v[0], v[1]};
    }
};

class SsimScorer final : public Scorer {
public:
    SsimScorer(const CurveInputs& p, const at::Tensor& fullFused) : m_image(p.image), m_similarity(fullFused, p.windowWeights) {}
    std::vector<double> operator()(const at::Tensor& items) const override { return m_similarity(m_image->fuse(items)); }
    std::size_t bytesPerItem(const at::Tensor& item) const override { return m_image->bytesPerItem(item); }

private:
    std::shared_ptr<detail::ImageFunction> m_image;
    Similarity m_similarity;
};

// The explained target's values of a batch of partial inputs [B,K,C,H,W].
std::vector<double> targetValues(const detail::ScalarFunction& function, const at::Tensor& items)
{
    const at::Tensor values = function.evaluate(items, detail::EvalRequest{}).values.to(at::kDouble).contiguous();
    return std::vector<double>(values.data_ptr<double>(), values.data_ptr<double>() + values.numel());
}

// (f − f_start)/(f_full − f_start) of the explained target f.
class TargetScorer final : public Scorer {
public:
    TargetScorer(const CurveInputs& p, const at::Tensor& start) : m_function(p.functions.scalar)
    {
        if (!m_function) throw Error("this model offers no target function to score curves by; choose the SSIM score");
        m_full = p.full->target(p);
        m_start = targetValues(*m_function, start.unsqueeze(0)).front();
        // A target the curve's start hardly changes (a region's mean under a blur) would divide by
        // almost nothing: every point would be noise magnified.
        if (!(std::fabs(m_full - m_start) >= 0.01 * std::fabs(m_full)) || m_full == m_start)
            throw Error("the explained target hardly changes between the curve's start and the full inputs (" + std::to_string(m_start) +
                        " against " + std::to_string(m_full) + "): score this target's curves by SSIM (curve_score=ssim)");
    }
    std::vector<double> operator()(const at::Tensor& items) const override
    {
        std::vector<double> v = targetValues(*m_function, items);
        for (double& x : v) x = (x - m_start) / (m_full - m_start);
        return v;
    }
    std::size_t bytesPerItem(const at::Tensor& item) const override { return m_function->bytesPerItem(item, false); }
    /// 0 and 1 by construction (evaluated once, when the scorer was made).
    std::array<double, 2> ends(const at::Tensor&, const at::Tensor&) const override { return {0.0, 1.0}; }

private:
    std::shared_ptr<detail::ScalarFunction> m_function;
    double m_full = 0.0, m_start = 0.0;
};

// The scorer `options` ask for; `start` [K,C,H,W] is the curve's starting point (target score 0).
std::shared_ptr<Scorer> makeScorer(const CurveInputs& p, const CurveOptions& options, const at::Tensor& start)
{
    if (options.score == CurveScore::Ssim) return std::make_shared<SsimScorer>(p, p.full->fused(p));
    return std::make_shared<TargetScorer>(p, start);
}

// The fusion engine for curves over these inputs and target (importance left empty).
CurveInputs prepare(const FusionModel& model, const std::vector<Image>& inputs, const std::vector<Modality>& modalities,
                    const AttributionTarget& target, const CurveOptions& options)
{
    if (inputs.empty()) throw Error("nothing to evaluate: no inputs");
    const int w = inputs[0].width(), h = inputs[0].height();
    CurveInputs p;
    p.x = detail::inputsTensor(inputs, w, h);
    const detail::ResolvedTarget resolved = detail::resolveTarget(target, p.x, modalities);
    p.windowWeights = resolved.windowWeights;
    p.meanTarget = resolved.linear;
    detail::FusionNetImpl& net = detail::networkOf(model);
    p.functions = detail::makeFusionFunctions(net, modalities, w, h, resolved, options.compute);
    p.image = p.functions.image;
    return p;
}

// The attribution of every (input, pixel) pair, [K·H·W], from one map per input.
at::Tensor importanceOf(const std::vector<Image>& maps, const CurveInputs& p)
{
    const auto k = p.x.size(0), h = p.x.size(2), w = p.x.size(3);
    if (std::int64_t(maps.size()) != k)
        throw Error("one attribution map per input is needed (" + std::to_string(k) + "), " + std::to_string(maps.size()) + " given");
    std::vector<at::Tensor> planes;
    for (const Image& m : maps) {
        if (m.width() != w || m.height() != h) throw Error("attribution maps must have the inputs' size");
        at::Tensor t = at::empty({h, w}, at::TensorOptions().dtype(at::kFloat));
        float* dst = t.data_ptr<float>();
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) dst[std::size_t(y) * std::size_t(w) + std::size_t(x)] = m.at(x, y, 0);
        planes.push_back(t);
    }
    return at::stack(planes).reshape({-1});
}

CurveInputs prepare(const FusionModel& model, const std::vector<Image>& inputs, const std::vector<Modality>& modalities,
                    const std::vector<Image>& maps, const AttributionTarget& target, const CurveOptions& options)
{
    CurveInputs p = prepare(model, inputs, modalities, target, options);
    p.importance = importanceOf(maps, p);
    return p;
}

// Evaluates `count` partial inputs in batches and scores them: `make(i, slot)` writes partial input
// i into its slot of the batch ([K,C,H,W], like the inputs); `done(i, score)` per point in order.
void scoreInBatches(const CurveInputs& p, const Scorer& scorer, int count, const std::function<void(int, at::Tensor)>& make,
                    const std::function<void(int, double)>& done, std::size_t budget, ProgressSink& progress, double begin, double end,
                    const char* stage)
{
    if (count < 1) return;
    const int batch = std::min(count, detail::batchSizeFor(scorer.bytesPerItem(p.x), budget, 16));
    std::vector<std::int64_t> shape{batch};
    for (std::int64_t d : p.x.sizes()) shape.push_back(d);
    const at::Tensor items = at::empty(shape, p.x.options());
    for (int first = 0; first < count; first += batch) {
        const int n = std::min(batch, count - first);
        for (int i = 0; i < n; ++i) make(first + i, items[i]);
        const std::vector<double> scores = scorer(items.narrow(0, 0, n));
        for (int i = 0; i < n; ++i) done(first + i, scores[std::size_t(i)]);
        progress.report(begin + (end - begin) * double(first + n) / double(count), stage);
        progress.checkCancelled();
    }
}

// 8-bit RGB interleaved bytes of a [3,H,W] tensor in [0,1].
std::vector<std::uint8_t> codesOf(const at::Tensor& chw)
{
    const at::Tensor codes = (chw.clamp(0.0, 1.0) * 255.0).round().to(at::kByte).permute({1, 2, 0}).contiguous();
    const std::uint8_t* src = codes.data_ptr<std::uint8_t>();
    return std::vector<std::uint8_t>(src, src + codes.numel());
}

} // namespace

namespace detail {

bool startsFromRemovedPixels(const CurveInputs& inputs, const CurveOptions& options)
{
    return options.score == CurveScore::Target && inputs.meanTarget;
}

const at::Tensor& FullInputsMemo::fused(const CurveInputs& inputs)
{
    if (!m_fused.defined()) m_fused = inputs.image->fuse(inputs.x.unsqueeze(0))[0];
    return m_fused;
}

double FullInputsMemo::target(const CurveInputs& inputs)
{
    if (!m_target) m_target = targetValues(*inputs.functions.scalar, inputs.x.unsqueeze(0)).front();
    return *m_target;
}

std::vector<DeletionInsertionResult> deletionInsertionForEach(const CurveInputs& p, const std::vector<at::Tensor>& importances,
                                                              const DeletionInsertionOptions& options, ProgressSink& progress,
                                                              const CurveCallback& onPoint)
{
    const auto t0 = Clock::now();
    const HeapReuseScope heap;
    if (options.steps < 1) throw Error("deletion/insertion curves need at least one step");
    const auto k = p.x.size(0), h = p.x.size(2), w = p.x.size(3);
    const std::int64_t total = p.x.size(0) * h * w;
    const at::Tensor deleted = at::full_like(p.x, options.deletionValue);
    // Insertion's canvas: blurred (RISE), or the deleted inputs when the target is a mean scored
    // by itself (a blur keeps a mean, so the curve would start where it ends).
    const bool removedCanvas = startsFromRemovedPixels(p, options);
    const at::Tensor canvas =
        removedCanvas ? deleted : detail::gaussianBlur(p.x, options.insertionBlurFraction * double(std::max(h, w)));
    // The target score's 0: everything deleted (deletion's end), the canvas (insertion's start).
    const std::shared_ptr<Scorer> deletedScorer = makeScorer(p, options, deleted);
    const std::shared_ptr<Scorer> canvasScorer = removedCanvas ? deletedScorer : makeScorer(p, options, canvas);
    const std::size_t budget = detail::attributionMemoryBudget(options.compute.memoryBudgetBytes);
    const int points = options.steps + 1;
    const std::size_t sets = importances.size();
    // Each map set's ranking as every (input, pixel) pair's position in it (0: most important),
    // so a step's mask is one comparison; ties keep their flattened order (a stable sort).
    std::vector<at::Tensor> ranks;
    for (const at::Tensor& importance : importances) {
        const at::Tensor ranked = options.rankByMagnitude ? importance.abs() : importance;
        const at::Tensor order = std::get<1>(at::sort(ranked, /*stable=*/true, /*dim=*/0, /*descending=*/true));
        ranks.push_back(at::empty({total}, at::TensorOptions().dtype(at::kLong)).scatter_(0, order, at::arange(total, at::kLong)));
    }
    const at::Tensor deletedValue = at::full({}, options.deletionValue, p.x.options());
    std::vector<DeletionInsertionResult> results(sets);
    for (int curve = 0; curve < 2; ++curve) {
        const bool deletion = curve == 0;
        const char* name = deletion ? "deletion" : "insertion";
        const Scorer* scorer = deletion ? deletedScorer.get() : canvasScorer.get();
        // Step 0 and step N do not depend on the ranking: scored once for every map set.
        const std::array<double, 2> startAndFull = scorer->ends(deletion ? deleted : canvas, p.x);
        const double ends[2] = {deletion ? startAndFull[1] : startAndFull[0], deletion ? startAndFull[0] : startAndFull[1]};
        for (std::size_t s = 0; s < sets; ++s) {
            const at::Tensor& rank = ranks[s];
            auto maskOf = [&](int step) { // [K,1,H,W]: the top step/steps fraction of (input, pixel) pairs
                const std::int64_t n = std::int64_t(std::llround(double(total) * step / options.steps));
                return rank.lt(n).reshape({k, 1, h, w});
            };
            Curve& c = deletion ? results[s].deletion : results[s].insertion;
            c.x.resize(std::size_t(points));
            c.y.resize(std::size_t(points));
            auto emit = [&](int step, double score) {
                c.x[std::size_t(step)] = double(step) / options.steps;
                c.y[std::size_t(step)] = score;
                if (onPoint) onPoint({name, step, points, c.x[std::size_t(step)], score, int(s)});
            };
            emit(0, ends[0]);
            const double begin = (double(curve) + double(s) / double(sets)) / 2.0, end = (double(curve) + double(s + 1) / double(sets)) / 2.0;
            scoreInBatches(
                p, *scorer, points - 2,
                [&](int i, at::Tensor slot) {
                    const at::Tensor mask = maskOf(i + 1);
                    if (deletion) at::where_out(slot, mask, deletedValue, p.x);
                    else at::where_out(slot, mask, p.x, canvas);
                },
                [&](int i, double score) { emit(i + 1, score); }, budget, progress, begin, end, name);
            emit(points - 1, ends[1]);
            c.auc = trapezoidAuc(c.x, c.y);
        }
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    for (DeletionInsertionResult& r : results) r.seconds = seconds / double(sets);
    return results;
}

namespace {

// Runs tasks 0 … count − 1 (in the given order, costliest first) on every thread, dynamically
// scheduled so no core waits on a long last task. Only the calling thread (OpenMP's thread 0)
// reports progress and polls cancellation.
void runTasksInParallel(const std::vector<int>& order, const std::function<void(int)>& task, ProgressSink& progress, double begin,
                        double end, const char* stage)
{
    const int tasks = int(order.size());
    std::atomic<int> next{0}, done{0};
    std::atomic<bool> stop{false};
    const int threads = std::max(1, at::get_num_threads());
    detail::parallelRows(0, threads, 1, [&](int, int) {
        const bool caller = at::get_thread_num() == 0;
        for (int t = next++; t < tasks && !stop; t = next++) {
            task(order[std::size_t(t)]);
            const int finished = ++done;
            if (caller) {
                progress.report(begin + (end - begin) * double(finished) / tasks, stage);
                if (progress.isCancelled()) stop = true;
            }
        }
    });
    progress.checkCancelled();
}

} // namespace

std::vector<PicResult> picCurvesForEach(const CurveInputs& p, const std::vector<at::Tensor>& importances, const PicOptions& options,
                                        ProgressSink& progress, const CurveCallback& onPoint)
{
    const auto t0 = Clock::now();
    const HeapReuseScope heap;
    if (!detail::webpAvailable()) detail::losslessWebpBytes(nullptr, 0, 0, 0, 0); // throws the explanation
    if (options.thresholds.empty() || !std::is_sorted(options.thresholds.begin(), options.thresholds.end()) ||
        options.thresholds.front() <= 0.0 || options.thresholds.back() > 1.0)
        throw Error("PIC thresholds must be ascending fractions in (0,1]");
    if (!(options.randomFraction >= 0.0 && options.randomFraction < 1.0)) throw Error("the random fraction must be in [0,1)");
    const int k = int(p.x.size(0)), h = int(p.x.size(2)), w = int(p.x.size(3));
    const std::int64_t n = std::int64_t(h) * w;
    const bool removedFill = startsFromRemovedPixels(p, options);
    const float removedCode = float(std::nearbyint(std::clamp(options.deletionValue, 0.0, 1.0) * 255.0));

    // Random start, the same pixels in every input (a seed per image, shared by all map sets).
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
    at::Tensor randomKeep = at::zeros({n}, at::TensorOptions().dtype(at::kBool));
    const std::int64_t randomCount = std::int64_t(double(n) * options.randomFraction);
    if (randomCount > 0) randomKeep.index_fill_(0, at::randperm(n, generator, at::TensorOptions().dtype(at::kLong)).narrow(0, 0, randomCount), true);

    std::vector<std::vector<std::uint8_t>> original(static_cast<std::size_t>(k));
    for (int i = 0; i < k; ++i) original[std::size_t(i)] = codesOf(p.x[i]);
    // One input of one level: the kept pixels of its 8-bit codes, the rest filled (interpolated
    // over the kept pixels, or the deleted value), into `filled` ([3,H,W] in [0,1]); returns the
    // lossless WebP bytes of the result.
    auto fillAndMeasure = [&](int i, const std::uint8_t* keep, at::Tensor filled) {
        const std::vector<std::uint8_t>& codes = original[std::size_t(i)];
        std::vector<float> planes(std::size_t(3 * n)), result(std::size_t(3 * n));
        for (std::int64_t px = 0; px < n; ++px)
            for (int c = 0; c < 3; ++c) planes[std::size_t(c * n + px)] = float(codes[std::size_t(px * 3 + c)]);
        if (removedFill) {
            for (std::int64_t px = 0; px < n; ++px)
                for (int c = 0; c < 3; ++c) result[std::size_t(c * n + px)] = keep[px] ? planes[std::size_t(c * n + px)] : removedCode;
        } else {
            detail::fillFromKeptPixels(planes.data(), 3, w, h, keep, result.data());
        }
        std::vector<std::uint8_t> rgb(std::size_t(3 * n));
        float* dst = filled.data_ptr<float>();
        for (std::int64_t px = 0; px < n; ++px)
            for (int c = 0; c < 3; ++c) {
                const float code = std::nearbyint(std::clamp(result[std::size_t(c * n + px)], 0.0f, 255.0f));
                rgb[std::size_t(px * 3 + c)] = std::uint8_t(code);
                dst[c * n + px] = code / 255.0f;
            }
        return detail::losslessWebpBytes(rgb.data(), w, h, options.webpMethod, options.webpQuality);
    };

    // Shared by every map set: the originals' sizes and the random start (level 0), its size and score.
    // Lossless WebP is most of PIC's time, so every (level, input) pair is one task, run on every core.
    const at::Tensor startKeep = randomKeep.to(at::kByte).contiguous();
    const at::Tensor start = at::empty({k, 3, h, w}, at::TensorOptions().dtype(at::kFloat));
    std::vector<std::size_t> sharedBytes(std::size_t(2 * k), 0);
    {
        std::vector<int> order;
        for (int t = 0; t < 2 * k; ++t) order.push_back(t);
        runTasksInParallel(
            order,
            [&](int t) {
                if (t < k) {
                    const std::vector<std::uint8_t>& codes = original[std::size_t(t)];
                    sharedBytes[std::size_t(t)] = detail::losslessWebpBytes(codes.data(), w, h, options.webpMethod, options.webpQuality);
                } else {
                    sharedBytes[std::size_t(t)] = fillAndMeasure(t - k, startKeep.data_ptr<std::uint8_t>(), start[t - k]);
                }
            },
            progress, 0.0, 0.1, "filling");
    }
    double originalBytes = 0.0, startBytes = 0.0;
    for (int i = 0; i < k; ++i) {
        originalBytes += double(sharedBytes[std::size_t(i)]);
        startBytes += double(sharedBytes[std::size_t(k + i)]);
    }
    const std::shared_ptr<Scorer> scorer = makeScorer(p, options, start); // the target score's 0: the random start
    const double startScore = scorer->ends(start, p.x)[0];
    const std::size_t budget = detail::attributionMemoryBudget(options.compute.memoryBudgetBytes);
    const int levels = int(options.thresholds.size());
    const std::size_t sets = importances.size();
    std::vector<PicResult> results(sets);
    for (std::size_t s = 0; s < sets; ++s) {
        const double setBegin = 0.1 + 0.9 * double(s) / double(sets), setSpan = 0.9 / double(sets);
        const at::Tensor importance = options.rankByMagnitude ? importances[s].abs() : importances[s];
        // Quantiles of the saliency over all (input, pixel) pairs, numpy's 'linear' rule.
        const at::Tensor sorted = std::get<0>(at::sort(importance.to(at::kDouble)));
        const std::int64_t m = sorted.numel();
        auto quantile = [&](double q) {
            const double pos = q * double(m - 1);
            const std::int64_t lo = std::int64_t(std::floor(pos)), hi = std::min(lo + 1, m - 1);
            const double a = sorted[lo].item<double>(), b = sorted[hi].item<double>();
            return a + (b - a) * (pos - double(lo));
        };
        const at::Tensor saliency = importance.to(at::kDouble).reshape({k, n});
        std::vector<at::Tensor> keepMasks, filled;
        for (int level = 0; level < levels; ++level) {
            const at::Tensor keep = randomKeep.unsqueeze(0).expand({k, n}) | (saliency >= quantile(1.0 - options.thresholds[std::size_t(level)]));
            keepMasks.push_back(keep.to(at::kByte).contiguous());
            filled.push_back(at::empty({k, 3, h, w}, at::TensorOptions().dtype(at::kFloat)));
        }
        // Task t: level t / k, input t % k; the densest levels first (more kept pixels, more
        // triangles and more bytes to encode).
        std::vector<std::size_t> taskBytes(std::size_t(levels * k), 0);
        std::vector<int> order;
        for (int level = levels - 1; level >= 0; --level)
            for (int i = 0; i < k; ++i) order.push_back(level * k + i);
        runTasksInParallel(
            order,
            [&](int t) {
                const int level = t / k, i = t % k;
                taskBytes[std::size_t(t)] = fillAndMeasure(i, keepMasks[std::size_t(level)][i].data_ptr<std::uint8_t>(), filled[std::size_t(level)][i]);
            },
            progress, setBegin, setBegin + 0.6 * setSpan, "filling");
        std::vector<double> bytes(std::size_t(levels), 0.0);
        for (int t = 0; t < levels * k; ++t) bytes[std::size_t(t / k)] += double(taskBytes[std::size_t(t)]);

        PicResult& r = results[s];
        r.originalBytes = originalBytes;
        r.startBytes = startBytes;
        r.startSimilarity = startScore;
        r.similarity.assign(std::size_t(levels), 0.0);
        auto normalisedInformation = [&](int level) {
            const double d = originalBytes - startBytes;
            return d > 0.0 ? std::clamp((bytes[std::size_t(level)] - startBytes) / d, 0.0, 1.0) : 0.0;
        };
        // Scores, emitted live: SIC y = (P − P_start)/(1 − P_start), AIC y = [P ≥ τ] (P_start < τ), each clipped and monotone.
        double sicMax = 0.0, aicMax = 0.0;
        scoreInBatches(
            p, *scorer, levels, [&](int level, at::Tensor slot) { slot.copy_(filled[std::size_t(level)]); },
            [&](int level, double score) {
                r.similarity[std::size_t(level)] = score;
                if (!onPoint) return;
                const double sic = startScore < 1.0 ? std::clamp((score - startScore) / (1.0 - startScore), 0.0, 1.0) : 0.0;
                const double aic = startScore < options.aicThreshold ? (score >= options.aicThreshold ? 1.0 : 0.0) : 0.0;
                sicMax = options.keepMonotone ? std::max(sicMax, sic) : sic;
                aicMax = options.keepMonotone ? std::max(aicMax, aic) : aic;
                const double x = normalisedInformation(level);
                onPoint({"sic", level, levels, x, sicMax, int(s)});
                onPoint({"aic", level, levels, x, aicMax, int(s)});
            },
            budget, progress, setBegin + 0.6 * setSpan, setBegin + setSpan, "scoring");

        std::vector<double> information, sic, aic;
        for (int level = 0; level < levels; ++level) {
            information.push_back(normalisedInformation(level));
            sic.push_back((r.similarity[std::size_t(level)] - startScore) / (1.0 - startScore));
            aic.push_back(r.similarity[std::size_t(level)] >= options.aicThreshold ? 1.0 : 0.0);
        }
        auto skipped = [](const std::string& why) {
            PicCurve c;
            c.skipped = true;
            c.skipReason = why;
            return c;
        };
        const bool noInformation = startBytes >= originalBytes;
        const std::string informationReason = "the random start compresses to as many bytes as the original (" +
                                              std::to_string(std::llround(startBytes)) + " ≥ " + std::to_string(std::llround(originalBytes)) + ")";
        if (noInformation) r.sic = skipped(informationReason);
        else if (startScore >= 1.0) r.sic = skipped("the random start already gives the full output");
        else r.sic = assemblePicCurve(options.thresholds, information, sic, options.keepMonotone, options.curvePoints);
        if (noInformation) r.aic = skipped(informationReason);
        else if (startScore >= options.aicThreshold)
            r.aic = skipped("the random start already reaches similarity " + std::to_string(startScore) + " ≥ τ");
        else r.aic = assemblePicCurve(options.thresholds, information, aic, options.keepMonotone, options.curvePoints);
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    for (PicResult& r : results) r.seconds = seconds / double(sets);
    return results;
}

DeletionInsertionResult deletionInsertionOn(const CurveInputs& inputs, const DeletionInsertionOptions& options, ProgressSink& progress,
                                            const CurveCallback& onPoint)
{
    return deletionInsertionForEach(inputs, {inputs.importance}, options, progress, onPoint).front();
}

PicResult picCurvesOn(const CurveInputs& inputs, const PicOptions& options, ProgressSink& progress, const CurveCallback& onPoint)
{
    return picCurvesForEach(inputs, {inputs.importance}, options, progress, onPoint).front();
}

} // namespace detail

DeletionInsertionResult deletionInsertionCurves(const FusionModel& model, const std::vector<Image>& inputs,
                                                const std::vector<Modality>& modalities, const std::vector<Image>& maps,
                                                const AttributionTarget& target, const DeletionInsertionOptions& options,
                                                ProgressSink& progress, const CurveCallback& onPoint)
{
    progress.report(0.0, "preparing");
    progress.checkCancelled();
    return detail::deletionInsertionOn(prepare(model, inputs, modalities, maps, target, options), options, progress, onPoint);
}

PicResult picCurves(const FusionModel& model, const std::vector<Image>& inputs, const std::vector<Modality>& modalities,
                    const std::vector<Image>& maps, const AttributionTarget& target, const PicOptions& options, ProgressSink& progress,
                    const CurveCallback& onPoint)
{
    progress.report(0.0, "preparing");
    progress.checkCancelled();
    return detail::picCurvesOn(prepare(model, inputs, modalities, maps, target, options), options, progress, onPoint);
}

std::vector<AttributionCurves> attributionCurvesForEach(const FusionModel& model, const std::vector<Image>& inputs,
                                                        const std::vector<Modality>& modalities,
                                                        const std::vector<std::vector<Image>>& mapSets, const AttributionTarget& target,
                                                        const AttributionCurvesOptions& options, ProgressSink& progress,
                                                        const CurveCallback& onPoint)
{
    const auto t0 = Clock::now();
    progress.report(0.0, "preparing");
    progress.checkCancelled();
    std::vector<AttributionCurves> out(mapSets.size());
    if (mapSets.empty() || (!options.withDeletionInsertion && !options.withPic)) return out;
    CurveOptions shared;
    shared.compute = options.compute;
    const CurveInputs prepared = prepare(model, inputs, modalities, target, shared);
    std::vector<at::Tensor> importances;
    for (const std::vector<Image>& maps : mapSets) importances.push_back(importanceOf(maps, prepared));
    const double split = options.withDeletionInsertion && options.withPic ? 0.4 : (options.withPic ? 0.0 : 1.0);
    if (options.withDeletionInsertion) {
        DeletionInsertionOptions o = options.deletionInsertion;
        o.compute = options.compute;
        ProgressSpan span(progress, 0.0, split);
        const std::vector<DeletionInsertionResult> r = detail::deletionInsertionForEach(prepared, importances, o, span, onPoint);
        for (std::size_t s = 0; s < out.size(); ++s) {
            out[s].deletion = r[s].deletion;
            out[s].insertion = r[s].insertion;
        }
    }
    if (options.withPic) {
        PicOptions o = options.pic;
        o.compute = options.compute;
        ProgressSpan span(progress, split, 1.0);
        const std::vector<PicResult> r = detail::picCurvesForEach(prepared, importances, o, span, onPoint);
        auto curveOf = [](const PicCurve& c) {
            Curve curve;
            if (c.skipped) return curve;
            curve.x = c.curveX;
            curve.y = c.curveY;
            curve.auc = c.auc;
            return curve;
        };
        for (std::size_t s = 0; s < out.size(); ++s) {
            out[s].pic = r[s];
            out[s].sic = curveOf(r[s].sic);
            out[s].aic = curveOf(r[s].aic);
        }
    }
    progress.report(1.0, "done");
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    for (AttributionCurves& c : out) c.seconds = seconds / double(out.size());
    return out;
}

AttributionCurves attributionCurves(const FusionModel& model, const std::vector<Image>& inputs, const std::vector<Modality>& modalities,
                                    const std::vector<Image>& maps, const AttributionTarget& target,
                                    const AttributionCurvesOptions& options, ProgressSink& progress, const CurveCallback& onPoint)
{
    return attributionCurvesForEach(model, inputs, modalities, {maps}, target, options, progress, onPoint).front();
}

} // namespace fuselab::learn
