// Reading and writing event-camera recordings, streaming.
//
// Formats (one source file each in core/src/events/):
//   text    "t x y p" per line; an optional first line "width height". The time unit is
//           decided by the first event line: a time written with '.', 'e' or 'E' means
//           seconds (the Event Camera Dataset writes "0.003811000"), an integer means
//           microseconds; the whole file must then keep that unit (EventReadOptions::textTimeUnit
//           overrides). Polarity 1 = ON, 0 or −1 = OFF.
//   hdf5    datasets events/xs, ys, ts, ps (any integer or float type; float ts are seconds,
//           integer ts microseconds); geometry from the attributes width/height of `events`, else
//           sensor_resolution (height, width), else the extent of the events. Frames
//           images/image%09d with a `timestamp` attribute (seconds) are listed by frames().
//   aedat4  "#!AER-DAT4.0\r\n", IOHeader (FlatBuffers), packets (stream id, size, payload),
//           payloads uncompressed, LZ4 frames or ZSTD frames; EVTS packets are decoded, FRME,
//           IMUS and TRIG packets skipped and counted. Geometry from the EVTS stream's sizeX/sizeY.
//   evt2    Prophesee RAW, EVT 2.0: ASCII '%' header, then little-endian 32-bit words.
//   evt3    Prophesee RAW, EVT 3.0: ASCII '%' header, then little-endian 16-bit stateful words,
//           a 24-bit time base whose wrap is counted from the TIME_HIGH bits, never from a drop
//           of the TIME_LOW bits.
//   RAW geometry comes from a "% format EVT3;width=…;height=…" or "% geometry WxH" line where the
//   header has one, else from "% system_ID" through the table Prophesee's open SDK (openeb)
//   uses (e.g. 21 → 640×480, 48 → 1280×720).
//
// Strictness: every reader checks what it decodes. Truncation, bad headers, unknown word
// types, undecompressible packets, coordinates outside the geometry and time running
// backwards are errors (fuselab::Error naming the file, the byte offset and the problem).
// With EventReadOptions::lenient the reader skips what it cannot use and counts it in
// skipped() instead; it never returns a silently wrong count.
//
// Thread safety: a reader is used by one thread at a time; distinct readers are independent.
#pragma once

#include "fuselab/base/events.hpp"
#include "fuselab/base/image.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fuselab {

/// Allocator whose value-less construct() leaves trivial elements uninitialised, so
/// resize() on a decode buffer costs no zero fill (decoders overwrite every element).
template <class T>
struct UninitialisedAllocator : std::allocator<T> {
    template <class U>
    struct rebind {
        using other = UninitialisedAllocator<U>;
    };
    UninitialisedAllocator() = default;
    template <class U>
    UninitialisedAllocator(const UninitialisedAllocator<U>&) noexcept {}
    template <class U>
    void construct(U* p) noexcept
    {
        ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... Args>
    void construct(U* p, Args&&... args)
    {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
};
/// The decoders' output buffer.
using EventBuffer = std::vector<Event, UninitialisedAllocator<Event>>;

enum class TextTimeUnit { Auto, Seconds, Microseconds };

struct EventReadOptions {
    bool lenient = false;                 ///< skip and count bad data instead of failing
    TextTimeUnit textTimeUnit = TextTimeUnit::Auto;
    std::size_t chunkBytes = 1u << 20;    ///< RAW/text bytes decoded per step (index granularity)
    std::uint64_t maxEventsInMemory = 2'000'000'000; ///< readAllEvents refuses more
};

/// Where decoding can restart: a byte (or element) offset plus the decoder registers there
/// (for EVT 3.0: time high/low, wrap count, row, vector base, polarity, last time…).
struct ResumePoint {
    std::uint64_t offset = 0;
    std::int64_t registers[8] = {0, 0, 0, 0, 0, 0, 0, 0};
};

/// Chunk offsets with decoder state, built by one full pass and reused for every later seek,
/// plus the totals of that pass (what `events info` prints).
struct EventIndex {
    struct Entry {
        ResumePoint at;
        std::uint64_t firstEvent = 0; ///< index of the first event this chunk yields
        std::int64_t firstTUs = 0;    ///< its time
    };
    std::vector<Entry> entries; ///< only chunks that yield events; in file order
    EventStats stats;
    std::map<std::string, std::uint64_t> skipped;
    std::uint64_t chunks = 0; ///< chunks the pass decoded (with or without events)
    std::uint64_t skippedTotal() const;
};

/// A frame stored next to events (HDF5 images/…).
struct EventFileFrame {
    std::string name;
    std::int64_t tUs = 0;
    int widthPx = 0;
    int heightPx = 0;
    int channels = 0;
};

class ByteSource;
class EventDecoder;

/// Streaming reader. next() decodes the file chunk by chunk; seekTime/seekEvent jump using
/// the index (built once, on first use, by a full pass).
class EventReader {
public:
    EventReader(std::string path, std::unique_ptr<EventDecoder> decoder);
    ~EventReader();
    EventReader(const EventReader&) = delete;
    EventReader& operator=(const EventReader&) = delete;

    const std::string& path() const { return m_path; }
    const EventMetadata& metadata() const;

    /// Replaces batch with up to maxEvents following events; false (batch empty) at the end.
    bool next(std::vector<Event>& batch, std::size_t maxEvents = 1u << 16);
    /// The same without copying: a whole decoded chunk that fits is swapped into batch (which
    /// may then hold fewer than maxEvents although more follow). The fastest way through a file.
    bool next(EventBuffer& batch, std::size_t maxEvents = 1u << 22);
    /// Back to the first event.
    void rewind();
    /// The next event returned is the first with t ≥ tUs (or the end).
    void seekTime(std::int64_t tUs);
    /// The next event returned is the one with this index (or the end).
    void seekEvent(std::uint64_t eventIndex);
    /// The events of a window (seeks, then reads; the reader is left after them).
    std::vector<Event> readWindow(const EventWindow& window);

    /// The index (one full decode on first call; later calls and seeks reuse it).
    const EventIndex& index();
    /// Shares an index built by another reader of the same file (no pass needed).
    void adoptIndex(std::shared_ptr<const EventIndex> index);
    std::shared_ptr<const EventIndex> sharedIndex();
    /// Chunks decoded so far by this reader, for tests of "decoded once".
    std::uint64_t chunksDecoded() const { return m_chunksDecoded; }

    /// What was skipped while decoding so far (words/packets that are not events, and under
    /// lenient reading the bad data), by kind.
    const std::map<std::string, std::uint64_t>& skipped() const;

    /// Frames stored in the file (HDF5 images/), in time order; empty for other formats.
    std::vector<EventFileFrame> frames() const;
    Image readFrame(std::size_t frameIndex) const;

private:
    bool fillPending();
    std::string m_path;
    std::unique_ptr<EventDecoder> m_decoder;
    EventBuffer m_pending;
    std::size_t m_pendingPos = 0;
    std::uint64_t m_nextEventIndex = 0; ///< index of m_pending[m_pendingPos]
    bool m_atEnd = false;
    std::shared_ptr<const EventIndex> m_index;
    std::uint64_t m_chunksDecoded = 0;
};

/// The last of `frames` (in time order) taken at or before tUs; std::nullopt when none is.
/// Frame/event fusion takes its EF reference frame this way (the frame at the window's start).
std::optional<std::size_t> lastFrameAtOrBefore(const std::vector<EventFileFrame>& frames, std::int64_t tUs);


/// Opens a recording; the format follows the content (magic bytes, RAW "% evt"/"% format"
/// header), then the extension (.txt/.csv text, .h5/.hdf5, .aedat4, .raw). Reads the header
/// only. Throws fuselab::Error naming the file.
std::unique_ptr<EventReader> openEventReader(const std::string& path, const EventReadOptions& options = {});
/// The same on bytes in memory (copied); `name` is used in messages. HDF5 is not supported here.
std::unique_ptr<EventReader> openEventReaderFromMemory(std::vector<std::uint8_t> bytes, const std::string& name,
                                                       const EventReadOptions& options = {});
/// Format from content, then extension; Unknown when neither says.
EventFormat detectEventFormat(const std::string& path);

/// Reads a whole file into memory (refuses more than options.maxEventsInMemory).
EventStream readAllEvents(const std::string& path, const EventReadOptions& options = {});

struct TextWriteOptions {
    bool writeGeometryLine = true; ///< first line "width height"
    bool timeInSeconds = false;    ///< "0.001234" (6 decimals, exact for µs) instead of integer µs
};
/// Atomic writes (temporary file, then rename). Throw fuselab::Error naming the file.
void writeEventsText(const std::string& path, const EventStream& stream, const TextWriteOptions& options = {});

struct Hdf5Frame {
    std::int64_t tUs = 0;
    SampleImage pixels; ///< 8-bit or 16-bit, 1 or 3 channels (stored as [h][w] or [h][w][c])
};
/// events/xs, ys (uint16), ts (int64 µs), ps (uint8), attributes width/height on `events`;
/// frames as images/image%09d with attributes timestamp (s, float64) and t_us (int64).
void writeEventsHdf5(const std::string& path, const EventStream& stream, const std::vector<Hdf5Frame>& frames = {});

} // namespace fuselab
