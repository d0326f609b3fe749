// fuselab-cli explain and pic (builds with LibTorch only): the files and JSON of CLI.md, and
// bad input refused with one error line and the contract's exit status.
#include "cli_runner.hpp"
#include "test_support.hpp"

#include "fuselab/io.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace fuselab;
using namespace fuselab::test;

namespace {

std::string synthStack(const TempDir& dir, const std::string& name, const std::string& size = "96x64", const std::string& seed = "1")
{
    const std::string folder = dir.file(name);
    const CliRun r = runCli({"synth", "--size", size, "--exposures", "3", "--seed", seed, "--quiet", "-o", folder});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    return folder;
}

nlohmann::json readJson(const std::string& path)
{
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

std::vector<std::string> lines(const std::string& path)
{
    std::ifstream in(path);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

void expectOneErrorLine(const CliRun& r, const std::string& start)
{
    ASSERT_FALSE(r.signalled);
    ASSERT_EQ(r.errLines().size(), 1u) << r.err;
    EXPECT_EQ(r.errLines()[0].rfind("fuselab-cli: error: " + start, 0), 0u) << r.err;
}

} // namespace

TEST(CliAttribution, ExplainWritesOneMapPerInputAndTheSummary)
{
    TempDir dir;
    const std::string stack = synthStack(dir, "stack");
    const std::string out = dir.file("ig");
    const CliRun r = runCli({"explain", "--method", "ig", "--param", "steps=16", "--region", "20,10,40,30", "--quiet", "-o", out, stack});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(r.out.empty()) << "results go to files";
    const nlohmann::json s = readJson(out + "/summary.json");
    EXPECT_EQ(s["method"], "ig");
    EXPECT_EQ(s["target"], "mean output over 20,10 40x30");
    ASSERT_EQ(s["inputs"].size(), 3u);
    ASSERT_TRUE(s["completeness_gap"].is_number());
    EXPECT_LT(s["completeness_gap"].get<double>(), 0.05) << "16 Gauss–Legendre steps on a smooth path";
    double total = 0.0;
    for (const nlohmann::json& in : s["inputs"]) {
        for (const char* key : {"file", "map", "png", "min", "max", "sum"}) EXPECT_TRUE(in.contains(key)) << key;
        const std::string exr = in["map"];
        const LoadedImage map = readImage(exr);
        EXPECT_EQ(map.header.width, 96);
        EXPECT_EQ(map.header.height, 64);
        EXPECT_EQ(map.header.channels, 1);
        EXPECT_EQ(map.header.bitDepth, 32) << "float EXR";
        const Image m = map.pixels.toFloat();
        double sum = 0.0;
        for (int y = 0; y < m.height(); ++y)
            for (int x = 0; x < m.width(); ++x) sum += m.at(x, y, 0);
        EXPECT_NEAR(sum, in["sum"].get<double>(), 1e-6 + 1e-4 * std::fabs(sum));
        EXPECT_LE(in["min"].get<double>(), in["max"].get<double>());
        total += sum;
        EXPECT_TRUE(std::filesystem::exists(exr + ".json")) << "sidecar";
        const std::string png = in["png"];
        EXPECT_EQ(readImage(png).header.channels, 3);
        EXPECT_EQ(readJson(png + ".json")["operators"][0]["id"], "attribution-ig");
    }
    // Completeness: the maps sum to f(x) − f(x′).
    EXPECT_NEAR(total, s["target_value"].get<double>() - s["baseline_value"].get<double>(),
                0.05 * std::fabs(s["target_value"].get<double>() - s["baseline_value"].get<double>()));
}

TEST(CliAttribution, ExplainGradCamAtAChosenLayerWithJson)
{
    TempDir dir;
    const std::string stack = synthStack(dir, "stack");
    const CliRun r = runCli({"explain", "--method", "gradcam", "--param", "layer=decoder.mix", "--target", "luminance", "--json", "-o",
                             dir.file("cam"), stack});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const nlohmann::json s = nlohmann::json::parse(r.out);
    EXPECT_EQ(s["layer"], "decoder.mix");
    EXPECT_EQ(s["signed"], false);
    EXPECT_FALSE(s.contains("completeness_gap")) << "only Integrated Gradients has one";
    for (const nlohmann::json& in : s["inputs"]) EXPECT_GE(in["min"].get<double>(), 0.0) << "Grad-CAM maps are ReLU'd";
}

TEST(CliAttribution, ExplainRefusesBadInputClearly)
{
    TempDir dir;
    const std::string stack = synthStack(dir, "stack");
    const std::string out = dir.file("o");
    // A missing model is a processing error naming the file, found before anything is computed.
    const CliRun missing = runCli({"explain", "--method", "ig", "--model", dir.file("none.pt"), "-o", out, stack});
    EXPECT_EQ(missing.exitCode, 1);
    expectOneErrorLine(missing, dir.file("none.pt") + ": ");
    // Malformed arguments are usage errors (2).
    const CliRun badRegion = runCli({"explain", "--method", "ig", "--region", "1,2,3", "-o", out, stack});
    EXPECT_EQ(badRegion.exitCode, 2);
    expectOneErrorLine(badRegion, "--region must be X,Y,W,H");
    const CliRun unknownMethod = runCli({"explain", "--method", "lime", "-o", out, stack});
    EXPECT_EQ(unknownMethod.exitCode, 2);
    ASSERT_EQ(unknownMethod.errLines().size(), 1u) << unknownMethod.err;
    EXPECT_NE(unknownMethod.err.find("lime"), std::string::npos);
    EXPECT_EQ(runCli({"explain", "--method", "ig", "--param", "window=3", "-o", out, stack}).exitCode, 2) << "occlusion's, not ig's";
    EXPECT_EQ(runCli({"explain", "--method", "ig", "--param", "steps=0", "-o", out, stack}).exitCode, 2);
    EXPECT_EQ(runCli({"explain", "--method", "gradcam", "--param", "layer=decoder.nothing", "-o", out, stack}).exitCode, 2);
    EXPECT_EQ(runCli({"explain", "--method", "ig", "--target", "brightness", "-o", out, stack}).exitCode, 2);
    EXPECT_EQ(runCli({"explain", "--method", "ig", "--target", "loss:l1", "--region", "0,0,8,8", "-o", out, stack}).exitCode, 2);
    // A well-formed region outside the 96×64 image is an input error (1), naming the sizes.
    const CliRun outside = runCli({"explain", "--method", "saliency", "--region", "90,60,20,20", "--quiet", "-o", out, stack});
    EXPECT_EQ(outside.exitCode, 1);
    expectOneErrorLine(outside, "target region 90,60 20x20 does not lie inside the 96x64 image");
    EXPECT_FALSE(std::filesystem::exists(out + "/summary.json")) << "nothing written on failure";
}

TEST(CliAttribution, PicWritesTheAucTableWithMedians)
{
    TempDir dir;
    const std::string folder = dir.file("scenes");
    std::filesystem::create_directories(folder);
    synthStack(dir, "scenes/a", "96x72", "3");
    synthStack(dir, "scenes/b", "96x72", "4");
    const std::string csv = dir.file("r.csv");
    const CliRun r = runCli({"pic", "--methods", "gradxinput,random", "--curve-param", "curve_steps=5", "--quiet", folder, "-o", csv});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::vector<std::string> rows = lines(csv);
    ASSERT_EQ(rows.size(), 7u);
    EXPECT_EQ(rows[0], "image,method,sic_auc,aic_auc,deletion_auc,insertion_auc");
    EXPECT_EQ(rows[1].rfind("a,gradxinput,", 0), 0u);
    EXPECT_EQ(rows[2].rfind("a,random,", 0), 0u);
    EXPECT_EQ(rows[3].rfind("b,gradxinput,", 0), 0u);
    EXPECT_EQ(rows[5].rfind("median,gradxinput,", 0), 0u);
    EXPECT_EQ(rows[6].rfind("median,random,", 0), 0u);
    for (std::size_t i = 1; i < rows.size(); ++i) {
        std::stringstream fields(rows[i]);
        std::vector<std::string> cells;
        for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
        ASSERT_GE(cells.size(), 5u) << rows[i];
        for (std::size_t c = 2; c < cells.size(); ++c) {
            if (cells[c].empty()) continue; // a skipped curve
            const double v = std::stod(cells[c]);
            EXPECT_GE(v, 0.0) << rows[i];
            EXPECT_LE(v, 1.0) << rows[i];
        }
    }

    EXPECT_EQ(runCli({"pic", "--methods", "ig,lime", folder, "-o", csv}).exitCode, 2);
    EXPECT_EQ(runCli({"pic", "--methods", "ig", "--param", "window=3", folder, "-o", csv}).exitCode, 2) << "no listed method has it";
    const CliRun notFolder = runCli({"pic", "--methods", "ig", dir.file("nowhere"), "-o", csv});
    EXPECT_EQ(notFolder.exitCode, 1);
    expectOneErrorLine(notFolder, dir.file("nowhere") + ": ");
    const CliRun missingModel = runCli({"pic", "--methods", "ig", "--model", dir.file("none.pt"), folder, "-o", csv});
    EXPECT_EQ(missingModel.exitCode, 1);
    expectOneErrorLine(missingModel, dir.file("none.pt") + ": ");
}
