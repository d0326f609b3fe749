// prepareTraining (what `fuselab-cli train` and the GUI's training panel both train from): each
// kind of data gives its source and network, fine-tuning on one stack is judged on that stack,
// held-out radiance maps win over it, and "shipped" means the model for that kind of data.
#include "fuselab/base/error.hpp"
#include "fuselab/learn/frame_event.hpp"
#include "fuselab/learn/model_files.hpp"
#include "fuselab/learn/training_params.hpp"
#include "fuselab/learn/training_plan.hpp"

#include <gtest/gtest.h>

using namespace fuselab;
using namespace fuselab::learn;

namespace {

TrainingStack greyStack(const std::string& name, int w, int h)
{
    TrainingStack t;
    t.name = name;
    for (float v : {0.2f, 0.5f, 0.8f}) {
        Image im(w, h, 3);
        im.fill(v);
        t.inputs.push_back(im);
        t.modalities.push_back(Modality::Exposure);
    }
    return t;
}

ParamValues seeded(std::int64_t seed)
{
    ParamValues v;
    v.set("seed", seed);
    return v;
}

} // namespace

TEST(TrainingPlan, EachKindOfDataGivesItsSourceAndNetwork)
{
    TrainingPlan plan;
    plan.device = DeviceChoice::Cpu;
    plan.threads = 2;
    const PreparedTraining synthetic = prepareTraining(plan, seeded(3));
    EXPECT_NE(synthetic.source->description().find("3"), std::string::npos) << synthetic.source->description(); // the seed is named
    EXPECT_TRUE(synthetic.config.validationSet.empty()); // the trainer's own held-out synthetic stacks
    EXPECT_EQ(synthetic.config.threads, 2);
    EXPECT_EQ(synthetic.config.device, DeviceChoice::Cpu);
    EXPECT_TRUE(synthetic.config.net == FusionNetConfig{});

    plan.data = TrainingDataKind::SyntheticEvents;
    plan.frameEventNetLowResPx = 96;
    EXPECT_TRUE(prepareTraining(plan, seeded(3)).config.net == frameEventNetConfig(96));

    plan.data = TrainingDataKind::Stacks;
    EXPECT_THROW(prepareTraining(plan, seeded(3)), Error); // no stacks
    plan.stacks = {greyStack("hall", 160, 120)};
    plan.validateOnStack = greyStack("hall (validation)", 80, 60);
    const PreparedTraining fineTune = prepareTraining(plan, seeded(3));
    ASSERT_EQ(fineTune.config.validationSet.size(), 1u);
    EXPECT_EQ(fineTune.config.validationSet[0].name, "hall (validation)");

    // Held-out radiance maps win over the stack itself.
    NamedRadiance map{"sky", Image(64, 48, 3, ColourEncoding::Linear)};
    map.radiance.fill(0.3f);
    plan.validationRadiance = {map};
    const PreparedTraining heldOut = prepareTraining(plan, seeded(3));
    ASSERT_EQ(heldOut.config.validationSet.size(), 1u);
    EXPECT_EQ(heldOut.config.validationSet[0].inputs.size(), 5u); // exposed 5 times

    TrainingPlan badSeed;
    ParamValues bad;
    bad.set("seed", std::string("x"));
    EXPECT_ANY_THROW(prepareTraining(badSeed, bad));
}

TEST(TrainingPlan, ShippedMeansTheModelForThatKindOfData)
{
    EXPECT_EQ(shippedModelFor(TrainingDataKind::Stacks, "/m/fusion-exposure-v3.pt"), "/m/fusion-exposure-v3.pt");
    EXPECT_EQ(shippedModelFor(TrainingDataKind::SyntheticEvents, "/m/fusion-exposure-v3.pt"),
              std::string("/m/") + kShippedFrameEventModelFileName);
}
