// fuselab-cli train and fuse --method learned (builds with LibTorch only).
#include "cli_runner.hpp"
#include "test_support.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/events_io.hpp"
#include "fuselab/base/events_sim.hpp"
#include "fuselab/io.hpp"
#include "fuselab/learn/model_files.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

using namespace fuselab;
using namespace fuselab::test;

namespace {

std::string synthStack(const TempDir& dir)
{
    const std::string folder = dir.file("stack");
    const CliRun r = runCli({"synth", "--size", "96x64", "--exposures", "3", "--quiet", "-o", folder});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    return folder;
}

const std::vector<std::string> kTinyTraining = {"--param", "batch=2", "--param", "patch_px=48", "--param", "low_res_min_px=16",
                                                "--param", "low_res_max_px=20", "--param", "validate_every=0", "--log-every", "1",
                                                "--threads", "2"};

// A small simulated frame+event recording, written with the events writers: two 64×48 frames
// (t = 0 and 33 333 µs) of the interior scene with a bright disc crossing and the light rising by
// 1.5 stops, the events between them as text (no frames) and as HDF5 (with both frames).
struct Recording {
    std::string frame0, frame1, text, hdf5;
    std::size_t eventCount = 0;
    Image truthCameraUnits; ///< radiance at frame 1 × the exposure scale (1 = the frame's saturation)
};

Recording writeRecording(const TempDir& dir)
{
    EventSequenceOptions o;
    o.scene = {"interior", 64, 48, 3};
    o.frames = 2;
    o.motion = SimMotion::Object;
    o.motionPx = 6.0;
    o.brightnessStops = 1.5;
    const EventSequence seq = simulateEventSequence(o);
    Recording r;
    r.frame0 = dir.file("frame0.png");
    r.frame1 = dir.file("frame1.png");
    r.text = dir.file("events.txt");
    r.hdf5 = dir.file("events.h5");
    writeImage(r.frame0, seq.frames[0]);
    writeImage(r.frame1, seq.frames[1]);
    writeEventsText(r.text, seq.events);
    writeEventsHdf5(r.hdf5, seq.events, {Hdf5Frame{seq.frameTimesUs[0], seq.frames[0]}, Hdf5Frame{seq.frameTimesUs[1], seq.frames[1]}});
    r.eventCount = seq.events.events.size();
    r.truthCameraUnits = seq.radiance[1].clone();
    for (int y = 0; y < 48; ++y)
        for (int i = 0; i < 64 * 3; ++i) r.truthCameraUnits.row(y)[i] *= float(seq.exposureScale);
    return r;
}

nlohmann::json readSidecar(const std::string& path)
{
    std::ifstream in(path + ".json");
    return nlohmann::json::parse(in);
}

} // namespace

TEST(CliLearn, TrainPrintsEveryTermAndResumes)
{
    TempDir dir;
    std::vector<std::string> args = {"train", "--steps", "2", "-o", dir.file("m.pt")};
    args.insert(args.end(), kTinyTraining.begin(), kTinyTraining.end());
    const CliRun r = runCli(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(std::filesystem::exists(dir.file("m.pt")));
    EXPECT_TRUE(std::filesystem::exists(dir.file("m.pt.checkpoint")));
    for (const char* term : {"step 1 ", "step 2 ", "total ", "l1 ", "sf ", "mi ", "mef_ssim_loss ", "mef_ssim ", "lr "})
        EXPECT_NE(r.out.find(term), std::string::npos) << term << " missing from:\n" << r.out;
    EXPECT_NE(r.out.find("validation step 2"), std::string::npos) << "validated at the end";

    std::vector<std::string> resume = {"train", "--resume", dir.file("m.pt.checkpoint"), "--steps", "3", "-o", dir.file("m3.pt"),
                                       "--log-every", "1"};
    const CliRun r2 = runCli(resume);
    ASSERT_EQ(r2.exitCode, 0) << r2.err;
    EXPECT_EQ(r2.out.find("step 2 "), std::string::npos);
    EXPECT_NE(r2.out.find("step 3 "), std::string::npos) << r2.out;
}

TEST(CliLearn, FineTunesTheShippedModelOnOneStack)
{
    TempDir dir;
    const std::string stack = synthStack(dir);
    std::vector<std::string> args = {"train", "--init", "shipped", "--data", stack, "--steps", "2", "-o", dir.file("tuned.pt")};
    args.insert(args.end(), kTinyTraining.begin(), kTinyTraining.end());
    const CliRun r = runCli(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("3 exposures"), std::string::npos) << "the folder is read as one stack:\n" << r.err;
    EXPECT_NE(r.out.find("step 2 "), std::string::npos) << r.out;
    const CliRun fused = runCli({"fuse", "--method", "learned", "--model", dir.file("tuned.pt"), "--quiet", "-o", dir.file("t.png"), stack});
    EXPECT_EQ(fused.exitCode, 0) << fused.err;
    // Issue 19: the sidecar's recipe names the fine-tuned model, and replay makes the same file with it.
    const CliRun again = runCli({"replay", "--quiet", dir.file("t.png.json"), "-o", dir.file("t-again.png")});
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_EQ(readBytes(dir.file("t.png")), readBytes(dir.file("t-again.png")));
    std::ifstream tunedSidecar(dir.file("t.png.json"));
    EXPECT_NE(nlohmann::json::parse(tunedSidecar)["recipe"]["steps"][0]["model"].get<std::string>().find("tuned.pt"), std::string::npos);
    EXPECT_EQ(runCli({"train", "--init", "shipped", "--resume", dir.file("tuned.pt.checkpoint"), "-o", dir.file("x.pt")}).exitCode, 2);
}

TEST(CliLearn, TrainRefusesBadParameters)
{
    TempDir dir;
    EXPECT_EQ(runCli({"train", "--param", "weight_l1=-1", "-o", dir.file("m.pt")}).exitCode, 2);
    EXPECT_EQ(runCli({"train", "--param", "no_such=1", "-o", dir.file("m.pt")}).exitCode, 2);
    EXPECT_EQ(runCli({"train", "--device", "tpu", "-o", dir.file("m.pt")}).exitCode, 2);
}

TEST(CliLearn, FuseLearnedWithTheShippedModelAndAnother)
{
    TempDir dir;
    const std::string stack = synthStack(dir);
    const CliRun shipped = runCli({"fuse", "--method", "learned", "--quiet", "-o", dir.file("a.png"), stack});
    ASSERT_EQ(shipped.exitCode, 0) << shipped.err;
    std::ifstream in(dir.file("a.png.json"));
    const nlohmann::json sidecar = nlohmann::json::parse(in);
    EXPECT_EQ(sidecar["operators"][0]["id"], "learned");
    EXPECT_NE(sidecar["notes"]["model"].get<std::string>().find(fuselab::learn::kShippedModelFileName), std::string::npos);
    // Issue 19: the shipped model's fusion replays bit for bit (the recipe names no model file: the registered one).
    const CliRun replayed = runCli({"replay", "--quiet", dir.file("a.png.json"), "-o", dir.file("a-again.png")});
    ASSERT_EQ(replayed.exitCode, 0) << replayed.err;
    EXPECT_EQ(readBytes(dir.file("a.png")), readBytes(dir.file("a-again.png")));

    const CliRun missing = runCli({"fuse", "--method", "learned", "--model", dir.file("none.pt"), "-o", dir.file("b.png"), stack});
    EXPECT_EQ(missing.exitCode, 1);
    ASSERT_EQ(missing.errLines().size(), 1u) << missing.err;
    EXPECT_EQ(missing.errLines()[0].rfind("fuselab-cli: error: " + dir.file("none.pt") + ": ", 0), 0u) << missing.err;

    EXPECT_EQ(runCli({"fuse", "--model", dir.file("none.pt"), "-o", dir.file("c.png"), stack}).exitCode, 2)
        << "--model needs --method learned";
    EXPECT_EQ(runCli({"fuse", "--method", "learned", "--deghost", "-o", dir.file("d.png"), stack}).exitCode, 2);
}

// fuse --method learned --memory-mb: the network's weights computed a band at a time (its low-
// resolution input gathered row by row) give the whole-image fusion's file, 8- and 16-bit.
TEST(CliLearn, LearnedFusionInBandsGivesTheWholeImageFile)
{
    TempDir dir;
    const CliRun synth = runCli({"synth", "--size", "3001x1401", "--exposures", "4", "--quiet", "-o", dir.file("stack")});
    ASSERT_EQ(synth.exitCode, 0) << synth.err;
    for (const std::string depth : {"8", "16"}) {
        const std::string whole = dir.file("whole" + depth + ".tif"), banded = dir.file("banded" + depth + ".tif");
        ASSERT_EQ(runCli({"fuse", "--method", "learned", "--quiet", "--bit-depth", depth, "-o", whole, dir.file("stack")}).exitCode, 0);
        // 64 MiB: several bands at this size.
        const CliRun r = runCli({"fuse", "--method", "learned", "--quiet", "--bit-depth", depth, "--memory-mb", "64", "-o", banded, dir.file("stack")});
        ASSERT_EQ(r.exitCode, 0) << r.err;
        EXPECT_EQ(readBytes(banded), readBytes(whole)) << depth << "-bit";
        std::ifstream in(banded + ".json");
        const nlohmann::json sidecar = nlohmann::json::parse(in);
        EXPECT_EQ(sidecar["operators"][0]["id"], "learned");
        EXPECT_GE(sidecar["numbers"]["bands"].get<int>(), 2);
    }
    // The weights are computed on the CPU: asking for CUDA is a usage error, before any work.
    EXPECT_EQ(runCli({"fuse", "--method", "learned", "--memory-mb", "64", "--param", "device=cuda", "-o", dir.file("c.tif"), dir.file("stack")})
                  .exitCode,
              2);
}

// fuse --frame --events --method learned with the shipped frame/event model: text events with an
// explicit reference frame, and HDF5 events whose stored frame is the reference; an 8-bit output
// holds the model's μ-law tone domain, an EXR camera units (where the frame is well exposed the
// fused result agrees with the frame's own decoded value to within 10 %: the model keeps F there).
TEST(CliLearn, FuseFrameAndEventsWithTheLearnedModel)
{
    TempDir dir;
    const Recording rec = writeRecording(dir);
    ASSERT_GT(rec.eventCount, 100u);
    const CliRun text = runCli({"fuse", "--frame", rec.frame1, "--events", rec.text, "--reference", rec.frame0, "--method", "learned",
                                "--window-us", "40000", "--threads", "1", "--quiet", "-o", dir.file("fused.png")});
    ASSERT_EQ(text.exitCode, 0) << text.err;
    const LoadedImage png = readImage(dir.file("fused.png"));
    EXPECT_EQ(png.pixels.width(), 64);
    EXPECT_EQ(png.pixels.height(), 48);
    const nlohmann::json side = readSidecar(dir.file("fused.png"));
    EXPECT_EQ(side["operators"][0]["id"], "learned");
    EXPECT_NE(side["notes"]["model"].get<std::string>().find("fusion-events-v1.pt"), std::string::npos);
    EXPECT_EQ(side["notes"]["reference_frame"], rec.frame0);
    EXPECT_EQ(side["numbers"]["event_count"].get<double>(), double(rec.eventCount)) << "the 40 ms window holds every event";
    EXPECT_EQ(side["inputs"].size(), 3u);
    // Issue 19: the sidecar is the recipe (frame, recording, reference, window): replay makes the same file.
    const CliRun again = runCli({"replay", "--quiet", "--threads", "1", dir.file("fused.png.json"), "-o", dir.file("fused-again.png")});
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_EQ(readBytes(dir.file("fused.png")), readBytes(dir.file("fused-again.png")));
    EXPECT_EQ(side["recipe"]["frame_events"]["window_us"], 40000);
    EXPECT_EQ(runCli({"replay", "--quiet", dir.file("fused.png.json"), "--inputs", rec.frame0, rec.frame1, "-o", dir.file("x.png")}).exitCode, 2)
        << "a frame/event recipe takes no other stack images";

    const std::string model = std::string(FUSELAB_SOURCE_MODELS_DIR) + "/fusion-events-v1.pt";
    const CliRun h5 = runCli({"fuse", "--frame", rec.frame1, "--events", rec.hdf5, "--method", "learned", "--model", model,
                              "--window-us", "40000", "--threads", "1", "--quiet", "-o", dir.file("fused.exr")});
    ASSERT_EQ(h5.exitCode, 0) << h5.err;
    const nlohmann::json sideH5 = readSidecar(dir.file("fused.exr"));
    // The stored reference frame of an HDF5 recording and another model file replay too.
    ASSERT_EQ(runCli({"replay", "--quiet", "--threads", "1", dir.file("fused.exr.json"), "-o", dir.file("fused-again.exr")}).exitCode, 0);
    EXPECT_EQ(readBytes(dir.file("fused.exr")), readBytes(dir.file("fused-again.exr")));
    EXPECT_EQ(sideH5["notes"]["reference_frame"].get<std::string>().rfind(rec.hdf5 + ":", 0), 0u) << sideH5["notes"];
    const Image fused = readImage(dir.file("fused.exr")).pixels.toFloat();
    const Image frame = withEncoding(readImage(rec.frame1).pixels.toFloat(), ColourEncoding::Linear);
    std::vector<double> ratios;
    for (int y = 0; y < 48; ++y)
        for (int x = 0; x < 64; ++x) {
            const float* f = frame.row(y) + 3 * x;
            const double lf = linearLuminance(f[0], f[1], f[2]);
            if (lf < 0.1 || *std::max_element(f, f + 3) > 0.8f) continue;
            const float* p = fused.row(y) + 3 * x;
            ratios.push_back(std::fabs(linearLuminance(p[0], p[1], p[2]) / lf - 1.0));
        }
    ASSERT_GT(ratios.size(), 100u);
    std::nth_element(ratios.begin(), ratios.begin() + long(ratios.size() / 2), ratios.end());
    EXPECT_LT(ratios[ratios.size() / 2], 0.1) << "EXR output in camera units";
}

TEST(CliLearn, FuseFrameAndEventsRefusesBadInput)
{
    TempDir dir;
    const Recording rec = writeRecording(dir);
    auto expectOneError = [](const CliRun& r, const std::string& file, const std::string& needle) {
        EXPECT_EQ(r.exitCode, 1) << r.err;
        ASSERT_EQ(r.errLines().size(), 1u) << r.err;
        EXPECT_EQ(r.errLines()[0].rfind("fuselab-cli: error: " + file + ": ", 0), 0u) << r.err;
        EXPECT_NE(r.errLines()[0].find(needle), std::string::npos) << r.err;
    };
    const std::string missing = dir.file("missing.raw");
    expectOneError(runCli({"fuse", "--frame", rec.frame1, "--events", missing, "--reference", rec.frame0, "--method", "learned",
                           "--quiet", "-o", dir.file("a.png")}),
                   missing, "no such file");
    // A frame that is not the events' geometry (32x24 against 64x48).
    const std::string small = dir.file("small.png");
    writeImage(small, Image(32, 24, 3, ColourEncoding::Srgb));
    expectOneError(runCli({"fuse", "--frame", small, "--events", rec.text, "--reference", rec.frame0, "--method", "learned",
                           "--quiet", "-o", dir.file("b.png")}),
                   small, "32x24");
    expectOneError(runCli({"fuse", "--frame", rec.frame1, "--events", rec.text, "--reference", small, "--method", "learned",
                           "--quiet", "-o", dir.file("c.png")}),
                   small, "64x48");
    // Text events carry no frames: EF needs --reference.
    expectOneError(runCli({"fuse", "--frame", rec.frame1, "--events", rec.text, "--method", "learned", "--quiet", "-o", dir.file("d.png")}),
                   rec.text, "--reference");
    // An exposure-stack model cannot fuse F, E, EF.
    const std::string exposureModel = std::string(FUSELAB_SOURCE_MODELS_DIR) + "/" + fuselab::learn::kShippedModelFileName;
    expectOneError(runCli({"fuse", "--frame", rec.frame1, "--events", rec.text, "--reference", rec.frame0, "--method", "learned",
                           "--model", exposureModel, "--quiet", "-o", dir.file("e.png")}),
                   exposureModel, "not a frame/event model");
    EXPECT_FALSE(std::filesystem::exists(dir.file("a.png")) || std::filesystem::exists(dir.file("b.png")));
    // Usage: both files are needed, and only the learned method fuses events.
    EXPECT_EQ(runCli({"fuse", "--frame", rec.frame1, "--method", "learned", "-o", dir.file("f.png")}).exitCode, 2);
    EXPECT_EQ(runCli({"fuse", "--frame", rec.frame1, "--events", rec.text, "-o", dir.file("g.png")}).exitCode, 2);
    EXPECT_EQ(runCli({"fuse", "--window-us", "100", "-o", dir.file("h.png"), rec.frame0}).exitCode, 2);
}

// train --data synthetic-events trains the F/E/EF network and prints every term, each MI pair
// included, and validates against the simulated truth.
// explain --frame --events: the frame/event network explained with Integrated Gradients, one map
// per input in the network's order (F, E, EF). IG's completeness (the maps sum to the target's
// change from the baseline) holds to 1 % — a property of the method, not of this model — and each
// written map sums to what summary.json reports.
TEST(CliLearn, ExplainFrameAndEventsWithIntegratedGradients)
{
    TempDir dir;
    const Recording rec = writeRecording(dir);
    const std::string out = dir.file("explained");
    const CliRun run = runCli({"explain", "--method", "ig", "--frame", rec.frame1, "--events", rec.text, "--reference", rec.frame0,
                               "--window-us", "40000", "--threads", "1", "--quiet", "-o", out});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    std::ifstream in(out + "/summary.json");
    const nlohmann::json summary = nlohmann::json::parse(in);
    EXPECT_NE(summary["model"].get<std::string>().find("fusion-events-v1.pt"), std::string::npos);
    EXPECT_LT(summary["completeness_gap"].get<double>(), 0.01);
    ASSERT_EQ(summary["inputs"].size(), 3u);
    const char* modalities[] = {"frame", "event", "eframe"};
    const char* names[] = {"map_0_F.exr", "map_1_E.exr", "map_2_EF.exr"};
    for (std::size_t k = 0; k < 3; ++k) {
        const nlohmann::json& input = summary["inputs"][k];
        EXPECT_EQ(input["modality"], modalities[k]);
        EXPECT_EQ(std::filesystem::path(input["map"].get<std::string>()).filename(), names[k]);
        const Image map = *readImage(input["map"].get<std::string>()).pixels.asFloat();
        ASSERT_EQ(map.width(), 64);
        ASSERT_EQ(map.height(), 48);
        double sum = 0.0;
        for (int y = 0; y < 48; ++y)
            for (int x = 0; x < 64; ++x) sum += map.at(x, y, 0);
        EXPECT_NEAR(sum, input["sum"].get<double>(), 1e-6 + 1e-4 * std::fabs(input["sum"].get<double>())) << names[k];
    }
    EXPECT_EQ(summary["inputs"][0]["file"], rec.frame1);
    EXPECT_EQ(summary["inputs"][2]["file"], rec.frame0) << "EF integrates from the reference frame";
    // The frame carries most of what the network outputs (it keeps F where F is well exposed).
    EXPECT_GT(std::fabs(summary["inputs"][0]["sum"].get<double>()), std::fabs(summary["inputs"][1]["sum"].get<double>()));
}

TEST(CliLearn, ExplainFrameAndEventsRefusesBadInput)
{
    TempDir dir;
    const Recording rec = writeRecording(dir);
    const std::string exposureModel = std::string(FUSELAB_SOURCE_MODELS_DIR) + "/" + fuselab::learn::kShippedModelFileName;
    const CliRun wrongModel = runCli({"explain", "--method", "saliency", "--frame", rec.frame1, "--events", rec.hdf5, "--model",
                                      exposureModel, "--quiet", "-o", dir.file("a")});
    EXPECT_EQ(wrongModel.exitCode, 1) << wrongModel.err;
    EXPECT_NE(wrongModel.err.find("not a frame/event model"), std::string::npos) << wrongModel.err;
    const std::string missing = dir.file("missing.h5");
    const CliRun noEvents = runCli({"explain", "--method", "saliency", "--frame", rec.frame1, "--events", missing, "--quiet", "-o", dir.file("b")});
    EXPECT_EQ(noEvents.exitCode, 1);
    EXPECT_NE(noEvents.err.find(missing + ": no such file"), std::string::npos) << noEvents.err;
    // Usage: both files, not with stack images, no resampling of the event representation.
    EXPECT_EQ(runCli({"explain", "--method", "ig", "--frame", rec.frame1, "-o", dir.file("c")}).exitCode, 2);
    EXPECT_EQ(runCli({"explain", "--method", "ig", "--frame", rec.frame1, "--events", rec.hdf5, rec.frame0, "-o", dir.file("d")}).exitCode, 2);
    EXPECT_EQ(runCli({"explain", "--method", "ig", "--frame", rec.frame1, "--events", rec.hdf5, "--max-side", "32", "-o", dir.file("e")}).exitCode, 2);
    EXPECT_EQ(runCli({"explain", "--method", "ig", "--window-us", "100", rec.frame0, "-o", dir.file("f")}).exitCode, 2);
    EXPECT_FALSE(std::filesystem::exists(dir.file("a")));
}

TEST(CliLearn, TrainOnSimulatedFrameEventData)
{
    TempDir dir;
    std::vector<std::string> args = {"train", "--data", "synthetic-events", "--steps", "2", "-o", dir.file("fe.pt")};
    args.insert(args.end(), kTinyTraining.begin(), kTinyTraining.end());
    const CliRun r = runCli(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    for (const char* term : {"step 2 ", "total ", "l1 ", "sf ", "mi ", "l1_frame_mae ", "l1_event_mae ", "l1_eframe_mae ",
                             "mi_frame_event ", "mi_frame_eframe ", "mi_event_eframe ", "truth_l1 "})
        EXPECT_NE(r.out.find(term), std::string::npos) << term << " missing from:\n" << r.out;
    EXPECT_NE(r.out.find("validation step 2  psnr_mu "), std::string::npos) << r.out;
    // The model it wrote fuses frame/event data.
    const Recording rec = writeRecording(dir);
    const CliRun f = runCli({"fuse", "--frame", rec.frame1, "--events", rec.hdf5, "--method", "learned", "--model", dir.file("fe.pt"),
                             "--quiet", "-o", dir.file("fused.png")});
    EXPECT_EQ(f.exitCode, 0) << f.err;
}

// Issue 18, item 3: "fine-tune on this stack" earns its keep on a real bracket. meflut-1 (a
// 4 × 12 MP night street under sodium lighting) is the real stack where the shipped model trails
// Mertens most (MEF-SSIM 0.9856 against 0.9880); 30 CPU steps on the stack itself (its own
// validation) lift its MEF-SSIM without lowering Qabf, a metric training never sees. (On the
// nine-frame hdrps-general-grant the same run raises MEF-SSIM by 0.0056 but lowers Qabf by 0.0016:
// README "Learned fusion".)
TEST(CliLearn, FineTuningOnARealStackRaisesItsMefSsimWithoutLoweringQabf)
{
    FUSELAB_REQUIRE_SHARED("brackets/meflut-1");
    const std::string stack = sharedFile("brackets/meflut-1");
    TempDir dir;
    const CliRun tuned = runCli({"train", "--init", "shipped", "--data", stack, "--steps", "30", "--threads", "2", "--log-every", "10",
                                 "--param", "validate_every=30", "--param", "checkpoint_every=0", "-o", dir.file("tuned.pt")});
    ASSERT_EQ(tuned.exitCode, 0) << tuned.err;
    EXPECT_NE(tuned.out.find("(1 stack fine-tuned on)"), std::string::npos) << "validation scores the stack itself:\n" << tuned.out;
    auto score = [&](const std::vector<std::string>& model, const std::string& name) {
        std::vector<std::string> args = {"fuse", "--quiet", "--method", "learned", "--threads", "2", "-o", dir.file(name)};
        args.insert(args.end(), model.begin(), model.end());
        args.push_back(stack);
        const CliRun fused = runCli(args);
        EXPECT_EQ(fused.exitCode, 0) << fused.err;
        const CliRun m = runCli({"metrics", "--json", dir.file(name), "--stack", stack});
        EXPECT_EQ(m.exitCode, 0) << m.err;
        return nlohmann::json::parse(m.out);
    };
    const auto before = score({}, "before.png");
    const auto after = score({"--model", dir.file("tuned.pt")}, "after.png");
    std::printf("fine-tuning 30 steps on %s: MEF-SSIM %.4f → %.4f, Qabf %.4f → %.4f\n", stack.c_str(), before["mef_ssim"].get<double>(),
                after["mef_ssim"].get<double>(), before["qabf"].get<double>(), after["qabf"].get<double>());
    EXPECT_GT(after["mef_ssim"].get<double>(), before["mef_ssim"].get<double>() + 0.002);
    EXPECT_GE(after["qabf"].get<double>(), before["qabf"].get<double>());
}
