// fuselab-cli metrics: JSON keys and shape, reference metrics, errors, batch CSV with shards
// and merge, and the generic `run` path for metric operators.
#include "cli_runner.hpp"
#include "test_support.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

using namespace fuselab;
using namespace fuselab::test;

namespace {

const std::vector<std::string> kFusionKeys = {"mef_ssim", "mef_ssim_single_scale", "spatial_frequency", "entropy",
                                              "standard_deviation", "average_gradient", "mutual_information", "nmi",
                                              "qabf", "vif"};

// A synthetic stack in dir/sub and its fusion at dir/fusedName.
std::string stackAndFusion(const TempDir& dir, const std::string& sub, const std::string& size, const std::string& fusedName,
                           const std::string& seed = "1")
{
    const std::string folder = dir.file(sub);
    const CliRun s = runCli({"synth", "--size", size, "--exposures", "3", "--seed", seed, "--quiet", "-o", folder});
    EXPECT_EQ(s.exitCode, 0) << s.err;
    const std::string fused = folder + "/../" + fusedName;
    const CliRun f = runCli({"fuse", "--quiet", "-o", fused, folder});
    EXPECT_EQ(f.exitCode, 0) << f.err;
    return fused;
}

std::vector<std::string> keysOf(const nlohmann::ordered_json& j)
{
    std::vector<std::string> keys;
    for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
    return keys;
}

std::string fileText(const std::string& path)
{
    const auto bytes = readBytes(path);
    return std::string(bytes.begin(), bytes.end());
}

void expectOneErrorLine(const CliRun& r, int exitCode, const std::string& prefix)
{
    EXPECT_FALSE(r.signalled);
    EXPECT_EQ(r.exitCode, exitCode) << r.err;
    const auto lines = r.errLines();
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_EQ(lines[0].rfind("fuselab-cli: error: " + prefix, 0), 0u) << lines[0];
}

} // namespace

TEST(CliMetrics, JsonHasEveryKeyInOrderAndReferencesAddTheirs)
{
    TempDir dir;
    const std::string fused = stackAndFusion(dir, "stack", "256x192", "fused.png");
    const CliRun r = runCli({"metrics", fused, "--stack", dir.file("stack"), "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto j = nlohmann::ordered_json::parse(r.out);
    ASSERT_TRUE(j.is_object());
    EXPECT_EQ(keysOf(j), kFusionKeys);
    for (const auto& [key, value] : j.items()) EXPECT_TRUE(value.is_number()) << key;
    EXPECT_GT(j["mef_ssim"].get<double>(), 0.8);
    EXPECT_LE(j["mef_ssim"].get<double>(), 1.0);
    EXPECT_GT(j["entropy"].get<double>(), 4.0);
    EXPECT_LE(j["entropy"].get<double>(), 8.0);

    // An 8-bit reference: psnr, ssim, ms_ssim (192 px ≥ the 176 px five scales need).
    const std::string ref = dir.file("ref.png");
    ASSERT_EQ(runCli({"fuse", "--quiet", "--param", "weight_saturation=0.2", "-o", ref, dir.file("stack")}).exitCode, 0);
    const CliRun withRef = runCli({"metrics", fused, "--stack", dir.file("stack"), "--reference", ref, "--json"});
    ASSERT_EQ(withRef.exitCode, 0) << withRef.err;
    const auto jr = nlohmann::ordered_json::parse(withRef.out);
    std::vector<std::string> expected = kFusionKeys;
    for (const char* k : {"psnr", "ssim", "ms_ssim"}) expected.push_back(k);
    EXPECT_EQ(keysOf(jr), expected);
    EXPECT_GT(jr["psnr"].get<double>(), 20.0);
    EXPECT_GT(jr["ssim"].get<double>(), 0.8);
    EXPECT_LE(jr["ms_ssim"].get<double>(), 1.0);
    // The same fusion as reference: SSIM 1, PSNR infinite (JSON null).
    const auto same = nlohmann::ordered_json::parse(
        runCli({"metrics", fused, "--stack", dir.file("stack"), "--reference", fused, "--json", "--quiet"}).out);
    EXPECT_DOUBLE_EQ(same["ssim"].get<double>(), 1.0);
    EXPECT_TRUE(same["psnr"].is_null());

    // An HDR (float EXR) reference adds psnr_mu.
    const std::string exr = dir.file("ref.exr");
    ASSERT_EQ(runCli({"fuse", "--quiet", "-o", exr, dir.file("stack")}).exitCode, 0);
    const auto jh = nlohmann::ordered_json::parse(runCli({"metrics", fused, "--stack", dir.file("stack"), "--reference", exr, "--json"}).out);
    EXPECT_TRUE(jh.contains("psnr_mu"));
    EXPECT_TRUE(jh["psnr_mu"].is_number());

    // Text form: one line per key.
    const CliRun text = runCli({"metrics", fused, "--stack", dir.file("stack"), "--quiet"});
    ASSERT_EQ(text.exitCode, 0);
    for (const std::string& k : kFusionKeys) EXPECT_NE(text.out.find(k + " "), std::string::npos) << k;
}

TEST(CliMetrics, SmallImagesGiveNullsWithAWarning)
{
    TempDir dir;
    // 96×40: the single scale fits, three scales need 44 px.
    const std::string fused = stackAndFusion(dir, "stack", "96x40", "fused.png");
    const CliRun r = runCli({"metrics", fused, "--stack", dir.file("stack"), "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto j = nlohmann::ordered_json::parse(r.out);
    EXPECT_TRUE(j["mef_ssim"].is_null());
    EXPECT_TRUE(j["mef_ssim_single_scale"].is_number());
    EXPECT_NE(r.err.find("mef_ssim not computed"), std::string::npos) << r.err;
}

TEST(CliMetrics, ErrorsFollowTheContract)
{
    TempDir dir;
    const std::string fused = stackAndFusion(dir, "stack", "64x48", "fused.png");
    EXPECT_EQ(runCli({"metrics", fused}).exitCode, 2);                                   // no --stack
    EXPECT_EQ(runCli({"metrics", "--batch", dir.path(), fused, "-o", dir.file("x.csv")}).exitCode, 2);
    EXPECT_EQ(runCli({"metrics", "--batch", dir.path()}).exitCode, 2);                   // no -o
    const std::string missing = dir.file("nope.png");
    expectOneErrorLine(runCli({"metrics", missing, "--stack", dir.file("stack")}), 1, missing + ": no such file");
    // A fused image of another size names the fused file.
    const std::string other = stackAndFusion(dir, "other", "80x48", "other.png");
    expectOneErrorLine(runCli({"metrics", other, "--stack", dir.file("stack"), "--quiet"}), 1, other + ": is 80x48 but its stack");
}

TEST(CliMetrics, BatchShardsAndMergeReproduceTheFullCsv)
{
    TempDir dir;
    const std::string scenes = dir.file("scenes");
    std::filesystem::create_directories(scenes);
    int seed = 1;
    for (const char* name : {"beta", "alpha", "gamma"}) {
        const std::string folder = scenes + "/" + name;
        ASSERT_EQ(runCli({"synth", "--size", "96x64", "--exposures", "3", "--seed", std::to_string(seed++), "--quiet", "-o", folder})
                      .exitCode,
                  0);
        ASSERT_EQ(runCli({"fuse", "--quiet", "-o", folder + "/fused.png", folder + "/exposure_00.png", folder + "/exposure_01.png",
                          folder + "/exposure_02.png"})
                      .exitCode,
                  0);
    }
    const std::string all = dir.file("all.csv");
    const CliRun r = runCli({"metrics", "--batch", scenes, "-o", all, "--quiet"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string full = fileText(all);
    std::string header = "scene,method";
    for (const std::string& k : kFusionKeys) header += "," + k;
    EXPECT_EQ(full.rfind(header + "\nalpha,fused.png,", 0), 0u) << full;
    EXPECT_NE(full.find("\nbeta,fused.png,"), std::string::npos);
    EXPECT_NE(full.find("\ngamma,fused.png,"), std::string::npos);
    EXPECT_EQ(std::count(full.begin(), full.end(), '\n'), 4);

    // Shards 0/2 (alpha, gamma) and 1/2 (beta), merged in either order, give the same bytes.
    ASSERT_EQ(runCli({"metrics", "--batch", scenes, "-o", dir.file("s0.csv"), "--shard", "0/2", "--quiet"}).exitCode, 0);
    ASSERT_EQ(runCli({"metrics", "--batch", scenes, "-o", dir.file("s1.csv"), "--shard", "1/2", "--quiet"}).exitCode, 0);
    const std::string shard1 = fileText(dir.file("s1.csv"));
    EXPECT_EQ(std::count(shard1.begin(), shard1.end(), '\n'), 2); // header + beta
    ASSERT_EQ(runCli({"metrics", "--merge", dir.file("s1.csv"), dir.file("s0.csv"), "-o", dir.file("merged.csv"), "--quiet"}).exitCode, 0);
    EXPECT_EQ(fileText(dir.file("merged.csv")), full);

    // Fusing on the fly with Mertens at its defaults measures the same image the files hold.
    ASSERT_EQ(runCli({"metrics", "--batch", scenes, "-o", dir.file("m.csv"), "--method", "mertens", "--quiet"}).exitCode, 0);
    std::string onTheFly = fileText(dir.file("m.csv"));
    for (std::size_t p; (p = onTheFly.find(",mertens,")) != std::string::npos;) onTheFly.replace(p, 9, ",fused.png,");
    EXPECT_EQ(onTheFly, full);

    // Usage and input errors.
    EXPECT_EQ(runCli({"metrics", "--batch", scenes, "-o", dir.file("x.csv"), "--shard", "2/2"}).exitCode, 2);
    EXPECT_EQ(runCli({"metrics", "--batch", scenes, "-o", dir.file("x.csv"), "--shard", "a/2"}).exitCode, 2);
    expectOneErrorLine(runCli({"metrics", "--merge", dir.file("s0.csv"), dir.file("all.csv"), "-o", dir.file("x.csv")}), 1,
                       dir.file("all.csv") + ": repeats scene");
    writeBytes(dir.file("odd.csv"), {'s', 'c', 'e', 'n', 'e', ',', 'm', 'e', 't', 'h', 'o', 'd', ',', 'x', '\n'});
    expectOneErrorLine(runCli({"metrics", "--merge", dir.file("s0.csv"), dir.file("odd.csv"), "-o", dir.file("x.csv")}), 1,
                       dir.file("odd.csv") + ": has other columns");
    expectOneErrorLine(runCli({"metrics", "--batch", scenes, "-o", dir.file("x.csv"), "--fused-name", "nothing", "--quiet"}), 1,
                       scenes + "/alpha: has no fused image");
    EXPECT_FALSE(std::filesystem::exists(dir.file("x.csv")));
}

TEST(CliMetrics, RunPathServesTheNoReferenceMetricOperators)
{
    TempDir dir;
    const std::string fused = stackAndFusion(dir, "stack", "96x64", "fused.png");
    const auto metrics = nlohmann::json::parse(runCli({"metrics", fused, "--stack", dir.file("stack"), "--json"}).out);
    const std::vector<std::string> frames = {dir.file("stack/exposure_00.png"), dir.file("stack/exposure_01.png"),
                                             dir.file("stack/exposure_02.png")};
    for (const auto& [op, key] : std::vector<std::pair<std::string, std::string>>{{"metric-entropy", "entropy"},
                                                                                  {"metric-mef-ssim", "mef_ssim"},
                                                                                  {"metric-qabf", "qabf"}}) {
        std::vector<std::string> args = {"run", op, "--json", "--quiet", fused};
        args.insert(args.end(), frames.begin(), frames.end());
        const CliRun r = runCli(args);
        ASSERT_EQ(r.exitCode, 0) << op << ": " << r.err;
        EXPECT_DOUBLE_EQ(nlohmann::json::parse(r.out)[key].get<double>(), metrics[key].get<double>()) << op;
    }
}
