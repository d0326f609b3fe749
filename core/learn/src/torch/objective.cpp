#include "objective.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/ms_ssim_weights.hpp"
#include "tensor_utils.hpp"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>

namespace fuselab::learn::detail {
namespace {

constexpr int kWindow = 11;
constexpr double kMatlabEps = 2.220446049250313e-16;
constexpr double kCancelledStructure = 1e-10; // of the terms' energy; see mefSsimMap
constexpr double kGreyCentre = 128.0;

// Uniform 11×11 mean, 'valid', at windows `stride` apart: [B,M,H,W] → [B,M,(H−11)/s+1,(W−11)/s+1].
at::Tensor boxValid(const at::Tensor& x, int stride)
{
    return at::avg_pool2d(x, {kWindow, kWindow}, {stride, stride});
}

// Gaussian 11×11 σ 1.5 (normalised, as MATLAB's fspecial), 'valid', separable, as one grouped
// convolution over every map (measured 5× faster than a batched single-channel one on the CPU).
at::Tensor gaussValid(const at::Tensor& x, int stride)
{
    const auto b = x.size(0), m = x.size(1), h = x.size(2), w = x.size(3);
    std::vector<double> taps(kWindow);
    double sum = 0.0;
    for (int i = 0; i < kWindow; ++i) {
        const double d = i - kWindow / 2;
        taps[std::size_t(i)] = std::exp(-d * d / (2.0 * 1.5 * 1.5));
        sum += taps[std::size_t(i)];
    }
    for (double& t : taps) t /= sum;
    const at::Tensor k1 = at::tensor(taps, at::TensorOptions().dtype(at::kDouble)).to(x.device(), x.scalar_type());
    const at::Tensor kv = k1.reshape({1, 1, kWindow, 1}).expand({b * m, 1, kWindow, 1}).contiguous();
    const at::Tensor kh = k1.reshape({1, 1, 1, kWindow}).expand({b * m, 1, 1, kWindow}).contiguous();
    const std::vector<std::int64_t> one{1, 1}, zero{0, 0}, strideV{stride, 1}, strideH{1, stride};
    const c10::optional<at::Tensor> noBias;
    at::Tensor y = at::conv2d(x.reshape({1, b * m, h, w}), kv, noBias, at::IntArrayRef(strideV), at::IntArrayRef(zero),
                              at::IntArrayRef(one), b * m);
    y = at::conv2d(y, kh, noBias, at::IntArrayRef(strideH), at::IntArrayRef(zero), at::IntArrayRef(one), b * m);
    return y.reshape({b, m, y.size(2), y.size(3)});
}

std::vector<std::pair<int, int>> upperPairs(int k)
{
    std::vector<std::pair<int, int>> p;
    for (int i = 0; i < k; ++i)
        for (int j = i; j < k; ++j) p.emplace_back(i, j);
    return p;
}

at::Tensor down2x2(const at::Tensor& x) // [B,M,H,W], MATLAB imfilter(ones(2)/4,'symmetric') then (1:2:end)
{
    at::Tensor p = x;
    if (x.size(2) % 2) p = at::cat({p, p.narrow(2, p.size(2) - 1, 1)}, 2);
    if (x.size(3) % 2) p = at::cat({p, p.narrow(3, p.size(3) - 1, 1)}, 3);
    return at::avg_pool2d(p, {2, 2}, {2, 2});
}

} // namespace

at::Tensor mefSsimMap(const at::Tensor& xIn, const at::Tensor& fIn, double c, int stride)
{
    if (stride < 1) throw Error("MEF-SSIM window stride must be ≥ 1");
    if (xIn.dim() != 4 || fIn.dim() != 3 || xIn.size(0) != fIn.size(0) || xIn.size(2) != fIn.size(1) || xIn.size(3) != fIn.size(2))
        throw Error("MEF-SSIM: inputs [B,K,H,W] and fused [B,H,W] of one size expected");
    if (xIn.size(2) < kWindow || xIn.size(3) < kWindow) throw Error("MEF-SSIM needs images of at least 11×11 pixels");
    const int k = int(xIn.size(1));
    // Everything that depends on the inputs alone (constants of the loss) in double, as the metric
    // of record computes it: near-flat windows subtract nearly equal squares of grey levels.
    // Grey levels about 128: no variance or covariance changes, and the squares that cancel in
    // them are 4× smaller (the core metric does the same).
    const at::Tensor x = xIn.detach().to(at::kDouble) - kGreyCentre;
    const at::Tensor f = fIn.unsqueeze(1) - kGreyCentre;
    const double n = double(kWindow * kWindow);
    const auto pairs = upperPairs(k);

    // Box statistics of the inputs (constants of the loss).
    std::vector<at::Tensor> products;
    for (const auto& [i, j] : pairs) products.push_back(x.select(1, i) * x.select(1, j));
    const at::Tensor prod = at::stack(products, 1);          // [B,P,H,W]
    const at::Tensor mu = boxValid(x, stride);                        // [B,K,h,w]
    const at::Tensor boxProd = boxValid(prod, stride);                // [B,P,h,w]
    std::vector<std::vector<at::Tensor>> cov(static_cast<std::size_t>(k), std::vector<at::Tensor>(static_cast<std::size_t>(k)));
    for (std::size_t p = 0; p < pairs.size(); ++p) {
        const auto [i, j] = pairs[p];
        const at::Tensor cv = boxProd.select(1, int64_t(p)) - mu.select(1, i) * mu.select(1, j);
        cov[std::size_t(i)][std::size_t(j)] = cv;
        cov[std::size_t(j)][std::size_t(i)] = cv;
    }
    // Where a frame is exactly flat in the window its x_k − μ_k is exactly 0, so its covariances
    // are 0, and it must not enter the desired patch: its c_k is 0.001, its coefficient can reach
    // 1e6, and squared it would multiply the rounding left in E[x²] − μ² (a clipped frame beside
    // frames that vary by one grey level scored −0.03 instead of the reference's 0.999). The core
    // metric (core/src/metrics/mef_ssim.cpp) applies the same rule; the test
    // MefSsimTermsAgreeWithTheMetricOfRecordOnARealBracket holds the two together. Grey levels
    // are multiples of 1/4^level, so in double a flat window's box mean and mean square are exact
    // and its variance is exactly 0, while any variation gives at least (1/16)²/121.
    // A flat frame's own variance is already 0; only its covariances with the others carry rounding.
    std::vector<at::Tensor> variesK;
    for (int i = 0; i < k; ++i) variesK.push_back(cov[std::size_t(i)][std::size_t(i)].ne(0.0).to(x.scalar_type()));
    const at::Tensor varies = at::stack(variesK, 1); // [B,K,h,w]: 1 where frame k is not flat
    for (const auto& [i, j] : pairs) {
        if (i == j) continue;
        const at::Tensor masked = cov[std::size_t(i)][std::size_t(j)] * (variesK[std::size_t(i)] * variesK[std::size_t(j)]);
        cov[std::size_t(i)][std::size_t(j)] = masked;
        cov[std::size_t(j)][std::size_t(i)] = masked;
    }
    std::vector<at::Tensor> norms, strengths;
    for (int i = 0; i < k; ++i) {
        const at::Tensor nrm = at::sqrt(at::clamp_min(cov[std::size_t(i)][std::size_t(i)] * n, 0.0));
        norms.push_back(nrm);
        strengths.push_back(nrm + 0.001);
    }
    const at::Tensor normK = at::stack(norms, 1);        // ‖x_k − μ_k‖
    const at::Tensor strength = at::stack(strengths, 1); // c_k
    // Structure consistency R = ‖Σ_k (x_k − μ_k)‖ / Σ_k ‖x_k − μ_k‖.
    at::Tensor sumCov = at::zeros_like(mu.select(1, 0));
    for (int i = 0; i < k; ++i)
        for (int j = 0; j < k; ++j) sumCov = sumCov + cov[std::size_t(i)][std::size_t(j)];
    const at::Tensor numerator = at::sqrt(at::clamp_min(sumCov * n, 0.0));
    at::Tensor r = (numerator + kMatlabEps) / (normK.sum(1) + kMatlabEps);
    r = at::clamp(r, kMatlabEps, 1.0 - kMatlabEps);
    // p = tan(πR/2) capped at 10: tan reaches 10 at R = (2/π)·atan(10); decide there so float
    // rounding near π/2 can never turn tan negative.
    const double rCap = 2.0 / M_PI * std::atan(10.0);
    const at::Tensor pw = at::where(r >= rCap, at::full_like(r, 10.0), at::tan(r * (M_PI / 2.0)));
    at::Tensor wts = at::pow(strength / double(kWindow), pw.unsqueeze(1)) + kMatlabEps;
    wts = wts / wts.sum(1, true);
    const at::Tensor bk = wts / strength; // weight of each unit-contrast structure
    at::Tensor nr2 = at::zeros_like(sumCov);
    for (int i = 0; i < k; ++i)
        for (int j = 0; j < k; ++j)
            nr2 = nr2 + bk.select(1, i) * bk.select(1, j) * cov[std::size_t(i)][std::size_t(j)];
    const at::Tensor nr = at::sqrt(at::clamp_min(nr2 * n, 0.0));
    // Structures that cancel exactly leave only rounding in ‖s‖: the desired patch is then flat,
    // as in the metric of record (core/src/metrics/mef_ssim_pixels.cpp, kCancelledStructure).
    at::Tensor termEnergy = at::zeros_like(nr2);
    for (int i = 0; i < k; ++i) termEnergy = termEnergy + bk.select(1, i) * bk.select(1, i) * cov[std::size_t(i)][std::size_t(i)];
    const at::Tensor structure = nr2 > kCancelledStructure * termEnergy;
    const at::Tensor maxStrength = std::get<0>(strength.max(1));
    const at::Tensor scale =
        at::where(structure & (nr > 0), maxStrength / at::clamp_min(nr, std::numeric_limits<float>::min()), at::zeros_like(nr));
    const at::Tensor a = bk * scale.unsqueeze(1) * varies; // desired patch r(u) = Σ_k a_k (x_k(u) − μ_k)

    // Gaussian moments of the desired patch r = Σ_k a_k x_k + const and of the fused image, as
    // central moments: σ_r² = Σ_kl a_k a_l (G_kl − m_k m_l), σ_rf = Σ_k a_k (G_kf − m_k m_f).
    const at::Tensor gx = gaussValid(x, stride);
    const at::Tensor gprod = gaussValid(prod, stride);
    at::Tensor varRDouble = at::zeros_like(sumCov);
    for (std::size_t p = 0; p < pairs.size(); ++p) {
        const auto [i, j] = pairs[p];
        varRDouble = varRDouble + (i == j ? 1.0 : 2.0) * a.select(1, i) * a.select(1, j) *
                                      (gprod.select(1, int64_t(p)) - gx.select(1, i) * gx.select(1, j));
    }
    // What involves the fused image (and carries its gradient) in the fused image's own type.
    const at::ScalarType type = f.scalar_type();
    const at::Tensor varR = varRDouble.to(type);
    const at::Tensor aF = a.to(type), gxF = gx.to(type);

    const at::Tensor gf = gaussValid(f, stride).squeeze(1);
    const at::Tensor gff = gaussValid(f * f, stride).squeeze(1);
    const at::Tensor gxf = gaussValid(x.to(type) * f, stride); // [B,K,h,w]
    const at::Tensor varF = gff - gf * gf;
    at::Tensor covRf = at::zeros_like(gf);
    for (int i = 0; i < k; ++i) covRf = covRf + aF.select(1, i) * (gxf.select(1, i) - gxF.select(1, i) * gf);
    return (2.0 * covRf + c) / (varR + varF + c);
}

at::Tensor mefSsimScore(const at::Tensor& inputsGrey, const at::Tensor& fusedGrey, int stride)
{
    return mefSsimMap(inputsGrey, fusedGrey, kMefSsimC, stride).mean({1, 2});
}

at::Tensor mefSsimMultiScaleScore(const at::Tensor& inputsGrey, const at::Tensor& fusedGrey, int stride)
{
    const std::vector<double>& weights = msSsimLevelWeights(); // the metric of record's
    const double total = weights[0] + weights[1] + weights[2];
    at::Tensor x = inputsGrey, f = fusedGrey.unsqueeze(1);
    at::Tensor score = at::ones({inputsGrey.size(0)}, inputsGrey.options());
    for (int level = 0; level < kMefSsimLevels; ++level) {
        // Scores are positive in practice; the floor only keeps a pathological negative level from NaN.
        score = score * at::pow(at::clamp_min(mefSsimScore(x, f.squeeze(1), stride), 1e-6), weights[level] / total);
        if (level + 1 < kMefSsimLevels) {
            x = down2x2(x);
            f = down2x2(f);
        }
    }
    return score;
}

at::Tensor spatialFrequency(const at::Tensor& grey)
{
    const at::Tensor dx = grey.narrow(2, 1, grey.size(2) - 1) - grey.narrow(2, 0, grey.size(2) - 1);
    const at::Tensor dy = grey.narrow(1, 1, grey.size(1) - 1) - grey.narrow(1, 0, grey.size(1) - 1);
    const at::Tensor rf2 = (dx * dx).mean({1, 2});
    const at::Tensor cf2 = (dy * dy).mean({1, 2});
    return at::sqrt(rf2 + cf2 + 1e-12);
}

at::Tensor symmetricBceSum(const at::Tensor& zx, const at::Tensor& zy, const at::Tensor& tx, const at::Tensor& ty)
{
    // BCE(σ(z), t) = −[t log σ(z) + (1−t) log(1−σ(z))], evaluated from the logit for stability.
    return at::binary_cross_entropy_with_logits(zx, tx, {}, {}, at::Reduction::Sum) +
           at::binary_cross_entropy_with_logits(zy, ty, {}, {}, at::Reduction::Sum);
}

at::Tensor symmetricBceSum(const at::Tensor& zx, const at::Tensor& zy)
{
    return symmetricBceSum(zx, zy, at::sigmoid(zy).detach(), at::sigmoid(zx).detach());
}

at::Tensor gaussianKl(const at::Tensor& muX, const at::Tensor& logvarX, const at::Tensor& muY, const at::Tensor& logvarY)
{
    // Σ_d [ln σy/σx + (σx² + (μx − μy)²)/(2σy²) − ½], mean over the batch.
    const at::Tensor d = muX - muY;
    const at::Tensor perDim = 0.5 * (logvarY - logvarX) + (at::exp(logvarX) + d * d) / (2.0 * at::exp(logvarY)) - 0.5;
    return perDim.sum(1).mean();
}

at::Tensor miEstimate(const at::Tensor& muX, const at::Tensor& logvarX, const at::Tensor& muY, const at::Tensor& logvarY,
                      const at::Tensor& noiseX, const at::Tensor& noiseY, std::vector<at::Tensor>* frozen, std::size_t* index)
{
    const at::Tensor zx = muX + at::exp(0.5 * logvarX) * noiseX;
    const at::Tensor zy = muY + at::exp(0.5 * logvarY) * noiseY;
    at::Tensor tx = at::sigmoid(zy).detach(), ty = at::sigmoid(zx).detach();
    if (frozen && index) {
        if (*index + 2 <= frozen->size()) {
            tx = (*frozen)[*index];
            ty = (*frozen)[*index + 1];
        } else {
            frozen->push_back(tx);
            frozen->push_back(ty);
        }
        *index += 2;
    }
    return symmetricBceSum(zx, zy, tx, ty) - gaussianKl(muX, logvarX, muY, logvarY) - gaussianKl(muY, logvarY, muX, logvarX);
}

ObjectiveTerms computeObjective(const ObjectiveInputs& in, const TrainingSettings& s, MiHeadsImpl* heads,
                                at::Generator& generator)
{
    const int k = int(in.modalities.size());
    const auto opts = in.pred.options();
    ObjectiveTerms t;

    // L1 against every input, λ by modality; exposures share λ_exposure / K.
    int exposures = 0;
    for (Modality m : in.modalities) exposures += m == Modality::Exposure;
    t.l1 = at::zeros({}, opts);
    for (int i = 0; i < k; ++i) {
        const Modality m = in.modalities[std::size_t(i)];
        double lambda = 0.0;
        switch (m) {
        case Modality::Exposure: lambda = s.l1Exposure / double(std::max(1, exposures)); break;
        case Modality::Frame: lambda = s.l1Frame; break;
        case Modality::EFrame: lambda = s.l1EFrame; break;
        case Modality::Event: lambda = s.l1Event; break;
        }
        if (m == Modality::Exposure) {
            if (lambda != 0.0) t.l1 = t.l1 + lambda * (in.pred - in.inputs.select(1, i)).abs().mean();
            continue;
        }
        // Frame/event inputs: the term is always computed (and logged), so a λ raised from 0 at
        // the next step finds it, and the log shows what each λ multiplies.
        const at::Tensor mae = (in.pred - in.inputs.select(1, i)).abs().mean();
        const std::string key(toString(m));
        t.l1PerModality[key] = t.l1PerModality.count(key) ? t.l1PerModality[key] + mae : mae;
        t.l1 = t.l1 + lambda * mae;
    }

    // Spatial frequency of the fused grey.
    t.sfValue = spatialFrequency(greyOf(in.pred)).mean();
    t.sf = s.sfForm == SfForm::Sf ? t.sfValue : 1.0 - t.sfValue;

    // MEF-SSIM, unsupervised, for exposure stacks.
    if (exposures == k && k >= 2) {
        const at::Tensor fusedGrey = greyOf(in.pred) * 255.0;
        const bool multi = s.mefMultiScale && in.pred.size(2) >= 44 && in.pred.size(3) >= 44;
        t.mefScore = (multi ? mefSsimMultiScaleScore(in.inputsGreyCodes, fusedGrey, s.mefWindowStride)
                            : mefSsimScore(in.inputsGreyCodes, fusedGrey, s.mefWindowStride))
                         .mean();
        t.mefLoss = 1.0 - t.mefScore;
    } else {
        t.mefScore = at::zeros({}, opts);
        t.mefLoss = at::zeros({}, opts);
    }

    // MI between the encoders' features of input pairs, each pair with its own heads.
    t.mi = at::zeros({}, opts);
    if (heads && k >= 2) {
        const auto b = in.pred.size(0);
        auto noise = [&] {
            return at::randn({b, heads->latent()}, generator, at::TensorOptions().dtype(opts.dtype().toScalarType())).to(opts.device());
        };
        std::size_t frozenIndex = 0;
        auto estimate = [&](const std::string& key, const at::Tensor& fx, const at::Tensor& fy) {
            auto [hx, hy] = heads->heads(key);
            const auto [mx, lx] = hx->forward(fx);
            const auto [my, ly] = hy->forward(fy);
            const at::Tensor nx = noise(), ny = noise();
            return miEstimate(mx, lx, my, ly, nx, ny, in.frozenBceTargets, &frozenIndex);
        };
        // Exposures: every pair, the darker (by mean value over the batch) as X.
        std::vector<int> expIdx;
        for (int i = 0; i < k; ++i)
            if (in.modalities[std::size_t(i)] == Modality::Exposure) expIdx.push_back(i);
        if (expIdx.size() >= 2) {
            std::vector<double> brightness;
            for (int i : expIdx) brightness.push_back(in.inputs.select(1, i).mean().item<double>());
            std::vector<std::size_t> order(expIdx.size());
            for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
            std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b2) { return brightness[a] < brightness[b2]; });
            at::Tensor sum = at::zeros({}, opts);
            int count = 0;
            for (std::size_t i = 0; i < order.size(); ++i)
                for (std::size_t j = i + 1; j < order.size(); ++j, ++count)
                    sum = sum + estimate("exposure_exposure", in.features[std::size_t(expIdx[order[i]])],
                                         in.features[std::size_t(expIdx[order[j]])]);
            const at::Tensor meanMi = sum / double(count);
            t.miPairs["exposure_exposure"] = meanMi;
            t.mi = t.mi + s.miPairExposure * meanMi;
        }
        // Frame/event modalities: one estimate per present pair, SPEC §5's pair weights.
        auto indexOf = [&](Modality m) {
            for (int i = 0; i < k; ++i)
                if (in.modalities[std::size_t(i)] == m) return i;
            return -1;
        };
        const struct { Modality a, b; double w; } fe[] = {{Modality::Frame, Modality::Event, s.miPairFrameEvent},
                                                         {Modality::Frame, Modality::EFrame, s.miPairFrameEFrame},
                                                         {Modality::Event, Modality::EFrame, s.miPairEventEFrame}};
        for (const auto& p : fe) {
            const int ia = indexOf(p.a), ib = indexOf(p.b);
            if (ia < 0 || ib < 0) continue;
            const std::string key = miPairKey(p.a, p.b);
            const at::Tensor v = estimate(key, in.features[std::size_t(ia)], in.features[std::size_t(ib)]);
            t.miPairs[key] = v;
            t.mi = t.mi + p.w * v;
        }
    }
    const double miSign = s.miDirection == MiDirection::Minimise ? 1.0 : -1.0;
    t.total = s.weightL1 * t.l1 + s.weightSf * t.sf + s.weightMi * miSign * t.mi + s.weightMefSsim * t.mefLoss;
    // Supervision by the simulator's truth (not part of SPEC §5; weight 0 by default).
    if (in.truth.defined()) {
        t.truthL1 = (in.pred - in.truth).abs().mean();
        if (s.weightTruth != 0.0) t.total = t.total + s.weightTruth * t.truthL1;
    }
    return t;
}

at::Tensor mertensWeights(const at::Tensor& inputs)
{
    const auto b = inputs.size(0), k = inputs.size(1), h = inputs.size(3), w = inputs.size(4);
    const at::Tensor rgb = inputs.reshape({b * k, 3, h, w});
    const at::Tensor grey = (rgb.select(1, 0) * 0.299 + rgb.select(1, 1) * 0.587 + rgb.select(1, 2) * 0.114).unsqueeze(1);
    // |3×3 Laplacian| with reflect-101 borders (OpenCV's default), as fuselab_core's engine.
    const at::Tensor padded = at::reflection_pad2d(grey, {1, 1, 1, 1});
    const at::Tensor lap = padded.narrow(2, 0, h).narrow(3, 1, w) + padded.narrow(2, 2, h).narrow(3, 1, w) +
                           padded.narrow(2, 1, h).narrow(3, 0, w) + padded.narrow(2, 1, h).narrow(3, 2, w) - 4.0 * grey;
    const double floor = 1e-5;
    const at::Tensor contrast = lap.abs().squeeze(1) + floor;
    const at::Tensor mean = rgb.mean(1, true);
    const at::Tensor saturation = at::sqrt(((rgb - mean) * (rgb - mean)).mean(1)) + floor;
    const at::Tensor exposedness = at::exp(-((rgb - 0.5) * (rgb - 0.5)).sum(1) / (2.0 * 0.2 * 0.2));
    at::Tensor wts = (contrast * saturation * exposedness + 1e-12).reshape({b, k, h, w});
    return wts / wts.sum(1, true);
}

} // namespace fuselab::learn::detail
