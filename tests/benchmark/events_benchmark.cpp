// Event decoding and voxel-grid speed (ctest label benchmark, not in the default run).
//
// EVT 3.0: a large file synthesised from the real sample's events (repeated with shifted
// times, so the word mix is a real camera's) or from random events where the shared data is
// absent, decoded through EventReader from disk; AEDAT 4.0: the real sample decoded many
// times from memory. Each rate is printed next to the byte rate of `cat FILE > /dev/null`
// on the same (page-cached) file, the I/O floor. Targets: EVT 3.0 ≥ 100 M events/s, a voxel
// grid of 10 M events < 100 ms. Measured on the 2-core development machine while other builds
// ran (load 4–5): EVT 3.0 115–172 M events/s, AEDAT 4.0 100–104 M events/s, voxel grid 58 ms
// (load ~2) to 90–120 ms (load 4–5). As in the other stage benchmarks, the assertions guard
// against regressions at twice the targets (50 M events/s, 200 ms) so a busy machine does not
// fail them; the printed ratios compare with the targets themselves.
#include "event_encoders.hpp"
#include "test_support.hpp"

#include "fuselab/events_io.hpp"
#include "fuselab/base/events_repr.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/base/random.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>

using namespace fuselab;
using namespace fuselab::test;

namespace {

double bestSeconds(int runs, const std::function<void()>& work)
{
    double best = 1e30;
    for (int i = 0; i < runs; ++i) {
        const auto start = std::chrono::steady_clock::now();
        work();
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return best;
}

double catSeconds(const std::string& path)
{
    const std::string command = "cat '" + path + "' > /dev/null";
    return bestSeconds(5, [&] {
        if (std::system(command.c_str()) != 0) ADD_FAILURE() << command;
    });
}

std::vector<Event> sourceEvents()
{
    if (sharedFileExists("events/evt3_sample.raw")) return readAllEvents(sharedFile("events/evt3_sample.raw")).events;
    Random rng(1);
    std::vector<Event> ev;
    std::int64_t t = 0;
    for (int i = 0; i < 220000; ++i) {
        t += std::int64_t(rng.uniform() * 0.09);
        ev.push_back(Event{t, std::uint16_t(rng.uniform() * 1280), std::uint16_t(rng.uniform() * 720), std::uint8_t(rng.uniform() < 0.5)});
    }
    return ev;
}

std::uint64_t drain(EventReader& reader)
{
    std::uint64_t n = 0;
    EventBuffer batch; // swapped, not copied, chunk by chunk
    while (reader.next(batch)) n += batch.size();
    return n;
}

} // namespace

TEST(EventsBenchmark, Evt3DecodeRateAgainstCat)
{
    const std::vector<Event> one = sourceEvents();
    const std::int64_t span = one.back().tUs - one.front().tUs + 1;
    std::vector<Event> many;
    const int copies = 120; // 26 M events from the real sample
    many.reserve(one.size() * copies);
    for (int c = 0; c < copies; ++c)
        for (const Event& e : one) many.push_back(Event{e.tUs + c * span, e.x, e.y, e.p});
    TempDir dir;
    const std::string path = dir.file("big.raw");
    writeBytes(path, encodeEvt3(many, 1280, 720));
    const double bytes = double(readBytes(path).size());
    std::uint64_t count = 0;
    const double decode = bestSeconds(5, [&] {
        auto reader = openEventReader(path);
        count = drain(*reader);
    });
    ASSERT_EQ(count, many.size());
    // The index pass decodes every chunk without handing events out (no copy into batches).
    const double indexPass = bestSeconds(3, [&] {
        auto reader = openEventReader(path);
        ASSERT_EQ(reader->index().stats.count, many.size());
    });
    std::printf("EVT 3.0 index pass (decode + statistics, no batches): %.1f ms = %.1f M events/s\n", indexPass * 1e3,
                double(count) / indexPass / 1e6);
    const double cat = catSeconds(path);
    const double eventsPerS = double(count) / decode;
    std::printf("EVT 3.0 %.1f MB, %.1f M events: decode %.1f ms = %.1f M events/s = %.0f MB/s; cat %.1f ms = %.0f MB/s; "
                "decode/cat time ratio %.2f\n",
                bytes / 1e6, double(count) / 1e6, decode * 1e3, eventsPerS / 1e6, bytes / decode / 1e6, cat * 1e3,
                bytes / cat / 1e6, decode / cat);
    std::printf("EVT 3.0 rate / 100 M events/s target: %.2f\n", eventsPerS / 100e6);
    EXPECT_GT(eventsPerS, 50e6) << "target 100 M events/s; the guard is half of it";
}

TEST(EventsBenchmark, Aedat4DecodeRateAgainstCat)
{
    FUSELAB_REQUIRE_SHARED("events/sample.aedat4");
    const std::string path = sharedFile("events/sample.aedat4");
    const std::vector<std::uint8_t> bytes = readBytes(path);
    const int repeats = 40;
    std::uint64_t count = 0;
    const double decode = bestSeconds(3, [&] {
        count = 0;
        for (int r = 0; r < repeats; ++r) {
            auto reader = openEventReaderFromMemory(bytes, "sample.aedat4");
            count += drain(*reader);
        }
    });
    const double cat = catSeconds(path) * repeats;
    const double total = double(bytes.size()) * repeats;
    std::printf("AEDAT 4.0 (LZ4) %.1f MB x %d, %.1f M events: decode %.1f ms = %.1f M events/s = %.0f MB/s; cat %.1f ms = "
                "%.0f MB/s (%d process starts included); decode/cat time ratio %.2f\n",
                double(bytes.size()) / 1e6, repeats, double(count) / 1e6, decode * 1e3, double(count) / decode / 1e6,
                total / decode / 1e6, cat * 1e3, total / cat / 1e6, repeats, decode / cat);
    EXPECT_EQ(count, 111954u * repeats);
}

TEST(EventsBenchmark, VoxelGridOfTenMillionEvents)
{
    Random rng(5);
    std::vector<Event> ev(10'000'000);
    for (std::size_t i = 0; i < ev.size(); ++i)
        ev[i] = Event{std::int64_t(i / 100), std::uint16_t(rng.nextU64() % 640), std::uint16_t(rng.nextU64() % 480),
                      std::uint8_t(rng.nextU64() & 1)};
    VoxelGrid grid;
    const double seconds = bestSeconds(5, [&] { grid = voxelGrid(EventSpan(ev), 640, 480, 5, 0, 100000); });
    const EventStats st = computeEventStats(EventSpan(ev));
    std::printf("voxel grid 640x480x5 of 10 M events: %.1f ms on %d worker threads (target 100 ms, ratio %.2f)\n", seconds * 1e3,
                workerThreads(), seconds / 0.1);
    EXPECT_NEAR(grid.sum(), double(st.positive) - double(st.negative), 5.0);
    EXPECT_LT(seconds, 0.2) << "target 100 ms; the guard is twice it";
}
