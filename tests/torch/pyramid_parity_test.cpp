// The differentiable pyramid the network trains through is fuselab_core's pyramid: levels,
// borders and expansion agree to float rounding, so fusing with fuselab::pyramidBlend (the CLI's
// CPU path) gives what training optimised. Also the two inference paths agree, and the split
// attribution engine's tap-table pyramid (plane_ops, which needs exact transposes) is the same
// pyramid of record.
#include "full_res/plane_ops.hpp"
#include "torch/pyramid_torch.hpp"
#include "torch/tensor_utils.hpp"

#include "fuselab/learn/fusion_model.hpp"
#include "fuselab/learn/training_data.hpp"
#include "fuselab/pyramid.hpp"
#include "fuselab/base/random.hpp"

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

// One channel of an interleaved image as a plane, and back.
learn::detail::Plane planeOf(const Image& im, int channel)
{
    learn::detail::Plane p(im.width(), im.height());
    for (int y = 0; y < im.height(); ++y)
        for (int x = 0; x < im.width(); ++x) p.at(x, y) = im.at(x, y, channel);
    return p;
}

float maxDiff(const learn::detail::Plane& a, const Image& b, int channel)
{
    EXPECT_EQ(a.width, b.width());
    EXPECT_EQ(a.height, b.height());
    float worst = 0.0f;
    for (int y = 0; y < a.height; ++y)
        for (int x = 0; x < a.width; ++x) worst = std::max(worst, std::fabs(a.at(x, y) - b.at(x, y, channel)));
    return worst;
}

} // namespace

// Gaussian and Laplacian pyramids and the collapse of the split engine equal fuselab's, level by
// level, on sizes odd at several levels (where reflect-101 borders and the expansion rule bite).
TEST(TorchPyramid, SplitEnginePyramidsMatchTheCore)
{
    namespace d = learn::detail;
    for (auto [w, h] : {std::pair{53, 41}, std::pair{37, 29}, std::pair{64, 9}, std::pair{5, 3}}) {
        const Image im = randomImage(w, h, 1, std::uint64_t(w * 1000 + h));
        const int levels = autoPyramidLevels(w, h, 2);
        const d::PyramidGeometry geometry(w, h, levels);
        const d::Plane plane = planeOf(im, 0);
        d::Pyramid gaussian, laplacian;
        d::gaussianPyramid(plane, geometry, gaussian);
        d::laplacianPyramid(plane, geometry, laplacian);
        const std::vector<Image> coreGaussian = gaussianPyramid(im, levels);
        const std::vector<Image> coreLaplacian = laplacianPyramid(im, levels);
        ASSERT_EQ(gaussian.size(), coreGaussian.size()) << w << "x" << h;
        ASSERT_EQ(laplacian.size(), coreLaplacian.size()) << w << "x" << h;
        for (std::size_t l = 0; l < gaussian.size(); ++l) {
            EXPECT_LT(maxDiff(gaussian[l], coreGaussian[l], 0), 1e-5f) << w << "x" << h << " Gaussian level " << l;
            EXPECT_LT(maxDiff(laplacian[l], coreLaplacian[l], 0), 1e-5f) << w << "x" << h << " Laplacian level " << l;
        }
        d::Plane collapsed;
        d::collapsePyramid(laplacian, geometry, collapsed);
        EXPECT_LT(maxDiff(collapsed, collapseLaplacianPyramid(coreLaplacian), 0), 1e-5f) << w << "x" << h;
        EXPECT_LT(maxDiff(collapsed, im, 0), 1e-5f) << w << "x" << h << ": the collapse gives the image back";
    }
}

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
