// Deterministic mutation test of the binary readers (runs everywhere; the libFuzzer targets in
// tests/fuzz explore further where clang is installed): thousands of truncations, bit flips
// and byte overwrites of valid EVT 2.0, EVT 3.0 and AEDAT 4.0 files. Every case must end in
// either events that respect the declared geometry and time order, or a fuselab::Error that
// names the file and a byte offset; lenient reading must not throw on data errors at all
// past the header. Never another exception, never a crash.
#include "event_encoders.hpp"
#include "test_support.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/events_io.hpp"
#include "fuselab/base/random.hpp"

#include <cstring>

using namespace fuselab;
using namespace fuselab::test;

namespace {

std::vector<Event> baseEvents(std::size_t n, int w, int h)
{
    Random rng(99);
    std::vector<Event> ev;
    std::int64_t t = 10;
    while (ev.size() < n) {
        t += std::int64_t(rng.uniform() * 40.0);
        const auto y = std::uint16_t(rng.uniform() * h);
        auto x = std::uint16_t(rng.uniform() * (w - 12));
        const int run = 1 + int(rng.uniform() * 4);
        for (int k = 0; k < run; ++k) ev.push_back(Event{t, std::uint16_t(x + 2 * k), y, std::uint8_t(k & 1 ? 0 : 1)});
    }
    return ev;
}

std::vector<std::uint8_t> mutate(const std::vector<std::uint8_t>& good, std::size_t keepHeader, Random& rng)
{
    std::vector<std::uint8_t> f = good;
    const double kind = rng.uniform();
    if (kind < 0.3) {
        f.resize(std::size_t(rng.uniform() * double(f.size()))); // truncation anywhere, header included
    } else if (kind < 0.8) {
        const int flips = 1 + int(rng.uniform() * 8);
        for (int i = 0; i < flips && !f.empty(); ++i) {
            const std::size_t at = rng.uniform() < 0.1 ? std::size_t(rng.uniform() * double(std::min(f.size(), keepHeader + 64)))
                                                       : std::size_t(rng.uniform() * double(f.size()));
            f[at] ^= std::uint8_t(1u << int(rng.uniform() * 8));
        }
    } else {
        const std::size_t at = keepHeader + std::size_t(rng.uniform() * double(f.size() - keepHeader));
        const std::size_t n = std::min<std::size_t>(f.size() - at, 1 + std::size_t(rng.uniform() * 32));
        for (std::size_t i = 0; i < n; ++i) f[at + i] = std::uint8_t(rng.nextU64());
    }
    return f;
}

struct Tally {
    int ok = 0, refused = 0;
};

void runCases(const std::vector<std::uint8_t>& good, std::size_t headerSize, const std::string& name, int cases, Tally& tally)
{
    Random rng(std::hash<std::string>()(name));
    for (int c = 0; c < cases; ++c) {
        const std::vector<std::uint8_t> bytes = mutate(good, headerSize, rng);
        for (bool lenient : {false, true}) {
            EventReadOptions options;
            options.lenient = lenient;
            options.chunkBytes = 1024;
            try {
                auto reader = openEventReaderFromMemory(bytes, name, options);
                const int w = reader->metadata().widthPx, h = reader->metadata().heightPx;
                std::vector<Event> batch;
                std::int64_t last = std::numeric_limits<std::int64_t>::min();
                while (reader->next(batch, 4096))
                    for (const Event& e : batch) {
                        ASSERT_LT(int(e.x), w) << name << " case " << c;
                        ASSERT_LT(int(e.y), h) << name << " case " << c;
                        ASSERT_GE(e.tUs, last) << name << " case " << c;
                        last = e.tUs;
                    }
                ++tally.ok;
            } catch (const Error& e) {
                const std::string m = e.what();
                ASSERT_EQ(m.rfind(name + ": ", 0), 0u) << m;
                ASSERT_NE(m.find("byte "), std::string::npos) << m;
                ++tally.refused;
            } catch (const std::exception& e) {
                FAIL() << name << " case " << c << ": unexpected " << e.what();
            }
        }
    }
}

} // namespace

TEST(EventsMutation, Evt3SurvivesThousandsOfMutations)
{
    const std::vector<std::uint8_t> good = encodeEvt3(baseEvents(6000, 320, 240), 320, 240);
    Tally t;
    runCases(good, rawHeaderSize(good), "m.raw", 1500, t);
    EXPECT_GT(t.ok, 100);
    EXPECT_GT(t.refused, 100);
}

TEST(EventsMutation, Evt2SurvivesThousandsOfMutations)
{
    const std::vector<std::uint8_t> good = encodeEvt2(baseEvents(4000, 320, 240), 320, 240);
    Tally t;
    runCases(good, rawHeaderSize(good), "m2.raw", 1500, t);
    EXPECT_GT(t.ok, 100);
    EXPECT_GT(t.refused, 100);
}

TEST(EventsMutation, Aedat4SurvivesThousandsOfMutations)
{
    FUSELAB_REQUIRE_SHARED("events/sample.aedat4");
    const std::vector<std::uint8_t> full = readBytes(sharedFile("events/sample.aedat4"));
    const std::vector<AedatPacketInfo> packets = aedatPackets(full);
    // The header and the first 12 packets, no packet table.
    std::vector<std::uint8_t> good(full.begin(), full.begin() + long(packets[12].offset));
    const std::int64_t minusOne = -1;
    std::memcpy(good.data() + 18 + 36, &minusOne, 8);
    Tally t;
    runCases(good, packets[0].offset, "m.aedat4", 1500, t);
    EXPECT_GT(t.ok, 100);
    EXPECT_GT(t.refused, 100);
}
