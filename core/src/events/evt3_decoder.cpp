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
#include "byte_source.hpp"
#include "decoder.hpp"
#include "raw_header.hpp"

#include <cstring>

namespace fuselab::events {
namespace {

enum Evt3Reg { kTimeHigh = 0, kTimeLow = 1, kWraps = 2, kRow = 3, kBaseX = 4, kBasePol = 5, kFlags = 7 };
constexpr std::int64_t kHaveTimeHigh = 1;

class Evt3Decoder final : public EventDecoder {
public:
    Evt3Decoder(std::unique_ptr<ByteSource> source, const RawHeader& header, const EventReadOptions& options)
        : EventDecoder(source->name(), options), m_source(std::move(source))
    {
        m_metadata.format = EventFormat::Evt3;
        m_metadata.widthPx = header.widthPx;
        m_metadata.heightPx = header.heightPx;
        m_metadata.geometrySource = header.geometrySource;
        if (auto d = header.fields.find("Date"); d != header.fields.end()) m_metadata.recordedAt = d->second;
        if (auto s = header.fields.find("system_ID"); s != header.fields.end()) m_metadata.camera = "system_ID " + s->second;
        m_dataBegin = header.dataOffset;
        m_end = m_source->size();
        m_chunkBytes = std::max<std::size_t>(2, options.chunkBytes & ~std::size_t(1));
        resume(start());
    }

    ResumePoint start() const override
    {
        ResumePoint p;
        p.offset = m_dataBegin;
        p.registers[reg::lastT] = reg::noTime;
        return p;
    }

    ResumePoint position() const override
    {
        ResumePoint p;
        p.offset = m_offset;
        p.registers[kTimeHigh] = m_timeHigh;
        p.registers[kTimeLow] = m_timeLow;
        p.registers[kWraps] = m_wraps;
        p.registers[kRow] = m_row;
        p.registers[kBaseX] = m_baseX;
        p.registers[kBasePol] = m_basePol;
        p.registers[reg::lastT] = m_lastT;
        p.registers[kFlags] = m_haveTimeHigh ? kHaveTimeHigh : 0;
        return p;
    }

    void resume(const ResumePoint& p) override
    {
        m_offset = p.offset;
        m_timeHigh = std::uint32_t(p.registers[kTimeHigh]) & 0xFFF;
        m_timeLow = std::uint32_t(p.registers[kTimeLow]) & 0xFFF;
        m_wraps = p.registers[kWraps];
        m_row = std::uint32_t(p.registers[kRow]);
        m_baseX = std::uint32_t(p.registers[kBaseX]);
        m_basePol = std::uint8_t(p.registers[kBasePol]);
        m_lastT = p.registers[reg::lastT];
        m_haveTimeHigh = (p.registers[kFlags] & kHaveTimeHigh) != 0;
    }

    bool decodeChunk(EventBuffer& out) override
    {
        if (m_offset >= m_end) return false;
        const std::uint64_t remaining = m_end - m_offset;
        if (remaining < 2) {
            badData(m_offset, "truncated bytes", "truncated: the last 16-bit word has only 1 byte");
            m_offset = m_end;
            return false;
        }
        const std::size_t bytes = std::size_t(std::min<std::uint64_t>(m_chunkBytes, remaining & ~std::uint64_t(1)));
        m_words.resize(bytes / 2);
        if (m_source->readAt(m_offset, m_words.data(), bytes) != bytes) failAt(m_offset, "read past the end of the file");
        decodeWords(m_words.data(), m_words.size(), out);
        m_offset += bytes;
        return true;
    }

private:
    // The hot loop: registers live in locals. `ok` caches "row inside the geometry, time not
    // behind the last event, a TIME_HIGH seen", recomputed only when the row or the time
    // changes, so an ADDR_X word costs one x compare and one branch. Rare cases (bad data,
    // events before the first TIME_HIGH) leave through slowEvent(). Words are taken in blocks
    // whose worst-case output (12 events a word) is reserved up front.
    void decodeWords(const std::uint16_t* words, std::size_t count, EventBuffer& out)
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
                } else if (slowEvent(m_offset + 2 * wordIndex, x, row, t, lastT)) {
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
                            badData(m_offset + 2 * i, "backward TIME_HIGH words",
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
                    badData(m_offset + 2 * i, "unknown words", std::string("unknown EVT 3.0 word type ") + hex);
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

    /// Decides about an event the fast path refused; true when it is to be emitted after all.
    bool slowEvent(std::uint64_t at, std::uint32_t x, std::uint32_t y, std::int64_t t, std::int64_t lastT)
    {
        if (!m_haveTimeHigh) {
            ++m_skipped["events before the first TIME_HIGH"];
            return false;
        }
        if (x >= std::uint32_t(m_metadata.widthPx) || y >= std::uint32_t(m_metadata.heightPx)) {
            badData(at, "events outside the geometry",
                    "event at x=" + std::to_string(x) + ", y=" + std::to_string(y) + " lies outside the " +
                        std::to_string(m_metadata.widthPx) + "x" + std::to_string(m_metadata.heightPx) + " geometry");
            return false;
        }
        if (t < lastT) {
            badData(at, "events earlier than their predecessor",
                    "time runs backwards: event at " + std::to_string(t) + " us after one at " + std::to_string(lastT) + " us");
            return false;
        }
        return true;
    }

    std::unique_ptr<ByteSource> m_source;
    std::uint64_t m_dataBegin = 0, m_end = 0, m_offset = 0;
    std::size_t m_chunkBytes = 1u << 18;
    std::vector<std::uint16_t> m_words;
    std::uint32_t m_timeHigh = 0, m_timeLow = 0, m_row = 0, m_baseX = 0;
    std::uint8_t m_basePol = 0;
    std::int64_t m_wraps = 0;
    std::int64_t m_lastT = reg::noTime;
    bool m_haveTimeHigh = false;
};

} // namespace

std::unique_ptr<EventDecoder> makeEvt3Decoder(std::unique_ptr<ByteSource> source, const EventReadOptions& options)
{
    const RawHeader header = parseRawHeader(*source);
    if (header.format != EventFormat::Evt3) throw Error(source->name(), "the RAW header does not say EVT 3.0");
    return std::make_unique<Evt3Decoder>(std::move(source), header, options);
}

} // namespace fuselab::events
