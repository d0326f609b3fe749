// Event-camera data in memory: the event record, what a recording says about itself, and
// selecting a window of events by time or by count.
//
// An event is one brightness change at one pixel: time in microseconds (int64; absolute
// Unix time where the format stores it, as AEDAT 4.0 does, else the camera's own clock),
// pixel column x and row y (origin top-left), and polarity p (1 = ON, brighter; 0 = OFF,
// darker). Every reader delivers events in non-decreasing time order; the functions here
// rely on that (they binary-search on time).
//
// Part of fuselab_base (no OpenCV, no file formats), so core/learn can use the in-memory
// types, representations (events_repr.hpp) and the simulator (events_sim.hpp) on its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fuselab {

/// Trivial on purpose (no member initialisers) so decoders can grow buffers without a zero
/// fill: write Event{} for a zeroed event, Event{t, x, y, p} for a given one.
struct Event {
    std::int64_t tUs; ///< microseconds
    std::uint16_t x;  ///< column, 0 … width−1
    std::uint16_t y;  ///< row, 0 … height−1
    std::uint8_t p;   ///< 1 = ON (log intensity rose by a threshold), 0 = OFF
};
static_assert(sizeof(Event) == 16, "Event is 16 bytes so large streams stay compact");

inline bool operator==(const Event& a, const Event& b)
{
    return a.tUs == b.tUs && a.x == b.x && a.y == b.y && a.p == b.p;
}
inline bool operator!=(const Event& a, const Event& b) { return !(a == b); }

enum class EventFormat {
    Unknown,
    Text,      ///< "t x y p" lines (Event Camera Dataset), optional first line "width height"
    Hdf5,      ///< events/{xs,ys,ts,ps}, optional images/image%09d
    Aedat4,    ///< iniVation AEDAT 4.0 (FlatBuffers packets, LZ4/ZSTD)
    Evt2,      ///< Prophesee RAW, EVT 2.0 (32-bit words)
    Evt3,      ///< Prophesee RAW, EVT 3.0 (16-bit stateful words)
    Simulated, ///< made in memory by the simulator
};
/// "text", "hdf5", "aedat4", "evt2", "evt3", "simulated", "unknown".
std::string_view toString(EventFormat format);

struct EventMetadata {
    EventFormat format = EventFormat::Unknown;
    int widthPx = 0;  ///< sensor geometry; every event has x < widthPx, y < heightPx
    int heightPx = 0;
    std::string geometrySource; ///< where the geometry came from ("header format line", "system_ID 48 (openeb table)", …)
    /// Unix time (µs) of t = 0 where the format stores absolute time: 0 for AEDAT 4.0,
    /// whose timestamps are Unix microseconds themselves; empty where the clock is the camera's own.
    std::optional<std::int64_t> originUnixUs;
    std::string recordedAt; ///< the file's own recording date text, where it has one (RAW "% Date")
    std::string camera;     ///< sensor / camera name where the file says ("DVXplorer_DXB00010", "system_ID 48")
};

/// Events held in memory, in time order.
struct EventStream {
    EventMetadata metadata;
    std::vector<Event> events;
};

/// A contiguous, non-owning range of events (C++17 has no std::span).
struct EventSpan {
    const Event* first = nullptr;
    const Event* last = nullptr; ///< one past the end
    EventSpan() = default;
    EventSpan(const Event* b, const Event* e) : first(b), last(e) {}
    explicit EventSpan(const std::vector<Event>& v) : first(v.data()), last(v.data() + v.size()) {}
    std::size_t size() const noexcept { return std::size_t(last - first); }
    bool empty() const noexcept { return first == last; }
    const Event* begin() const noexcept { return first; }
    const Event* end() const noexcept { return last; }
};

struct EventStats {
    std::uint64_t count = 0;
    std::uint64_t positive = 0;
    std::uint64_t negative = 0;
    std::int64_t tFirstUs = 0; ///< 0 when count is 0
    std::int64_t tLastUs = 0;
    std::uint16_t maxX = 0;  ///< extent of the events (0 when count is 0)
    std::uint16_t maxY = 0;
    bool monotonic = true; ///< no event earlier than the one before it
    void add(const Event* events, std::size_t n);
};
EventStats computeEventStats(EventSpan events);

/// Which events a representation or a reader looks at. Both kinds start at the first event
/// with t ≥ startUs; a time window ends before startUs + durationUs, a count window after
/// `count` events (or at the end of the data).
struct EventWindow {
    enum class Kind { All, Time, Count };
    Kind kind = Kind::All;
    std::int64_t startUs = 0;     ///< absolute, in the stream's own clock
    std::int64_t durationUs = 0;  ///< Time windows, > 0
    std::uint64_t count = 0;      ///< Count windows, > 0

    static EventWindow all() { return {}; }
    static EventWindow byTime(std::int64_t startUs, std::int64_t durationUs)
    {
        EventWindow w;
        w.kind = Kind::Time;
        w.startUs = startUs;
        w.durationUs = durationUs;
        return w;
    }
    static EventWindow byCount(std::int64_t startUs, std::uint64_t count)
    {
        EventWindow w;
        w.kind = Kind::Count;
        w.startUs = startUs;
        w.count = count;
        return w;
    }
};

/// The events of `events` (time-ordered) inside `window`; O(log n).
EventSpan selectWindow(EventSpan events, const EventWindow& window);

/// The time interval a representation spans for this window: [beginUs, endUs). For a Time
/// window that is the window itself; for a Count or All window it runs from the first to one
/// past the last selected event (so a single event still spans 1 µs).
struct TimeInterval {
    std::int64_t beginUs = 0;
    std::int64_t endUs = 0;
};
TimeInterval windowInterval(EventSpan selected, const EventWindow& window);

} // namespace fuselab
