#include "frame_event_fusion.hpp"

#include "cli_support.hpp"

#include "fuselab/base/events_repr.hpp"
#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/events_io.hpp"
#include "fuselab/io.hpp"

#include <filesystem>

namespace fuselab::cli {
namespace {

void requireFile(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw Error(path, "no such file");
}

} // namespace

Image readFrameLinear(const std::string& path)
{
    requireFile(path);
    Image image = readImage(path).pixels.toFloat();
    if (image.encoding() != ColourEncoding::Linear && image.encoding() != ColourEncoding::Srgb)
        throw Error(path, "the frame must be sRGB or linear (it is " + std::string(toString(image.encoding())) + ")");
    return withEncoding(image, ColourEncoding::Linear);
}

void FrameEventOptions::attach(CLI::App& sub, const std::string& purpose)
{
    sub.add_option("--frame", frame, purpose + ": the frame F at the window's end (sRGB image, or linear EXR with 1 = saturation)");
    sub.add_option("--events", events, purpose + ": the event recording (text, HDF5, AEDAT 4.0, EVT 2.0/3.0 RAW)");
    sub.add_option("--reference", reference,
                   purpose + ": the frame at the window's start that EF integrates from (default: the last frame "
                             "stored in an HDF5 recording at or before the window's start)");
    auto* window = sub.add_option("--window-us", windowUs, purpose + ": time window in microseconds (default " + std::to_string(kDefaultEventWindowUs) + ")")
                       ->check(CLI::Range(std::int64_t(1), std::int64_t(3'600'000'000LL)));
    sub.add_option("--count", count, purpose + ": a window of this many events instead")
        ->check(CLI::Range(std::int64_t(1), std::int64_t(1'000'000'000LL)))
        ->excludes(window);
    sub.add_option("--start-us", startUs, purpose + ": window start in microseconds after the recording's first event")
        ->capture_default_str();
    eventInput.attach(sub);
}

void FrameEventOptions::checkInputChoice(bool stackImagesGiven) const
{
    if (given()) {
        if (frame.empty() || events.empty()) throw UsageError("frame/event inputs need both --frame and --events");
        if (stackImagesGiven) throw UsageError("give either stack images or --frame/--events, not both");
        return;
    }
    if (!stackImagesGiven) throw UsageError("give the stack's images (or --frame and --events)");
    if (windowGiven()) throw UsageError("--reference, --window-us, --count and --start-us apply to --frame/--events only");
}

void FrameEventOptions::checkFilesExist() const
{
    requireFile(events);
    requireFile(frame);
    if (!reference.empty()) requireFile(reference);
}

RecipeFrameEvents recipeFrameEventsOf(const FrameEventOptions& o)
{
    return {o.frame, o.events, o.reference, o.windowUs, o.count, o.startUs, o.eventInput.lenient, o.eventInput.timeUnit};
}

FrameEventOptions frameEventOptionsOf(const RecipeFrameEvents& r)
{
    FrameEventOptions o;
    o.frame = r.frame;
    o.events = r.events;
    o.reference = r.reference;
    o.windowUs = r.windowUs;
    o.count = r.count;
    o.startUs = r.startUs;
    o.eventInput.lenient = r.lenient;
    o.eventInput.timeUnit = r.timeUnit;
    return o;
}

FrameEventFiles loadFrameEventWindow(const FrameEventOptions& o)
{
    auto reader = openEventReader(o.events, o.eventInput.toReadOptions());
    const std::int64_t start = reader->index().stats.tFirstUs + o.startUs; // no events: readFrameEventWindow says so
    const EventWindow window = o.count > 0 ? EventWindow::byCount(start, std::uint64_t(o.count))
                                           : EventWindow::byTime(start, o.windowUs > 0 ? o.windowUs : kDefaultEventWindowUs);
    const Image frame = readFrameLinear(o.frame);
    const Image reference = o.reference.empty() ? Image() : readFrameLinear(o.reference);
    FrameEventFiles out;
    static_cast<FrameEventWindow&>(out) =
        readFrameEventWindow(*reader, o.events, window, &frame, o.frame, o.reference.empty() ? nullptr : &reference, o.reference);
    out.inputFiles = {o.frame, o.events};
    if (!o.reference.empty()) out.inputFiles.push_back(o.reference);
    out.referenceNote = o.reference.empty() ? o.events + ":" + out.referenceName : o.reference;
    return out;
}

} // namespace fuselab::cli
