// Text events: one "t x y p" per line (spaces, tabs or commas between), '#' starts a comment.
// An optional first line "width height" declares the geometry; without it the geometry is
// the extent of the events (max x + 1, max y + 1), found by the index pass at open.
// Time unit: decided by the first event line (see events_io.hpp) unless the options fix it.
#include "byte_source.hpp"
#include "decoder.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace fuselab::events {
namespace {

enum TextReg { kLine = 0, kUnit = 1 };
enum Unit : std::int64_t { kUndecided = 0, kSeconds = 1, kMicroseconds = 2 };
constexpr std::size_t kMaxLineBytes = 1u << 16;

struct Token {
    const char* begin = nullptr;
    const char* end = nullptr;
    std::string str() const { return std::string(begin, end); }
};

bool isSeparator(char c) { return c == ' ' || c == '\t' || c == ',' || c == '\r'; }

/// Splits [p, end) into up to 5 tokens; returns how many (5 means "too many").
int tokenize(const char* p, const char* end, Token* tokens)
{
    int n = 0;
    while (p < end) {
        while (p < end && isSeparator(*p)) ++p;
        if (p >= end) break;
        if (n == 5) return 5;
        tokens[n].begin = p;
        while (p < end && !isSeparator(*p)) ++p;
        tokens[n].end = p;
        ++n;
    }
    return n;
}

bool parseInteger(const Token& t, std::int64_t& value)
{
    const char* p = t.begin;
    bool negative = false;
    if (p < t.end && (*p == '-' || *p == '+')) negative = *p++ == '-';
    if (p == t.end || t.end - p > 18) return false;
    std::int64_t v = 0;
    for (; p < t.end; ++p) {
        if (*p < '0' || *p > '9') return false;
        v = v * 10 + (*p - '0');
    }
    value = negative ? -v : v;
    return true;
}

bool looksFractional(const Token& t)
{
    for (const char* p = t.begin; p < t.end; ++p)
        if (*p == '.' || *p == 'e' || *p == 'E') return true;
    return false;
}

class TextDecoder final : public EventDecoder {
public:
    TextDecoder(std::unique_ptr<ByteSource> source, const EventReadOptions& options)
        : EventDecoder(source->name(), options), m_source(std::move(source))
    {
        m_metadata.format = EventFormat::Text;
        m_end = m_source->size();
        if (m_end == 0) throw Error(m_name, "empty file");
        if (options.textTimeUnit == TextTimeUnit::Seconds) m_fixedUnit = kSeconds;
        if (options.textTimeUnit == TextTimeUnit::Microseconds) m_fixedUnit = kMicroseconds;
        findGeometryLine();
        if (m_metadata.widthPx == 0) {
            // No geometry line: learn it from the events (one pass, which is also the index).
            m_metadata.widthPx = m_metadata.heightPx = 65536;
            auto index = buildIndex(*this);
            if (index->stats.count == 0) throw Error(m_name, "no events and no 'width height' line");
            m_metadata.widthPx = int(index->stats.maxX) + 1;
            m_metadata.heightPx = int(index->stats.maxY) + 1;
            m_metadata.geometrySource = "extent of the events (no 'width height' line)";
            m_index = std::move(index);
            m_skipped.clear();
        }
        resume(start());
    }

    std::shared_ptr<const EventIndex> prebuiltIndex() const override { return m_index; }

    ResumePoint start() const override
    {
        ResumePoint p = pointAt(m_dataBegin, reg::noTime);
        p.registers[kLine] = m_firstDataLine;
        p.registers[kUnit] = m_fixedUnit;
        return p;
    }
    ResumePoint position() const override
    {
        ResumePoint p = pointAt(m_offset, m_lastT);
        p.registers[kLine] = m_line;
        p.registers[kUnit] = m_unit;
        return p;
    }
    void resume(const ResumePoint& p) override
    {
        m_offset = p.offset;
        m_line = p.registers[kLine];
        m_unit = p.registers[kUnit];
        m_lastT = p.registers[reg::lastT];
    }

    bool decodeChunk(EventBuffer& out) override
    {
        if (m_offset >= m_end) return false;
        std::size_t want = std::max<std::size_t>(options().chunkBytes, 4096);
        while (true) {
            m_text.resize(std::size_t(std::min<std::uint64_t>(want, m_end - m_offset)));
            m_text.resize(m_source->readAt(m_offset, m_text.data(), m_text.size()));
            const bool atEnd = m_offset + m_text.size() >= m_end;
            const std::size_t lastNewline = m_text.rfind('\n');
            if (atEnd) break;
            if (lastNewline != std::string::npos) {
                m_text.resize(lastNewline + 1);
                break;
            }
            if (want >= kMaxLineBytes) failAt(m_offset, "line " + std::to_string(m_line) + " is longer than 64 KiB");
            want *= 2;
        }
        const char* p = m_text.data();
        const char* end = p + m_text.size();
        while (p < end) {
            const char* eol = static_cast<const char*>(std::memchr(p, '\n', std::size_t(end - p)));
            const char* lineEnd = eol ? eol : end;
            parseLine(p, lineEnd, m_offset + std::uint64_t(p - m_text.data()), out);
            ++m_line;
            p = eol ? eol + 1 : end;
        }
        m_offset += m_text.size();
        return true;
    }

private:
    const EventReadOptions& options() const { return m_options; }

    void findGeometryLine()
    {
        const std::vector<std::uint8_t> head = m_source->read(0, 1u << 16);
        std::size_t pos = 0;
        std::int64_t line = 1;
        while (pos < head.size()) {
            std::size_t eol = pos;
            while (eol < head.size() && head[eol] != '\n') ++eol;
            const char* b = reinterpret_cast<const char*>(head.data()) + pos;
            const char* e = reinterpret_cast<const char*>(head.data()) + eol;
            Token tokens[5];
            const int n = tokenize(b, e, tokens);
            const bool comment = n > 0 && (*tokens[0].begin == '#' || *tokens[0].begin == '%');
            if (n > 0 && !comment) {
                std::int64_t w = 0, h = 0;
                if (n == 2 && parseInteger(tokens[0], w) && parseInteger(tokens[1], h)) {
                    if (w <= 0 || h <= 0 || w > 65536 || h > 65536)
                        failAt(pos, "line " + std::to_string(line) + ": geometry " + tokens[0].str() + " " + tokens[1].str() +
                                        " is out of range");
                    m_metadata.widthPx = int(w);
                    m_metadata.heightPx = int(h);
                    m_metadata.geometrySource = "first line 'width height'";
                    m_dataBegin = std::min<std::uint64_t>(eol + 1, m_end);
                    m_firstDataLine = line + 1;
                    return;
                }
                break; // the first content line is an event: no geometry line
            }
            pos = eol + 1;
            ++line;
        }
        m_dataBegin = 0;
        m_firstDataLine = 1;
    }

    void parseLine(const char* b, const char* e, std::uint64_t at, EventBuffer& out)
    {
        Token tk[5];
        const int n = tokenize(b, e, tk);
        if (n == 0 || *tk[0].begin == '#' || *tk[0].begin == '%') return;
        const std::string where = "line " + std::to_string(m_line);
        if (n != 4) {
            std::string text(b, std::size_t(std::min<std::ptrdiff_t>(e - b, 60)));
            for (char& c : text) if (c < 0x20 || c >= 0x7F) c = '?';
            badData(at, "malformed lines", where + ": expected 't x y p', got '" + text + "'");
            return;
        }
        const bool fractional = looksFractional(tk[0]);
        if (m_unit == kUndecided) m_unit = fractional ? kSeconds : kMicroseconds;
        std::int64_t t = 0;
        if (m_unit == kMicroseconds) {
            if (fractional || !parseInteger(tk[0], t)) {
                badData(at, "malformed lines", where + ": time '" + tk[0].str() +
                                                   "' is not an integer, but the file's first event gave microseconds");
                return;
            }
        } else {
            const std::string s = tk[0].str();
            char* endp = nullptr;
            errno = 0;
            const double seconds = std::strtod(s.c_str(), &endp);
            if (endp != s.c_str() + s.size() || errno != 0 || !std::isfinite(seconds) || std::fabs(seconds) > 9.0e12) {
                badData(at, "malformed lines", where + ": time '" + s + "' is not a number of seconds");
                return;
            }
            t = std::llround(seconds * 1e6);
        }
        std::int64_t x = 0, y = 0, p = 0;
        if (!parseInteger(tk[1], x) || !parseInteger(tk[2], y) || !parseInteger(tk[3], p) || (p != 0 && p != 1 && p != -1)) {
            badData(at, "malformed lines", where + ": x, y must be integers and p one of 1, 0, -1");
            return;
        }
        if (!eventFits([&] { return byteAt(at) + ": " + where; }, x, y, t, m_lastT)) return;
        out.push_back(Event{t, std::uint16_t(x), std::uint16_t(y), std::uint8_t(p == 1 ? 1 : 0)});
        m_lastT = t;
    }

    std::unique_ptr<ByteSource> m_source;
    std::uint64_t m_dataBegin = 0, m_end = 0, m_offset = 0;
    std::int64_t m_firstDataLine = 1, m_line = 1;
    std::int64_t m_fixedUnit = kUndecided, m_unit = kUndecided;
    std::int64_t m_lastT = reg::noTime;
    std::string m_text;
    std::shared_ptr<const EventIndex> m_index;
};

} // namespace

std::unique_ptr<EventDecoder> makeTextDecoder(std::unique_ptr<ByteSource> source, const EventReadOptions& options)
{
    return std::make_unique<TextDecoder>(std::move(source), options);
}

} // namespace fuselab::events
