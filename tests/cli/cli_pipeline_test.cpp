// fuselab-cli fuse/merge/tonemap on real and synthetic stacks: outputs, sidecars, stack errors.
#include "cli_runner.hpp"
#include "dng_writer.hpp"
#include "test_support.hpp"

#include "fuselab/io.hpp"
#include "fuselab/base/synthetic.hpp"

#include <algorithm>
#include <cmath>

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

TEST(CliFuse, AJpegNamedPngIsFusedWithAWarning)
{
    // Two of a public benchmark's pairs are JPEG files named .png: every tool opens them, and
    // so does FuseLab, saying once what it found (stderr and the sidecar).
    TempDir dir;
    const auto frames = synthStack(dir, "stack");
    const std::string jpeg = dir.file("middle.jpg"), disguised = dir.file("middle.png");
    ASSERT_EQ(runCli({"run", "exposure", "--quiet", "-o", jpeg, frames[1]}).exitCode, 0);
    std::filesystem::copy_file(jpeg, disguised);
    const CliRun r = runCli({"fuse", "--quiet", "-o", dir.file("f.png"), frames[0], disguised, frames[2]});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto lines = r.errLines();
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_EQ(lines[0], "fuselab-cli: warning: " + disguised + ": the content is JPEG, not the PNG the name says; read as JPEG");
    const auto sidecar = nlohmann::json::parse(readBytes(dir.file("f.png.json")));
    EXPECT_EQ(sidecar["notes"]["read " + disguised], "the content is JPEG, not the PNG the name says; read as JPEG");
    // The same pixels as under its own name.
    ASSERT_EQ(runCli({"fuse", "--quiet", "-o", dir.file("g.png"), frames[0], jpeg, frames[2]}).exitCode, 0);
    EXPECT_EQ(compareImages(readImage(dir.file("f.png")).pixels.toFloat(), readImage(dir.file("g.png")).pixels.toFloat(), 0, 0, 0).maxError,
              0.0);
    // info says it too, and reports the content's format.
    const CliRun info = runCli({"info", disguised});
    EXPECT_EQ(info.exitCode, 0);
    EXPECT_NE(info.err.find("read as JPEG"), std::string::npos) << info.err;
}

TEST(CliMerge, RecoversTheTrueRadianceUpToScale)
{
    TempDir dir;
    const auto frames = synthStack(dir, "stack", "160x120");
    std::vector<std::string> args = {"merge", "--quiet", "-o", dir.file("r.exr"), "--response-out", dir.file("r.csv")};
    args.insert(args.end(), frames.begin(), frames.end());
    const CliRun r = runCli(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Image merged = *readImage(dir.file("r.exr")).pixels.asFloat();
    const Image truth = *readImage(dir.file("stack/truth/radiance.exr")).pixels.asFloat();
    // Same geometry; radiance agrees up to one global scale: the median log ratio is that
    // scale, and the median deviation from it is small (8-bit quantisation, response fit).
    EXPECT_LT(medianLnErrorAfterScale(merged, truth, 2), 0.05) << "median |ln error| after removing the scale";
    const CameraResponse response = readResponseCsv(dir.file("r.csv"));
    EXPECT_EQ(response.tablePixelValues().size(), 256u);
    const auto sidecar = nlohmann::json::parse(readBytes(dir.file("r.exr.json")));
    EXPECT_EQ(sidecar["operators"][0]["id"], "merge-debevec");
}

TEST(CliMerge, RefusesWhatCannotBeMerged)
{
    TempDir dir;
    writeImage(dir.file("a.png"), makePattern(32, 32, 3, 1));
    writeImage(dir.file("b.png"), makePattern(32, 32, 3, 2));
    const CliRun noExif = runCli({"merge", "--quiet", "-o", dir.file("x.exr"), dir.file("a.png"), dir.file("b.png")});
    expectOneErrorLine(noExif, dir.file("a.png"), "--ev");
    EXPECT_EQ(runCli({"merge", "--quiet", "-o", dir.file("x.png"), dir.file("a.png"), dir.file("b.png")}).exitCode, 2);
    EXPECT_EQ(runCli({"merge", "--quiet", "--response", "cubic", "-o", dir.file("x.exr"), dir.file("a.png"), dir.file("b.png")}).exitCode, 2);
    // With typed EVs and a known response it works.
    EXPECT_EQ(runCli({"merge", "--quiet", "--ev", "0,1", "--response", "srgb", "-o", dir.file("x.exr"), dir.file("a.png"), dir.file("b.png")})
                  .exitCode,
              0);
}

TEST(CliToneMap, EveryOperatorWritesAndPqIsNoted)
{
    TempDir dir;
    Image radiance = makePattern(64, 48, 3);
    radiance.setEncoding(ColourEncoding::Linear);
    for (int y = 0; y < 48; ++y)
        for (int x = 0; x < 64 * 3; ++x) radiance.row(y)[x] = std::exp2(float(x % 192) / 12.0f - 8.0f);
    writeImage(dir.file("in.exr"), radiance);
    for (const char* op : {"mulaw", "pq", "hlg", "reinhard", "reinhard-local", "drago", "mantiuk", "durand"}) {
        const std::string out = dir.file(std::string(op) + ".png");
        const CliRun r = runCli({"tonemap", "--quiet", "--op", op, "--bit-depth", "16", "-o", out, dir.file("in.exr")});
        ASSERT_EQ(r.exitCode, 0) << op << ": " << r.err;
        EXPECT_EQ(r.err.find("WARN"), std::string::npos) << "library log noise: " << r.err;
        EXPECT_EQ(readImage(out).header.bitDepth, 16);
    }
    const auto pq = nlohmann::json::parse(readBytes(dir.file("pq.png.json")));
    EXPECT_NE(pq["notes"]["transfer_function"].get<std::string>().find("2084"), std::string::npos);
    EXPECT_EQ(runCli({"tonemap", "--op", "nosuch", "-o", dir.file("x.png"), dir.file("in.exr")}).exitCode, 2);
}

// CLI.md's `--param ID=VALUE` is repeatable, one value per occurrence: inputs may follow it (CLI11
// used to take every following word as another value, the input included), and a second value
// after one --param is an unexpected argument (exit 2), never a silently applied parameter.
TEST(CliToneMap, ParamTakesOneValuePerOccurrence)
{
    TempDir dir;
    Image radiance(32, 24, 3, ColourEncoding::Linear);
    radiance.fill(0.25f);
    writeImage(dir.file("in.exr"), radiance);
    const CliRun r = runCli({"tonemap", "--quiet", "--op", "mulaw", "--param", "mu=100", "--param", "normalisation=none",
                             dir.file("in.exr"), "--bit-depth", "16", "-o", dir.file("out.png")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    // T(0.25) = log(1 + 100 · 0.25) / log(101) with no normalisation: both parameters applied
    // (the default normalisation would divide by the maximum first: T(1) = 1).
    const double expected = std::log(26.0) / std::log(101.0);
    EXPECT_NEAR(readImage(dir.file("out.png")).pixels.as16()->at(5, 5, 1) / 65535.0, expected, 1e-4);
    const CliRun two = runCli({"tonemap", "--quiet", "--op", "mulaw", "--param", "mu=100", "normalisation=none", dir.file("in.exr"),
                               "-o", dir.file("two.exr")});
    EXPECT_EQ(two.exitCode, 2) << two.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("two.exr")));
}

TEST(CliFuse, AlignsAndDeghostsOnRequest)
{
    TempDir dir;
    const std::string folder = dir.file("shaky");
    ASSERT_EQ(runCli({"synth", "--size", "200x150", "--exposures", "3", "--misalign", "4", "--seed", "7", "--quiet", "-o", folder}).exitCode, 0);
    const CliRun r = runCli({"fuse", "--align", "mtb", "--deghost", "-o", dir.file("f.tif"), folder});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("align:"), std::string::npos) << "the estimated shifts are reported: " << r.err;
    const auto sidecar = nlohmann::json::parse(readBytes(dir.file("f.tif.json")));
    // The operators in the order they ran: the alignment, then the fusion.
    ASSERT_EQ(sidecar["operators"].size(), 2u);
    EXPECT_EQ(sidecar["operators"][0]["id"], "align-mtb");
    EXPECT_EQ(sidecar["operators"][1]["params"]["deghost"], true);
    EXPECT_TRUE(sidecar["numbers"].contains("moving_fraction"));
    EXPECT_TRUE(sidecar["numbers"].contains("align-mtb.dx_0"));
    EXPECT_EQ(sidecar["notes"]["alignment"], "mtb");
}

TEST(CliFuse, DeghostingIsOnByDefaultAndTakesAPaintedMask)
{
    TempDir dir;
    const auto frames = synthStack(dir, "stack", "96x64");
    std::vector<std::string> on = {"fuse", "--quiet", "-o", dir.file("on.png")}, off = {"fuse", "--quiet", "--no-deghost", "-o", dir.file("off.png")};
    on.insert(on.end(), frames.begin(), frames.end());
    off.insert(off.end(), frames.begin(), frames.end());
    ASSERT_EQ(runCli(on).exitCode, 0);
    ASSERT_EQ(runCli(off).exitCode, 0);
    // A static stack: deghosting finds nothing and changes nothing.
    EXPECT_EQ(readBytes(dir.file("on.png")), readBytes(dir.file("off.png")));
    const auto onSidecar = nlohmann::json::parse(readBytes(dir.file("on.png.json")));
    EXPECT_EQ(onSidecar["operators"][0]["params"]["deghost"], true);
    EXPECT_EQ(onSidecar["numbers"]["moving_fraction"], 0.0);
    EXPECT_EQ(nlohmann::json::parse(readBytes(dir.file("off.png.json")))["operators"][0]["params"]["deghost"], false);

    // A painted mask: grey level 2 (the second frame) over a 20 × 10 box.
    Image mask(96, 64, 1, ColourEncoding::Srgb);
    for (int y = 10; y < 20; ++y)
        for (int x = 30; x < 50; ++x) mask.at(x, y) = 2.0f / 255.0f;
    writeImage(dir.file("mask.png"), mask);
    std::vector<std::string> painted = {"fuse", "--quiet", "--deghost-mask", dir.file("mask.png"), "-o", dir.file("painted.png")};
    painted.insert(painted.end(), frames.begin(), frames.end());
    const CliRun r = runCli(painted);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto sidecar = nlohmann::json::parse(readBytes(dir.file("painted.png.json")));
    EXPECT_EQ(sidecar["numbers"]["deghost_pixels_frame_1"], 200.0);
    EXPECT_EQ(sidecar["numbers"]["deghost_pixels_frame_0"], 0.0);
    EXPECT_NE(sidecar["notes"]["deghost_mask"].get<std::string>().find("mask.png"), std::string::npos);
    bool listed = false;
    for (const auto& input : sidecar["inputs"]) listed |= input["path"] == dir.file("mask.png");
    EXPECT_TRUE(listed) << "the mask is an input of the output, hashed in its sidecar";

    // A mask of another size, or naming a frame the stack lacks, is refused naming the file.
    writeImage(dir.file("small.png"), Image(10, 10, 1, ColourEncoding::Srgb));
    std::vector<std::string> wrong = {"fuse", "--quiet", "--deghost-mask", dir.file("small.png"), "-o", dir.file("x.png")};
    wrong.insert(wrong.end(), frames.begin(), frames.end());
    expectOneErrorLine(runCli(wrong), dir.file("small.png"), "10x10 but the stack is 96x64");
    mask.at(0, 0) = 7.0f / 255.0f;
    writeImage(dir.file("beyond.png"), mask);
    std::vector<std::string> beyond = {"fuse", "--quiet", "--deghost-mask", dir.file("beyond.png"), "-o", dir.file("y.png")};
    beyond.insert(beyond.end(), frames.begin(), frames.end());
    const CliRun b = runCli(beyond);
    EXPECT_EQ(b.exitCode, 1);
    EXPECT_NE(b.err.find("names frame 7 of a stack of 3 frames"), std::string::npos) << b.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("y.png")));
}

TEST(CliMerge, RawFramesMergeThroughTheLinearResponseByDefault)
{
    // Camera RAW frames are developed linearly: without --response the merge takes the linear
    // response instead of recovering one. A generated linear-DNG bracket, exposure in its EXIF.
    TempDir dir;
    const Image scene = makeSyntheticScene({"interior", 96, 64, 4});
    ExposureSimulation sim;
    sim.stops = {-2.0, 0.0, 2.0};
    sim.exposureScale = autoExposureScale(scene);
    sim.response = CameraResponse::linear();
    sim.bitDepth = 16;
    std::vector<std::string> args = {"merge", "--quiet", "-o", dir.file("r.exr")};
    const auto frames = exposeScene(scene, sim);
    for (std::size_t k = 0; k < frames.size(); ++k) {
        args.push_back(dir.file("f" + std::to_string(k) + ".dng"));
        writeLinearDng(args.back(), *frames[k].pixels.as16(), std::exp2(frames[k].stops) / 64.0, 8.0, 100);
    }
    const CliRun r = runCli(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto sidecar = nlohmann::json::parse(readBytes(dir.file("r.exr.json")));
    EXPECT_EQ(sidecar["operators"][0]["id"], "merge-response");
    EXPECT_EQ(sidecar["operators"][0]["params"]["response"], "linear");
    // Display-encoded frames still recover their response.
    const auto srgb = synthStack(dir, "srgb");
    std::vector<std::string> more = {"merge", "--quiet", "-o", dir.file("s.exr")};
    more.insert(more.end(), srgb.begin(), srgb.end());
    ASSERT_EQ(runCli(more).exitCode, 0);
    EXPECT_EQ(nlohmann::json::parse(readBytes(dir.file("s.exr.json")))["operators"][0]["id"], "merge-debevec");
}

TEST(CliRaw, InfoFuseAndMergeReadCameraRaw)
{
    FUSELAB_REQUIRE_SHARED("raw/Canon_PowerShot_G2_CRW_0304.CRW");
    const std::string crw = sharedFile("raw/Canon_PowerShot_G2_CRW_0304.CRW"), dng = sharedFile("raw/tinydng_colorchart.dng");
    const CliRun info = runCli({"info", "--json", crw, dng});
    ASSERT_EQ(info.exitCode, 0) << info.err;
    const auto j = nlohmann::json::parse(info.out);
    EXPECT_EQ(j[0]["format"], "camera-raw");
    EXPECT_EQ(j[0]["width"], 2312); // the sensor image, not a thumbnail
    EXPECT_EQ(j[0]["colour"], "linear");
    EXPECT_NEAR(j[0]["exposure_time_s"].get<double>(), 0.0198, 0.001);
    EXPECT_EQ(j[1]["width"], 1734);
    EXPECT_TRUE(j[1]["ev"].is_null()); // no exposure data in that DNG: said, not guessed
    // Two RAW frames fuse; the second shot is of another exposure as typed.
    TempDir dir;
    const CliRun fused = runCli({"fuse", "--quiet", "--ev", "0,1", "-o", dir.file("f.png"), crw, sharedFile("raw/Canon_PowerShot_G2_CRW_0305.CRW")});
    ASSERT_EQ(fused.exitCode, 0) << fused.err;
    EXPECT_EQ(readImage(dir.file("f.png")).header.width, 2312);
    // A Prophesee recording is not an image, whatever its extension says.
    FUSELAB_REQUIRE_SHARED("events/evt3_sample.raw");
    const CliRun events = runCli({"info", sharedFile("events/evt3_sample.raw")});
    EXPECT_EQ(events.exitCode, 1);
}

TEST(CliOutput, BitDepthFollowsTheInputsAndJsonDescribesWhatWasWritten)
{
    TempDir dir;
    ASSERT_EQ(runCli({"synth", "--size", "96x64", "--exposures", "3", "--bit-depth", "16", "--quiet", "-o", dir.file("deep")}).exitCode, 0);
    const auto shallow = synthStack(dir, "shallow");
    // 16-bit inputs give a 16-bit PNG; 8-bit inputs an 8-bit one; --bit-depth decides when given.
    const CliRun deep = runCli({"fuse", "--quiet", "--json", "-o", dir.file("deep.png"), dir.file("deep")});
    ASSERT_EQ(deep.exitCode, 0) << deep.err;
    EXPECT_EQ(readImage(dir.file("deep.png")).header.bitDepth, 16);
    const auto j = nlohmann::json::parse(deep.out); // stdout holds the JSON document only
    EXPECT_EQ(j["path"], dir.file("deep.png"));
    EXPECT_EQ(j["width"], 96);
    EXPECT_EQ(j["height"], 64);
    EXPECT_EQ(j["channels"], 3);
    EXPECT_EQ(j["bit_depth"], 16);
    EXPECT_EQ(j["colour_space"], "srgb");
    EXPECT_EQ(j["sidecar"], dir.file("deep.png.json"));
    EXPECT_TRUE(std::filesystem::exists(j["sidecar"].get<std::string>()));
    ASSERT_EQ(runCli({"fuse", "--quiet", "--bit-depth", "8", "-o", dir.file("deep8.png"), dir.file("deep")}).exitCode, 0);
    EXPECT_EQ(readImage(dir.file("deep8.png")).header.bitDepth, 8);
    std::vector<std::string> args = {"fuse", "--quiet", "-o", dir.file("shallow.png")};
    args.insert(args.end(), shallow.begin(), shallow.end());
    ASSERT_EQ(runCli(args).exitCode, 0);
    EXPECT_EQ(readImage(dir.file("shallow.png")).header.bitDepth, 8);
    // merge and tonemap describe theirs too; a float radiance tone-maps to 16 bits by default.
    const CliRun merged = runCli({"merge", "--quiet", "--json", "-o", dir.file("r.exr"), dir.file("deep")});
    ASSERT_EQ(merged.exitCode, 0) << merged.err;
    const auto m = nlohmann::json::parse(merged.out);
    EXPECT_EQ(m["colour_space"], "linear");
    EXPECT_EQ(m["bit_depth"], 16); // half float
    const CliRun toned = runCli({"tonemap", "--quiet", "--json", "--op", "reinhard", "-o", dir.file("t.png"), dir.file("r.exr")});
    ASSERT_EQ(toned.exitCode, 0) << toned.err;
    EXPECT_EQ(nlohmann::json::parse(toned.out)["bit_depth"], 16);
    EXPECT_EQ(readImage(dir.file("t.png")).header.bitDepth, 16);
}

TEST(CliOutput, ColourSpacesAreChosenSaidAndKept)
{
    TempDir dir;
    const auto stack = synthStack(dir, "s");
    // Display P3 output: --json names it, the file's pixels say it (read back through its
    // profile into the Rec. 709 working space they match the sRGB fusion).
    std::vector<std::string> p3 = {"fuse", "--quiet", "--json", "--bit-depth", "16", "--output-space", "display-p3", "-o", dir.file("p3.png")};
    p3.insert(p3.end(), stack.begin(), stack.end());
    const CliRun wide = runCli(p3);
    ASSERT_EQ(wide.exitCode, 0) << wide.err;
    EXPECT_EQ(nlohmann::json::parse(wide.out)["colour_space"], "display-p3");
    std::vector<std::string> plain = {"fuse", "--quiet", "--bit-depth", "16", "-o", dir.file("srgb.png")};
    plain.insert(plain.end(), stack.begin(), stack.end());
    ASSERT_EQ(runCli(plain).exitCode, 0);
    const LoadedImage viaProfile = readImage(dir.file("p3.png"));
    EXPECT_TRUE(viaProfile.colourConverted) << viaProfile.colourNote;
    const Image a = viaProfile.pixels.toFloat(), b = readImage(dir.file("srgb.png")).pixels.toFloat();
    double worst = 0.0;
    for (int y = 0; y < a.height(); y += 3)
        for (int x = 0; x < a.width(); x += 3)
            for (int c = 0; c < 3; ++c) worst = std::max(worst, double(std::fabs(a.at(x, y, c) - b.at(x, y, c))));
    EXPECT_LT(worst, 2.0 / 255.0);
    // info says what the file holds; the sidecar keeps what each input said.
    const CliRun info = runCli({"info", "--json", dir.file("p3.png")});
    ASSERT_EQ(info.exitCode, 0) << info.err;
    EXPECT_NE(nlohmann::json::parse(info.out)[0]["colour_profile"].get<std::string>().find("Display P3"), std::string::npos) << info.out;
    const auto sidecar = nlohmann::json::parse(readBytes(dir.file("srgb.png.json")));
    EXPECT_NE(sidecar["notes"]["colour " + stack.front()].get<std::string>().find("sRGB"), std::string::npos) << sidecar.dump(1);
    // An unknown space is a usage error.
    std::vector<std::string> bad = {"fuse", "--quiet", "--output-space", "prophoto", "-o", dir.file("x.png")};
    bad.insert(bad.end(), stack.begin(), stack.end());
    EXPECT_EQ(runCli(bad).exitCode, 2);
}

TEST(CliOutput, Rec2020WorkingSpaceMergesToRec2020Radiance)
{
    TempDir dir;
    ASSERT_EQ(runCli({"synth", "--size", "96x64", "--exposures", "3", "--quiet", "-o", dir.file("s")}).exitCode, 0);
    const CliRun wide = runCli({"merge", "--quiet", "--json", "--working-space", "rec2020", "-o", dir.file("wide.exr"), dir.file("s")});
    ASSERT_EQ(wide.exitCode, 0) << wide.err;
    EXPECT_EQ(nlohmann::json::parse(wide.out)["colour_space"], "linear-rec2020");
    const CliRun narrow = runCli({"merge", "--quiet", "-o", dir.file("narrow.exr"), dir.file("s")});
    ASSERT_EQ(narrow.exitCode, 0) << narrow.err;
    // The same light either way (radiance is relative: up to one scale, which the recovered
    // response sets): read back into Rec. 709, the Rec. 2020 merge matches the other.
    const Image a = readImage(dir.file("wide.exr")).pixels.toFloat(), b = readImage(dir.file("narrow.exr")).pixels.toFloat();
    std::vector<double> logRatios;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            if (a.at(x, y, 1) > 0.0f && b.at(x, y, 1) > 0.0f) logRatios.push_back(std::log(double(a.at(x, y, 1)) / b.at(x, y, 1)));
    ASSERT_FALSE(logRatios.empty());
    std::nth_element(logRatios.begin(), logRatios.begin() + std::ptrdiff_t(logRatios.size() / 2), logRatios.end());
    const double scale = logRatios[logRatios.size() / 2];
    std::vector<double> errors;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            for (int c = 0; c < 3; ++c)
                if (a.at(x, y, c) > 0.0f && b.at(x, y, c) > 0.0f) errors.push_back(std::fabs(std::log(double(a.at(x, y, c)) / b.at(x, y, c)) - scale));
    std::nth_element(errors.begin(), errors.begin() + std::ptrdiff_t(errors.size() / 2), errors.end());
    EXPECT_LT(errors[errors.size() / 2], 0.05) << "merging in Rec. 2020 and converting back agrees with merging in Rec. 709";
    const auto sidecar = nlohmann::json::parse(readBytes(dir.file("wide.exr.json")));
    EXPECT_NE(sidecar["notes"]["colour " + dir.file("s/exposure_00.png")].get<std::string>().find("Rec. 2020"), std::string::npos)
        << sidecar.dump(1);
}
