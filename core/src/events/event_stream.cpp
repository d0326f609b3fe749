#include "fuselab/base/events.hpp"

#include <algorithm>
#include <limits>

namespace fuselab {

std::string_view toString(EventFormat format)
{
    switch (format) {
    case EventFormat::Text: return "text";
    case EventFormat::Hdf5: return "hdf5";
    case EventFormat::Aedat4: return "aedat4";
    case EventFormat::Evt2: return "evt2";
    case EventFormat::Evt3: return "evt3";
    case EventFormat::Simulated: return "simulated";
    case EventFormat::Unknown: break;
    }
    return "unknown";
}

void EventStats::add(const Event* events, std::size_t n)
{
    if (n == 0) return;
    if (count == 0) tFirstUs = events[0].tUs;
    else if (events[0].tUs < tLastUs) monotonic = false;
    std::uint64_t on = 0;
    std::uint16_t mx = maxX, my = maxY;
    for (std::size_t i = 0; i < n; ++i) {
        on += events[i].p;
        mx = std::max(mx, events[i].x);
        my = std::max(my, events[i].y);
        if (i && events[i].tUs < events[i - 1].tUs) monotonic = false;
    }
    maxX = mx;
    maxY = my;
    count += n;
    positive += on;
    negative += n - on;
    tLastUs = events[n - 1].tUs;
}

EventStats computeEventStats(EventSpan events)
{
    EventStats stats;
    stats.add(events.first, events.size());
    return stats;
}

EventSpan selectWindow(EventSpan events, const EventWindow& window)
{
    if (window.kind == EventWindow::Kind::All) return events;
    const Event* begin = std::lower_bound(events.first, events.last, window.startUs,
                                          [](const Event& e, std::int64_t t) { return e.tUs < t; });
    if (window.kind == EventWindow::Kind::Count) {
        const std::size_t available = std::size_t(events.last - begin);
        return {begin, begin + std::min<std::uint64_t>(window.count, available)};
    }
    const std::int64_t endUs = window.durationUs > 0 && window.startUs > std::numeric_limits<std::int64_t>::max() - window.durationUs
                                   ? std::numeric_limits<std::int64_t>::max()
                                   : window.startUs + std::max<std::int64_t>(window.durationUs, 0);
    const Event* end = std::lower_bound(begin, events.last, endUs, [](const Event& e, std::int64_t t) { return e.tUs < t; });
    return {begin, end};
}

TimeInterval windowInterval(EventSpan selected, const EventWindow& window)
{
    if (window.kind == EventWindow::Kind::Time) return {window.startUs, window.startUs + std::max<std::int64_t>(window.durationUs, 1)};
    if (selected.empty()) return {window.startUs, window.startUs + 1};
    return {selected.first->tUs, (selected.last - 1)->tUs + 1};
}

} // namespace fuselab
