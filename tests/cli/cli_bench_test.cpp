// fuselab-cli bench: fused images kept, results.csv and table.md, folder methods, a broken scene
// counted and skipped, shards merged into exactly one run, a published table ranked, flavours.
#include "cli_runner.hpp"
#include "test_support.hpp"

#include "fuselab/bench.hpp"
#include "fuselab/io.hpp"

#include <filesystem>
#include <map>

using namespace fuselab;
using namespace fuselab::test;

namespace {

// Three generated scenes (each a 3-frame stack) and a broken one.
std::string makeScenes(const TempDir& dir, const std::string& size = "96x64")
{
    const std::string root = dir.file("scenes");
    for (int s = 0; s < 3; ++s) {
        const CliRun r = runCli({"synth", "--size", size, "--exposures", "3", "--seed", std::to_string(s + 1), "--quiet", "-o",
                                 root + "/scene" + std::to_string(s)});
        EXPECT_EQ(r.exitCode, 0) << r.err;
        std::filesystem::remove_all(root + "/scene" + std::to_string(s) + "/truth");
    }
    std::filesystem::create_directories(root + "/zz-broken");
    std::filesystem::copy_file(root + "/scene0/exposure_00.png", root + "/zz-broken/a.png");
    writeBytes(root + "/zz-broken/b.png", {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0});
    return root;
}

std::map<std::string, double> valuesOf(const std::string& csvPath, const std::string& method, const std::string& metric)
{
    const auto bytes = readBytes(csvPath);
    std::map<std::string, double> out;
    for (const BenchRow& r : benchRowsFromCsv(parseCsv(std::string(bytes.begin(), bytes.end()), csvPath), csvPath))
        if (r.method == method && r.metric == metric) out[r.scene + "/" + r.variant] = r.value;
    return out;
}

std::string text(const std::string& path)
{
    const auto bytes = readBytes(path);
    return std::string(bytes.begin(), bytes.end());
}

} // namespace

TEST(CliBench, FusesScoresKeepsImagesAndCountsABrokenScene)
{
    TempDir dir;
    const std::string scenes = makeScenes(dir);
    // Already fused images for a folder method: `fuse` of each scene, named like the scenes.
    std::filesystem::create_directories(dir.file("prefused"));
    for (int s = 0; s < 3; ++s)
        ASSERT_EQ(runCli({"fuse", "--quiet", "-o", dir.file("prefused/scene" + std::to_string(s) + ".png"),
                          scenes + "/scene" + std::to_string(s)})
                      .exitCode,
                  0);
    const std::string out = dir.file("out");
    const CliRun r = runCli({"bench", "--methods", "mertens,folder:prefused=" + dir.file("prefused"), scenes, "-o", out});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("zz-broken"), std::string::npos) << "the broken scene is reported: " << r.err;
    for (int s = 0; s < 3; ++s) EXPECT_TRUE(std::filesystem::exists(out + "/fused/mertens/scene" + std::to_string(s) + ".png"));
    // The folder method's images are what `fuse` writes: the same scores as the bench's own fusion.
    for (const std::string& metric : benchMetricKeys()) {
        const auto ours = valuesOf(out + "/results.csv", "mertens", metric), theirs = valuesOf(out + "/results.csv", "prefused", metric);
        ASSERT_EQ(ours.size(), 3u) << metric;
        for (const auto& [key, v] : ours) EXPECT_DOUBLE_EQ(theirs.at(key), v) << metric << " " << key;
    }
    const std::string table = text(out + "/table.md");
    EXPECT_NE(table.find("Failed: 2"), std::string::npos) << table; // zz-broken, for each of the two methods
    EXPECT_NE(table.find("## mef_ssim (whole, 3 scenes)"), std::string::npos) << table;
    EXPECT_NE(table.find("| prefused | "), std::string::npos);
}

TEST(CliBench, ShardsMergeIntoExactlyOneRun)
{
    TempDir dir;
    const std::string scenes = makeScenes(dir);
    const std::vector<std::string> common = {"bench", "--quiet", "--methods", "mertens,fusion-gff", "--pairs", "extreme", scenes};
    auto run = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = common;
        args.insert(args.end(), extra.begin(), extra.end());
        const CliRun r = runCli(args);
        EXPECT_EQ(r.exitCode, 0) << r.err;
    };
    run({"-o", dir.file("one")});
    run({"--shard", "0/2", "-o", dir.file("a")});
    run({"--shard", "1/2", "-o", dir.file("b")});
    const CliRun merged = runCli({"bench", "--quiet", "--merge", dir.file("a"), dir.file("b"), "-o", dir.file("merged")});
    ASSERT_EQ(merged.exitCode, 0) << merged.err;
    EXPECT_EQ(text(dir.file("merged/results.csv")), text(dir.file("one/results.csv")));
    EXPECT_EQ(text(dir.file("merged/table.md")), text(dir.file("one/table.md")));
    EXPECT_TRUE(std::filesystem::exists(dir.file("merged/fused/fusion-gff/scene1-pair.png")));
    // A shard given twice repeats its scenes: refused.
    const CliRun twice = runCli({"bench", "--quiet", "--merge", dir.file("a"), dir.file("a"), "-o", dir.file("bad")});
    EXPECT_EQ(twice.exitCode, 1);
    EXPECT_NE(twice.err.find("repeats scene"), std::string::npos) << twice.err;
}

TEST(CliBench, RanksAgainstAPublishedTable)
{
    TempDir dir;
    const std::string scenes = makeScenes(dir);
    // Two published methods: one above anything (a mean row), one below (per-scene rows).
    writeBytes(dir.file("published.csv"), [] {
        const std::string csv = "scene,variant,method,metric,value\n"
                                "mean,whole,best-paper,mef_ssim,1.5\n"
                                "a,whole,weak-paper,mef_ssim,0.1\n"
                                "b,whole,weak-paper,mef_ssim,0.3\n";
        return std::vector<std::uint8_t>(csv.begin(), csv.end());
    }());
    const CliRun r = runCli({"bench", "--quiet", "--methods", "mertens", "--published", dir.file("published.csv"), scenes, "-o", dir.file("out")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string table = text(dir.file("out/table.md"));
    const std::size_t block = table.find("## mef_ssim (whole");
    ASSERT_NE(block, std::string::npos);
    const std::string line = table.substr(table.find("| mertens |", block), 80);
    EXPECT_NE(line.find("| 2 / 3 |"), std::string::npos) << line; // below best-paper, above weak-paper
    // A published file with other columns is refused naming it.
    writeBytes(dir.file("bad.csv"), {'a', ',', 'b', '\n'});
    const CliRun bad = runCli({"bench", "--quiet", "--methods", "mertens", "--published", dir.file("bad.csv"), scenes, "-o", dir.file("x")});
    EXPECT_EQ(bad.exitCode, 1);
    EXPECT_NE(bad.err.find(dir.file("bad.csv")), std::string::npos) << bad.err;
}

TEST(CliBench, FlavoursAndUsage)
{
    TempDir dir;
    const std::string scenes = makeScenes(dir, "128x96"); // MEFB's VIF needs ≥ 81 px per side
    ASSERT_EQ(runCli({"bench", "--quiet", "--methods", "mertens", scenes, "-o", dir.file("f")}).exitCode, 0);
    ASSERT_EQ(runCli({"bench", "--quiet", "--methods", "mertens", "--flavour", "mefb", scenes, "-o", dir.file("m")}).exitCode, 0);
    const auto fq = valuesOf(dir.file("f/results.csv"), "mertens", "qabf"), mq = valuesOf(dir.file("m/results.csv"), "mertens", "qabf");
    const auto fs = valuesOf(dir.file("f/results.csv"), "mertens", "mef_ssim"), ms = valuesOf(dir.file("m/results.csv"), "mertens", "mef_ssim");
    for (const auto& [key, v] : fq) {
        EXPECT_NE(mq.at(key), v) << "Qabf differs between the flavours (per-channel, the g_A = g_F branch): " << key;
        EXPECT_DOUBLE_EQ(ms.at(key), fs.at(key)) << "MEF-SSIM is the authors' code in both: " << key;
    }
    EXPECT_NE(text(dir.file("m/table.md")).find("MEFB toolkit's"), std::string::npos);
    EXPECT_EQ(runCli({"bench", "--methods", "no-such-method", scenes, "-o", dir.file("u")}).exitCode, 2);
    EXPECT_EQ(runCli({"bench", "--methods", "mertens", "--baseline", "learned-x", scenes, "-o", dir.file("u")}).exitCode, 2);
    EXPECT_EQ(runCli({"bench", "--methods", "mertens", scenes}).exitCode, 2); // -o is required
}
