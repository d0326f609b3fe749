// fuselab-cli against its contract (../shared/CLI.md): forms, exit codes, error lines, JSON.
#include "bad_files.hpp"
#include "cli_runner.hpp"
#include "test_support.hpp"

#include "fuselab/io.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>

using namespace fuselab;
using namespace fuselab::test;

namespace {
void expectOneErrorLine(const CliRun& r, const std::string& file, const std::string& words)
{
    EXPECT_FALSE(r.signalled) << "killed by signal " << r.signal;
    EXPECT_EQ(r.exitCode, 1) << r.err;
    const auto lines = r.errLines();
    ASSERT_EQ(lines.size(), 1u) << r.err;
    const std::string prefix = "fuselab-cli: error: " + file + ": ";
    EXPECT_EQ(lines[0].rfind(prefix, 0), 0u) << lines[0];
    EXPECT_NE(lines[0].find(words), std::string::npos) << lines[0];
}
} // namespace

TEST(Cli, VersionAndHelpExitZero)
{
    const CliRun v = runCli({"--version"});
    EXPECT_EQ(v.exitCode, 0);
    EXPECT_NE(v.out.find("fuselab-cli 0."), std::string::npos);
    for (const char* sub : {"info", "ops", "synth", "run"}) {
        const CliRun h = runCli({sub, "--help"});
        EXPECT_EQ(h.exitCode, 0) << sub;
        EXPECT_NE(h.out.find("--"), std::string::npos) << sub;
    }
}

TEST(Cli, UsageErrorsExitTwo)
{
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {}, {"nosuchcommand"}, {"info"}, {"info", "x.png", "--ev", "1,abc"}, {"synth"}, {"run", "exposure", "x.png"},
             {"run", "exposure", "--param", "nonsense", "-o", "o.png", "x.png"},
             {"run", "exposure", "--param", "exposure_stops=99", "-o", "o.png", "x.png"}}) {
        const CliRun r = runCli(args);
        EXPECT_FALSE(r.signalled);
        EXPECT_EQ(r.exitCode, 2) << "args: " << (args.empty() ? "" : args[0]) << "\n" << r.err;
        ASSERT_FALSE(r.errLines().empty());
        EXPECT_EQ(r.errLines()[0].rfind("fuselab-cli: error: ", 0), 0u) << r.err;
    }
}

TEST(Cli, OpsJsonHasTheContractShape)
{
    const CliRun r = runCli({"ops", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_TRUE(j.is_array());
    ASSERT_FALSE(j.empty());
    for (const auto& op : j) {
        for (const char* k : {"id", "name", "category", "version", "params"}) EXPECT_TRUE(op.contains(k)) << k;
        for (const auto& p : op["params"])
            for (const char* k : {"id", "label", "kind", "unit", "min", "max", "default", "step", "choices"}) EXPECT_TRUE(p.contains(k)) << k;
    }
}

TEST(Cli, InfoJsonOnSharedBracketsAndExr)
{
    FUSELAB_REQUIRE_SHARED("brackets/meflut-1/0.jpg");
    const std::string dir = sharedFile("brackets/meflut-1");
    const CliRun r = runCli({"info", dir + "/0.jpg", dir + "/1.jpg", dir + "/2.jpg", dir + "/3.jpg", "--ev", "2,0,-2,-4", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j.size(), 4u);
    const double evs[] = {2, 0, -2, -4};
    for (std::size_t i = 0; i < 4; ++i) {
        for (const char* k : {"path", "width", "height", "channels", "bit_depth", "colour", "exposure_time_s", "f_number", "iso", "ev",
                              "nan_count", "inf_count", "min", "max", "dynamic_range_stops"})
            EXPECT_TRUE(j[i].contains(k)) << k;
        EXPECT_EQ(j[i]["width"], 4000);
        EXPECT_EQ(j[i]["height"], 3000);
        EXPECT_EQ(j[i]["channels"], 3);
        EXPECT_EQ(j[i]["bit_depth"], 8);
        EXPECT_EQ(j[i]["colour"], "srgb");
        EXPECT_EQ(j[i]["ev"].get<double>(), evs[i]);
        EXPECT_TRUE(j[i]["exposure_time_s"].is_null());
        EXPECT_EQ(j[i]["nan_count"], 0);
    }
    // Darker frames show more of the scene's range (the lamps stay clipped, shadows fall).
    EXPECT_LT(j[0]["dynamic_range_stops"].get<double>(), j[3]["dynamic_range_stops"].get<double>());

    FUSELAB_REQUIRE_SHARED("exr/BrightRingsNanInf.exr");
    const CliRun e = runCli({"info", sharedFile("exr/BrightRingsNanInf.exr"), sharedFile("exr/GrayRampsDiagonal.exr"), "--json"});
    ASSERT_EQ(e.exitCode, 0) << e.err;
    const auto je = nlohmann::json::parse(e.out);
    EXPECT_EQ(je[0]["colour"], "linear");
    EXPECT_EQ(je[0]["bit_depth"], 16);
    EXPECT_GT(je[0]["nan_count"].get<int>(), 0);
    EXPECT_GT(je[0]["inf_count"].get<int>(), 0);
    EXPECT_TRUE(je[0]["ev"].is_null());
    EXPECT_EQ(je[1]["channels"], 1);
}

TEST(Cli, SynthWritesAStackWithExifAndGroundTruth)
{
    TempDir dir;
    const CliRun r = runCli({"synth", "--scene", "interior", "--exposures", "3", "--ev-step", "2", "--size", "64x48", "--seed", "5",
                             "--quiet", "-o", dir.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err; // --quiet
    for (const char* f : {"exposure_00.png", "exposure_01.png", "exposure_02.png", "truth/radiance.exr", "truth/response.csv", "truth/truth.json",
                          "ev.txt", "exposure_00.png.json", "truth/radiance.exr.json"})
        EXPECT_TRUE(std::filesystem::exists(dir.file(f))) << f;
    const LoadedImage dark = readImage(dir.file("exposure_00.png")), bright = readImage(dir.file("exposure_02.png"));
    ASSERT_TRUE(dark.exif.exposureTimeS && bright.exif.exposureTimeS);
    EXPECT_NEAR(*bright.exif.exposureTimeS / *dark.exif.exposureTimeS, 16.0, 1e-9);

    const CliRun info = runCli({"info", "--json", dir.file("exposure_00.png"), dir.file("exposure_02.png")});
    const auto j = nlohmann::json::parse(info.out);
    EXPECT_NEAR(j[1]["ev"].get<double>() - j[0]["ev"].get<double>(), 4.0, 1e-9);
    EXPECT_NEAR(j[0]["f_number"].get<double>(), 8.0, 1e-9);
}

TEST(Cli, EveryBadFileGivesOneErrorLineAndExitOne)
{
    TempDir dir;
    for (const BadFile& bad : writeBadFiles(dir.path())) {
        const std::string path = dir.file(bad.name);
        expectOneErrorLine(runCli({"info", path}), path, bad.expectedWords);
        expectOneErrorLine(runCli({"run", "exposure", "-o", dir.file("out.png"), path}), path, bad.expectedWords);
    }
    EXPECT_FALSE(std::filesystem::exists(dir.file("out.png")));
}

TEST(Cli, NanInfExrIsRefusedForProcessing)
{
    FUSELAB_REQUIRE_SHARED("exr/BrightRingsNanInf.exr");
    TempDir dir;
    const std::string path = sharedFile("exr/BrightRingsNanInf.exr");
    expectOneErrorLine(runCli({"run", "exposure", "-o", dir.file("o.exr"), path}), path, "NaN");
}

TEST(Cli, RunWritesOutputAndSidecar)
{
    TempDir dir;
    Image img(16, 8, 3, ColourEncoding::Linear);
    img.fill(0.25f);
    writeImage(dir.file("in.exr"), img);
    const CliRun r = runCli({"run", "exposure", "--param", "exposure_stops=1", "-o", dir.file("out.exr"), dir.file("in.exr"), "--quiet"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Image out = *readImage(dir.file("out.exr")).pixels.asFloat();
    EXPECT_FLOAT_EQ(out.at(3, 3, 1), 0.5f);
    const auto sidecar = nlohmann::json::parse(readBytes(dir.file("out.exr.json")));
    EXPECT_EQ(sidecar["operators"][0]["id"], "exposure");
    EXPECT_EQ(sidecar["operators"][0]["params"]["exposure_stops"], 1.0);
    EXPECT_EQ(sidecar["inputs"][0]["sha256"].get<std::string>().size(), 64u);
}
