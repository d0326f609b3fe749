// Prophesee EVT 3.0: 16-bit little-endian words, the type in the top 4 bits.
//
//   0x0 ADDR_Y     y (11 bits): the row of the following events
//   0x2 ADDR_X     x (11 bits), polarity (bit 11): one event at the current time and row
//   0x3 VECT_BASE_X base x and polarity of the following vector words
//   0x4 VECT_12    12 validity bits: events at base x + i; base x += 12
//   0x5 VECT_8     8 validity bits: events at base x + i; base x += 8
//   0x6 TIME_LOW   time bits 11..0
//   0x8 TIME_HIGH  time bits 23..12
//   0x7 CONTINUED_4, 0xA EXT_TRIGGER, 0xE OTHERS, 0xF CONTINUED_12: not CD events (counted)
//
// Time is (wraps · 2^24) + (TIME_HIGH << 12) + TIME_LOW. A wrap is counted when TIME_HIGH
// falls by more than half its range; a drop of TIME_LOW alone is never a wrap (the sensor
// re-sends TIME_HIGH/TIME_LOW pairs whose low part may step back a few µs before any event;
// a decoder that counts those drops as wraps corrupts every later timestamp). Nothing is
// emitted before the first TIME_HIGH. Events must not run backwards in time.
#include "raw_words.hpp"

#include <cstdio>

namespace fuselab::events {
namespace {

// Slots 0 (TIME_HIGH), 2 (wraps) and 7 (flags) are RawWordDecoder's.
enum Evt3Reg { kTimeLow = 1, kRow = 3, kBaseX = 4, kBasePol = 5 };

class Evt3Decoder final : public RawWordDecoder<std::uint16_t> {
public:
    Evt3Decoder(std::unique_ptr<ByteSource> source, const RawHeader& header, const EventReadOptions& options)
        : RawWordDecoder(std::move(source), header, options, 0xFFF)
    {
    }

private:
    // The hot loop: registers live in locals. `ok` caches "row inside the geometry, time not
    // behind the last event, a TIME_HIGH seen", recomputed only when the row or the time
    // changes, so an ADDR_X word costs one x compare and one branch. Rare cases (bad data,
    // events before the first TIME_HIGH) leave through slowEvent(). Words are taken in blocks
    // whose worst-case output (12 events a word) is reserved up front.
    void savePosition(ResumePoint& p) const override
    {
        p.registers[kTimeLow] = m_timeLow;
        p.registers[kRow] = m_row;
        p.registers[kBaseX] = m_baseX;
        p.registers[kBasePol] = m_basePol;
    }

    void restorePosition(const ResumePoint& p) override
    {
        m_timeLow = std::uint32_t(p.registers[kTimeLow]) & 0xFFF;
        m_row = std::uint32_t(p.registers[kRow]);
        m_baseX = std::uint32_t(p.registers[kBaseX]);
        m_basePol = std::uint8_t(p.registers[kBasePol]);
    }

    void decodeWords(const std::uint16_t* words, std::size_t count, EventBuffer& out) override
    {
        const std::uint32_t width = std::uint32_t(m_metadata.widthPx);
        const std::uint32_t height = std::uint32_t(m_metadata.heightPx);
        constexpr std::size_t kBlock = 512;
        std::size_t used = out.size();

        std::uint32_t th = m_timeHigh, tl = m_timeLow, row = m_row, baseX = m_baseX;
        std::uint8_t basePol = m_basePol;
        std::int64_t wraps = m_wraps;
        std::int64_t lastT = m_haveTimeHigh ? m_lastT : std::numeric_limits<std::int64_t>::max();
        std::int64_t t = (wraps << 24) + (std::int64_t(th) << 12) + tl;
        bool ok = row < height && t >= lastT;

        for (std::size_t blockBegin = 0; blockBegin < count; blockBegin += kBlock) {
            const std::size_t blockEnd = std::min(count, blockBegin + kBlock);
            if (out.size() < used + (blockEnd - blockBegin) * 12) out.resize(std::max(out.size() * 2, used + kBlock * 12));
            Event* o = out.data() + used;

            auto emit = [&](std::uint32_t x, std::uint8_t p, std::size_t wordIndex) {
                if (x < width && ok) {
                    o->tUs = t;
                    o->x = std::uint16_t(x);
                    o->y = std::uint16_t(row);
                    o->p = p;
                    ++o;
                    lastT = t;
                } else if (slowEvent(wordIndex, x, row, t, lastT)) {
                    o->tUs = t;
                    o->x = std::uint16_t(x);
                    o->y = std::uint16_t(row);
                    o->p = p;
                    ++o;
                    lastT = t;
                }
            };

            for (std::size_t i = blockBegin; i < blockEnd; ++i) {
                const std::uint32_t w = words[i];
                const std::uint32_t type = w >> 12;
                if (type == 0x2) { // the commonest word first: one event
                    emit(w & 0x7FF, std::uint8_t((w >> 11) & 1), i);
                    continue;
                }
                switch (type) {
                case 0x0:
                    row = w & 0x7FF;
                    ok = row < height && t >= lastT;
                    break;
                case 0x3:
                    baseX = w & 0x7FF;
                    basePol = std::uint8_t((w >> 11) & 1);
                    break;
                case 0x4:
                case 0x5: {
                    std::uint32_t mask = type == 0x4 ? (w & 0xFFF) : (w & 0xFF);
                    while (mask) {
                        const int bit = __builtin_ctz(mask);
                        mask &= mask - 1;
                        emit(baseX + std::uint32_t(bit), basePol, i);
                    }
                    baseX += type == 0x4 ? 12 : 8;
                    break;
                }
                case 0x6:
                    tl = w & 0xFFF;
                    t = (wraps << 24) + (std::int64_t(th) << 12) + tl;
                    ok = row < height && t >= lastT;
                    break;
                case 0x8: {
                    const std::uint32_t h = w & 0xFFF;
                    if (!m_haveTimeHigh) {
                        m_haveTimeHigh = true;
                        lastT = std::numeric_limits<std::int64_t>::min();
                    } else if (h < th) {
                        if (th - h >= 2048) {
                            ++wraps; // the 24-bit time base rolled over
                        } else {
                            badData(wordByte(i), "backward TIME_HIGH words",
                                    "time runs backwards: TIME_HIGH fell from " + std::to_string(th) + " to " + std::to_string(h));
                            break; // lenient: ignore this word
                        }
                    }
                    th = h;
                    t = (wraps << 24) + (std::int64_t(th) << 12) + tl;
                    ok = row < height && t >= lastT;
                    break;
                }
                case 0x7:
                case 0xF: ++m_skipped["CONTINUED words"]; break;
                case 0xA: ++m_skipped["EXT_TRIGGER words"]; break;
                case 0xE: ++m_skipped["OTHERS words"]; break;
                default: {
                    char hex[8];
                    std::snprintf(hex, sizeof hex, "0x%X", unsigned(type));
                    badData(wordByte(i), "unknown words", std::string("unknown EVT 3.0 word type ") + hex);
                    break;
                }
                }
            }
            used = std::size_t(o - out.data());
        }
        out.resize(used);
        m_timeHigh = th;
        m_timeLow = tl;
        m_row = row;
        m_baseX = baseX;
        m_basePol = basePol;
        m_wraps = wraps;
        m_lastT = m_haveTimeHigh ? lastT : reg::noTime;
    }

    std::uint32_t m_timeLow = 0, m_row = 0, m_baseX = 0;
    std::uint8_t m_basePol = 0;
};

} // namespace

std::unique_ptr<EventDecoder> makeEvt3Decoder(std::unique_ptr<ByteSource> source, const EventReadOptions& options)
{
    const RawHeader header = parseRawHeader(*source);
    if (header.format != EventFormat::Evt3) throw Error(source->name(), "the RAW header does not say EVT 3.0");
    return makeEvt3DecoderFromHeader(std::move(source), header, options);
}

std::unique_ptr<EventDecoder> makeEvt3DecoderFromHeader(std::unique_ptr<ByteSource> source, const RawHeader& header,
                                                        const EventReadOptions& options)
{
    return std::make_unique<Evt3Decoder>(std::move(source), header, options);
}

} // namespace fuselab::events
