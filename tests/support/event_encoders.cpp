#include "event_encoders.hpp"

#include <lz4frame.h>
#include <zstd.h>

#include <cstring>
#include <fstream>
#include <map>
#include <stdexcept>

namespace fuselab::test {
namespace {

void put16(std::vector<std::uint8_t>& out, std::uint32_t w)
{
    out.push_back(std::uint8_t(w & 0xFF));
    out.push_back(std::uint8_t((w >> 8) & 0xFF));
}
void put32(std::vector<std::uint8_t>& out, std::uint32_t w)
{
    for (int i = 0; i < 4; ++i) out.push_back(std::uint8_t((w >> (8 * i)) & 0xFF));
}

std::vector<std::uint8_t> headerBytes(const std::string& header, const char* format, int w, int h)
{
    const std::string text = header.empty() ? "% date 2024-01-01 00:00:00\n% format " + std::string(format) +
                                                  ";height=" + std::to_string(h) + ";width=" + std::to_string(w) + "\n% end\n"
                                            : header;
    return std::vector<std::uint8_t>(text.begin(), text.end());
}

} // namespace

std::vector<std::uint8_t> encodeEvt3(const std::vector<Event>& events, int w, int h, const std::string& header)
{
    std::vector<std::uint8_t> out = headerBytes(header, "EVT3", w, h);
    out.reserve(out.size() + events.size() * 2 + 64);
    std::int64_t lastHigh = -1, lastLow = -1, lastY = -1;
    for (std::size_t i = 0; i < events.size();) {
        const Event& e = events[i];
        const std::int64_t high = e.tUs >> 12;
        if (high != lastHigh) {
            put16(out, 0x8000u | std::uint32_t(high & 0xFFF));
            lastHigh = high;
            lastLow = -1;
        }
        if ((e.tUs & 0xFFF) != lastLow) {
            put16(out, 0x6000u | std::uint32_t(e.tUs & 0xFFF));
            lastLow = e.tUs & 0xFFF;
        }
        if (e.y != lastY) {
            put16(out, std::uint32_t(e.y));
            lastY = e.y;
        }
        // A run of same-time, same-row, same-polarity events within 12 columns of e.x.
        std::size_t j = i + 1;
        std::uint32_t mask = 1;
        while (j < events.size() && events[j].tUs == e.tUs && events[j].y == e.y && events[j].p == e.p &&
               events[j].x > events[j - 1].x && events[j].x < e.x + 12) {
            mask |= 1u << (events[j].x - e.x);
            ++j;
        }
        if (j - i >= 2) {
            put16(out, 0x3000u | (std::uint32_t(e.p) << 11) | e.x);
            put16(out, 0x4000u | mask);
        } else {
            put16(out, 0x2000u | (std::uint32_t(e.p) << 11) | e.x);
            j = i + 1;
        }
        i = j;
    }
    return out;
}

std::vector<std::uint8_t> encodeEvt2(const std::vector<Event>& events, int w, int h, const std::string& header)
{
    std::vector<std::uint8_t> out = headerBytes(header, "EVT2", w, h);
    std::int64_t lastHigh = -1;
    for (const Event& e : events) {
        const std::int64_t high = e.tUs >> 6;
        if (high != lastHigh) {
            put32(out, 0x80000000u | std::uint32_t(high & 0xFFFFFFF));
            lastHigh = high;
        }
        put32(out, (std::uint32_t(e.p ? 1 : 0) << 28) | (std::uint32_t(e.tUs & 0x3F) << 22) | (std::uint32_t(e.x) << 11) | e.y);
    }
    return out;
}

std::size_t rawHeaderSize(const std::vector<std::uint8_t>& file)
{
    std::size_t pos = 0;
    while (pos < file.size() && file[pos] == '%') {
        while (pos < file.size() && file[pos] != '\n') ++pos;
        ++pos;
        if (pos >= 6 && std::memcmp(file.data() + pos - 6, "% end\n", 6) == 0) break;
    }
    return pos;
}

NpyEvents readNpyEvents(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    char magic[8];
    in.read(magic, 8);
    if (std::memcmp(magic, "\x93NUMPY", 6) != 0) throw std::runtime_error("not a .npy file");
    std::uint32_t headerLen = 0;
    if (magic[6] == 1) {
        std::uint16_t l = 0;
        in.read(reinterpret_cast<char*>(&l), 2);
        headerLen = l;
    } else {
        in.read(reinterpret_cast<char*>(&headerLen), 4);
    }
    std::string header(headerLen, '\0');
    in.read(header.data(), headerLen);
    // descr: [('t', '<i8'), ('x', '<i2'), ('y', '<i2'), ('p', '|u1'), ('', '|V3')]: walk the fields.
    std::map<std::string, std::pair<std::size_t, std::string>> fields; // name → (offset, type)
    std::size_t offset = 0, pos = header.find("'descr'");
    const std::size_t end = header.find(']', pos);
    while ((pos = header.find("('", pos)) != std::string::npos && pos < end) {
        const std::size_t nameEnd = header.find('\'', pos + 2);
        const std::string name = header.substr(pos + 2, nameEnd - pos - 2);
        const std::size_t typeBegin = header.find('\'', nameEnd + 1) + 1;
        const std::size_t typeEnd = header.find('\'', typeBegin);
        const std::string type = header.substr(typeBegin, typeEnd - typeBegin);
        fields[name] = {offset, type};
        offset += std::size_t(std::stoul(type.substr(2)));
        pos = typeEnd;
    }
    const std::size_t record = offset;
    const std::size_t shapeAt = header.find("'shape': (") + 10;
    const std::size_t count = std::stoul(header.substr(shapeAt));
    if (header.find("'fortran_order': False") == std::string::npos) throw std::runtime_error("unexpected npy order");
    for (const char* f : {"t", "x", "y", "p"})
        if (!fields.count(f)) throw std::runtime_error(std::string("npy lacks field ") + f);
    std::vector<char> data(record * count);
    in.read(data.data(), std::streamsize(data.size()));
    if (std::size_t(in.gcount()) != data.size()) throw std::runtime_error("npy data truncated");
    auto readInt = [&](std::size_t i, const std::pair<std::size_t, std::string>& f) -> std::int64_t {
        const char* p = data.data() + i * record + f.first;
        const std::string& t = f.second;
        if (t == "<i8") { std::int64_t v; std::memcpy(&v, p, 8); return v; }
        if (t == "<i2") { std::int16_t v; std::memcpy(&v, p, 2); return v; }
        if (t == "<u2") { std::uint16_t v; std::memcpy(&v, p, 2); return v; }
        if (t == "|u1" || t == "|b1") return std::uint8_t(*p);
        if (t == "|i1") return std::int8_t(*p);
        throw std::runtime_error("unexpected npy type " + t);
    };
    NpyEvents ev;
    ev.t.resize(count);
    ev.x.resize(count);
    ev.y.resize(count);
    ev.p.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        ev.t[i] = readInt(i, fields["t"]);
        ev.x[i] = std::int32_t(readInt(i, fields["x"]));
        ev.y[i] = std::int32_t(readInt(i, fields["y"]));
        ev.p[i] = std::int32_t(readInt(i, fields["p"]));
    }
    return ev;
}

std::vector<AedatPacketInfo> aedatPackets(const std::vector<std::uint8_t>& file)
{
    std::uint32_t headerSize = 0;
    std::memcpy(&headerSize, file.data() + 14, 4);
    std::int64_t table = -1;
    std::memcpy(&table, file.data() + 18 + 36, 8); // the sample's IOHeader layout (see the reader test)
    const std::size_t end = table > 0 ? std::size_t(table) : file.size();
    std::vector<AedatPacketInfo> packets;
    for (std::size_t pos = 18 + headerSize; pos + 8 <= end;) {
        AedatPacketInfo p;
        p.offset = pos;
        std::memcpy(&p.streamId, file.data() + pos, 4);
        std::memcpy(&p.size, file.data() + pos + 4, 4);
        packets.push_back(p);
        pos += 8 + std::size_t(p.size);
    }
    return packets;
}

std::vector<std::uint8_t> recompressAedat4(const std::vector<std::uint8_t>& file, const std::string& codec)
{
    std::uint32_t headerSize = 0;
    std::memcpy(&headerSize, file.data() + 14, 4);
    std::vector<std::uint8_t> out(file.begin(), file.begin() + 18 + headerSize);
    // The sample's IOHeader stores compression at header byte 28 and the table position at 36.
    const std::int32_t compression = codec == "zstd" ? 3 : 0;
    std::memcpy(out.data() + 18 + 28, &compression, 4);
    for (const AedatPacketInfo& p : aedatPackets(file)) {
        const std::uint8_t* src = file.data() + p.offset + 8;
        std::vector<std::uint8_t> plain(std::size_t(p.size) * 8 + (1u << 16));
        LZ4F_dctx* dctx = nullptr;
        LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION);
        std::size_t dst = plain.size(), srcSize = std::size_t(p.size);
        LZ4F_decompress(dctx, plain.data(), &dst, src, &srcSize, nullptr);
        LZ4F_freeDecompressionContext(dctx);
        plain.resize(dst);
        std::vector<std::uint8_t> packed;
        if (codec == "zstd") {
            packed.resize(ZSTD_compressBound(plain.size()));
            packed.resize(ZSTD_compress(packed.data(), packed.size(), plain.data(), plain.size(), 3));
        } else {
            packed = plain;
        }
        const std::int32_t size = std::int32_t(packed.size());
        const std::uint8_t* head = reinterpret_cast<const std::uint8_t*>(&p.streamId);
        out.insert(out.end(), head, head + 4);
        out.insert(out.end(), reinterpret_cast<const std::uint8_t*>(&size), reinterpret_cast<const std::uint8_t*>(&size) + 4);
        out.insert(out.end(), packed.begin(), packed.end());
    }
    const std::int64_t tablePosition = std::int64_t(out.size());
    std::memcpy(out.data() + 18 + 36, &tablePosition, 8);
    return out;
}

} // namespace fuselab::test
