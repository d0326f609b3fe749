// Issue 19 item 3: every sidecar holds its recipe; `replay` makes the output again bit for bit
// (or applies the recipe to other inputs) and `batch` runs it over many brackets.
#include "cli_runner.hpp"
#include "test_support.hpp"

#include "fuselab/csv_table.hpp"
#include "fuselab/io.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using namespace fuselab;
using namespace fuselab::test;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> synthStack(const std::string& folder, const std::string& seed, const std::vector<std::string>& extra = {})
{
    std::vector<std::string> args = {"synth", "--size", "96x64", "--exposures", "3", "--seed", seed, "--quiet", "-o", folder};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliRun r = runCli(args);
    EXPECT_EQ(r.exitCode, 0) << r.err;
    return {folder + "/exposure_00.png", folder + "/exposure_01.png", folder + "/exposure_02.png"};
}

CliRun run(std::vector<std::string> args, const std::vector<std::string>& inputs = {})
{
    args.insert(args.end(), inputs.begin(), inputs.end());
    return runCli(args);
}

// Replays `output`'s sidecar into `again` and expects the same file, byte for byte.
void expectReplaysBitForBit(const TempDir& dir, const std::string& output, const std::string& again)
{
    const CliRun r = runCli({"replay", "--quiet", output + ".json", "-o", dir.file(again)});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(readBytes(output), readBytes(dir.file(again))) << output << " and its replay differ";
    const auto replayed = nlohmann::json::parse(readBytes(dir.file(again) + ".json"));
    const auto original = nlohmann::json::parse(readBytes(output + ".json"));
    EXPECT_EQ(replayed["recipe"]["steps"], original["recipe"]["steps"]);
    EXPECT_EQ(replayed["output"]["sha256"], original["output"]["sha256"]);
}

} // namespace

TEST(CliReplay, FusionMergeAndToneMappingComeBackBitForBit)
{
    TempDir dir;
    const auto frames = synthStack(dir.file("stack"), "3");
    // Mertens with changed values, aligned, to an 8-bit PNG and a 16-bit TIFF.
    ASSERT_EQ(run({"fuse", "--quiet", "--align", "mtb", "--param", "sigma=0.3", "--param", "levels=5", "-o", dir.file("f.png")}, frames).exitCode, 0);
    expectReplaysBitForBit(dir, dir.file("f.png"), "f-again.png");
    ASSERT_EQ(run({"fuse", "--quiet", "--bit-depth", "16", "--no-deghost", "-o", dir.file("f16.tif")}, frames).exitCode, 0);
    expectReplaysBitForBit(dir, dir.file("f16.tif"), "f16-again.tif");
    const auto recipe = nlohmann::json::parse(readBytes(dir.file("f.png.json")))["recipe"];
    ASSERT_EQ(recipe["steps"].size(), 2u);
    EXPECT_EQ(recipe["steps"][0]["operator"], "align-mtb");
    EXPECT_EQ(recipe["steps"][1]["operator"], "mertens");
    EXPECT_EQ(recipe["steps"][1]["params"]["sigma"], 0.3);
    EXPECT_EQ(recipe["steps"][1]["params"]["levels"], 5);

    // Debevec merge with typed EVs, then two tone mappers of the radiance.
    ASSERT_EQ(run({"merge", "--quiet", "--ev", "-2,0,2", "-o", dir.file("m.exr")}, frames).exitCode, 0);
    expectReplaysBitForBit(dir, dir.file("m.exr"), "m-again.exr");
    EXPECT_EQ(nlohmann::json::parse(readBytes(dir.file("m.exr.json")))["recipe"]["evs"], nlohmann::json({-2.0, 0.0, 2.0}));
    // A measured response from a CSV is the merge step's model file: it replays too.
    ASSERT_EQ(run({"merge", "--quiet", "--ev", "-2,0,2", "--response-out", dir.file("curve.csv"), "-o", dir.file("m0.exr")}, frames).exitCode, 0);
    ASSERT_EQ(run({"merge", "--quiet", "--ev", "-2,0,2", "--response", dir.file("curve.csv"), "-o", dir.file("mcsv.exr")}, frames).exitCode, 0);
    expectReplaysBitForBit(dir, dir.file("mcsv.exr"), "mcsv-again.exr");
    EXPECT_NE(nlohmann::json::parse(readBytes(dir.file("mcsv.exr.json")))["recipe"]["steps"][0]["model"].get<std::string>().find("curve.csv"),
              std::string::npos);
    ASSERT_EQ(runCli({"tonemap", "--quiet", "--op", "reinhard", "--param", "key=0.25", "-o", dir.file("t.png"), dir.file("m.exr")}).exitCode, 0);
    expectReplaysBitForBit(dir, dir.file("t.png"), "t-again.png");
    ASSERT_EQ(runCli({"tonemap", "--quiet", "--op", "pq", "--bit-depth", "16", "-o", dir.file("pq.png"), dir.file("m.exr")}).exitCode, 0);
    expectReplaysBitForBit(dir, dir.file("pq.png"), "pq-again.png");
}

TEST(CliReplay, AppliesTheRecipeToOtherInputsAsTheCommandWould)
{
    TempDir dir;
    const auto first = synthStack(dir.file("a"), "1");
    const auto second = synthStack(dir.file("b"), "2");
    ASSERT_EQ(run({"fuse", "--quiet", "--param", "weight_saturation=0.2", "-o", dir.file("a.png")}, first).exitCode, 0);
    ASSERT_EQ(run({"fuse", "--quiet", "--param", "weight_saturation=0.2", "-o", dir.file("b.png")}, second).exitCode, 0);
    const CliRun r = run({"replay", "--quiet", dir.file("a.png.json"), "-o", dir.file("b-from-a.png"), "--inputs"}, second);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(readBytes(dir.file("b.png")), readBytes(dir.file("b-from-a.png")));
    EXPECT_NE(readBytes(dir.file("a.png")), readBytes(dir.file("b.png")));
}

TEST(CliReplay, RefusesWhatItCannotReplayNamingTheFile)
{
    TempDir dir;
    const auto frames = synthStack(dir.file("s"), "1");
    // A synthetic frame's sidecar holds no recipe.
    CliRun r = runCli({"replay", "--quiet", frames[0] + ".json", "-o", dir.file("x.png")});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find(frames[0] + ".json: this sidecar holds no recipe"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.file("x.png")));
    // A recipe of a newer layout.
    ASSERT_EQ(run({"fuse", "--quiet", "-o", dir.file("f.png")}, frames).exitCode, 0);
    auto sidecar = nlohmann::json::parse(readBytes(dir.file("f.png.json")));
    sidecar["recipe"]["format"] = 99;
    std::ofstream(dir.file("newer.json")) << sidecar.dump();
    r = runCli({"replay", "--quiet", dir.file("newer.json"), "-o", dir.file("y.png")});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("newer than this FuseLab reads"), std::string::npos) << r.err;
    // An operator this FuseLab does not have.
    sidecar["recipe"]["format"] = 1;
    sidecar["recipe"]["steps"][0]["operator"] = "no-such-fusion";
    std::ofstream(dir.file("unknown.json")) << sidecar.dump();
    r = runCli({"replay", "--quiet", dir.file("unknown.json"), "-o", dir.file("z.png")});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("no-such-fusion"), std::string::npos) << r.err;
    // A missing input names the file; the output is not written.
    fs::remove(frames[1]);
    r = runCli({"replay", "--quiet", dir.file("f.png.json"), "-o", dir.file("w.png")});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("exposure_01.png"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.file("w.png")));
}

TEST(CliBatch, RunsARecipeOverSceneFoldersAndShards)
{
    TempDir dir;
    const auto a = synthStack(dir.file("scenes/alpha"), "1");
    const auto b = synthStack(dir.file("scenes/beta"), "2");
    const auto c = synthStack(dir.file("scenes/gamma"), "3");
    ASSERT_EQ(run({"fuse", "--quiet", "--param", "sigma=0.25", "-o", dir.file("alpha.png")}, a).exitCode, 0);
    ASSERT_EQ(run({"fuse", "--quiet", "--param", "sigma=0.25", "-o", dir.file("gamma.png")}, c).exitCode, 0);

    CliRun r = runCli({"batch", "--quiet", dir.file("alpha.png.json"), dir.file("scenes"), "-o", dir.file("out")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(readBytes(dir.file("out/alpha.png")), readBytes(dir.file("alpha.png")));
    EXPECT_EQ(readBytes(dir.file("out/gamma.png")), readBytes(dir.file("gamma.png")));
    const auto summaryText = readBytes(dir.file("out/summary.csv"));
    const CsvTable summary = parseCsv(std::string(summaryText.begin(), summaryText.end()), "summary.csv");
    ASSERT_EQ(summary.rows.size(), 3u);
    EXPECT_EQ(summary.header[0], "bracket");
    EXPECT_EQ(summary.rows[1][0], "beta");
    EXPECT_EQ(summary.rows[1][4], "ok");
    EXPECT_EQ(summary.rows[1][1], "3");
    // Each output's sidecar is a recipe too: the batch result replays.
    expectReplaysBitForBit(dir, dir.file("out/beta.png"), "beta-again.png");

    // Shards 0/2 and 1/2 split the brackets between them (alpha, gamma | beta).
    ASSERT_EQ(runCli({"batch", "--quiet", "--shard", "0/2", dir.file("alpha.png.json"), dir.file("scenes"), "-o", dir.file("s")}).exitCode, 0);
    ASSERT_EQ(runCli({"batch", "--quiet", "--shard", "1/2", "--format", "tif", dir.file("alpha.png.json"), dir.file("scenes"), "-o", dir.file("s")}).exitCode, 0);
    EXPECT_TRUE(fs::exists(dir.file("s/alpha.png")));
    EXPECT_TRUE(fs::exists(dir.file("s/gamma.png")));
    EXPECT_TRUE(fs::exists(dir.file("s/beta.tif")));
    EXPECT_FALSE(fs::exists(dir.file("s/beta.png")));
    EXPECT_TRUE(fs::exists(dir.file("s/summary-0-of-2.csv")));
    EXPECT_TRUE(fs::exists(dir.file("s/summary-1-of-2.csv")));
    EXPECT_EQ(runCli({"batch", "--quiet", "--shard", "2/2", dir.file("alpha.png.json"), dir.file("scenes"), "-o", dir.file("s")}).exitCode, 2);
}

TEST(CliBatch, SplitsAFlatFolderIntoBracketsByCaptureTimeAndExposure)
{
    TempDir dir;
    // Two auto-bracketed scenes a minute apart; copied into one folder under names that
    // interleave them, so only the capture times can tell them apart.
    const auto a = synthStack(dir.file("a"), "1", {"--capture-start", "2026-05-01T10:00:00"});
    const auto b = synthStack(dir.file("b"), "2", {"--capture-start", "2026-05-01T10:01:00"});
    fs::create_directories(dir.file("card"));
    for (int k = 0; k < 3; ++k) {
        fs::copy_file(a[std::size_t(k)], dir.file("card/IMG_" + std::to_string(10 + 2 * k) + ".png"));
        fs::copy_file(b[std::size_t(k)], dir.file("card/IMG_" + std::to_string(11 + 2 * k) + ".png"));
    }
    ASSERT_EQ(run({"fuse", "--quiet", "-o", dir.file("a.png")}, a).exitCode, 0);
    ASSERT_EQ(run({"fuse", "--quiet", "-o", dir.file("b.png")}, b).exitCode, 0);
    CliRun r = runCli({"batch", "--quiet", dir.file("a.png.json"), dir.file("card"), "-o", dir.file("out")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(readBytes(dir.file("out/card-IMG_10.png")), readBytes(dir.file("a.png")));
    EXPECT_EQ(readBytes(dir.file("out/card-IMG_11.png")), readBytes(dir.file("b.png")));

    // Without capture times, the exposure sequence splits them: a bracket's exposures differ.
    fs::create_directories(dir.file("untimed"));
    const auto c = synthStack(dir.file("c"), "3");
    const auto d = synthStack(dir.file("d"), "4");
    for (int k = 0; k < 3; ++k) {
        fs::copy_file(c[std::size_t(k)], dir.file("untimed/c" + std::to_string(k) + ".png"));
        fs::copy_file(d[std::size_t(k)], dir.file("untimed/d" + std::to_string(k) + ".png"));
    }
    // One more frame, alone in its bracket (its exposure repeats): that bracket fails, the others are made.
    fs::copy_file(c[0], dir.file("untimed/e0.png"));
    r = runCli({"batch", "--quiet", dir.file("a.png.json"), dir.file("untimed"), "-o", dir.file("out2")});
    EXPECT_EQ(r.exitCode, 1) << r.err;
    EXPECT_TRUE(fs::exists(dir.file("out2/untimed-c0.png")));
    EXPECT_TRUE(fs::exists(dir.file("out2/untimed-d0.png")));
    const auto text = readBytes(dir.file("out2/summary.csv"));
    const CsvTable summary = parseCsv(std::string(text.begin(), text.end()), "summary.csv");
    ASSERT_EQ(summary.rows.size(), 3u);
    EXPECT_EQ(summary.rows[0][1], "3");
    EXPECT_EQ(summary.rows[2][4], "failed");
    EXPECT_NE(summary.rows[2][6].find("e0.png: a bracket of one frame"), std::string::npos) << summary.rows[2][6];
}

TEST(CliReplay, RowBandOutputsReplayToTheSamePixels)
{
    // Fusion in row bands and the merge row by row equal their whole-image runs, so their
    // sidecars hold the recipe, and replay (whole images here) makes the same pixels — for the
    // merge the same file.
    TempDir dir;
    const auto frames = synthStack(dir.file("stack"), "5");
    ASSERT_EQ(run({"fuse", "--quiet", "--no-deghost", "--memory-mb", "64", "--param", "sigma=0.3", "-o", dir.file("bands.png")}, frames).exitCode, 0);
    const CliRun fused = runCli({"replay", "--quiet", dir.file("bands.png.json"), "-o", dir.file("bands-again.png")});
    ASSERT_EQ(fused.exitCode, 0) << fused.err;
    const LoadedImage a = readImage(dir.file("bands.png")), b = readImage(dir.file("bands-again.png"));
    ASSERT_TRUE(a.pixels.as8() && b.pixels.as8());
    int differing = 0;
    for (int y = 0; y < a.pixels.height(); ++y)
        for (int i = 0; i < a.pixels.width() * a.pixels.channels(); ++i) differing += a.pixels.as8()->row(y)[i] != b.pixels.as8()->row(y)[i];
    EXPECT_EQ(differing, 0);

    ASSERT_EQ(run({"merge", "--quiet", "--no-deghost", "--memory-mb", "64", "--ev", "-2,0,2", "-o", dir.file("rows.exr")}, frames).exitCode, 0);
    expectReplaysBitForBit(dir, dir.file("rows.exr"), "rows-again.exr");
}

TEST(CliReplay, AStackTooLargeForTheBudgetReplaysInRowBands)
{
    // FUSELAB_MEMORY_MB stands for a machine with little memory: the replay of a whole-image
    // fusion runs in row bands, as fuse would there, and makes the same pixels.
    TempDir dir;
    const std::string folder = dir.file("big");
    ASSERT_EQ(runCli({"synth", "--size", "2400x1600", "--exposures", "3", "--seed", "9", "--quiet", "-o", folder}).exitCode, 0);
    ASSERT_EQ(runCli({"fuse", "--quiet", "--no-deghost", "-o", dir.file("whole.png"), folder}).exitCode, 0);
    const CliRun r = runCli({"replay", "--quiet", dir.file("whole.png.json"), "-o", dir.file("bands.png")}, {"FUSELAB_MEMORY_MB=64"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto sidecar = nlohmann::json::parse(readBytes(dir.file("bands.png.json")));
    EXPECT_NE(sidecar["notes"]["fusion"].get<std::string>().find("row bands"), std::string::npos) << sidecar.dump(2);
    const LoadedImage a = readImage(dir.file("whole.png")), b = readImage(dir.file("bands.png"));
    ASSERT_TRUE(a.pixels.as8() && b.pixels.as8());
    int differing = 0;
    for (int y = 0; y < a.pixels.height(); ++y)
        for (int i = 0; i < a.pixels.width() * a.pixels.channels(); ++i) differing += a.pixels.as8()->row(y)[i] != b.pixels.as8()->row(y)[i];
    EXPECT_EQ(differing, 0);
}
