// Private: what each format's decoder implements for EventReader (event_reader.cpp).
//
// A decoder walks its file in chunks (a byte range of RAW words, one AEDAT packet, a block of
// text lines or HDF5 elements). position() says where the next chunk starts together with
// every register the decoder needs there, so resume(position) continues exactly as if the
// file had been decoded from the start: that is what the index stores.
#pragma once

#include "fuselab/base/error.hpp"
#include "fuselab/events_io.hpp"

#include <limits>
#include <map>
#include <string>
#include <vector>

namespace fuselab::events {

class ByteSource;

} // namespace fuselab::events

namespace fuselab {

/// Register slots shared by the decoders' ResumePoints.
namespace reg {
inline constexpr int lastT = 6; ///< time of the last event emitted (monotonic check)
inline constexpr std::int64_t noTime = std::numeric_limits<std::int64_t>::min();
} // namespace reg

class EventDecoder {
public:
    virtual ~EventDecoder() = default;
    const EventMetadata& metadata() const { return m_metadata; }
    /// Where decoding starts (after the header).
    virtual ResumePoint start() const = 0;
    virtual ResumePoint position() const = 0;
    virtual void resume(const ResumePoint& point) = 0;
    /// Appends the next chunk's events to out; false when no chunk was left.
    virtual bool decodeChunk(EventBuffer& out) = 0;
    virtual std::vector<EventFileFrame> frames() const { return {}; }
    virtual Image readFrame(std::size_t) const { throw Error(m_name, "this format stores no frames"); }
    /// Index built at open (formats that need a pass to learn their geometry), else null.
    virtual std::shared_ptr<const EventIndex> prebuiltIndex() const { return nullptr; }

    std::map<std::string, std::uint64_t>& skipped() { return m_skipped; }
    const std::string& name() const { return m_name; }

protected:
    EventDecoder(std::string name, const EventReadOptions& options) : m_name(std::move(name)), m_options(options) {}

    /// A resume point at `offset` (a byte, or an element for HDF5) after an event at `lastTUs`
    /// (reg::noTime at a start); a format adds its own registers.
    static ResumePoint pointAt(std::uint64_t offset, std::int64_t lastTUs)
    {
        ResumePoint p;
        p.offset = offset;
        p.registers[reg::lastT] = lastTUs;
        return p;
    }

    /// "byte N", the place most formats name in a message.
    static std::string byteAt(std::uint64_t byteOffset) { return "byte " + std::to_string(byteOffset); }

    /// "where: problem", attributed to the file; `where` names the place ("byte N", "element N",
    /// "byte N: line L").
    [[noreturn]] void failWhere(const std::string& where, const std::string& problem) const { throw Error(m_name, where + ": " + problem); }
    [[noreturn]] void failAt(std::uint64_t byteOffset, const std::string& problem) const { failWhere(byteAt(byteOffset), problem); }
    /// Under lenient reading counts `kind` and returns; else fails with the place and the problem.
    void badDataWhere(const std::string& where, const std::string& kind, const std::string& problem)
    {
        if (!m_options.lenient) failWhere(where, problem);
        ++m_skipped[kind];
    }
    void badData(std::uint64_t byteOffset, const std::string& kind, const std::string& problem)
    {
        badDataWhere(byteAt(byteOffset), kind, problem);
    }

    /// The checks every format makes of a decoded event before emitting it: inside the geometry,
    /// and not earlier than the last event emitted (`lastT`, µs). A refused event is counted
    /// under lenient reading, else reading fails; `where()` is called only then, to name the
    /// event's place. True when the event is to be emitted.
    template <class Where>
    bool eventFits(const Where& where, std::int64_t x, std::int64_t y, std::int64_t tUs, std::int64_t lastTUs)
    {
        if (x < 0 || y < 0 || x >= m_metadata.widthPx || y >= m_metadata.heightPx) {
            badDataWhere(where(), "events outside the geometry",
                         "event at x=" + std::to_string(x) + ", y=" + std::to_string(y) + " lies outside the " +
                             std::to_string(m_metadata.widthPx) + "x" + std::to_string(m_metadata.heightPx) + " geometry");
            return false;
        }
        if (tUs < lastTUs) {
            badDataWhere(where(), "events earlier than their predecessor",
                         "time runs backwards: event at " + std::to_string(tUs) + " us after one at " + std::to_string(lastTUs) + " us");
            return false;
        }
        return true;
    }

    std::string m_name;
    EventReadOptions m_options;
    EventMetadata m_metadata;
    std::map<std::string, std::uint64_t> m_skipped;
};

namespace events {
std::unique_ptr<EventDecoder> makeEvt2Decoder(std::unique_ptr<ByteSource> source, const EventReadOptions& options);
std::unique_ptr<EventDecoder> makeEvt3Decoder(std::unique_ptr<ByteSource> source, const EventReadOptions& options);
std::unique_ptr<EventDecoder> makeAedat4Decoder(std::unique_ptr<ByteSource> source, const EventReadOptions& options);
std::unique_ptr<EventDecoder> makeTextDecoder(std::unique_ptr<ByteSource> source, const EventReadOptions& options);
std::unique_ptr<EventDecoder> makeHdf5Decoder(const std::string& path, const EventReadOptions& options);
/// A RAW file's decoder, EVT 2.0 or 3.0 as its header says.
std::unique_ptr<EventDecoder> makeRawDecoder(std::unique_ptr<ByteSource> source, const EventReadOptions& options);
/// Builds an index by decoding every chunk of `decoder` from its start (leaves it at the end).
std::shared_ptr<EventIndex> buildIndex(EventDecoder& decoder);
} // namespace events

} // namespace fuselab
