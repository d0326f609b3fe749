// Prophesee EVT 2.0: 32-bit little-endian words, the type in the top 4 bits.
//
//   0x0 CD_OFF, 0x1 CD_ON  time bits 5..0 (27..22), x (21..11), y (10..0)
//   0x8 TIME_HIGH          time bits 33..6 (27..0)
//   0xA EXT_TRIGGER, 0xE OTHERS, 0xF CONTINUED: not CD events (counted)
//
// Time is (wraps · 2^34) + (TIME_HIGH << 6) + low bits; a wrap is counted when TIME_HIGH falls
// by more than half its range. Nothing is emitted before the first TIME_HIGH.
#include "byte_source.hpp"
#include "decoder.hpp"
#include "raw_header.hpp"

#include <cstdio>

namespace fuselab::events {
namespace {

enum Evt2Reg { kTimeHigh = 0, kWraps = 2, kFlags = 7 };

class Evt2Decoder final : public EventDecoder {
public:
    Evt2Decoder(std::unique_ptr<ByteSource> source, const RawHeader& header, const EventReadOptions& options)
        : EventDecoder(source->name(), options), m_source(std::move(source))
    {
        m_metadata.format = EventFormat::Evt2;
        m_metadata.widthPx = header.widthPx;
        m_metadata.heightPx = header.heightPx;
        m_metadata.geometrySource = header.geometrySource;
        if (auto d = header.fields.find("Date"); d != header.fields.end()) m_metadata.recordedAt = d->second;
        if (auto s = header.fields.find("system_ID"); s != header.fields.end()) m_metadata.camera = "system_ID " + s->second;
        m_dataBegin = header.dataOffset;
        m_end = m_source->size();
        m_chunkBytes = std::max<std::size_t>(4, options.chunkBytes & ~std::size_t(3));
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
        p.registers[kWraps] = m_wraps;
        p.registers[reg::lastT] = m_lastT;
        p.registers[kFlags] = m_haveTimeHigh ? 1 : 0;
        return p;
    }
    void resume(const ResumePoint& p) override
    {
        m_offset = p.offset;
        m_timeHigh = std::uint32_t(p.registers[kTimeHigh]) & 0xFFFFFFF;
        m_wraps = p.registers[kWraps];
        m_lastT = p.registers[reg::lastT];
        m_haveTimeHigh = p.registers[kFlags] != 0;
    }

    bool decodeChunk(EventBuffer& out) override
    {
        if (m_offset >= m_end) return false;
        const std::uint64_t remaining = m_end - m_offset;
        if (remaining < 4) {
            badData(m_offset, "truncated bytes",
                    "truncated: the last 32-bit word has only " + std::to_string(remaining) + " byte(s)");
            m_offset = m_end;
            return false;
        }
        const std::size_t bytes = std::size_t(std::min<std::uint64_t>(m_chunkBytes, remaining & ~std::uint64_t(3)));
        m_words.resize(bytes / 4);
        if (m_source->readAt(m_offset, m_words.data(), bytes) != bytes) failAt(m_offset, "read past the end of the file");
        decodeWords(out);
        m_offset += bytes;
        return true;
    }

private:
    void decodeWords(EventBuffer& out)
    {
        const std::uint32_t width = std::uint32_t(m_metadata.widthPx);
        const std::uint32_t height = std::uint32_t(m_metadata.heightPx);
        std::size_t n = out.size();
        out.resize(n + m_words.size());
        Event* o = out.data() + n;
        std::int64_t base = (m_wraps << 34) + (std::int64_t(m_timeHigh) << 6);
        std::int64_t lastT = m_haveTimeHigh ? m_lastT : std::numeric_limits<std::int64_t>::max();
        for (std::size_t i = 0; i < m_words.size(); ++i) {
            const std::uint32_t w = m_words[i];
            const std::uint32_t type = w >> 28;
            if (type <= 1) {
                const std::int64_t t = base + ((w >> 22) & 0x3F);
                const std::uint32_t x = (w >> 11) & 0x7FF, y = w & 0x7FF;
                if (x < width && y < height && t >= lastT) {
                    *o++ = Event{t, std::uint16_t(x), std::uint16_t(y), std::uint8_t(type)};
                    lastT = t;
                } else if (slowEvent(m_offset + 4 * i, x, y, t, lastT)) {
                    *o++ = Event{t, std::uint16_t(x), std::uint16_t(y), std::uint8_t(type)};
                    lastT = t;
                }
            } else if (type == 0x8) {
                const std::uint32_t h = w & 0xFFFFFFF;
                if (!m_haveTimeHigh) {
                    m_haveTimeHigh = true;
                    lastT = std::numeric_limits<std::int64_t>::min();
                } else if (h < m_timeHigh) {
                    if (m_timeHigh - h >= (1u << 27)) {
                        ++m_wraps;
                    } else {
                        badData(m_offset + 4 * i, "backward TIME_HIGH words",
                                "time runs backwards: TIME_HIGH fell from " + std::to_string(m_timeHigh) + " to " + std::to_string(h));
                        continue;
                    }
                }
                m_timeHigh = h;
                base = (m_wraps << 34) + (std::int64_t(m_timeHigh) << 6);
            } else if (type == 0xA) {
                ++m_skipped["EXT_TRIGGER words"];
            } else if (type == 0xE) {
                ++m_skipped["OTHERS words"];
            } else if (type == 0xF) {
                ++m_skipped["CONTINUED words"];
            } else {
                char hex[8];
                std::snprintf(hex, sizeof hex, "0x%X", unsigned(type));
                badData(m_offset + 4 * i, "unknown words", std::string("unknown EVT 2.0 word type ") + hex);
            }
        }
        out.resize(std::size_t(o - out.data()));
        m_lastT = m_haveTimeHigh ? lastT : reg::noTime;
    }

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
    std::vector<std::uint32_t> m_words;
    std::uint32_t m_timeHigh = 0;
    std::int64_t m_wraps = 0;
    std::int64_t m_lastT = reg::noTime;
    bool m_haveTimeHigh = false;
};

} // namespace

std::unique_ptr<EventDecoder> makeEvt2Decoder(std::unique_ptr<ByteSource> source, const EventReadOptions& options)
{
    const RawHeader header = parseRawHeader(*source);
    if (header.format != EventFormat::Evt2) throw Error(source->name(), "the RAW header does not say EVT 2.0");
    return std::make_unique<Evt2Decoder>(std::move(source), header, options);
}

std::unique_ptr<EventDecoder> makeRawDecoder(std::unique_ptr<ByteSource> source, const EventReadOptions& options)
{
    const RawHeader header = parseRawHeader(*source);
    if (header.format == EventFormat::Evt2) return std::make_unique<Evt2Decoder>(std::move(source), header, options);
    return makeEvt3Decoder(std::move(source), options);
}

} // namespace fuselab::events
