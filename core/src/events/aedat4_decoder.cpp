// iniVation AEDAT 4.0.
//
// Layout: "#!AER-DAT4.0\r\n", a little-endian int32 length, an IOHeader FlatBuffer (compression,
// position of the packet table, XML description of the streams), then packets up to the
// packet table: int32 stream id, int32 payload size, payload. A payload is a size-prefixed
// FlatBuffer whose file identifier names the stream type (EVTS, FRME, IMUS, TRIG), compressed
// as the header says (LZ4 frame or ZSTD frame). EVTS packets are decoded; the others are
// skipped without decompression and counted. Event times are Unix microseconds.
#include "byte_source.hpp"
#include "decoder.hpp"

#include "aedat_events_generated.h"
#include "aedat_ioheader_generated.h"

#include <lz4frame.h>
#include <zstd.h>

#include <cstring>

namespace fuselab::events {
namespace {

constexpr char kMagic[] = "#!AER-DAT4.0\r\n";
constexpr std::size_t kMagicSize = sizeof(kMagic) - 1;
constexpr std::size_t kMaxPayloadBytes = std::size_t(1) << 30; // a packet that inflates beyond this is refused

struct StreamInfo {
    std::string type; ///< "EVTS", "FRME", "IMUS", "TRIG", …
    int widthPx = 0;
    int heightPx = 0;
    std::string source;
};

/// The value of <attr key="KEY" …>VALUE</attr> inside xml[begin, end); empty when absent.
std::string attrValue(const std::string& xml, std::size_t begin, std::size_t end, const std::string& key)
{
    const std::string needle = "key=\"" + key + "\"";
    const std::size_t at = xml.find(needle, begin);
    if (at == std::string::npos || at >= end) return "";
    const std::size_t open = xml.find('>', at);
    const std::size_t close = xml.find("</attr>", at);
    if (open == std::string::npos || close == std::string::npos || close < open || close > end) return "";
    return xml.substr(open + 1, close - open - 1);
}

/// Streams of the XML description: the child nodes of "outInfo", keyed by their numeric name.
/// A small scanner for this one document shape, not a general XML parser.
std::map<std::int32_t, StreamInfo> parseStreams(const std::string& xml)
{
    std::map<std::int32_t, StreamInfo> streams;
    const std::size_t outInfo = xml.find("name=\"outInfo\"");
    if (outInfo == std::string::npos) return streams;
    std::vector<std::pair<std::int32_t, std::size_t>> starts;
    std::size_t pos = outInfo;
    while ((pos = xml.find("<node name=\"", pos + 1)) != std::string::npos) {
        const std::size_t nameBegin = pos + 12;
        const std::size_t nameEnd = xml.find('"', nameBegin);
        if (nameEnd == std::string::npos) break;
        const std::string name = xml.substr(nameBegin, nameEnd - nameBegin);
        const bool numeric = !name.empty() && name.size() < 10 &&
                             name.find_first_not_of("0123456789") == std::string::npos;
        if (numeric) starts.emplace_back(std::int32_t(std::stol(name)), pos);
    }
    for (std::size_t i = 0; i < starts.size(); ++i) {
        const std::size_t begin = starts[i].second;
        const std::size_t end = i + 1 < starts.size() ? starts[i + 1].second : xml.size();
        StreamInfo s;
        s.type = attrValue(xml, begin, end, "typeIdentifier");
        const std::string w = attrValue(xml, begin, end, "sizeX"), h = attrValue(xml, begin, end, "sizeY");
        auto toInt = [](const std::string& t) {
            return !t.empty() && t.size() < 7 && t.find_first_not_of("0123456789") == std::string::npos ? std::atoi(t.c_str()) : 0;
        };
        s.widthPx = toInt(w);
        s.heightPx = toInt(h);
        s.source = attrValue(xml, begin, end, "source");
        if (!s.type.empty()) streams[starts[i].first] = s;
    }
    return streams;
}

class Aedat4Decoder final : public EventDecoder {
public:
    Aedat4Decoder(std::unique_ptr<ByteSource> source, const EventReadOptions& options)
        : EventDecoder(source->name(), options), m_source(std::move(source))
    {
        const std::uint64_t size = m_source->size();
        if (size == 0) throw Error(m_name, "empty file");
        char magic[kMagicSize];
        if (m_source->readAt(0, magic, kMagicSize) != kMagicSize || std::memcmp(magic, kMagic, kMagicSize) != 0)
            failAt(0, "not an AEDAT 4.0 file (the first line is not '#!AER-DAT4.0')");
        std::uint32_t headerSize = 0;
        if (m_source->readAt(kMagicSize, &headerSize, 4) != 4) failAt(kMagicSize, "truncated: the header length is cut off");
        if (headerSize < 8 || headerSize > (1u << 26)) failAt(kMagicSize, "implausible header length " + std::to_string(headerSize));
        const std::vector<std::uint8_t> header = m_source->read(kMagicSize + 4, headerSize);
        if (header.size() != headerSize)
            failAt(kMagicSize + 4, "truncated: the header needs " + std::to_string(headerSize) + " bytes, " +
                                       std::to_string(header.size()) + " remain");
        // dv-processing writes int64 fields 4-aligned: verify bounds, not alignment (x86 reads either).
        flatbuffers::Verifier verifier(header.data(), header.size(), 64, 1000000, false);
        if (!aedat::VerifyIOHeaderBuffer(verifier)) failAt(kMagicSize + 4, "the IOHeader FlatBuffer is malformed");
        const aedat::IOHeader* io = aedat::GetIOHeader(header.data());
        m_compression = io->compression();
        if (m_compression < aedat::CompressionType::NONE || m_compression > aedat::CompressionType::ZSTD_HIGH)
            failAt(kMagicSize + 4, "unknown compression type " + std::to_string(int(m_compression)));
        const std::string xml = io->info_node() ? io->info_node()->str() : std::string();
        m_streams = parseStreams(xml);
        const StreamInfo* events = nullptr;
        for (const auto& [id, s] : m_streams)
            if (s.type == "EVTS" && !events) {
                events = &s;
                m_eventStream = id;
            }
        if (!events) failAt(kMagicSize + 4, "the header declares no event (EVTS) stream");
        if (events->widthPx <= 0 || events->heightPx <= 0 || events->widthPx > 32767 || events->heightPx > 32767)
            failAt(kMagicSize + 4, "the event stream's sizeX/sizeY are missing or invalid");
        m_metadata.format = EventFormat::Aedat4;
        m_metadata.widthPx = events->widthPx;
        m_metadata.heightPx = events->heightPx;
        m_metadata.geometrySource = "AEDAT4 header (event stream sizeX/sizeY)";
        m_metadata.originUnixUs = 0;
        m_metadata.camera = events->source;

        m_dataBegin = kMagicSize + 4 + headerSize;
        m_end = size;
        const std::int64_t table = io->data_table_position();
        if (table >= 0) {
            if (std::uint64_t(table) < m_dataBegin) failAt(kMagicSize + 4, "the packet table position lies inside the header");
            if (std::uint64_t(table) > size) {
                badData(size, "truncated bytes",
                        "truncated: the header places the packet table at byte " + std::to_string(table) +
                            " but the file ends at byte " + std::to_string(size));
            } else {
                m_end = std::uint64_t(table);
            }
        }
        resume(start());
    }

    ~Aedat4Decoder() override
    {
        if (m_lz4) LZ4F_freeDecompressionContext(m_lz4);
        if (m_zstd) ZSTD_freeDCtx(m_zstd);
    }

    ResumePoint start() const override { return pointAt(m_dataBegin, reg::noTime); }
    ResumePoint position() const override { return pointAt(m_offset, m_lastT); }
    void resume(const ResumePoint& p) override
    {
        m_offset = p.offset;
        m_lastT = p.registers[reg::lastT];
    }

    bool decodeChunk(EventBuffer& out) override
    {
        if (m_offset >= m_end) return false;
        const std::uint64_t at = m_offset;
        const std::uint64_t remaining = m_end - at;
        std::int32_t head[2] = {0, 0};
        if (remaining < 8) {
            badData(at, "truncated bytes", "truncated: a packet header needs 8 bytes, " + std::to_string(remaining) + " remain");
            m_offset = m_end;
            return false;
        }
        m_source->readAt(at, head, 8);
        const std::int32_t streamId = head[0], size = head[1];
        if (size <= 0 || std::uint64_t(size) > remaining - 8) {
            const std::string problem = size <= 0 ? "packet claims an invalid size of " + std::to_string(size) + " bytes"
                                                  : "truncated packet: it claims " + std::to_string(size) + " bytes, " +
                                                        std::to_string(remaining - 8) + " remain";
            badData(at, "truncated bytes", problem);
            m_offset = m_end; // nothing after a broken length can be trusted
            return false;
        }
        m_offset = at + 8 + std::uint64_t(size);
        const auto stream = m_streams.find(streamId);
        if (stream == m_streams.end()) {
            badData(at, "packets of undeclared streams",
                    "packet of stream id " + std::to_string(streamId) + ", which the header does not declare");
            return true;
        }
        if (streamId != m_eventStream) {
            ++m_skipped[stream->second.type + " packets"];
            return true;
        }
        m_raw.resize(std::size_t(size));
        m_source->readAt(at + 8, m_raw.data(), m_raw.size());
        std::string problem;
        if (!inflate(problem)) {
            badData(at, "packets that failed to decompress", "event packet fails to decompress: " + problem);
            return true;
        }
        decodeEvents(at, out);
        return true;
    }

private:
    /// m_raw → m_payload as the header's compression says; false with a reason on failure.
    bool inflate(std::string& problem)
    {
        using aedat::CompressionType;
        if (m_compression == CompressionType::NONE) {
            m_payload.assign(m_raw.begin(), m_raw.end());
            return true;
        }
        m_payload.resize(std::max<std::size_t>(m_raw.size() * 4, 1u << 16));
        std::size_t produced = 0;
        if (m_compression == CompressionType::LZ4 || m_compression == CompressionType::LZ4_HIGH) {
            if (!m_lz4 && LZ4F_isError(LZ4F_createDecompressionContext(&m_lz4, LZ4F_VERSION))) {
                problem = "cannot create an LZ4 context";
                return false;
            }
            std::size_t consumed = 0;
            std::size_t hint = 1;
            while (consumed < m_raw.size()) {
                if (produced == m_payload.size() && !grow(problem)) return false;
                std::size_t dst = m_payload.size() - produced, src = m_raw.size() - consumed;
                hint = LZ4F_decompress(m_lz4, m_payload.data() + produced, &dst, m_raw.data() + consumed, &src, nullptr);
                if (LZ4F_isError(hint)) {
                    problem = std::string("LZ4: ") + LZ4F_getErrorName(hint);
                    LZ4F_resetDecompressionContext(m_lz4);
                    return false;
                }
                produced += dst;
                consumed += src;
                if (dst == 0 && src == 0 && produced < m_payload.size()) break;
            }
            // Output may still be buffered inside the context after all input is consumed.
            while (hint != 0) {
                if (produced == m_payload.size() && !grow(problem)) return false;
                std::size_t dst = m_payload.size() - produced, src = 0;
                hint = LZ4F_decompress(m_lz4, m_payload.data() + produced, &dst, nullptr, &src, nullptr);
                if (LZ4F_isError(hint)) {
                    problem = std::string("LZ4: ") + LZ4F_getErrorName(hint);
                    LZ4F_resetDecompressionContext(m_lz4);
                    return false;
                }
                produced += dst;
                if (dst == 0 && hint != 0) {
                    problem = "LZ4 frame is incomplete (truncated packet)";
                    LZ4F_resetDecompressionContext(m_lz4);
                    return false;
                }
            }
        } else {
            if (!m_zstd) m_zstd = ZSTD_createDCtx();
            ZSTD_DCtx_reset(m_zstd, ZSTD_reset_session_only);
            ZSTD_inBuffer in{m_raw.data(), m_raw.size(), 0};
            std::size_t ret = 1;
            while (true) {
                if (produced == m_payload.size() && !grow(problem)) return false;
                ZSTD_outBuffer outBuf{m_payload.data() + produced, m_payload.size() - produced, 0};
                const std::size_t inBefore = in.pos;
                ret = ZSTD_decompressStream(m_zstd, &outBuf, &in);
                if (ZSTD_isError(ret)) {
                    problem = std::string("ZSTD: ") + ZSTD_getErrorName(ret);
                    return false;
                }
                produced += outBuf.pos;
                if (in.pos == in.size && outBuf.pos < outBuf.size) break; // all input used, output drained
                if (outBuf.pos == 0 && in.pos == inBefore) break;          // no progress: broken input
            }
            if (ret != 0) {
                problem = "ZSTD frame is incomplete (truncated packet)";
                return false;
            }
        }
        m_payload.resize(produced);
        return true;
    }

    bool grow(std::string& problem)
    {
        if (m_payload.size() >= kMaxPayloadBytes) {
            problem = "it inflates beyond 1 GiB";
            return false;
        }
        m_payload.resize(std::min(kMaxPayloadBytes, m_payload.size() * 2));
        return true;
    }

    void decodeEvents(std::uint64_t at, EventBuffer& out)
    {
        if (m_payload.size() < 12 || std::memcmp(m_payload.data() + 8, "EVTS", 4) != 0) {
            const std::string id = m_payload.size() >= 12 ? std::string(reinterpret_cast<const char*>(m_payload.data()) + 8, 4) : "";
            std::string printable;
            for (char c : id) printable += (c >= 0x20 && c < 0x7F) ? c : '?';
            badData(at, "packets with the wrong content", "event-stream packet does not hold EVTS data (identifier '" + printable + "')");
            return;
        }
        flatbuffers::Verifier verifier(m_payload.data(), m_payload.size(), 64, 1000000, false);
        if (!aedat::VerifySizePrefixedEventPacketBuffer(verifier)) {
            badData(at, "packets with the wrong content", "event packet FlatBuffer is malformed");
            return;
        }
        const aedat::EventPacket* packet = aedat::GetSizePrefixedEventPacket(m_payload.data());
        const auto* elements = packet->elements();
        if (!elements) return;
        std::size_t n = out.size();
        out.resize(n + elements->size());
        Event* o = out.data() + n;
        std::int64_t lastT = m_lastT;
        for (const aedat::Event* e : *elements) {
            const std::int64_t t = e->t();
            const std::int32_t x = e->x(), y = e->y();
            if (!eventFits([&] { return byteAt(at) + " (the packet starting there)"; }, x, y, t, lastT)) continue;
            *o++ = Event{t, std::uint16_t(x), std::uint16_t(y), std::uint8_t(e->on() ? 1 : 0)};
            lastT = t;
        }
        out.resize(std::size_t(o - out.data()));
        m_lastT = lastT;
    }

    std::unique_ptr<ByteSource> m_source;
    aedat::CompressionType m_compression = aedat::CompressionType::NONE;
    std::map<std::int32_t, StreamInfo> m_streams;
    std::int32_t m_eventStream = 0;
    std::uint64_t m_dataBegin = 0, m_end = 0, m_offset = 0;
    std::int64_t m_lastT = reg::noTime;
    std::vector<std::uint8_t> m_raw, m_payload;
    LZ4F_dctx* m_lz4 = nullptr;
    ZSTD_DCtx* m_zstd = nullptr;
};

} // namespace

std::unique_ptr<EventDecoder> makeAedat4Decoder(std::unique_ptr<ByteSource> source, const EventReadOptions& options)
{
    return std::make_unique<Aedat4Decoder>(std::move(source), options);
}

} // namespace fuselab::events
