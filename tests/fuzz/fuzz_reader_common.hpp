// Shared body of the libFuzzer targets: decode the input strictly and leniently with one
// format's decoder, through batches, the index and a seek; any exception other than
// fuselab::Error, an event outside the geometry or out of time order aborts (a finding).
#pragma once

#include "byte_source.hpp"
#include "decoder.hpp"

#include <cstdio>
#include <cstdlib>

namespace fuselab::fuzz {

using Factory = std::unique_ptr<EventDecoder> (*)(std::unique_ptr<events::ByteSource>, const EventReadOptions&);

inline void check(bool condition, const char* what)
{
    if (!condition) {
        std::fprintf(stderr, "invariant broken: %s\n", what);
        std::abort();
    }
}

inline int decodeInput(const std::uint8_t* data, std::size_t size, Factory make, const char* name)
{
    const std::vector<std::uint8_t> bytes(data, data + size);
    for (bool lenient : {false, true}) {
        EventReadOptions options;
        options.lenient = lenient;
        options.chunkBytes = 256; // many chunk boundaries: exercises resuming decoder state
        try {
            EventReader reader(name, make(events::memorySource(bytes, name), options));
            const int w = reader.metadata().widthPx, h = reader.metadata().heightPx;
            std::vector<Event> batch;
            std::int64_t last = std::numeric_limits<std::int64_t>::min();
            std::uint64_t count = 0;
            while (reader.next(batch, 1000))
                for (const Event& e : batch) {
                    check(e.x < w && e.y < h, "event outside the geometry");
                    check(e.tUs >= last, "time runs backwards");
                    last = e.tUs;
                    ++count;
                }
            const EventIndex& index = reader.index();
            check(index.stats.count == count, "the index pass counts differently from the batches");
            if (count > 0) {
                reader.seekEvent(count / 2);
                check(reader.next(batch, 1), "seek found no event");
            }
        } catch (const Error&) {
            // a refusal with a message is the expected outcome for most mutations
        }
    }
    return 0;
}

} // namespace fuselab::fuzz
