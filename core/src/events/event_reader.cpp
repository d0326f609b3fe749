// EventReader: batches over a format decoder, the index (built by one pass, reused by every
// seek), and opening a file by its content.
#include "byte_source.hpp"
#include "decoder.hpp"
#include "raw_header.hpp"

#include "fuselab/events_io.hpp"

#include <algorithm>
#include <cstring>

namespace fuselab {

std::uint64_t EventIndex::skippedTotal() const
{
    std::uint64_t total = 0;
    for (const auto& [kind, n] : skipped) total += n;
    return total;
}

namespace events {

std::shared_ptr<EventIndex> buildIndex(EventDecoder& decoder)
{
    auto index = std::make_shared<EventIndex>();
    decoder.resume(decoder.start());
    decoder.skipped().clear();
    EventBuffer chunk;
    while (true) {
        const ResumePoint at = decoder.position();
        chunk.clear();
        if (!decoder.decodeChunk(chunk)) break;
        ++index->chunks;
        if (chunk.empty()) continue;
        index->entries.push_back({at, index->stats.count, chunk.front().tUs});
        index->stats.add(chunk.data(), chunk.size());
    }
    index->skipped = decoder.skipped();
    return index;
}

} // namespace events

EventReader::EventReader(std::string path, std::unique_ptr<EventDecoder> decoder)
    : m_path(std::move(path)), m_decoder(std::move(decoder))
{
    m_index = m_decoder->prebuiltIndex();
}

EventReader::~EventReader() = default;

const EventMetadata& EventReader::metadata() const { return m_decoder->metadata(); }
const std::map<std::string, std::uint64_t>& EventReader::skipped() const { return m_decoder->skipped(); }
std::vector<EventFileFrame> EventReader::frames() const { return m_decoder->frames(); }
Image EventReader::readFrame(std::size_t frameIndex) const { return m_decoder->readFrame(frameIndex); }

bool EventReader::fillPending()
{
    m_pending.clear();
    m_pendingPos = 0;
    if (m_atEnd) return false;
    while (true) {
        if (!m_decoder->decodeChunk(m_pending)) {
            m_atEnd = true;
            return false;
        }
        ++m_chunksDecoded;
        if (!m_pending.empty()) return true;
    }
}

bool EventReader::next(std::vector<Event>& batch, std::size_t maxEvents)
{
    batch.clear();
    while (batch.size() < maxEvents) {
        if (m_pendingPos >= m_pending.size()) {
            if (!fillPending()) break;
            continue;
        }
        const std::size_t take = std::min(maxEvents - batch.size(), m_pending.size() - m_pendingPos);
        batch.insert(batch.end(), m_pending.begin() + long(m_pendingPos), m_pending.begin() + long(m_pendingPos + take));
        m_pendingPos += take;
        m_nextEventIndex += take;
    }
    return !batch.empty();
}

bool EventReader::next(EventBuffer& batch, std::size_t maxEvents)
{
    batch.clear();
    if (m_pendingPos >= m_pending.size() && !fillPending()) return false;
    if (m_pendingPos == 0 && m_pending.size() <= maxEvents) {
        batch.swap(m_pending); // the decoder refills batch's old buffer next time
        m_pending.clear();
        m_nextEventIndex += batch.size();
        return true;
    }
    const std::size_t take = std::min(maxEvents, m_pending.size() - m_pendingPos);
    batch.insert(batch.end(), m_pending.begin() + long(m_pendingPos), m_pending.begin() + long(m_pendingPos + take));
    m_pendingPos += take;
    m_nextEventIndex += take;
    return !batch.empty();
}

void EventReader::rewind()
{
    m_decoder->resume(m_decoder->start());
    m_pending.clear();
    m_pendingPos = 0;
    m_atEnd = false;
    m_nextEventIndex = 0;
}

const EventIndex& EventReader::index()
{
    if (m_index) return *m_index;
    const bool fresh = m_chunksDecoded == 0;
    const std::uint64_t resumeAt = m_nextEventIndex;
    const auto skippedSoFar = m_decoder->skipped();
    auto built = events::buildIndex(*m_decoder);
    m_chunksDecoded += built->chunks;
    m_index = std::move(built);
    m_decoder->skipped() = skippedSoFar;
    if (fresh) rewind();
    else seekEvent(resumeAt);
    return *m_index;
}

void EventReader::adoptIndex(std::shared_ptr<const EventIndex> index) { m_index = std::move(index); }

std::shared_ptr<const EventIndex> EventReader::sharedIndex()
{
    index();
    return m_index;
}

void EventReader::seekEvent(std::uint64_t eventIndex)
{
    const EventIndex& idx = index();
    m_pending.clear();
    m_pendingPos = 0;
    if (eventIndex >= idx.stats.count || idx.entries.empty()) {
        m_atEnd = true;
        m_nextEventIndex = idx.stats.count;
        return;
    }
    auto it = std::upper_bound(idx.entries.begin(), idx.entries.end(), eventIndex,
                               [](std::uint64_t i, const EventIndex::Entry& e) { return i < e.firstEvent; });
    --it; // entries[0].firstEvent is 0, so it exists
    m_decoder->resume(it->at);
    m_atEnd = false;
    std::uint64_t at = it->firstEvent;
    while (fillPending()) {
        if (eventIndex < at + m_pending.size()) {
            m_pendingPos = std::size_t(eventIndex - at);
            m_nextEventIndex = eventIndex;
            return;
        }
        at += m_pending.size();
    }
    m_nextEventIndex = at;
}

void EventReader::seekTime(std::int64_t tUs)
{
    const EventIndex& idx = index();
    m_pending.clear();
    m_pendingPos = 0;
    if (idx.entries.empty()) {
        m_atEnd = true;
        m_nextEventIndex = idx.stats.count;
        return;
    }
    // The last chunk that starts strictly before tUs may still hold events at tUs.
    auto it = std::lower_bound(idx.entries.begin(), idx.entries.end(), tUs,
                               [](const EventIndex::Entry& e, std::int64_t t) { return e.firstTUs < t; });
    if (it != idx.entries.begin()) --it;
    m_decoder->resume(it->at);
    m_atEnd = false;
    m_nextEventIndex = it->firstEvent;
    while (fillPending()) {
        const auto first = std::lower_bound(m_pending.begin(), m_pending.end(), tUs,
                                            [](const Event& e, std::int64_t t) { return e.tUs < t; });
        m_pendingPos = std::size_t(first - m_pending.begin());
        m_nextEventIndex += m_pendingPos;
        if (m_pendingPos < m_pending.size()) return;
    }
}

std::vector<Event> EventReader::readWindow(const EventWindow& window)
{
    std::vector<Event> out;
    if (window.kind == EventWindow::Kind::All) rewind();
    else seekTime(window.startUs);
    const std::int64_t endUs = window.kind == EventWindow::Kind::Time ? window.startUs + window.durationUs
                                                                       : std::numeric_limits<std::int64_t>::max();
    const std::uint64_t limit = window.kind == EventWindow::Kind::Count ? window.count : std::numeric_limits<std::uint64_t>::max();
    while (out.size() < limit) {
        if (m_pendingPos >= m_pending.size() && !fillPending()) break;
        const Event* b = m_pending.data() + m_pendingPos;
        const Event* e = m_pending.data() + m_pending.size();
        const std::uint64_t wanted = limit - out.size();
        if (std::uint64_t(e - b) > wanted) e = b + wanted;
        const Event* stop = std::lower_bound(b, e, endUs, [](const Event& ev, std::int64_t t) { return ev.tUs < t; });
        out.insert(out.end(), b, stop);
        m_pendingPos += std::size_t(stop - b);
        m_nextEventIndex += std::uint64_t(stop - b);
        if (stop != e) break; // the time window ends inside this chunk
    }
    return out;
}

namespace {

enum class Container { Unknown, Text, Raw, Aedat4, Hdf5 };

std::string lowerExtension(const std::string& path)
{
    const std::size_t slash = path.find_last_of('/');
    const std::size_t dot = path.find_last_of('.');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
    std::string ext = path.substr(dot + 1);
    for (char& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
    return ext;
}

Container sniff(const std::uint8_t* head, std::size_t n, const std::string& path)
{
    static const std::uint8_t hdf5Magic[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1A, '\n'};
    if (n >= 12 && std::memcmp(head, "#!AER-DAT4.0", 12) == 0) return Container::Aedat4;
    if (n >= 8 && std::memcmp(head, hdf5Magic, 8) == 0) return Container::Hdf5;
    if (n >= 1 && head[0] == '%') return Container::Raw;
    const std::string ext = lowerExtension(path);
    if (ext == "raw") return Container::Raw;
    if (ext == "aedat4" || ext == "aedat") return Container::Aedat4;
    if (ext == "h5" || ext == "hdf5") return Container::Hdf5;
    if (ext == "txt" || ext == "csv" || ext == "dat") return Container::Text;
    if (n >= 1) {
        const char c = char(head[0]);
        if ((c >= '0' && c <= '9') || c == '#' || c == ' ' || c == '\t' || c == '-' || c == '+' || c == '.' || c == '\n')
            return Container::Text;
    }
    return Container::Unknown;
}

std::unique_ptr<EventReader> openFromSource(std::unique_ptr<events::ByteSource> source, const std::string& path,
                                            const EventReadOptions& options, bool fromMemory)
{
    if (source->size() == 0) throw Error(path, "byte 0: empty file");
    std::uint8_t head[16] = {0};
    const std::size_t n = source->readAt(0, head, sizeof head);
    std::unique_ptr<EventDecoder> decoder;
    switch (sniff(head, n, path)) {
    case Container::Raw: decoder = events::makeRawDecoder(std::move(source), options); break;
    case Container::Aedat4: decoder = events::makeAedat4Decoder(std::move(source), options); break;
    case Container::Text: decoder = events::makeTextDecoder(std::move(source), options); break;
    case Container::Hdf5:
        if (fromMemory) throw Error(path, "HDF5 is read from files only");
        source.reset();
        decoder = events::makeHdf5Decoder(path, options);
        break;
    case Container::Unknown:
        throw Error(path, "byte 0: not an event file this version reads (text, HDF5, AEDAT 4.0, Prophesee EVT 2.0/3.0 RAW)");
    }
    return std::make_unique<EventReader>(path, std::move(decoder));
}

} // namespace

std::unique_ptr<EventReader> openEventReader(const std::string& path, const EventReadOptions& options)
{
    return openFromSource(events::openFileSource(path), path, options, false);
}

std::unique_ptr<EventReader> openEventReaderFromMemory(std::vector<std::uint8_t> bytes, const std::string& name,
                                                       const EventReadOptions& options)
{
    return openFromSource(events::memorySource(std::move(bytes), name), name, options, true);
}

EventFormat detectEventFormat(const std::string& path)
{
    auto source = events::openFileSource(path);
    std::uint8_t head[16] = {0};
    const std::size_t n = source->readAt(0, head, sizeof head);
    switch (sniff(head, n, path)) {
    case Container::Text: return EventFormat::Text;
    case Container::Aedat4: return EventFormat::Aedat4;
    case Container::Hdf5: return EventFormat::Hdf5;
    case Container::Raw:
        try {
            return events::parseRawHeader(*source).format;
        } catch (const Error&) {
            return EventFormat::Unknown;
        }
    case Container::Unknown: break;
    }
    return EventFormat::Unknown;
}

EventStream readAllEvents(const std::string& path, const EventReadOptions& options)
{
    auto reader = openEventReader(path, options);
    EventStream stream;
    stream.metadata = reader->metadata();
    std::vector<Event> batch;
    while (reader->next(batch, 1u << 20)) {
        if (stream.events.size() + batch.size() > options.maxEventsInMemory)
            throw Error(path, "more than " + std::to_string(options.maxEventsInMemory) + " events; read it in windows");
        stream.events.insert(stream.events.end(), batch.begin(), batch.end());
    }
    return stream;
}

std::optional<std::size_t> lastFrameAtOrBefore(const std::vector<EventFileFrame>& frames, std::int64_t tUs)
{
    std::optional<std::size_t> chosen;
    for (std::size_t i = 0; i < frames.size(); ++i)
        if (frames[i].tUs <= tUs) chosen = i;
    return chosen;
}

} // namespace fuselab
