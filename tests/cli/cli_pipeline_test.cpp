// fuselab-cli fuse/merge/tonemap on real and synthetic stacks: outputs, sidecars, stack errors.
#include "cli_runner.hpp"
#include "test_support.hpp"

#include "fuselab/io.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>

using namespace fuselab;
using namespace fuselab::test;

namespace {
std::vector<std::string> synthStack(const TempDir& dir, const std::string& sub, const std::string& size = "96x64")
{
    const std::string folder = dir.file(sub);
    const CliRun r = runCli({"synth", "--size", size, "--exposures", "3", "--quiet", "-o", folder});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    return {folder + "/exposure_00.png", folder + "/exposure_01.png", folder + "/exposure_02.png"};
}

void expectOneErrorLine(const CliRun& r, const std::string& file, const std::string& words)
{
    EXPECT_FALSE(r.signalled) << "killed by signal " << r.signal;
    EXPECT_EQ(r.exitCode, 1) << r.err;
    const auto lines = r.errLines();
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_EQ(lines[0].rfind("fuselab-cli: error: " + file + ": ", 0), 0u) << lines[0];
    EXPECT_NE(lines[0].find(words), std::string::npos) << lines[0];
}
} // namespace

TEST(CliFuse, WritesEveryFormatWithASidecar)
{
    TempDir dir;
    const auto frames = synthStack(dir, "stack");
    for (const char* name : {"f.tif", "f.png", "f.jpg", "f.exr", "f.hdr"}) {
        const std::string out = dir.file(name);
        std::vector<std::string> args = {"fuse", "--quiet", "-o", out};
        args.insert(args.end(), frames.begin(), frames.end());
        const CliRun r = runCli(args);
        ASSERT_EQ(r.exitCode, 0) << name << ": " << r.err;
        const LoadedImage img = readImage(out);
        EXPECT_EQ(img.header.width, 96);
        const auto sidecar = nlohmann::json::parse(readBytes(out + ".json"));
        EXPECT_EQ(sidecar["operators"][0]["id"], "mertens");
        EXPECT_EQ(sidecar["operators"][0]["params"]["sigma"], 0.2);
        EXPECT_EQ(sidecar["inputs"].size(), 3u);
    }
    // 16-bit TIFF straight from the engine.
    std::vector<std::string> args = {"fuse", "--quiet", "--bit-depth", "16", "--param", "weight_saturation=0.2", "-o", dir.file("f16.tif")};
    args.insert(args.end(), frames.begin(), frames.end());
    ASSERT_EQ(runCli(args).exitCode, 0);
    EXPECT_EQ(readImage(dir.file("f16.tif")).header.bitDepth, 16);
    EXPECT_EQ(nlohmann::json::parse(readBytes(dir.file("f16.tif.json")))["operators"][0]["params"]["weight_saturation"], 0.2);
}

TEST(CliFuse, FolderInputAndStackErrors)
{
    TempDir dir;
    const auto frames = synthStack(dir, "stack");
    EXPECT_EQ(runCli({"fuse", "--quiet", "-o", dir.file("folder.tif"), dir.file("stack")}).exitCode, 0);

    // A single image is not a stack.
    expectOneErrorLine(runCli({"fuse", "--quiet", "-o", dir.file("one.tif"), frames[0]}), frames[0], "at least two");
    // Mismatched sizes name the odd file.
    const auto other = synthStack(dir, "other", "64x48");
    expectOneErrorLine(runCli({"fuse", "--quiet", "-o", dir.file("mix.tif"), frames[0], other[1]}), other[1], "differs from");
    EXPECT_FALSE(std::filesystem::exists(dir.file("mix.tif")));
    // Typed EVs in the wrong order: a warning, not a silent wrong result.
    const CliRun warned = runCli({"fuse", "--quiet", "--ev", "2,0,-2", "-o", dir.file("w.tif"), frames[0], frames[1], frames[2]});
    EXPECT_EQ(warned.exitCode, 0);
    EXPECT_NE(warned.err.find("warning"), std::string::npos) << warned.err;
    // Bad --param values are usage errors.
    EXPECT_EQ(runCli({"fuse", "--param", "sigma=7", "-o", dir.file("x.tif"), frames[0], frames[1]}).exitCode, 2);
}

TEST(CliFuse, ExistingOutputSurvivesAFailedRun)
{
    TempDir dir;
    const auto frames = synthStack(dir, "stack");
    const std::string out = dir.file("keep.tif");
    ASSERT_EQ(runCli({"fuse", "--quiet", "-o", out, frames[0], frames[1]}).exitCode, 0);
    const auto before = readBytes(out);
    writeBytes(dir.file("broken.png"), {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0});
    const CliRun r = runCli({"fuse", "--quiet", "-o", out, frames[0], dir.file("broken.png")});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(readBytes(out), before);
}
