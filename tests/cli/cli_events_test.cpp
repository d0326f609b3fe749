// fuselab-cli events info|render|simulate|convert: the contract forms, JSON keys, exit codes
// and error lines.
#include "cli_runner.hpp"
#include "event_encoders.hpp"
#include "test_support.hpp"

#include "fuselab/events_io.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>

using namespace fuselab;
using namespace fuselab::test;

namespace {

std::vector<Event> someEvents()
{
    std::vector<Event> ev;
    for (int i = 0; i < 3000; ++i)
        ev.push_back(Event{5000 + 10 * i, std::uint16_t((i * 13) % 64), std::uint16_t((i * 7) % 48), std::uint8_t(i % 4 != 0)});
    return ev;
}

} // namespace

TEST(CliEvents, InfoJsonHasExactlyTheContractKeys)
{
    TempDir dir;
    const std::string raw = dir.file("s.raw");
    writeBytes(raw, encodeEvt3(someEvents(), 64, 48));
    const CliRun r = runCli({"events", "info", raw, "--json"});
    ASSERT_FALSE(r.signalled);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const nlohmann::json j = nlohmann::json::parse(r.out);
    std::set<std::string> keys;
    for (const auto& [k, v] : j.items()) keys.insert(k);
    EXPECT_EQ(keys, (std::set<std::string>{"path", "format", "width", "height", "event_count", "positive", "negative",
                                           "t_first_us", "t_last_us", "duration_s", "skipped"}));
    EXPECT_EQ(j["format"], "evt3");
    EXPECT_EQ(j["width"], 64);
    EXPECT_EQ(j["event_count"], 3000);
    EXPECT_EQ(j["positive"], 2250);
    EXPECT_EQ(j["negative"], 750);
    EXPECT_EQ(j["t_first_us"], 5000);
    EXPECT_EQ(j["t_last_us"], 5000 + 29990);
    EXPECT_DOUBLE_EQ(j["duration_s"].get<double>(), 0.02999);
    EXPECT_EQ(j["skipped"], 0);
}

TEST(CliEvents, InfoOnTheRealSamples)
{
    FUSELAB_REQUIRE_SHARED("events/sample.aedat4");
    struct Expect {
        const char* file;
        const char* format;
        int w, h;
        std::uint64_t count, skipped;
    };
    for (const Expect& e : {Expect{"events/evt3_sample.raw", "evt3", 1280, 720, 219596, 0},
                            Expect{"events/evt2_sample.raw", "evt2", 640, 480, 539481, 0},
                            Expect{"events/sample.aedat4", "aedat4", 320, 240, 111954, 59}}) {
        const CliRun r = runCli({"events", "info", sharedFile(e.file), "--json"});
        ASSERT_EQ(r.exitCode, 0) << r.err;
        const nlohmann::json j = nlohmann::json::parse(r.out);
        EXPECT_EQ(j["format"], e.format);
        EXPECT_EQ(j["width"], e.w);
        EXPECT_EQ(j["height"], e.h);
        EXPECT_EQ(j["event_count"].get<std::uint64_t>(), e.count) << e.file;
        EXPECT_EQ(j["skipped"].get<std::uint64_t>(), e.skipped) << e.file;
    }
}

TEST(CliEvents, BadFilesGiveOneErrorLineWithTheByteOffsetOrALenientCount)
{
    TempDir dir;
    std::vector<std::uint8_t> bytes = encodeEvt3(someEvents(), 64, 48);
    bytes.pop_back();
    const std::string cut = dir.file("cut.raw");
    writeBytes(cut, bytes);
    CliRun r = runCli({"events", "info", cut});
    ASSERT_FALSE(r.signalled);
    EXPECT_EQ(r.exitCode, 1);
    ASSERT_EQ(r.errLines().size(), 1u) << r.err;
    EXPECT_EQ(r.errLines()[0], "fuselab-cli: error: " + cut + ": byte " + std::to_string(bytes.size() - 1) +
                                   ": truncated: the last 16-bit word has only 1 byte");
    r = runCli({"events", "info", cut, "--lenient", "--json"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["skipped"], 1);
    r = runCli({"events", "info", dir.file("missing.raw")});
    EXPECT_EQ(r.exitCode, 1);
}

TEST(CliEvents, UsageErrorsExitTwo)
{
    EXPECT_EQ(runCli({"events"}).exitCode, 2);
    EXPECT_EQ(runCli({"events", "render", "x.raw", "-o", "x.png"}).exitCode, 2); // no --repr
    EXPECT_EQ(runCli({"events", "render", "x.raw", "--repr", "hologram", "-o", "x.png"}).exitCode, 2);
    EXPECT_EQ(runCli({"events", "render", "x.raw", "--repr", "frame", "--count", "5", "--window-us", "9", "-o", "x.png"}).exitCode, 2);
    EXPECT_EQ(runCli({"events", "convert", "x.raw", "-o", "x.bmp"}).exitCode, 2);
}

TEST(CliEvents, SimulateRenderAndConvertWorkTogether)
{
    TempDir dir;
    const std::string out = dir.file("sim");
    CliRun r = runCli({"events", "simulate", "--size", "64x48", "--frames", "3", "--seed", "4", "-o", out, "--quiet"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    for (const char* f : {"/events.h5", "/frames/frame_0000.png", "/frames/frame_0002.png", "/truth/radiance_0002.exr",
                          "/truth/truth.json"})
        EXPECT_TRUE(std::filesystem::exists(out + f)) << f;
    const nlohmann::json truth = nlohmann::json::parse(readBytes(out + "/truth/truth.json"));
    const std::uint64_t simulated = truth["events"]["count"];
    EXPECT_GT(simulated, 100u);
    r = runCli({"events", "info", out + "/events.h5", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["event_count"].get<std::uint64_t>(), simulated);

    for (const char* repr : {"frame", "timesurface", "voxel", "eframe"}) {
        const std::string png = dir.file(std::string(repr) + ".png");
        r = runCli({"events", "render", out + "/events.h5", "--repr", repr, "--window-us", "66666", "-o", png, "--quiet"});
        EXPECT_EQ(r.exitCode, 0) << repr << ": " << r.err;
        EXPECT_TRUE(std::filesystem::exists(png)) << repr;
        EXPECT_TRUE(std::filesystem::exists(png + ".json")) << repr;
    }
    r = runCli({"events", "render", out + "/events.h5", "--repr", "eframe", "--reference", out + "/frames/frame_0000.png",
                "-o", dir.file("ef.exr"), "--quiet"});
    EXPECT_EQ(r.exitCode, 0) << r.err;

    r = runCli({"events", "convert", out + "/events.h5", "-o", dir.file("events.txt"), "--quiet"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const EventStream a = readAllEvents(out + "/events.h5"), b = readAllEvents(dir.file("events.txt"));
    EXPECT_TRUE(a.events == b.events);
    EXPECT_EQ(b.metadata.widthPx, 64);
}
