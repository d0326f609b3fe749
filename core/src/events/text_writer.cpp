// Text events: "width height", then "t x y p" per line (integer µs, or seconds with six
// decimals, which is exact for microsecond times).
#include "fuselab/base/error.hpp"
#include "fuselab/events_io.hpp"
#include "fuselab/io.hpp"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>

namespace fuselab {

void writeEventsText(const std::string& path, const EventStream& stream, const TextWriteOptions& options)
{
    std::string text;
    text.reserve(stream.events.size() * 24 + 32);
    char line[96];
    if (options.writeGeometryLine) {
        if (stream.metadata.widthPx <= 0 || stream.metadata.heightPx <= 0)
            throw Error(path, "cannot write a geometry line: the stream's width/height are unknown");
        std::snprintf(line, sizeof line, "%d %d\n", stream.metadata.widthPx, stream.metadata.heightPx);
        text += line;
    }
    for (const Event& e : stream.events) {
        int n = 0;
        if (options.timeInSeconds) {
            const std::int64_t whole = e.tUs / 1000000, frac = e.tUs % 1000000;
            const bool negative = e.tUs < 0;
            n = std::snprintf(line, sizeof line, "%s%" PRId64 ".%06" PRId64 " %u %u %u\n", negative && whole == 0 ? "-" : "",
                              whole, std::int64_t(std::llabs(frac)), unsigned(e.x), unsigned(e.y), unsigned(e.p));
        } else {
            n = std::snprintf(line, sizeof line, "%" PRId64 " %u %u %u\n", e.tUs, unsigned(e.x), unsigned(e.y), unsigned(e.p));
        }
        text.append(line, std::size_t(n));
    }
    writeFileAtomically(path, text);
}

} // namespace fuselab
