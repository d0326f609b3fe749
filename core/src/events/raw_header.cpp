#include "raw_header.hpp"

#include "byte_source.hpp"

#include "fuselab/base/error.hpp"

#include <cstdlib>
#include <sstream>
#include <vector>

namespace fuselab::events {

bool geometryOfSystemId(long systemId, int& widthPx, int& heightPx)
{
    // Facts, not code: openeb's table of system ids of recordings whose header predates the
    // "format" line. VGA sensors (Gen 3.x) are 640×480, HD sensors (Gen 4.x, IMX636) 1280×720.
    struct Entry {
        long id;
        int w, h;
    };
    static const Entry table[] = {
        {0x15, 640, 480},  {0x1C, 640, 480},  {0x1A, 1280, 720}, {0x17, 640, 480},  {0x97, 640, 480},
        {0x19, 640, 480},  {0x99, 640, 480},  {0x1D, 640, 480},  {0x23, 640, 480},  {0x1E, 1280, 720},
        {0x2E, 1280, 720}, {0x21, 640, 480},  {0xA1, 640, 480},  {0x22, 640, 480},  {0xA2, 640, 480},
        {0x29, 640, 480},  {0x1F, 1280, 720}, {0x27, 1280, 720}, {0x28, 640, 480},  {0x30, 1280, 720},
        {0x32, 1280, 720}, {0x31, 1280, 720},
    };
    for (const Entry& e : table)
        if (e.id == systemId) {
            widthPx = e.w;
            heightPx = e.h;
            return true;
        }
    return false;
}

namespace {

bool printableLine(const std::vector<std::uint8_t>& bytes, std::size_t begin, std::size_t end)
{
    for (std::size_t i = begin; i < end; ++i) {
        const std::uint8_t c = bytes[i];
        if ((c < 0x20 && c != '\t' && c != '\r') || c >= 0x7F) return false;
    }
    return true;
}

std::string trim(const std::string& s)
{
    const std::size_t b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    const std::size_t e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

bool parsePositiveInt(const std::string& text, int& value)
{
    if (text.empty() || text.size() > 6) return false;
    for (char c : text)
        if (c < '0' || c > '9') return false;
    value = std::atoi(text.c_str());
    return value > 0;
}

} // namespace

RawHeader parseRawHeader(const ByteSource& source)
{
    const std::string& file = source.name();
    if (source.size() == 0) throw Error(file, "empty file");
    // A header is a few hundred bytes; 1 MiB bounds the search on hostile input.
    const std::vector<std::uint8_t> head = source.read(0, 1u << 20);
    if (head.empty() || head[0] != '%')
        throw Error(file, "byte 0: no RAW header (a Prophesee RAW file starts with '%' header lines)");

    RawHeader header;
    std::map<std::string, std::uint64_t> lineOffset;
    std::size_t pos = 0;
    while (pos < head.size() && head[pos] == '%') {
        std::size_t eol = pos;
        while (eol < head.size() && head[eol] != '\n' && eol - pos < 4096) ++eol;
        if (eol >= head.size() || head[eol] != '\n' || !printableLine(head, pos, eol)) break; // binary data that starts with '%'
        const std::string line = trim(std::string(head.begin() + long(pos) + 1, head.begin() + long(eol)));
        const std::uint64_t at = pos;
        pos = eol + 1;
        if (line == "end") break;
        const std::size_t space = line.find_first_of(" \t");
        const std::string key = space == std::string::npos ? line : line.substr(0, space);
        const std::string value = space == std::string::npos ? "" : trim(line.substr(space));
        if (key.empty()) continue;
        header.fields[key] = value;
        lineOffset[key] = at;
    }
    header.dataOffset = pos;

    // Event format: the "format" line (newer files, e.g. "EVT3;height=720;width=1280") wins over
    // the legacy "evt" line ("3.0").
    std::map<std::string, std::string> formatKeys;
    std::string formatName;
    std::uint64_t formatAt = 0;
    if (auto it = header.fields.find("format"); it != header.fields.end()) {
        std::stringstream parts(it->second);
        std::string part;
        std::getline(parts, formatName, ';');
        formatName = trim(formatName);
        while (std::getline(parts, part, ';')) {
            const std::size_t eq = part.find('=');
            if (eq != std::string::npos) formatKeys[trim(part.substr(0, eq))] = trim(part.substr(eq + 1));
        }
        formatAt = lineOffset["format"];
    } else if (auto evt = header.fields.find("evt"); evt != header.fields.end()) {
        formatName = evt->second == "2.0" ? "EVT2" : evt->second == "3.0" ? "EVT3" : "evt " + evt->second;
        formatAt = lineOffset["evt"];
    } else {
        throw Error(file, "byte " + std::to_string(header.dataOffset) +
                              ": the RAW header names no event format (no '% evt' or '% format' line)");
    }
    if (formatName == "EVT2") header.format = EventFormat::Evt2;
    else if (formatName == "EVT3") header.format = EventFormat::Evt3;
    else
        throw Error(file, "byte " + std::to_string(formatAt) + ": unknown event format '" + formatName +
                              "' in the RAW header (supported: EVT 2.0, EVT 3.0)");

    // Geometry: format keys, then the old "geometry WxH" line, then the system id.
    int w = 0, h = 0;
    if (formatKeys.count("width") || formatKeys.count("height")) {
        if (!parsePositiveInt(formatKeys["width"], w) || !parsePositiveInt(formatKeys["height"], h))
            throw Error(file, "byte " + std::to_string(formatAt) + ": malformed width/height in the format line");
        header.geometrySource = "header format line";
    } else if (auto g = header.fields.find("geometry"); g != header.fields.end()) {
        const std::size_t x = g->second.find('x');
        if (x == std::string::npos || !parsePositiveInt(trim(g->second.substr(0, x)), w) ||
            !parsePositiveInt(trim(g->second.substr(x + 1)), h))
            throw Error(file, "byte " + std::to_string(lineOffset["geometry"]) + ": malformed geometry line '" + g->second + "'");
        header.geometrySource = "header geometry line";
    } else if (auto s = header.fields.find("system_ID"); s != header.fields.end()) {
        char* end = nullptr;
        const long id = std::strtol(s->second.c_str(), &end, 0);
        const auto integrator = header.fields.find("integrator_name");
        const bool prophesee = integrator == header.fields.end() || integrator->second == "Prophesee";
        if (!end || *end != '\0' || !prophesee || !geometryOfSystemId(id, w, h))
            throw Error(file, "byte " + std::to_string(lineOffset["system_ID"]) + ": no geometry line and system_ID '" +
                                  s->second + "' is not a known Prophesee sensor");
        header.geometrySource = "system_ID " + s->second + " (openeb's sensor table)";
    } else {
        throw Error(file, "byte " + std::to_string(header.dataOffset) +
                              ": the RAW header has no geometry (no format/geometry line and no system_ID)");
    }
    if (w > 2048 || h > 2048)
        throw Error(file, "byte " + std::to_string(formatAt) + ": geometry " + std::to_string(w) + "x" + std::to_string(h) +
                              " exceeds the 11-bit RAW address range");
    header.widthPx = w;
    header.heightPx = h;
    return header;
}

} // namespace fuselab::events
