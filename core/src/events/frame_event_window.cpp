#include "fuselab/frame_event_window.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/events_io.hpp"

#include <optional>

namespace fuselab {
namespace {

std::string sizeText(int w, int h)
{
    return std::to_string(w) + "x" + std::to_string(h);
}

// The given image, or the last frame stored at or before `tUs`; `role` and `hint` word the error.
Image frameFor(EventReader& reader, const std::string& recordingName, const Image* given, const std::string& givenName,
               std::int64_t tUs, const char* role, const char* hint, std::string& storedName)
{
    const EventMetadata& m = reader.metadata();
    if (given) {
        if (given->width() != m.widthPx || given->height() != m.heightPx)
            throw Error(givenName, std::string("the ") + role + " is " + sizeText(given->width(), given->height()) + ", the events of " +
                                       recordingName + " are " + sizeText(m.widthPx, m.heightPx));
        return *given;
    }
    const std::vector<EventFileFrame> frames = reader.frames();
    const std::optional<std::size_t> found = lastFrameAtOrBefore(frames, tUs);
    if (!found)
        throw Error(recordingName, std::string("no stored frame at or before ") + std::to_string(tUs) + " us for the " + role + ": " + hint);
    Image image = withEncoding(reader.readFrame(*found), ColourEncoding::Linear);
    if (image.width() != m.widthPx || image.height() != m.heightPx)
        throw Error(recordingName, "its frame " + frames[*found].name + " is " + sizeText(image.width(), image.height()) + ", its events " +
                                       sizeText(m.widthPx, m.heightPx));
    storedName = frames[*found].name;
    return image;
}

} // namespace

FrameEventWindow readFrameEventWindow(EventReader& reader, const std::string& recordingName, const EventWindow& window,
                                      const Image* frameLinear, const std::string& frameName, const Image* referenceLinear,
                                      const std::string& referenceName)
{
    if (reader.index().stats.count == 0) throw Error(recordingName, "holds no events to fuse");
    FrameEventWindow out;
    out.widthPx = reader.metadata().widthPx;
    out.heightPx = reader.metadata().heightPx;
    out.events = reader.readWindow(window);
    out.interval = windowInterval(EventSpan(out.events), window);
    out.frameLinear = frameFor(reader, recordingName, frameLinear, frameName, out.interval.endUs, "frame F",
                               "learned frame/event fusion needs the frame at the window's end (HDF5 recordings with images/, as "
                               "'fuselab-cli events simulate' writes), or give one",
                               out.frameName);
    out.referenceLinear = frameFor(reader, recordingName, referenceLinear, referenceName, out.interval.beginUs,
                                   "reference frame of the event-derived frame EF",
                                   "give a reference frame (fuselab-cli: --reference IMAGE), or move the window later", out.referenceName);
    return out;
}

} // namespace fuselab
