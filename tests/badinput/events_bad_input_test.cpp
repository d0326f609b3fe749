// Bad event files, crafted here from good ones: each must give an error naming the file, the
// byte offset and the problem, or under lenient reading a count of what was skipped; never a
// crash and never a silently wrong count.
#include "event_encoders.hpp"
#include "test_support.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/events_io.hpp"
#include "fuselab/io.hpp"

#include <cstring>

using namespace fuselab;
using namespace fuselab::test;

namespace {

std::vector<Event> sampleEvents(int n, int w, int h)
{
    std::vector<Event> ev;
    for (int i = 0; i < n; ++i)
        ev.push_back(Event{1000 + 7 * i, std::uint16_t((i * 37) % w), std::uint16_t((i * 11) % h), std::uint8_t(i % 3 == 0)});
    return ev;
}

struct Outcome {
    bool threw = false;
    std::string message;
    std::uint64_t events = 0;
    std::map<std::string, std::uint64_t> skipped;
};

Outcome decode(const std::vector<std::uint8_t>& bytes, const std::string& name, bool lenient = false)
{
    Outcome o;
    EventReadOptions options;
    options.lenient = lenient;
    options.chunkBytes = 512;
    try {
        auto reader = openEventReaderFromMemory(bytes, name, options);
        std::vector<Event> batch;
        while (reader->next(batch, 100)) o.events += batch.size();
        o.skipped = reader->skipped();
    } catch (const Error& e) {
        o.threw = true;
        o.message = e.what();
    }
    return o;
}

Outcome decodeFile(const std::string& path, bool lenient = false)
{
    Outcome o;
    EventReadOptions options;
    options.lenient = lenient;
    try {
        auto reader = openEventReader(path, options);
        const EventIndex& index = reader->index();
        o.events = index.stats.count;
        o.skipped = index.skipped;
    } catch (const Error& e) {
        o.threw = true;
        o.message = e.what();
    }
    return o;
}

void patch16(std::vector<std::uint8_t>& f, std::size_t at, std::uint16_t w)
{
    f[at] = std::uint8_t(w & 0xFF);
    f[at + 1] = std::uint8_t(w >> 8);
}

/// Offset of the n-th word whose type nibble is `type` in an EVT 3.0 file.
std::size_t findEvt3Word(const std::vector<std::uint8_t>& f, unsigned type, int n)
{
    for (std::size_t at = rawHeaderSize(f); at + 1 < f.size(); at += 2)
        if ((f[at + 1] >> 4) == type && n-- == 0) return at;
    return 0;
}

#define EXPECT_MESSAGE(outcome, ...)                                                         \
    do {                                                                                     \
        const Outcome& seen = (outcome);                                                     \
        EXPECT_TRUE(seen.threw);                                                             \
        for (const std::string& part : std::vector<std::string>{__VA_ARGS__})                \
            EXPECT_NE(seen.message.find(part), std::string::npos)                            \
                << "'" << seen.message << "' lacks '" << part << "'";                        \
    } while (0)

} // namespace

TEST(EventsBadInput, EmptyFilesOfEveryKind)
{
    TempDir dir;
    for (const char* name : {"empty.raw", "empty.aedat4", "empty.txt", "empty.h5", "empty.bin"}) {
        writeBytes(dir.file(name), {});
        const Outcome o = decodeFile(dir.file(name));
        EXPECT_MESSAGE(o, name, "byte 0", "empty file");
    }
}

TEST(EventsBadInput, TruncatedRawMidWord)
{
    const std::vector<Event> ev = sampleEvents(2000, 640, 480);
    std::vector<std::uint8_t> evt3 = encodeEvt3(ev, 640, 480);
    evt3.pop_back();
    Outcome o = decode(evt3, "cut3.raw");
    EXPECT_MESSAGE(o, "cut3.raw", ("byte " + std::to_string(evt3.size() - 1)).c_str(), "truncated", "16-bit word");
    o = decode(evt3, "cut3.raw", true);
    EXPECT_FALSE(o.threw);
    EXPECT_EQ(o.skipped["truncated bytes"], 1u);
    EXPECT_EQ(o.events, 1999u); // the cut word held the last event

    std::vector<std::uint8_t> evt2 = encodeEvt2(ev, 640, 480);
    evt2.resize(evt2.size() - 2);
    o = decode(evt2, "cut2.raw");
    EXPECT_MESSAGE(o, "cut2.raw", ("byte " + std::to_string(evt2.size() - 2)).c_str(), "truncated", "32-bit word", "2 byte");
}

TEST(EventsBadInput, MissingOrWrongRawHeaderAndUnknownFormats)
{
    const std::vector<Event> ev = sampleEvents(100, 640, 480);
    std::vector<std::uint8_t> words = encodeEvt3(ev, 640, 480);
    words.erase(words.begin(), words.begin() + long(rawHeaderSize(words)));
    EXPECT_MESSAGE(decode(words, "headless.raw"), "headless.raw", "byte 0", "no RAW header");

    EXPECT_MESSAGE(decode(encodeEvt3(ev, 640, 480, "% date 2024\n% system_ID 48\n"), "noformat.raw"), "names no event format");
    EXPECT_MESSAGE(decode(encodeEvt3(ev, 640, 480, "% date 2024\n% evt 4.0\n"), "evt4.raw"), "byte 12",
                   "unknown event format 'evt 4.0'");
    EXPECT_MESSAGE(decode(encodeEvt3(ev, 640, 480, "% format EVT21;height=480;width=640\n"), "evt21.raw"), "byte 0",
                   "unknown event format 'EVT21'");
    EXPECT_MESSAGE(decode(encodeEvt3(ev, 640, 480, "% evt 3.0\n% system_ID 999\n"), "unknownsensor.raw"), "byte 10",
                   "system_ID '999'");
    EXPECT_MESSAGE(decode(encodeEvt3(ev, 640, 480, "% evt 3.0\n"), "nogeometry.raw"), "has no geometry");
}

TEST(EventsBadInput, UnknownWordTypeOutOfGeometryAndBackwardTimeInEvt3)
{
    const std::vector<Event> ev = sampleEvents(500, 64, 48);
    const std::vector<std::uint8_t> good = encodeEvt3(ev, 64, 48);

    std::vector<std::uint8_t> unknown = good;
    const std::size_t y = findEvt3Word(unknown, 0x0, 3);
    patch16(unknown, y, 0x9000);
    EXPECT_MESSAGE(decode(unknown, "word9.raw"), ("byte " + std::to_string(y)).c_str(), "unknown EVT 3.0 word type 0x9");
    Outcome o = decode(unknown, "word9.raw", true);
    EXPECT_EQ(o.skipped["unknown words"], 1u);
    EXPECT_EQ(o.events, 500u); // the row word was lost, the events still decode (with the old row)

    std::vector<std::uint8_t> outside = good;
    const std::size_t x = findEvt3Word(outside, 0x2, 10);
    patch16(outside, x, std::uint16_t(0x2000 | 70));
    EXPECT_MESSAGE(decode(outside, "outside.raw"), ("byte " + std::to_string(x)).c_str(), "x=70", "outside the 64x48 geometry");
    o = decode(outside, "outside.raw", true);
    EXPECT_EQ(o.events, 499u);
    EXPECT_EQ(o.skipped["events outside the geometry"], 1u);

    // TIME_HIGH stepping back by one (not a wrap): time runs backwards.
    std::vector<Event> late = ev;
    for (Event& e : late) e.tUs += 5 * 4096;
    std::vector<std::uint8_t> back = encodeEvt3(late, 64, 48);
    const std::size_t th = findEvt3Word(back, 0x8, 1);
    const std::uint16_t value = std::uint16_t(back[th] | (back[th + 1] << 8));
    patch16(back, th, std::uint16_t(value - 2));
    EXPECT_MESSAGE(decode(back, "back.raw"), ("byte " + std::to_string(th)).c_str(), "time runs backwards");
    o = decode(back, "back.raw", true);
    EXPECT_FALSE(o.threw);
    EXPECT_EQ(o.skipped["backward TIME_HIGH words"], 1u);
    // The ignored TIME_HIGH leaves the next period's events earlier than their predecessors:
    // they are skipped and counted too, so every event is accounted for.
    EXPECT_GT(o.skipped["events earlier than their predecessor"], 0u);
    EXPECT_EQ(o.events + o.skipped["events earlier than their predecessor"], 500u);
}

TEST(EventsBadInput, BackwardTimeInEvt2AndText)
{
    std::vector<Event> ev = sampleEvents(300, 640, 480);
    std::swap(ev[100], ev[200]);
    Outcome o = decode(encodeEvt2(ev, 640, 480), "back2.raw");
    EXPECT_MESSAGE(o, "back2.raw", "time runs backwards");
    o = decode(encodeEvt2(ev, 640, 480), "back2.raw", true);
    EXPECT_EQ(o.events + o.skipped["events earlier than their predecessor"], 300u);
    EXPECT_GT(o.skipped["events earlier than their predecessor"], 0u);

    const std::string text = "64 48\n10 1 1 1\n20 2 2 0\n15 3 3 1\n30 70 4 1\n";
    const std::vector<std::uint8_t> t(text.begin(), text.end());
    EXPECT_MESSAGE(decode(t, "back.txt"), "back.txt", "byte 24", "line 4", "time runs backwards");
    o = decode(t, "back.txt", true);
    EXPECT_EQ(o.events, 2u);
    EXPECT_EQ(o.skipped["events earlier than their predecessor"], 1u);
    EXPECT_EQ(o.skipped["events outside the geometry"], 1u);
    const std::string garbled = "64 48\n10 1 1 1\n20 2 two 0\n";
    EXPECT_MESSAGE(decode(std::vector<std::uint8_t>(garbled.begin(), garbled.end()), "garbled.txt"), "line 3", "byte 15");
}

TEST(EventsBadInput, Aedat4WrongMagicTruncationAndBrokenPackets)
{
    FUSELAB_REQUIRE_SHARED("events/sample.aedat4");
    const std::vector<std::uint8_t> good = readBytes(sharedFile("events/sample.aedat4"));
    const std::vector<AedatPacketInfo> packets = aedatPackets(good);
    ASSERT_EQ(packets.size(), 118u);

    std::vector<std::uint8_t> magic = good;
    std::memcpy(magic.data(), "#!AER-DAT3.1", 12);
    EXPECT_MESSAGE(decode(magic, "old.aedat4"), "old.aedat4", "byte 0", "not an AEDAT 4.0 file");

    // Cut in the middle of packet 20: the header's packet table now lies past the end.
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + long(packets[20].offset + 100));
    EXPECT_MESSAGE(decode(cut, "cut.aedat4"), "cut.aedat4", ("byte " + std::to_string(cut.size())).c_str(), "truncated");
    Outcome o = decode(cut, "cut.aedat4", true);
    EXPECT_FALSE(o.threw);
    EXPECT_EQ(o.skipped["truncated bytes"], 2u); // the missing table, then the cut packet
    EXPECT_GT(o.events, 0u);
    EXPECT_LT(o.events, 111954u);
    // The same cut with no table in the header: the packet itself is reported.
    std::vector<std::uint8_t> noTable = cut;
    const std::int64_t minusOne = -1;
    std::memcpy(noTable.data() + 18 + 36, &minusOne, 8);
    EXPECT_MESSAGE(decode(noTable, "cut2.aedat4"), ("byte " + std::to_string(packets[20].offset)).c_str(), "truncated packet");

    // An event packet whose LZ4 frame is damaged.
    std::size_t broken = 0;
    for (const AedatPacketInfo& p : packets)
        if (p.streamId == 0 && p.offset > packets[30].offset) {
            broken = p.offset;
            break;
        }
    std::vector<std::uint8_t> damaged = good;
    damaged[broken + 8] ^= 0xFF; // the LZ4 frame magic
    EXPECT_MESSAGE(decode(damaged, "lz4.aedat4"), ("byte " + std::to_string(broken)).c_str(), "fails to decompress", "LZ4");
    o = decode(damaged, "lz4.aedat4", true);
    EXPECT_EQ(o.skipped["packets that failed to decompress"], 1u);
    EXPECT_LT(o.events, 111954u);
    EXPECT_GT(o.events, 105000u);
    // Damage inside the compressed block instead: still an error, never garbage events.
    std::vector<std::uint8_t> inner = good;
    for (std::size_t i = 20; i < 60; ++i) inner[broken + 8 + i] ^= 0x5A;
    o = decode(inner, "inner.aedat4");
    EXPECT_TRUE(o.threw) << "damaged LZ4 data decoded silently";
    EXPECT_NE(o.message.find("byte " + std::to_string(broken)), std::string::npos) << o.message;

    // Geometry shrunk in the header (sizeX 320 → 100): events beyond x = 99 are outside.
    std::vector<std::uint8_t> narrow = good;
    const std::string key = "\"sizeX\" type=\"int\">320";
    auto at = std::search(narrow.begin(), narrow.end(), key.begin(), key.end());
    ASSERT_NE(at, narrow.end());
    std::memcpy(&*(at + long(key.size()) - 3), "100", 3);
    o = decode(narrow, "narrow.aedat4");
    EXPECT_MESSAGE(o, "narrow.aedat4", "outside the 100x240 geometry");
    o = decode(narrow, "narrow.aedat4", true);
    EXPECT_EQ(o.events + o.skipped["events outside the geometry"], 111954u);
    EXPECT_GT(o.skipped["events outside the geometry"], 10000u);
}

TEST(EventsBadInput, Hdf5WithoutEventDatasets)
{
    TempDir dir;
    EventStream s;
    s.metadata.widthPx = 8;
    s.metadata.heightPx = 8;
    s.events = {{1, 1, 1, 1}};
    writeEventsHdf5(dir.file("ok.h5"), s);
    EXPECT_FALSE(decodeFile(dir.file("ok.h5")).threw);
    // Not HDF5 at all behind an .h5 name.
    writeBytes(dir.file("text.h5"), {'n', 'o', 't', ' ', 'h', 'd', 'f'});
    EXPECT_MESSAGE(decodeFile(dir.file("text.h5")), "text.h5", "not a readable HDF5 file");
}
