// The differentiable pyramid the network trains through is fuselab_core's pyramid: levels,
// borders and expansion agree to float rounding, so fusing with fuselab::pyramidBlend (the CLI's
// CPU path) gives what training optimised. Also the two inference paths agree.
#include "torch/pyramid_torch.hpp"
#include "torch/tensor_utils.hpp"

#include "fuselab/learn/fusion_model.hpp"
#include "fuselab/learn/training_data.hpp"
#include "fuselab/pyramid.hpp"
#include "fuselab/random.hpp"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

using namespace fuselab;
using namespace fuselab::learn;

namespace {

Image randomImage(int w, int h, int c, std::uint64_t seed)
{
    Random rng(seed);
    Image im(w, h, c);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w * c; ++x) im.row(y)[x] = float(rng.uniform());
    return im;
}

float maxDiff(const Image& a, const Image& b)
{
    EXPECT_EQ(a.width(), b.width());
    EXPECT_EQ(a.height(), b.height());
    EXPECT_EQ(a.channels(), b.channels());
    float worst = 0.0f;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width() * a.channels(); ++x) worst = std::max(worst, std::fabs(a.row(y)[x] - b.row(y)[x]));
    return worst;
}

at::Tensor batched(const Image& im)
{
    return learn::detail::imageToTensor(im, im.channels(), c10::Device(c10::kCPU)).unsqueeze(0);
}

} // namespace

TEST(TorchPyramid, DownAndUpMatchTheCore)
{
    for (auto [w, h] : {std::pair{37, 29}, std::pair{16, 9}, std::pair{5, 3}, std::pair{2, 1}}) {
        const Image im = randomImage(w, h, 3, std::uint64_t(w * 100 + h));
        const Image coreDown = pyramidDown(im);
        const at::Tensor down = learn::detail::pyramidDown(batched(im));
        EXPECT_LT(maxDiff(coreDown, learn::detail::tensorToImage(down.select(0, 0))), 1e-6f) << w << "x" << h;
        const Image coreUp = pyramidUp(coreDown, w, h);
        const at::Tensor up = learn::detail::pyramidUp(batched(coreDown), h, w);
        EXPECT_LT(maxDiff(coreUp, learn::detail::tensorToImage(up.select(0, 0))), 1e-6f) << w << "x" << h;
    }
}

TEST(TorchPyramid, BlendMatchesFuselabPyramidBlend)
{
    const int w = 53, h = 41, k = 3;
    std::vector<Image> images, weights;
    std::vector<at::Tensor> ti, tw;
    for (int i = 0; i < k; ++i) images.push_back(randomImage(w, h, 3, 10 + i));
    for (int i = 0; i < k; ++i) weights.push_back(randomImage(w, h, 1, 20 + i));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            float s = 0;
            for (int i = 0; i < k; ++i) s += weights[std::size_t(i)].at(x, y);
            for (int i = 0; i < k; ++i) weights[std::size_t(i)].at(x, y) /= s;
        }
    for (int i = 0; i < k; ++i) {
        ti.push_back(batched(images[std::size_t(i)]));
        tw.push_back(batched(weights[std::size_t(i)]));
    }
    for (int levels : {1, 3, autoPyramidLevels(w, h, 2)}) {
        const Image core = pyramidBlend(images, weights, levels);
        const at::Tensor t = learn::detail::laplacianBlend(at::stack(ti, 1), at::stack(tw, 1), levels);
        EXPECT_LT(maxDiff(core, learn::detail::tensorToImage(t.select(0, 0))), 2e-6f) << levels << " levels";
    }
}

TEST(TorchPyramid, CpuBlendCallbackPathMatchesTheTorchPath)
{
    auto model = createFusionModel(FusionNetConfig{}, 5);
    const std::vector<Image> inputs = makeValidationStacks(1, 96, 3, 77).front().inputs;
    const std::vector<Modality> mods(inputs.size(), Modality::Exposure);
    NullProgress p;
    FuseOptions torchPath, callback;
    torchPath.device = callback.device = DeviceChoice::Cpu;
    torchPath.lowResLongSidePx = callback.lowResLongSidePx = 40;
    torchPath.keepWeightMaps = callback.keepWeightMaps = true;
    callback.blend = &pyramidBlend;
    const FuseResult a = model->fuse(inputs, mods, torchPath, p);
    const FuseResult b = model->fuse(inputs, mods, callback, p);
    EXPECT_EQ(a.lowResWidthPx, 40);
    EXPECT_EQ(a.lowResHeightPx, 30);
    EXPECT_LT(maxDiff(a.fused, b.fused), 1e-5f);
    ASSERT_EQ(a.weightMaps.size(), inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) EXPECT_LT(maxDiff(a.weightMaps[i], b.weightMaps[i]), 1e-5f);
    // Weights are a partition of unity at every pixel.
    for (int y = 0; y < 72; y += 7)
        for (int x = 0; x < 96; x += 5) {
            float s = 0;
            for (const Image& wm : b.weightMaps) s += wm.at(x, y);
            EXPECT_NEAR(s, 1.0f, 1e-5f);
        }
}
