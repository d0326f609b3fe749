// Private: what the two Prophesee RAW decoders share (EVT 2.0: 32-bit words, EVT 3.0: 16-bit
// words): the header's metadata, reading the data in chunks of whole words, the registers both
// formats keep (TIME_HIGH, wraps of the time base, the last time emitted, whether a TIME_HIGH
// was seen) in the same ResumePoint slots, and the slow path of an event the fast loop refused.
// Each format implements only its word loop (decodeWords) and any registers of its own.
#pragma once

#include "byte_source.hpp"
#include "decoder.hpp"
#include "raw_header.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fuselab::events {

template <class Word>
class RawWordDecoder : public EventDecoder {
public:
    ResumePoint start() const override { return pointAt(m_dataBegin, reg::noTime); }

    ResumePoint position() const override
    {
        ResumePoint p = pointAt(m_offset, m_lastT);
        p.registers[kTimeHighSlot] = m_timeHigh;
        p.registers[kWrapsSlot] = m_wraps;
        p.registers[kFlagsSlot] = m_haveTimeHigh ? 1 : 0;
        savePosition(p);
        return p;
    }

    void resume(const ResumePoint& p) override
    {
        m_offset = p.offset;
        m_timeHigh = std::uint32_t(p.registers[kTimeHighSlot]) & m_timeHighMask;
        m_wraps = p.registers[kWrapsSlot];
        m_lastT = p.registers[reg::lastT];
        m_haveTimeHigh = (p.registers[kFlagsSlot] & 1) != 0;
        restorePosition(p);
    }

    bool decodeChunk(EventBuffer& out) final
    {
        if (m_offset >= m_end) return false;
        const std::uint64_t remaining = m_end - m_offset;
        if (remaining < sizeof(Word)) {
            badData(m_offset, "truncated bytes",
                    "truncated: the last " + std::to_string(8 * sizeof(Word)) + "-bit word has only " + std::to_string(remaining) +
                        (remaining == 1 ? " byte" : " bytes"));
            m_offset = m_end;
            return false;
        }
        const std::size_t bytes = std::size_t(std::min<std::uint64_t>(m_chunkBytes, remaining - remaining % sizeof(Word)));
        m_words.resize(bytes / sizeof(Word));
        if (m_source->readAt(m_offset, m_words.data(), bytes) != bytes) failAt(m_offset, "read past the end of the file");
        decodeWords(m_words.data(), m_words.size(), out);
        m_offset += bytes;
        return true;
    }

protected:
    /// ResumePoint slots both formats use (the format's own registers take the others).
    static constexpr int kTimeHighSlot = 0, kWrapsSlot = 2, kFlagsSlot = 7;

    /// `timeHighMask`: the bits a TIME_HIGH word holds (28 in EVT 2.0, 12 in EVT 3.0).
    RawWordDecoder(std::unique_ptr<ByteSource> source, const RawHeader& header, const EventReadOptions& options, std::uint32_t timeHighMask)
        : EventDecoder(source->name(), options), m_source(std::move(source)), m_timeHighMask(timeHighMask)
    {
        m_metadata.format = header.format;
        m_metadata.widthPx = header.widthPx;
        m_metadata.heightPx = header.heightPx;
        m_metadata.geometrySource = header.geometrySource;
        if (auto d = header.fields.find("Date"); d != header.fields.end()) m_metadata.recordedAt = d->second;
        if (auto s = header.fields.find("system_ID"); s != header.fields.end()) m_metadata.camera = "system_ID " + s->second;
        m_dataBegin = header.dataOffset;
        m_end = m_source->size();
        m_chunkBytes = std::max<std::size_t>(sizeof(Word), options.chunkBytes - options.chunkBytes % sizeof(Word));
        m_lastT = reg::noTime;
        m_offset = m_dataBegin;
    }

    /// Decodes the chunk's words (the chunk starts at m_offset), appending events to `out`.
    virtual void decodeWords(const Word* words, std::size_t count, EventBuffer& out) = 0;
    /// The format's own registers, into and out of a ResumePoint.
    virtual void savePosition(ResumePoint&) const {}
    virtual void restorePosition(const ResumePoint&) {}

    /// Byte offset of word i of the current chunk.
    std::uint64_t wordByte(std::size_t i) const { return m_offset + sizeof(Word) * i; }

    /// Decides about an event the fast loop refused (word i of the chunk); true when it is to be
    /// emitted after all.
    bool slowEvent(std::size_t wordIndex, std::uint32_t x, std::uint32_t y, std::int64_t tUs, std::int64_t lastTUs)
    {
        if (!m_haveTimeHigh) {
            ++m_skipped["events before the first TIME_HIGH"];
            return false;
        }
        return eventFits([&] { return byteAt(wordByte(wordIndex)); }, x, y, tUs, lastTUs);
    }

    std::unique_ptr<ByteSource> m_source;
    std::uint64_t m_dataBegin = 0, m_end = 0, m_offset = 0;
    std::size_t m_chunkBytes = 1u << 18;
    std::vector<Word> m_words;
    std::uint32_t m_timeHigh = 0;
    std::uint32_t m_timeHighMask;
    std::int64_t m_wraps = 0;
    std::int64_t m_lastT = reg::noTime;
    bool m_haveTimeHigh = false;
};

/// The EVT 3.0 decoder of a header already read and checked (makeRawDecoder reads it once).
std::unique_ptr<EventDecoder> makeEvt3DecoderFromHeader(std::unique_ptr<ByteSource> source, const RawHeader& header,
                                                        const EventReadOptions& options);

} // namespace fuselab::events
