// The `learned` operator as the app registers it: torch-free proxy, LibTorch loaded on first
// run, the shipped model found in the source tree, refusals that name the file.
#include "test_support.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/learn/learn_library.hpp"
#include "fuselab/learn/learned_operator.hpp"
#include "fuselab/learn/model_files.hpp"
#include "fuselab/pyramid.hpp"
#include "fuselab/base/synthetic.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace fuselab;
using namespace fuselab::learn;

namespace {

ExposureStack syntheticStack(int w, int h)
{
    ExposureStack stack;
    const Image scene = makeSyntheticScene({"interior", w, h, 21});
    ExposureSimulation sim;
    sim.stops = {-2.0, 0.0, 2.0};
    sim.exposureScale = autoExposureScale(scene);
    for (const SimulatedFrame& f : exposeScene(scene, sim)) stack.frames.push_back({"synthetic", f.pixels, {}, {}, {}});
    return stack;
}

} // namespace

TEST(TorchLearnedOperator, ShippedModelIsFoundInTheSourceTree)
{
    const std::string path = resolveShippedModel(modelSearchDirectories("", FUSELAB_SOURCE_MODELS_DIR));
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    const auto model = LearnLibrary::get().loadModel(path);
    const ModelInfo info = model->info();
    EXPECT_GT(info.parameterCount, 10000);
    EXPECT_LT(std::filesystem::file_size(path), 5u * 1024 * 1024);
    EXPECT_FALSE(info.metadata.at("command").empty()) << "the model records the command that trained it";
    const auto layers = model->layerNames();
    EXPECT_NE(std::find(layers.begin(), layers.end(), "encoder.exposure.conv4"), layers.end());
    EXPECT_NE(std::find(layers.begin(), layers.end(), "decoder.logits"), layers.end());
}

TEST(TorchLearnedOperator, FusesAStackThroughTheRegistry)
{
    OperatorRegistry registry;
    registerLearnOperators(registry, resolveShippedModel({FUSELAB_SOURCE_MODELS_DIR}), &pyramidBlend);
    const Operator& op = registry.get("learned");
    EXPECT_EQ(op.info().category, std::string(category::fusion));
    const ExposureStack stack = syntheticStack(120, 90);
    OperatorInput in;
    in.stack = &stack;
    ParamValues v;
    v.set("weight_maps", true);
    NullProgress p;
    const OperatorOutput out = runOperator(op, in, v, p);
    ASSERT_EQ(out.image.width(), 120);
    ASSERT_EQ(out.image.height(), 90);
    EXPECT_EQ(out.extras.size(), 3u);
    // The fusion lies within the inputs' range: a convex blend of Laplacian pyramids can only
    // overshoot slightly at edges.
    double mean = 0.0;
    for (int y = 0; y < 90; ++y)
        for (int x = 0; x < 360; ++x) mean += out.image.row(y)[x];
    mean /= 90.0 * 360.0;
    EXPECT_GT(mean, 0.1);
    EXPECT_LT(mean, 0.9);
}

TEST(TorchLearnedOperator, MissingModelIsRefusedWithItsPath)
{
    const auto op = makeLearnedFusionOperator("/no/such/dir/model.pt");
    const ExposureStack stack = syntheticStack(40, 30);
    OperatorInput in;
    in.stack = &stack;
    NullProgress p;
    try {
        runOperator(*op, in, {}, p);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.file(), "/no/such/dir/model.pt");
    }
}

TEST(TorchLearnedOperator, NonModelFileIsRefused)
{
    test::TempDir dir;
    test::writeBytes(dir.file("fake.pt"), {'n', 'o', 't', ' ', 'a', ' ', 'z', 'i', 'p'});
    EXPECT_THROW(LearnLibrary::get().loadModel(dir.file("fake.pt")), Error);
}
