// The three real recordings in ../shared/data/events decode to what independent references
// say: the EVT 3.0 sample event for event against its NumPy decode (whose timestamps are
// known to be wrong from index 20121 on), the EVT 2.0 and AEDAT 4.0 samples with the
// geometry their headers imply, monotone time and the counts `events info` reports.
#include "event_encoders.hpp"
#include "test_support.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/events_io.hpp"

#include <algorithm>

using namespace fuselab;
using namespace fuselab::test;

namespace {

bool monotone(const std::vector<Event>& ev)
{
    return std::is_sorted(ev.begin(), ev.end(), [](const Event& a, const Event& b) { return a.tUs < b.tUs; });
}

} // namespace

TEST(EventsRealFiles, Evt3SampleMatchesTheNumpyReferenceEventForEvent)
{
    FUSELAB_REQUIRE_SHARED("events/evt3_sample.raw");
    FUSELAB_REQUIRE_SHARED("events/evt3_sample.npy");
    const EventStream ours = readAllEvents(sharedFile("events/evt3_sample.raw"));
    const NpyEvents ref = readNpyEvents(sharedFile("events/evt3_sample.npy"));
    ASSERT_EQ(ref.t.size(), 219596u);
    ASSERT_EQ(ours.events.size(), ref.t.size());
    // Geometry: no format/geometry line; "% system_ID 48" is SYSTEM_EVK3_GEN41 (0x30), which
    // openeb maps to 1280×720.
    EXPECT_EQ(ours.metadata.format, EventFormat::Evt3);
    EXPECT_EQ(ours.metadata.widthPx, 1280);
    EXPECT_EQ(ours.metadata.heightPx, 720);
    std::size_t xyp = 0, firstTimeDifference = ref.t.size();
    for (std::size_t i = 0; i < ref.t.size(); ++i) {
        const Event& e = ours.events[i];
        if (e.x != ref.x[i] || e.y != ref.y[i] || e.p != ref.p[i]) ++xyp;
        if (firstTimeDifference == ref.t.size() && e.tUs != ref.t[i]) firstTimeDifference = i;
    }
    EXPECT_EQ(xyp, 0u) << "x, y or p differ";
    // The reference is right up to index 20120; from 20121 it adds a phantom rollover at
    // every drop of the 12 low time bits, so it must differ there and only there.
    EXPECT_EQ(firstTimeDifference, 20121u);
    EXPECT_TRUE(monotone(ours.events));
    EXPECT_EQ(ours.events.front().tUs, 11718656);
    EXPECT_EQ(ours.events.back().tUs, 11727457);
    const double spanMs = double(ours.events.back().tUs - ours.events.front().tUs) / 1000.0;
    EXPECT_NEAR(spanMs, 9.0, 0.5) << "the recording spans about 9 ms";
}

TEST(EventsRealFiles, Evt2SampleHasVgaGeometryAndMonotoneTime)
{
    FUSELAB_REQUIRE_SHARED("events/evt2_sample.raw");
    auto reader = openEventReader(sharedFile("events/evt2_sample.raw"));
    // "% system_ID 21" is SYSTEM_CCAM3_GEN3 (0x15): 640×480 in openeb's table.
    EXPECT_EQ(reader->metadata().format, EventFormat::Evt2);
    EXPECT_EQ(reader->metadata().widthPx, 640);
    EXPECT_EQ(reader->metadata().heightPx, 480);
    const EventIndex& index = reader->index();
    EXPECT_EQ(index.stats.count, 539481u);
    EXPECT_EQ(index.stats.positive, 367855u);
    EXPECT_EQ(index.stats.negative, 171626u);
    EXPECT_TRUE(index.stats.monotonic);
    EXPECT_EQ(index.stats.tFirstUs, 1317888);
    EXPECT_EQ(index.stats.tLastUs, 1367888);
    EXPECT_LT(index.stats.maxX, 640);
    EXPECT_LT(index.stats.maxY, 480);
    EXPECT_EQ(index.skippedTotal(), 0u);
}

TEST(EventsRealFiles, Aedat4SampleHasDvxplorerGeometryAndAbsoluteTime)
{
    FUSELAB_REQUIRE_SHARED("events/sample.aedat4");
    auto reader = openEventReader(sharedFile("events/sample.aedat4"));
    // The header's event stream declares sizeX 320, sizeY 240 (a DVXplorer).
    EXPECT_EQ(reader->metadata().format, EventFormat::Aedat4);
    EXPECT_EQ(reader->metadata().widthPx, 320);
    EXPECT_EQ(reader->metadata().heightPx, 240);
    EXPECT_EQ(reader->metadata().camera, "DVXplorer_DXB00010");
    ASSERT_TRUE(reader->metadata().originUnixUs.has_value());
    const EventIndex& index = reader->index();
    // 59 LZ4 event packets; the count was cross-checked by decompressing each packet with the
    // lz4 command-line tool and reading its FlatBuffer vector length by hand.
    EXPECT_EQ(index.stats.count, 111954u);
    EXPECT_EQ(index.stats.positive, 55023u);
    EXPECT_EQ(index.stats.negative, 56931u);
    EXPECT_TRUE(index.stats.monotonic);
    EXPECT_EQ(index.stats.tFirstUs, 1605537493718345); // 2020-11-16, Unix microseconds
    EXPECT_EQ(index.stats.tLastUs, 1605537494308262);
    EXPECT_EQ(index.entries.size(), 59u);
    EXPECT_EQ(index.skipped.at("IMUS packets"), 59u);
    EXPECT_EQ(index.skippedTotal(), 59u);
}

TEST(EventsRealFiles, Aedat4DecodesTheSameUnderZstdAndWithoutCompression)
{
    FUSELAB_REQUIRE_SHARED("events/sample.aedat4");
    const std::vector<std::uint8_t> lz4 = readBytes(sharedFile("events/sample.aedat4"));
    const EventStream reference = readAllEvents(sharedFile("events/sample.aedat4"));
    for (const char* codec : {"zstd", "none"}) {
        auto reader = openEventReaderFromMemory(recompressAedat4(lz4, codec), std::string("sample-") + codec + ".aedat4");
        std::vector<Event> all, batch;
        while (reader->next(batch, 40000)) all.insert(all.end(), batch.begin(), batch.end());
        EXPECT_EQ(all.size(), reference.events.size()) << codec;
        EXPECT_TRUE(all == reference.events) << codec;
    }
}

TEST(EventsRealFiles, SeekingUsesTheIndexInsteadOfDecodingAgain)
{
    FUSELAB_REQUIRE_SHARED("events/evt3_sample.raw");
    EventReadOptions options;
    options.chunkBytes = 16 * 1024; // 38 chunks over the 618 kB file
    auto reader = openEventReader(sharedFile("events/evt3_sample.raw"), options);
    const EventStream all = readAllEvents(sharedFile("events/evt3_sample.raw"));
    const EventIndex& index = reader->index();
    const std::uint64_t afterPass = reader->chunksDecoded();
    EXPECT_EQ(afterPass, index.chunks);
    EXPECT_GE(index.entries.size(), 30u);
    // A window in the middle: one or two chunks decoded, not the file again.
    const std::int64_t start = all.events[150000].tUs;
    const std::vector<Event> window = reader->readWindow(EventWindow::byTime(start, 200));
    EXPECT_LE(reader->chunksDecoded() - afterPass, 3u);
    const EventSpan expected = selectWindow(EventSpan(all.events), EventWindow::byTime(start, 200));
    ASSERT_EQ(window.size(), expected.size());
    EXPECT_TRUE(std::equal(window.begin(), window.end(), expected.begin()));
    // Seeking by event index resumes the EVT 3.0 state (row, vector base, time) mid-file.
    for (std::uint64_t i : {0ull, 1ull, 20121ull, 100000ull, 219595ull}) {
        reader->seekEvent(i);
        std::vector<Event> batch;
        ASSERT_TRUE(reader->next(batch, 1));
        EXPECT_EQ(batch[0], all.events[i]) << i;
    }
    reader->seekEvent(219596);
    std::vector<Event> none;
    EXPECT_FALSE(reader->next(none));
}
