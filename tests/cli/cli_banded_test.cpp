// fuselab-cli fuse/merge --memory-mb: the banded fusion and the row-by-row merge through the
// command line — the same pixels (the same file, for EXR) as the whole-image runs, what they
// refuse, and an existing output kept when a frame turns out to be corrupt half-way.
#include "cli_runner.hpp"
#include "test_support.hpp"

#include "fuselab/io.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>

using namespace fuselab;
using namespace fuselab::test;

namespace {

std::vector<std::string> synthFrames(const TempDir& dir, const std::string& sub, const std::string& extension)
{
    const std::string folder = dir.file(sub);
    const CliRun r = runCli({"synth", "--size", "211x157", "--exposures", "3", "--quiet", "-o", folder});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    std::vector<std::string> files;
    for (int k = 0; k < 3; ++k) {
        const std::string png = folder + "/exposure_0" + std::to_string(k) + ".png";
        if (extension == ".png") {
            files.push_back(png);
        } else {
            files.push_back(folder + "/frame_" + std::to_string(k) + extension);
            writeImage(files.back(), readImage(png).pixels);
        }
    }
    return files;
}

CliRun fuse(const std::vector<std::string>& frames, const std::string& out, std::vector<std::string> extra)
{
    std::vector<std::string> args = {"fuse", "--quiet", "--no-deghost", "-o", out};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), frames.begin(), frames.end());
    return runCli(args);
}

} // namespace

TEST(CliBandedFuse, GivesTheWholeImageFusionsPixelsFromJpegAndPngRows)
{
    TempDir dir;
    for (const std::string extension : {".jpg", ".png"}) {
        const auto frames = synthFrames(dir, "stack" + extension, extension);
        const std::string whole = dir.file("whole" + extension + ".tif"), banded = dir.file("banded" + extension + ".tif");
        ASSERT_EQ(fuse(frames, whole, {}).exitCode, 0);
        const CliRun r = fuse(frames, banded, {"--memory-mb", "64"});
        ASSERT_EQ(r.exitCode, 0) << r.err;
        const LoadedImage a = readImage(whole), b = readImage(banded);
        ASSERT_EQ(b.header.width, 211);
        ASSERT_EQ(b.header.height, 157);
        const Image8& pa = *a.pixels.as8();
        const Image8& pb = *b.pixels.as8();
        int differing = 0;
        for (int y = 0; y < 157; ++y)
            for (int i = 0; i < 211 * 3; ++i) differing += pa.row(y)[i] != pb.row(y)[i];
        EXPECT_EQ(differing, 0) << extension;
        const auto sidecar = nlohmann::json::parse(readBytes(banded + ".json"));
        EXPECT_EQ(sidecar["operators"][0]["id"], "mertens");
        EXPECT_EQ(sidecar["numbers"]["memory_budget_mb"], 64);
        EXPECT_GE(sidecar["numbers"]["bands"].get<int>(), 1);
        const std::string how = sidecar["notes"]["fusion"];
        EXPECT_NE(how.find("3 of 3 frames read by scanlines"), std::string::npos) << how;
    }
}

TEST(CliBandedFuse, AStackLargerThanTheDefaultBudgetIsFusedAndMergedInBandsByItself)
{
    // 2400 × 1800 × 3 frames: about 160 MiB to fuse whole and 100 MiB to merge, above a 64 MiB
    // default budget (FUSELAB_MEMORY_MB, as a job scheduler would set it).
    TempDir dir;
    const CliRun synth = runCli({"synth", "--size", "2400x1800", "--exposures", "3", "--quiet", "-o", dir.file("big")});
    ASSERT_EQ(synth.exitCode, 0) << synth.err;
    const std::vector<std::string> frames = {dir.file("big/exposure_00.png"), dir.file("big/exposure_01.png"), dir.file("big/exposure_02.png")};
    const std::vector<std::string> budget = {"FUSELAB_MEMORY_MB=64"};
    std::vector<std::string> fuseArgs = {"fuse", "--quiet", "--no-deghost", "-o", dir.file("auto.tif")};
    fuseArgs.insert(fuseArgs.end(), frames.begin(), frames.end());
    ASSERT_EQ(runCli(fuseArgs, budget).exitCode, 0);
    EXPECT_NE(nlohmann::json::parse(readBytes(dir.file("auto.tif.json")))["notes"]["fusion"].get<std::string>().find("half of the available memory"),
              std::string::npos);
    std::vector<std::string> mergeArgs = {"merge", "--quiet", "--no-deghost", "-o", dir.file("auto.exr")};
    mergeArgs.insert(mergeArgs.end(), frames.begin(), frames.end());
    ASSERT_EQ(runCli(mergeArgs, budget).exitCode, 0);
    EXPECT_NE(nlohmann::json::parse(readBytes(dir.file("auto.exr.json")))["notes"]["merge"].get<std::string>().find("row by row"),
              std::string::npos);
    // With deghosting (the default) the stack is fused whole, with a warning that says why.
    std::vector<std::string> whole = {"fuse", "-o", dir.file("whole.tif")};
    whole.insert(whole.end(), frames.begin(), frames.end());
    const CliRun warned = runCli(whole, budget);
    EXPECT_EQ(warned.exitCode, 0);
    EXPECT_NE(warned.err.find("deghosting"), std::string::npos) << warned.err;
}

TEST(CliBandedFuse, WritesPngAndJpegRowByRow)
{
    TempDir dir;
    const auto frames = synthFrames(dir, "stack", ".jpg");
    for (const std::string name : {"out.png", "out16.png", "out.jpg"}) {
        std::vector<std::string> depth = name == "out16.png" ? std::vector<std::string>{"--bit-depth", "16"} : std::vector<std::string>{};
        std::vector<std::string> banded = depth;
        banded.insert(banded.end(), {"--memory-mb", "64"});
        ASSERT_EQ(fuse(frames, dir.file("whole-" + name), depth).exitCode, 0) << name;
        const CliRun r = fuse(frames, dir.file("banded-" + name), banded);
        ASSERT_EQ(r.exitCode, 0) << name << ": " << r.err;
        const LoadedImage a = readImage(dir.file("whole-" + name)), b = readImage(dir.file("banded-" + name));
        ASSERT_EQ(a.pixels.bitDepth(), b.pixels.bitDepth()) << name;
        EXPECT_EQ(b.colourNote, a.colourNote) << name; // the same colour tag
        const Image fa = a.pixels.toFloat(), fb = b.pixels.toFloat();
        double worst = 0.0;
        for (int y = 0; y < fa.height(); ++y)
            for (int i = 0; i < fa.width() * fa.channels(); ++i) worst = std::max(worst, double(std::fabs(fa.row(y)[i] - fb.row(y)[i])));
        // PNG is lossless: the same samples. JPEG: two encoders of the same pixels at the same quality.
        EXPECT_LE(worst, name == "out.jpg" ? 3.0 / 255.0 : 0.0) << name;
    }
}

TEST(CliBandedFuse, RefusesWhatNeedsWholeImages)
{
    TempDir dir;
    const auto frames = synthFrames(dir, "stack", ".png");
    const std::string out = dir.file("out.tif");
    // Deghosting is on by default and works on whole images: the message says how to turn it off.
    std::vector<std::string> args = {"fuse", "--quiet", "--memory-mb", "64", "-o", out};
    args.insert(args.end(), frames.begin(), frames.end());
    const CliRun deghost = runCli(args);
    EXPECT_EQ(deghost.exitCode, 2);
    EXPECT_NE(deghost.err.find("--no-deghost"), std::string::npos) << deghost.err;
    const CliRun aligned = fuse(frames, out, {"--memory-mb", "64", "--align", "mtb"});
    EXPECT_EQ(aligned.exitCode, 2);
    EXPECT_NE(aligned.err.find("--align"), std::string::npos) << aligned.err;
    const CliRun exr = fuse(frames, dir.file("out.exr"), {"--memory-mb", "64"});
    EXPECT_EQ(exr.exitCode, 2);
    EXPECT_NE(exr.err.find("TIFF, PNG or JPEG"), std::string::npos) << exr.err;
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(CliBandedFuse, AnExistingOutputSurvivesAFrameThatBreaksHalfWay)
{
    TempDir dir;
    const auto frames = synthFrames(dir, "stack", ".jpg");
    const std::string out = dir.file("keep.tif");
    ASSERT_EQ(fuse(frames, out, {"--memory-mb", "64"}).exitCode, 0);
    const auto before = readBytes(out);
    // The last frame cut in the middle of its entropy-coded data: its header reads, its rows do not.
    auto bytes = readBytes(frames[2]);
    bytes.resize(bytes.size() / 2);
    writeBytes(dir.file("cut.jpg"), bytes);
    const CliRun r = fuse({frames[0], frames[1], dir.file("cut.jpg")}, out, {"--memory-mb", "64"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("cut.jpg"), std::string::npos) << r.err;
    EXPECT_EQ(readBytes(out), before);
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
        EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << "temporary left behind: " << e.path();
}

TEST(CliBandedMerge, GivesTheWholeImageMergesFileForEveryResponse)
{
    TempDir dir;
    const auto frames = synthFrames(dir, "stack", ".jpg");
    const std::string curve = dir.file("curve.csv");
    for (const std::string response : {"debevec", "robertson", "srgb", "csv"}) {
        std::vector<std::string> common = {"merge", "--quiet", "--no-deghost", "--ev", "-2,0,2"};
        if (response == "csv") {
            common.insert(common.end(), {"--response", curve});
        } else {
            common.insert(common.end(), {"--response", response});
            if (response == "debevec") common.insert(common.end(), {"--response-out", curve});
        }
        std::vector<std::string> whole = common, rows = common;
        whole.insert(whole.end(), {"-o", dir.file("whole-" + response + ".exr")});
        rows.insert(rows.end(), {"--memory-mb", "64", "-o", dir.file("rows-" + response + ".exr")});
        whole.insert(whole.end(), frames.begin(), frames.end());
        rows.insert(rows.end(), frames.begin(), frames.end());
        ASSERT_EQ(runCli(whole).exitCode, 0) << response;
        const CliRun r = runCli(rows);
        ASSERT_EQ(r.exitCode, 0) << response << ": " << r.err;
        // Same samples, same header: the files are equal byte for byte.
        EXPECT_EQ(readBytes(dir.file("rows-" + response + ".exr")), readBytes(dir.file("whole-" + response + ".exr"))) << response;
        const auto sidecar = nlohmann::json::parse(readBytes(dir.file("rows-" + response + ".exr.json")));
        EXPECT_NE(sidecar["notes"]["merge"].get<std::string>().find("3 of 3 frames read by scanlines"), std::string::npos);
        EXPECT_EQ(sidecar["notes"]["encoding"], "linear");
    }
}

TEST(CliBandedMerge, RefusesWhatNeedsWholeImagesAndNamesAFrameWithoutExposure)
{
    TempDir dir;
    const auto frames = synthFrames(dir, "stack", ".jpg"); // written without EXIF exposure
    auto merge = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {"merge", "--quiet", "-o", dir.file("out.exr"), "--memory-mb", "64"};
        args.insert(args.end(), extra.begin(), extra.end());
        args.insert(args.end(), frames.begin(), frames.end());
        return runCli(args);
    };
    const CliRun deghost = merge({"--ev", "-2,0,2"});
    EXPECT_EQ(deghost.exitCode, 2);
    EXPECT_NE(deghost.err.find("--no-deghost"), std::string::npos) << deghost.err;
    const CliRun hdr = runCli({"merge", "--quiet", "--no-deghost", "--memory-mb", "64", "--ev", "-2,0,2", "-o", dir.file("out.hdr"), frames[0],
                               frames[1], frames[2]});
    EXPECT_EQ(hdr.exitCode, 2);
    const CliRun noExposure = merge({"--no-deghost"});
    EXPECT_EQ(noExposure.exitCode, 1);
    EXPECT_NE(noExposure.err.find("frame_0.jpg"), std::string::npos) << noExposure.err;
    EXPECT_NE(noExposure.err.find("--ev"), std::string::npos) << noExposure.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("out.exr")));
}
