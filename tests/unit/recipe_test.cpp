// Recipes (recipe.hpp, recipe_run.hpp) and bracket grouping (brackets.hpp).
#include "migrating_operator.hpp"
#include "synthetic_stack.hpp"
#include "test_support.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/param_migration.hpp"
#include "fuselab/base/synthetic.hpp"
#include "fuselab/brackets.hpp"
#include "fuselab/builtin_operators.hpp"
#include "fuselab/recipe.hpp"
#include "fuselab/recipe_run.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace fuselab;
using namespace fuselab::test;

TEST(Recipe, JsonKeepsEveryValueAndItsKind)
{
    Recipe r;
    r.inputs = {"/a/1.png", "/a/2.png"};
    r.evs = {-1.5, 1.5};
    r.deghostMask = "/a/mask.png";
    r.nonFinite = "zero";
    RecipeStep step{"mertens", 1, {}, {}};
    step.values.set("sigma", 0.25);
    step.values.set("levels", std::int64_t(5));
    step.values.set("deghost", false);
    step.values.set("mode", std::string("hat"));
    step.values.set("whole", 1.0); // a real that happens to be whole stays a real
    r.steps = {step, {"tonemap-pq", 2, {}, "/models/x.pt"}};
    r.output.bitDepth = 16;
    r.output.exrType = "float";
    r.output.outputSpace = "display-p3";
    r.outputExtension = "tif";

    const Recipe back = recipeFromJson(recipeToJson(r), "r.json");
    EXPECT_EQ(back.inputs, r.inputs);
    EXPECT_EQ(back.evs, r.evs);
    EXPECT_EQ(back.deghostMask, r.deghostMask);
    EXPECT_EQ(back.nonFinite, "zero");
    ASSERT_EQ(back.steps.size(), 2u);
    EXPECT_EQ(back.steps[0].values, step.values);
    EXPECT_TRUE(std::holds_alternative<double>(*back.steps[0].values.find("whole")));
    EXPECT_TRUE(std::holds_alternative<std::int64_t>(*back.steps[0].values.find("levels")));
    EXPECT_EQ(back.steps[1].version, 2);
    EXPECT_EQ(back.steps[1].model, "/models/x.pt");
    EXPECT_EQ(back.output.bitDepth, 16);
    EXPECT_EQ(back.output.exrType, "float");
    EXPECT_EQ(back.output.outputSpace, "display-p3");
    EXPECT_EQ(back.outputExtension, "tif");
}

TEST(Recipe, MalformedRecipesNameTheFile)
{
    try {
        (void)recipeFromJson("{\"format\": 1, \"inputs\": []}", "r.json");
        FAIL() << "a recipe without steps was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.file(), "r.json");
    }
    EXPECT_THROW((void)recipeFromJson("not json", "r.json"), Error);
    EXPECT_THROW((void)recipeFromJson(R"({"format": 2, "inputs": [], "steps": []})", "r.json"), Error);
}

TEST(Recipe, OtherInputsKeepTypedExposuresOnlyWhenTheyFit)
{
    Recipe r;
    r.inputs = {"1", "2", "3"};
    r.evs = {-2, 0, 2};
    r.deghostMask = "mask.png";
    std::vector<std::string> notes;
    const Recipe same = recipeForInputs(r, {"a", "b", "c"}, notes);
    EXPECT_EQ(same.evs, r.evs);
    EXPECT_TRUE(same.deghostMask.empty()); // painted for the old frames
    EXPECT_EQ(notes.size(), 1u);
    notes.clear();
    const Recipe fewer = recipeForInputs(r, {"a", "b"}, notes);
    EXPECT_TRUE(fewer.evs.empty());
    EXPECT_EQ(notes.size(), 2u);
}

TEST(RecipeRun, StepsChainAsTheOperatorsRunAlone)
{
    OperatorRegistry registry;
    registerBuiltinOperators(registry);
    SceneOptions scene;
    scene.widthPx = 64;
    scene.heightPx = 48;
    ExposureSimulation sim;
    sim.stops = {-2.0, 0.0, 2.0};
    const ExposureStack stack = stackFromSimulation(makeSyntheticScene(scene), sim);
    RecipeStep merge{"merge-debevec", 1, {}, {}};
    RecipeStep tonemap{"tonemap-reinhard", 1, {}, {}};
    NullProgress progress;
    const RecipeResult result = runRecipeSteps({merge, tonemap}, &stack, nullptr, nullptr, RgbPrimaries::Rec709, FusedSampleType::Float,
                                               registry, progress);
    // The same two operators run by hand give the same pixels.
    OperatorInput in;
    in.stack = &stack;
    const OperatorOutput merged = runOperator(registry.get("merge-debevec"), in, {}, progress);
    OperatorInput toneIn;
    toneIn.images.push_back(merged.image);
    const OperatorOutput toned = runOperator(registry.get("tonemap-reinhard"), toneIn, {}, progress);
    ASSERT_TRUE(result.image.asFloat());
    EXPECT_EQ(compareImages(*result.image.asFloat(), toned.image, 0.0, 0.0, 0.0).maxError, 0.0);
    EXPECT_EQ(compareImages(result.intermediate, merged.image, 0.0, 0.0, 0.0).maxError, 0.0);
    ASSERT_EQ(result.ran.size(), 2u);
    EXPECT_EQ(result.ran[0].values, resolveParamValues(registry.get("merge-debevec").params(), {}));

    // Mertens made straight into 8 bits equals its float result rounded as a writer rounds it.
    const RecipeResult typed = runRecipeSteps({{"mertens", 1, {}, {}}}, &stack, nullptr, nullptr, RgbPrimaries::Rec709, FusedSampleType::U8,
                                              registry, progress);
    const RecipeResult asFloat = runRecipeSteps({{"mertens", 1, {}, {}}}, &stack, nullptr, nullptr, RgbPrimaries::Rec709,
                                                FusedSampleType::Float, registry, progress);
    ASSERT_TRUE(typed.image.as8());
    const Image& f = *asFloat.image.asFloat();
    int worst = 0;
    for (int y = 0; y < f.height(); ++y)
        for (int x = 0; x < f.width(); ++x)
            for (int c = 0; c < f.channels(); ++c) {
                const int rounded = int(std::lround(std::clamp(f.at(x, y, c), 0.0f, 1.0f) * 255.0f));
                worst = std::max(worst, std::abs(rounded - int(typed.image.as8()->at(x, y, c))));
            }
    EXPECT_EQ(worst, 0);

    // A step that does not fit the running value is an error naming it.
    try {
        (void)runRecipeSteps({tonemap}, &stack, nullptr, nullptr, RgbPrimaries::Rec709, FusedSampleType::Float, registry, progress);
        FAIL() << "tone mapping a stack was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("tonemap-reinhard"), std::string::npos) << e.what();
    }
    // A recipe from a newer operator is refused, not run with other meanings.
    EXPECT_THROW((void)runRecipeSteps({{"mertens", 7, {}, {}}}, &stack, nullptr, nullptr, RgbPrimaries::Rec709, FusedSampleType::Float,
                                      registry, progress),
                 Error);
}

namespace {
BracketShot shot(const std::string& path, std::optional<double> timeS, double exposureS, double stops)
{
    return {path, timeS, exposureS, stops};
}
} // namespace

TEST(Brackets, CaptureTimeGapsAndRepeatedExposuresSplitShots)
{
    // Two 3-shot brackets 30 s apart, given out of order; then a bracket whose exposures
    // repeat straight after (no pause: only the sequence tells).
    std::vector<BracketShot> shots = {
        shot("d", 100.0, 0.25, 0), shot("a", 0.0, 0.25, 0), shot("b", 0.5, 0.0625, -2), shot("c", 0.8, 1.0, 2),
        shot("e", 100.5, 0.0625, -2), shot("f", 100.8, 1.0, 2), shot("g", 102.0, 0.25, 0), shot("h", 102.4, 0.0625, -2)};
    const std::vector<Bracket> brackets = groupShotsIntoBrackets(shots, "card");
    ASSERT_EQ(brackets.size(), 3u);
    EXPECT_EQ(brackets[0].files, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(brackets[1].files, (std::vector<std::string>{"d", "e", "f"}));
    EXPECT_EQ(brackets[2].files, (std::vector<std::string>{"g", "h"}));
    EXPECT_EQ(brackets[0].name, "card-a");

    // A long exposure does not open a gap: the pause counts from where the shot ended.
    const std::vector<Bracket> night = groupShotsIntoBrackets({shot("n1", 0.0, 30.0, 5), shot("n2", 30.5, 2.0, 1), shot("n3", 33.0, 0.125, -3)}, "n");
    ASSERT_EQ(night.size(), 1u);
    EXPECT_EQ(night[0].files.size(), 3u);

    // Without capture times: name order, split where an exposure repeats.
    const std::vector<Bracket> untimed = groupShotsIntoBrackets(
        {shot("x2", std::nullopt, 1, 2), shot("x1", std::nullopt, 1, 0), shot("y1", std::nullopt, 1, 0), shot("y2", std::nullopt, 1, 2)}, "u");
    ASSERT_EQ(untimed.size(), 2u);
    EXPECT_EQ(untimed[0].files, (std::vector<std::string>{"x1", "x2"}));
    EXPECT_EQ(untimed[1].files, (std::vector<std::string>{"y1", "y2"}));
    EXPECT_TRUE(untimed[0].note.empty());

    // Nothing to group by: one bracket, and the note says why.
    BracketShot bare{"p1", std::nullopt, std::nullopt, std::nullopt};
    BracketShot bare2{"p2", std::nullopt, std::nullopt, std::nullopt};
    const std::vector<Bracket> blind = groupShotsIntoBrackets({bare, bare2}, "b");
    ASSERT_EQ(blind.size(), 1u);
    EXPECT_NE(blind[0].note.find("no EXIF"), std::string::npos);
}

TEST(ParamMigration, OlderValuesAreMappedByTheOperatorAndRepairedWithNotes)
{
    const auto op = makeMigratingTestOperator();
    ParamValues v1;
    v1.set("threshold", 0.5);
    v1.set("retired", true);
    std::vector<std::string> notes;
    const ParamValues now = migrateParamValues(*op, 1, v1, notes);
    EXPECT_DOUBLE_EQ(now.number("tolerance"), 127.5); // carried, in the new unit
    EXPECT_EQ(now.choice("mode"), "fast");               // added since: its default
    ASSERT_EQ(notes.size(), 3u);
    EXPECT_NE(notes[1].find("threshold (0..1) is now tolerance (0..255)"), std::string::npos) << notes[1];
    EXPECT_NE(notes[2].find("'retired' = true is no longer a parameter"), std::string::npos) << notes[2];

    // Values of the current version that no longer fit are repaired, each with a note.
    ParamValues bad;
    bad.set("tolerance", 400.0);
    bad.set("mode", std::string("gone"));
    notes.clear();
    const ParamValues repaired = migrateParamValues(*op, 2, bad, notes);
    EXPECT_DOUBLE_EQ(repaired.number("tolerance"), 255.0);
    EXPECT_EQ(repaired.choice("mode"), "fast");
    EXPECT_EQ(notes.size(), 2u);
    // A newer version's values are refused.
    EXPECT_THROW((void)migrateParamValues(*op, 3, v1, notes), Error);
}

TEST(ParamMigration, ARecipeStepOfAnOlderVersionRunsWithMigratedValues)
{
    OperatorRegistry registry;
    registry.add(makeMigratingTestOperator());
    RecipeStep old{"test-migrating", 1, {}, {}};
    old.values.set("threshold", 0.2);
    const Image image = makePattern(8, 8, 3);
    NullProgress progress;
    const RecipeResult r = runRecipeSteps({old}, nullptr, &image, nullptr, RgbPrimaries::Rec709, FusedSampleType::Float, registry, progress);
    EXPECT_DOUBLE_EQ(r.stepScalars[0].at("tolerance"), 0.2 * 255.0);
    EXPECT_EQ(r.ran[0].version, 2); // the sidecar records the values as this version reads them
    EXPECT_DOUBLE_EQ(r.ran[0].values.number("tolerance"), 51.0);
    EXPECT_FALSE(r.notes.empty());
}
