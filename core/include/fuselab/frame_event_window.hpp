// One window of an event recording with the two frames frame/event fusion needs: the frame F
// at the window's end and the reference its event-derived frame EF integrates from (at the
// window's start). `fuse --frame --events`, `explain --frame --events` and the GUI's events dock
// read their windows here, so the same recording and window give the same inputs everywhere.
//
// Threads: the reader is used, not shared — callers that share one reader serialise calls.
#pragma once

#include "fuselab/base/events.hpp"
#include "fuselab/base/image.hpp"

#include <string>
#include <vector>

namespace fuselab {

class EventReader;

struct FrameEventWindow {
    Image frameLinear, referenceLinear; ///< camera units (linear, 1 = saturation), the sensor's size
    std::vector<Event> events;          ///< time-ordered, inside `interval`
    TimeInterval interval;              ///< µs, the recording's clock
    int widthPx = 0, heightPx = 0;      ///< the sensor's
    std::string frameName;              ///< the stored frame's name; empty when the frame was given
    std::string referenceName;          ///< likewise for the reference
};

/// Reads `window` (Time or Count) from `reader` (whose file is `recordingName`, for messages).
/// `frameLinear` / `referenceLinear` are used when given (non-null; their own names `frameName`
/// / `referenceName` go into messages); otherwise the last frame the recording stores at or
/// before the window's end (F) or start (EF's reference) is read. Throws fuselab::Error naming
/// the file: a recording without events, no stored frame where one is needed, a size other
/// than the sensor's.
FrameEventWindow readFrameEventWindow(EventReader& reader, const std::string& recordingName, const EventWindow& window,
                                      const Image* frameLinear, const std::string& frameName, const Image* referenceLinear,
                                      const std::string& referenceName);

} // namespace fuselab
