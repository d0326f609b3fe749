#include "fuselab/event_rendering.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/events_io.hpp"

namespace fuselab {

RenderedEventWindow renderEventWindow(EventReader& reader, const Operator& op, const EventWindow& window, ParamValues overrides,
                                      const Image* referenceLinear, ProgressSink& progress)
{
    if (op.inputKind() != InputKind::Events) throw Error(op.info().id + " does not render events");
    if (window.kind == EventWindow::Kind::All) throw Error("internal: renderEventWindow needs a time or count window");
    EventStream stream;
    stream.metadata = reader.metadata();
    stream.events = reader.readWindow(window);
    // The operator cuts its own window relative to the first event it is given: a count window
    // from that event, a time window from the requested start.
    if (window.kind == EventWindow::Kind::Count) {
        overrides.set(convention::eventWindowKindParam, std::string("count"));
        overrides.set(convention::eventCountParam, std::int64_t(window.count));
        overrides.set(convention::eventStartUsParam, std::int64_t(0));
    } else {
        overrides.set(convention::eventWindowKindParam, std::string("time"));
        overrides.set(convention::eventWindowUsParam, window.durationUs);
        overrides.set(convention::eventStartUsParam, stream.events.empty() ? std::int64_t(0) : window.startUs - stream.events.front().tUs);
    }
    OperatorInput input;
    input.events = &stream;
    if (referenceLinear) input.images.push_back(*referenceLinear);
    OperatorOutput out = runOperator(op, input, overrides, progress);
    RenderedEventWindow r;
    r.image = std::move(out.image);
    r.values = resolveParamValues(op.params(), overrides);
    r.scalars = std::move(out.scalars);
    r.eventsRead = stream.events.size();
    return r;
}

const std::vector<EventOverlayView>& eventOverlayViews()
{
    static const std::vector<EventOverlayView> views = [] {
        std::vector<EventOverlayView> v(2);
        v[0].label = "Event frame (ON − OFF)";
        v[0].operatorId = "events-frame";
        v[0].fixed.set("mode", std::string("signed"));
        v[0].fixed.set("display", false);
        v[0].signedValues = true;
        v[1].label = "Time surface";
        v[1].operatorId = "events-timesurface";
        v[1].fixed.set("polarity", std::string("merged"));
        return v;
    }();
    return views;
}

} // namespace fuselab
