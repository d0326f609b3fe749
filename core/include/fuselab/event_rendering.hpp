// Rendering one window of an event recording with an event-representation operator (category
// events): what `fuselab-cli events render` writes and what the GUI's events dock overlays, so
// both read the same events and run the same operator with the same values.
//
// Threads: the reader is used, not shared — callers that share one reader serialise calls.
#pragma once

#include "fuselab/base/events.hpp"
#include "fuselab/base/image.hpp"
#include "fuselab/base/operator.hpp"
#include "fuselab/base/params.hpp"
#include "fuselab/base/progress.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace fuselab {

class EventReader;

namespace convention {
/// The parameters by which every event-representation operator cuts its window from the events
/// it is given (choice time|count, µs, events, µs after the first event). renderEventWindow
/// sets them from the window it reads, so a front end shows them as its own timeline.
inline constexpr const char* eventWindowKindParam = "window"; ///< choice "time" | "count"
inline constexpr const char* eventWindowUsParam = "window_us";  ///< time windows: length, µs
inline constexpr const char* eventCountParam = "count";         ///< count windows: events
inline constexpr const char* eventStartUsParam = "start_us";    ///< µs after the first event given
inline const std::vector<std::string>& eventWindowParams()
{
    static const std::vector<std::string> ids{eventWindowKindParam, eventWindowUsParam, eventCountParam, eventStartUsParam};
    return ids;
}
} // namespace convention

struct RenderedEventWindow {
    Image image;                            ///< the operator's output
    ParamValues values;                     ///< every parameter as run (the window's included)
    std::map<std::string, double> scalars;  ///< the operator's numbers (event_count, …)
    std::size_t eventsRead = 0;             ///< events the window holds
};

/// Reads `window` (Time or Count, absolute start in the recording's clock) from `reader` and
/// renders it with `op` (an operator of InputKind::Events), its values `overrides` over the
/// defaults; the window parameters are set from `window`. `referenceLinear` (may be null) is the
/// image an event-derived frame integrates from. Throws fuselab::Error (bad values named by the
/// operator, a window with no events to render for a count window past the end).
RenderedEventWindow renderEventWindow(EventReader& reader, const Operator& op, const EventWindow& window, ParamValues overrides,
                                      const Image* referenceLinear, ProgressSink& progress);

/// An overlay a viewer shows over a frame: an event-representation operator with the values
/// that make its output one channel of raw numbers (signed: centred on 0).
struct EventOverlayView {
    std::string label;      ///< "Event frame (ON − OFF)"
    std::string operatorId; ///< an operator of category events
    ParamValues fixed;      ///< values the view sets (the others stay the user's)
    bool signedValues = false;
};

/// The overlays a front end offers for a recording, the first being its default.
const std::vector<EventOverlayView>& eventOverlayViews();

} // namespace fuselab
