// Event readers and writers on synthetic data: round trips (text µs and seconds, HDF5 with
// frames, EVT 2.0/3.0 through test encoders), the EVT 3.0 time rule (wraps from TIME_HIGH,
// never from a TIME_LOW drop), chunk-size independence of the stateful decoders, windows.
#include "event_encoders.hpp"
#include "test_support.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/events_io.hpp"
#include "fuselab/io.hpp"
#include "fuselab/base/random.hpp"

#include <algorithm>

using namespace fuselab;
using namespace fuselab::test;

namespace {

/// Time-ordered random events; `stepUs` the mean gap, some same-time runs along a row.
EventStream randomStream(std::size_t n, int w, int h, std::uint64_t seed, double stepUs = 3.0, std::int64_t t0 = 1000)
{
    Random rng(seed);
    EventStream s;
    s.metadata.widthPx = w;
    s.metadata.heightPx = h;
    std::int64_t t = t0;
    while (s.events.size() < n) {
        t += std::int64_t(rng.uniform() * 2.0 * stepUs);
        const auto y = std::uint16_t(rng.uniform() * h);
        const auto p = std::uint8_t(rng.uniform() < 0.5);
        auto x = std::uint16_t(rng.uniform() * (w - 12));
        const int run = rng.uniform() < 0.3 ? 1 + int(rng.uniform() * 6) : 1; // vector-friendly runs
        for (int k = 0; k < run && s.events.size() < n; ++k) {
            s.events.push_back(Event{t, x, y, p});
            x = std::uint16_t(x + 1 + int(rng.uniform() * 2));
        }
    }
    return s;
}

std::vector<Event> decodeAll(EventReader& reader, std::size_t batchSize = 1000)
{
    std::vector<Event> all, batch;
    while (reader.next(batch, batchSize)) all.insert(all.end(), batch.begin(), batch.end());
    return all;
}

} // namespace

TEST(EventsText, RoundTripsInMicrosecondsAndSeconds)
{
    TempDir dir;
    const EventStream s = randomStream(5000, 346, 260, 3);
    for (bool seconds : {false, true}) {
        const std::string path = dir.file(seconds ? "s.txt" : "us.txt");
        TextWriteOptions options;
        options.timeInSeconds = seconds;
        writeEventsText(path, s, options);
        const EventStream back = readAllEvents(path);
        EXPECT_EQ(back.metadata.format, EventFormat::Text);
        EXPECT_EQ(back.metadata.widthPx, 346);
        EXPECT_EQ(back.metadata.heightPx, 260);
        EXPECT_EQ(back.metadata.geometrySource, "first line 'width height'");
        ASSERT_EQ(back.events.size(), s.events.size()) << (seconds ? "seconds" : "microseconds");
        EXPECT_TRUE(back.events == s.events) << (seconds ? "seconds" : "microseconds");
    }
}

TEST(EventsText, EventCameraDatasetStyleWithoutGeometryTakesTheExtent)
{
    TempDir dir;
    const std::string path = dir.file("ecd.txt");
    // Event Camera Dataset lines: seconds with 9 decimals, polarity 0/1; here also -1 for OFF.
    writeFileAtomically(path, std::string("0.000000000 33 39 1\n0.000011001 158 145 1\n# comment\n0.000050001 88 143 0\n"
                                          "1.250000000 239 179 -1\n"));
    const EventStream s = readAllEvents(path);
    ASSERT_EQ(s.events.size(), 4u);
    EXPECT_EQ(s.metadata.widthPx, 240);
    EXPECT_EQ(s.metadata.heightPx, 180);
    EXPECT_EQ(s.events[1].tUs, 11);
    EXPECT_EQ(s.events[2].tUs, 50);
    EXPECT_EQ(s.events[3].tUs, 1250000);
    EXPECT_EQ(s.events[3].p, 0);
    EXPECT_EQ(s.events[0].p, 1);
    // The same numbers read as microseconds when forced: the fractional times are refused.
    EventReadOptions us;
    us.textTimeUnit = TextTimeUnit::Microseconds;
    EXPECT_THROW(readAllEvents(path, us), Error);
}

TEST(EventsHdf5, RoundTripsEventsAndFrames)
{
    TempDir dir;
    const std::string path = dir.file("events.h5");
    const EventStream s = randomStream(70000, 128, 96, 5); // more than one read block (65536)
    Image8 frame(128, 96, 1, ColourEncoding::Srgb);
    for (int y = 0; y < 96; ++y)
        for (int x = 0; x < 128; ++x) frame.at(x, y) = std::uint8_t((x + 2 * y) & 0xFF);
    writeEventsHdf5(path, s, {{1000, SampleImage(frame)}, {34333, SampleImage(frame)}});
    EXPECT_EQ(detectEventFormat(path), EventFormat::Hdf5);
    auto reader = openEventReader(path);
    EXPECT_EQ(reader->metadata().widthPx, 128);
    EXPECT_EQ(reader->metadata().heightPx, 96);
    const std::vector<Event> back = decodeAll(*reader, 30000);
    ASSERT_EQ(back.size(), s.events.size());
    EXPECT_TRUE(back == s.events);
    const auto frames = reader->frames();
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[1].tUs, 34333);
    EXPECT_EQ(frames[0].name, "image000000000");
    const Image f = reader->readFrame(1);
    EXPECT_FLOAT_EQ(f.at(10, 20), float((10 + 40) & 0xFF) / 255.0f);
    // A window read through the index equals the in-memory selection.
    const std::int64_t start = s.events[40000].tUs;
    const std::vector<Event> w = reader->readWindow(EventWindow::byTime(start, 50));
    const EventSpan expected = selectWindow(EventSpan(s.events), EventWindow::byTime(start, 50));
    ASSERT_EQ(w.size(), expected.size());
    EXPECT_TRUE(std::equal(w.begin(), w.end(), expected.begin()));
}

TEST(EventsRaw, Evt3RoundTripsAcrossTwoTimeBaseWrapsAndAnyChunkSize)
{
    // 0 … 40 s: the 24-bit time base (16.777216 s) wraps twice.
    EventStream s = randomStream(30000, 640, 480, 7, 2600.0, 0);
    ASSERT_GT(s.events.back().tUs, 2 * (std::int64_t(1) << 24));
    const std::vector<std::uint8_t> file = encodeEvt3(s.events, 640, 480);
    for (std::size_t chunk : {std::size_t(2), std::size_t(64), std::size_t(4096), std::size_t(1) << 20}) {
        EventReadOptions options;
        options.chunkBytes = chunk;
        auto reader = openEventReaderFromMemory(file, "synthetic.raw", options);
        EXPECT_EQ(reader->metadata().geometrySource, "header format line");
        const std::vector<Event> back = decodeAll(*reader, 777);
        ASSERT_EQ(back.size(), s.events.size()) << "chunk " << chunk;
        EXPECT_TRUE(back == s.events) << "chunk " << chunk;
        // The zero-copy path delivers the same events.
        reader->rewind();
        std::vector<Event> swapped;
        EventBuffer buffer;
        while (reader->next(buffer, 5000)) swapped.insert(swapped.end(), buffer.begin(), buffer.end());
        EXPECT_TRUE(swapped == s.events) << "chunk " << chunk;
    }
}

TEST(EventsRaw, Evt2RoundTrips)
{
    const EventStream s = randomStream(20000, 640, 480, 9, 50.0);
    const std::vector<std::uint8_t> file = encodeEvt2(s.events, 640, 480);
    EventReadOptions options;
    options.chunkBytes = 100; // not a multiple of the word size on purpose
    auto reader = openEventReaderFromMemory(file, "synthetic.raw", options);
    EXPECT_EQ(reader->metadata().format, EventFormat::Evt2);
    const std::vector<Event> back = decodeAll(*reader);
    ASSERT_EQ(back.size(), s.events.size());
    EXPECT_TRUE(back == s.events);
}

TEST(EventsRaw, Evt3WrapComesFromTimeHighNeverFromATimeLowDrop)
{
    const std::string header = "% evt 3.0\n% geometry 64x48\n";
    std::vector<std::uint8_t> f(header.begin(), header.end());
    auto word = [&](std::uint32_t w) {
        f.push_back(std::uint8_t(w & 0xFF));
        f.push_back(std::uint8_t(w >> 8));
    };
    word(0x2000 | 5);          // ADDR_X before any TIME_HIGH: not emitted, counted
    word(0x8000 | 5);          // TIME_HIGH 5
    word(0x6000 | 100);        // TIME_LOW 100
    word(0x0000 | 7);          // ADDR_Y 7
    word(0x2000 | 0x800 | 2);  // ON at x=2, t = 5·4096 + 100
    word(0x6000 | 50);         // TIME_LOW drops to 50 with no event: no wrap (the sample does this)
    word(0x6000 | 120);        // TIME_LOW 120
    word(0x2000 | 3);          // OFF at x=3, t = 5·4096 + 120
    word(0x8000 | 4095);       // TIME_HIGH 4095
    word(0x3000 | 0x800 | 10); // VECT_BASE_X 10, ON
    word(0x5000 | 0x81);       // VECT_8: x = 10 and 17
    word(0x8000 | 2);          // TIME_HIGH 4095 → 2: the 24-bit base wrapped
    word(0x6000 | 0);
    word(0x2000 | 40);         // OFF at x=40, t = 2^24 + 2·4096
    word(0xA000 | 1);          // EXT_TRIGGER: counted, not an event
    auto reader = openEventReaderFromMemory(f, "crafted.raw");
    EXPECT_EQ(reader->metadata().widthPx, 64);
    const std::vector<Event> ev = decodeAll(*reader);
    ASSERT_EQ(ev.size(), 5u);
    EXPECT_EQ(ev[0], (Event{5 * 4096 + 100, 2, 7, 1}));
    EXPECT_EQ(ev[1], (Event{5 * 4096 + 120, 3, 7, 0}));
    EXPECT_EQ(ev[2], (Event{4095 * 4096 + 120, 10, 7, 1}));
    EXPECT_EQ(ev[3], (Event{4095 * 4096 + 120, 17, 7, 1}));
    EXPECT_EQ(ev[4], (Event{(std::int64_t(1) << 24) + 2 * 4096, 40, 7, 0}));
    EXPECT_EQ(reader->skipped().at("events before the first TIME_HIGH"), 1u);
    EXPECT_EQ(reader->skipped().at("EXT_TRIGGER words"), 1u);
}

TEST(EventsReader, CountWindowsAndSeeksAgreeWithInMemorySelection)
{
    const EventStream s = randomStream(50000, 320, 240, 11, 4.0);
    EventReadOptions options;
    options.chunkBytes = 2048;
    auto reader = openEventReaderFromMemory(encodeEvt3(s.events, 320, 240), "w.raw", options);
    for (std::int64_t start : {std::int64_t(0), s.events[12345].tUs, s.events[12345].tUs + 1, s.events.back().tUs + 5}) {
        const std::vector<Event> got = reader->readWindow(EventWindow::byCount(start, 3000));
        const EventSpan want = selectWindow(EventSpan(s.events), EventWindow::byCount(start, 3000));
        ASSERT_EQ(got.size(), want.size()) << start;
        EXPECT_TRUE(std::equal(got.begin(), got.end(), want.begin())) << start;
    }
    reader->seekTime(s.events[30000].tUs);
    std::vector<Event> one;
    ASSERT_TRUE(reader->next(one, 1));
    const auto first = std::find_if(s.events.begin(), s.events.end(), [&](const Event& e) { return e.tUs >= s.events[30000].tUs; });
    EXPECT_EQ(one[0], *first);
    // A second reader of the same data adopts the index: its seeks decode no full pass.
    auto second = openEventReaderFromMemory(encodeEvt3(s.events, 320, 240), "w.raw", options);
    second->adoptIndex(reader->sharedIndex());
    second->seekEvent(40000);
    EXPECT_LE(second->chunksDecoded(), 2u);
    ASSERT_TRUE(second->next(one, 1));
    EXPECT_EQ(one[0], s.events[40000]);
}
