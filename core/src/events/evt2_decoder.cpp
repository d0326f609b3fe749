// Prophesee EVT 2.0: 32-bit little-endian words, the type in the top 4 bits.
//
//   0x0 CD_OFF, 0x1 CD_ON  time bits 5..0 (27..22), x (21..11), y (10..0)
//   0x8 TIME_HIGH          time bits 33..6 (27..0)
//   0xA EXT_TRIGGER, 0xE OTHERS, 0xF CONTINUED: not CD events (counted)
//
// Time is (wraps · 2^34) + (TIME_HIGH << 6) + low bits; a wrap is counted when TIME_HIGH falls
// by more than half its range. Nothing is emitted before the first TIME_HIGH.
#include "raw_words.hpp"

#include <cstdio>

namespace fuselab::events {
namespace {

class Evt2Decoder final : public RawWordDecoder<std::uint32_t> {
public:
    Evt2Decoder(std::unique_ptr<ByteSource> source, const RawHeader& header, const EventReadOptions& options)
        : RawWordDecoder(std::move(source), header, options, 0xFFFFFFF)
    {
    }

private:
    void decodeWords(const std::uint32_t* words, std::size_t count, EventBuffer& out) override
    {
        const std::uint32_t width = std::uint32_t(m_metadata.widthPx);
        const std::uint32_t height = std::uint32_t(m_metadata.heightPx);
        std::size_t n = out.size();
        out.resize(n + count);
        Event* o = out.data() + n;
        std::int64_t base = (m_wraps << 34) + (std::int64_t(m_timeHigh) << 6);
        std::int64_t lastT = m_haveTimeHigh ? m_lastT : std::numeric_limits<std::int64_t>::max();
        for (std::size_t i = 0; i < count; ++i) {
            const std::uint32_t w = words[i];
            const std::uint32_t type = w >> 28;
            if (type <= 1) {
                const std::int64_t t = base + ((w >> 22) & 0x3F);
                const std::uint32_t x = (w >> 11) & 0x7FF, y = w & 0x7FF;
                if (x < width && y < height && t >= lastT) {
                    *o++ = Event{t, std::uint16_t(x), std::uint16_t(y), std::uint8_t(type)};
                    lastT = t;
                } else if (slowEvent(i, x, y, t, lastT)) {
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
                        badData(wordByte(i), "backward TIME_HIGH words",
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
                badData(wordByte(i), "unknown words", std::string("unknown EVT 2.0 word type ") + hex);
            }
        }
        out.resize(std::size_t(o - out.data()));
        m_lastT = m_haveTimeHigh ? lastT : reg::noTime;
    }
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
    // parseRawHeader accepts EVT 2.0 and 3.0 only.
    if (header.format == EventFormat::Evt2) return std::make_unique<Evt2Decoder>(std::move(source), header, options);
    return makeEvt3DecoderFromHeader(std::move(source), header, options);
}

} // namespace fuselab::events
