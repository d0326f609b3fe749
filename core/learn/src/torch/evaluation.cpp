// mefSsim(): SPEC §4's MEF-SSIM in double precision, in horizontal strips so 12 MP stacks fit
// in a few hundred MB (the 'valid' 11×11 windows of a strip are exactly those of the image).
#include "fuselab/base/ms_ssim_weights.hpp"
#include "fuselab/learn/evaluation.hpp"

#include "fuselab/base/error.hpp"
#include "objective.hpp"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <cmath>

namespace fuselab::learn {
namespace {

constexpr double kR = 0.298936021293775, kG = 0.587043074451121, kB = 0.114020904255103;
constexpr int kStripRows = 256;

// The reference drivers' grey: 8-bit codes, rgb2gray, rounded. [H,W] double.
at::Tensor greyCodes(const Image& image)
{
    const int w = image.width(), h = image.height(), ch = image.channels();
    at::Tensor out = at::empty({h, w}, at::TensorOptions().dtype(at::kDouble));
    double* dst = out.data_ptr<double>();
    auto code = [](float v) { return std::nearbyint(std::fmin(std::fmax(double(v), 0.0), 1.0) * 255.0); };
    for (int y = 0; y < h; ++y) {
        const float* p = image.row(y);
        for (int x = 0; x < w; ++x, p += ch)
            dst[std::size_t(y) * w + x] = ch >= 3 ? std::nearbyint(kR * code(p[0]) + kG * code(p[1]) + kB * code(p[2])) : code(p[0]);
    }
    return out;
}

// Mean of the single-scale quality map of inputs [K,H,W] vs fused [H,W], strip by strip.
double stripMean(const at::Tensor& inputs, const at::Tensor& fused)
{
    const std::int64_t h = inputs.size(1);
    double sum = 0.0;
    std::int64_t count = 0;
    for (std::int64_t y0 = 0; y0 + 11 <= h; y0 += kStripRows - 10) {
        const std::int64_t rows = std::min<std::int64_t>(kStripRows, h - y0);
        if (rows < 11) break;
        const at::Tensor q = detail::mefSsimMap(inputs.narrow(1, y0, rows).unsqueeze(0), fused.narrow(0, y0, rows).unsqueeze(0));
        sum += q.sum().item<double>();
        count += q.numel();
        if (y0 + rows >= h) break;
    }
    return sum / double(count);
}

at::Tensor down2x2(const at::Tensor& x) // [...,H,W] → MATLAB ones(2)/4 'symmetric' then (1:2:end)
{
    at::Tensor p = x;
    const auto hd = p.dim() - 2, wd = p.dim() - 1;
    if (p.size(hd) % 2) p = at::cat({p, p.narrow(hd, p.size(hd) - 1, 1)}, hd);
    if (p.size(wd) % 2) p = at::cat({p, p.narrow(wd, p.size(wd) - 1, 1)}, wd);
    const at::Tensor a = p.slice(hd, 0, p.size(hd), 2), b = p.slice(hd, 1, p.size(hd), 2);
    const at::Tensor s = a + b;
    return (s.slice(wd, 0, s.size(wd), 2) + s.slice(wd, 1, s.size(wd), 2)) * 0.25;
}

} // namespace

MefSsimScore mefSsim(const std::vector<Image>& inputs, const Image& fused)
{
    if (inputs.size() < 2) throw Error("MEF-SSIM needs at least two input exposures");
    for (const Image& im : inputs)
        if (im.width() != fused.width() || im.height() != fused.height())
            throw Error("MEF-SSIM: the fused image and its inputs differ in size");
    if (fused.width() < 11 || fused.height() < 11) throw Error("MEF-SSIM needs images of at least 11×11 pixels");
    c10::InferenceMode guard;
    std::vector<at::Tensor> greys;
    for (const Image& im : inputs) greys.push_back(greyCodes(im));
    at::Tensor x = at::stack(greys);
    at::Tensor f = greyCodes(fused);
    MefSsimScore score;
    score.singleScale = stripMean(x, f);
    if (fused.width() >= 44 && fused.height() >= 44) {
        const std::vector<double>& weights = msSsimLevelWeights(); // the metric of record's
        const double total = weights[0] + weights[1] + weights[2];
        double ms = std::pow(score.singleScale, weights[0] / total);
        for (int level = 1; level < kMefSsimLevels; ++level) {
            x = down2x2(x);
            f = down2x2(f);
            ms *= std::pow(stripMean(x, f), weights[level] / total);
        }
        score.multiScale = ms;
    }
    return score;
}

} // namespace fuselab::learn
