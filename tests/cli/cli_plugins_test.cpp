// fuselab-cli with plugins: `plugins` lists folders and statuses, `--version` and `ops` show
// the plugin operators, `run` runs them like built-ins, and refused plugins are reported
// (a warning line each) without stopping any command.
#include "cli_runner.hpp"
#include "test_support.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/io.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>

using namespace fuselab;
using namespace fuselab::test;

namespace {

const std::string kBuildPlugins = FUSELAB_BUILD_PLUGIN_DIR;

std::string pathEnv(const std::string& folders)
{
    return "FUSELAB_PLUGIN_PATH=" + folders;
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

TEST(CliPlugins, ListsTheBuildTreeFolderAndItsPlugins)
{
    const CliRun r = runCli({"plugins", "--json"}, {pathEnv("")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.err, "");
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["abi_version"], 1);
    bool sawBuildTree = false;
    for (const auto& f : j["folders"])
        if (f["origin"] == "build tree") {
            sawBuildTree = true;
            EXPECT_EQ(std::filesystem::path(f["path"].get<std::string>()), std::filesystem::path(kBuildPlugins).lexically_normal());
            EXPECT_TRUE(f["exists"].get<bool>());
        }
    EXPECT_TRUE(sawBuildTree);
    std::map<std::string, std::vector<std::string>> operators;
    for (const auto& p : j["plugins"]) {
        EXPECT_EQ(p["status"], "loaded") << p["path"] << ": " << p["message"];
        operators[p["name"]] = p["operators"].get<std::vector<std::string>>();
    }
    EXPECT_EQ(operators["filmic-tonemap"], (std::vector<std::string>{"tonemap-aces-fit", "tonemap-hable"}));
    EXPECT_EQ(operators["guided-fusion"], std::vector<std::string>{"fusion-gff"});
    EXPECT_EQ(operators["example"], std::vector<std::string>{"example-bw-mixer"});

    const CliRun text = runCli({"plugins"}, {pathEnv("")});
    EXPECT_EQ(text.exitCode, 0);
    EXPECT_TRUE(contains(text.out, "Plugins (3 loaded, 0 refused):")) << text.out;
    EXPECT_TRUE(contains(text.out, "2 operators: tonemap-aces-fit, tonemap-hable")) << text.out;
}

TEST(CliPlugins, VersionAndOpsShowPluginOperators)
{
    const CliRun v = runCli({"--version"}, {pathEnv("")});
    EXPECT_EQ(v.exitCode, 0);
    EXPECT_TRUE(contains(v.out, "plugins (ABI 1): example 1.0 (example-bw-mixer), filmic-tonemap 1.0 "
                                "(tonemap-aces-fit tonemap-hable), guided-fusion 1.0 (fusion-gff)"))
        << v.out;
    const CliRun ops = runCli({"ops", "--json", "--category", "tonemap"}, {pathEnv("")});
    ASSERT_EQ(ops.exitCode, 0) << ops.err;
    std::vector<std::string> ids;
    for (const auto& op : nlohmann::json::parse(ops.out)) ids.push_back(op["id"]);
    EXPECT_NE(std::find(ids.begin(), ids.end(), "tonemap-aces-fit"), ids.end());
    EXPECT_NE(std::find(ids.begin(), ids.end(), "tonemap-reinhard"), ids.end()) << "built-ins stay";
}

TEST(CliPlugins, TheExamplePluginRunsThroughRun)
{
    // FUSELAB_PLUGIN_PATH names the build's plugins folder, which the build tree scans too:
    // the same files are loaded once.
    TempDir dir;
    Image8 in(4, 2, 3, ColourEncoding::Srgb);
    const std::uint8_t codes[8][3] = {{0, 0, 0},     {255, 255, 255}, {200, 100, 50}, {10, 240, 128},
                                      {128, 128, 128}, {255, 0, 0},   {0, 255, 0},    {0, 0, 255}};
    for (int i = 0; i < 8; ++i)
        for (int c = 0; c < 3; ++c) in.at(i % 4, i / 4, c) = codes[i][c];
    writeImage(dir.file("in.png"), SampleImage(in));
    const CliRun r = runCli({"run", "example-bw-mixer", "--param", "red=0.5", "--param", "green=0.25", "--param",
                             "blue=0.25", "--exr-type", "float", "-o", dir.file("grey.exr"), dir.file("in.png"), "--quiet"},
                            {pathEnv(kBuildPlugins)});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.err, "");
    const Image grey = readImage(dir.file("grey.exr")).pixels.toFloat();
    ASSERT_EQ(grey.width(), 4);
    ASSERT_EQ(grey.channels(), 1);
    for (int i = 0; i < 8; ++i) {
        // The mixer works on light: sRGB-decode each code, then 0.5 R + 0.25 G + 0.25 B.
        double expected = 0.0;
        const double weights[3] = {0.5, 0.25, 0.25};
        for (int c = 0; c < 3; ++c) expected += weights[c] * srgbToLinear(codes[i][c] / 255.0f);
        EXPECT_NEAR(grey.at(i % 4, i / 4), expected, 1e-6) << "pixel " << i;
    }
    const auto sidecar = nlohmann::json::parse(readBytes(dir.file("grey.exr.json")));
    EXPECT_EQ(sidecar["operators"][0]["id"], "example-bw-mixer");
    EXPECT_EQ(sidecar["operators"][0]["params"]["red"], 0.5);
    EXPECT_EQ(sidecar["operators"][0]["params"]["normalise"], true);
}

TEST(CliPlugins, RefusedPluginsAreReportedAndNothingStops)
{
    TempDir dir;
    writeBytes(dir.file("corrupt.so"), std::vector<std::uint8_t>(64, 0x5A));
    std::filesystem::copy_file(std::string(FUSELAB_TEST_PLUGIN_DIR) + "/wrong_abi.so", dir.file("wrong_abi.so"));
    const std::string env = pathEnv(dir.path());

    const CliRun list = runCli({"plugins", "--json"}, {env});
    ASSERT_EQ(list.exitCode, 0) << list.err;
    EXPECT_EQ(list.err, "") << "the plugins command reports refusals itself";
    std::map<std::string, std::string> refused;
    const auto listed = nlohmann::json::parse(list.out);
    for (const auto& p : listed["plugins"])
        if (p["status"] == "refused") refused[p["path"]] = p["message"];
    ASSERT_EQ(refused.size(), 2u);
    EXPECT_EQ(refused[dir.file("corrupt.so")].rfind("cannot load the library: " + dir.file("corrupt.so") + ": ", 0), 0u)
        << refused[dir.file("corrupt.so")];
    EXPECT_TRUE(contains(refused[dir.file("wrong_abi.so")], "built for plugin ABI version 999, this FuseLab expects version 1"));

    // Every other command still works, with one warning line per refused plugin.
    const CliRun ops = runCli({"ops", "--json"}, {env});
    ASSERT_EQ(ops.exitCode, 0) << ops.err;
    EXPECT_FALSE(nlohmann::json::parse(ops.out).empty());
    const auto lines = ops.errLines();
    ASSERT_EQ(lines.size(), 2u) << ops.err;
    EXPECT_EQ(lines[0].rfind("fuselab-cli: warning: plugin " + dir.file("corrupt.so") + " was not loaded: cannot load", 0), 0u)
        << lines[0];
    EXPECT_EQ(lines[1].rfind("fuselab-cli: warning: plugin " + dir.file("wrong_abi.so") + " was not loaded: built for plugin ABI version 999", 0), 0u)
        << lines[1];

    const CliRun version = runCli({"--version"}, {env});
    EXPECT_EQ(version.exitCode, 0);
    EXPECT_TRUE(contains(version.out, "; 2 refused ('fuselab-cli plugins' says why)")) << version.out;
}
