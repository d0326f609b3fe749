// renderEventWindow (what `events render` and the GUI's events dock run) reads exactly the
// window asked for and gives what the representation operator gives on those events, for time
// and count windows; every event operator declares the window parameters it sets.
#include "test_support.hpp"

#include "fuselab/builtin_operators.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/event_rendering.hpp"
#include "fuselab/events_io.hpp"
#include "fuselab/base/random.hpp"

#include <algorithm>
#include <cmath>

using namespace fuselab;
using namespace fuselab::test;

namespace {

EventStream steadyStream(std::size_t n, int w, int h, std::uint64_t seed)
{
    Random rng(seed);
    EventStream s;
    s.metadata.widthPx = w;
    s.metadata.heightPx = h;
    for (std::size_t i = 0; i < n; ++i)
        s.events.push_back(Event{std::int64_t(1000 + 10 * i), std::uint16_t(rng.uniform() * w), std::uint16_t(rng.uniform() * h),
                                 std::uint8_t(rng.uniform() < 0.5)});
    return s;
}

double maxDiff(const Image& a, const Image& b)
{
    EXPECT_EQ(a.width(), b.width());
    EXPECT_EQ(a.channels(), b.channels());
    double worst = 0.0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width() * a.channels(); ++x) worst = std::max(worst, double(std::fabs(a.row(y)[x] - b.row(y)[x])));
    return worst;
}

} // namespace

TEST(EventRendering, TimeAndCountWindowsGiveTheOperatorsOwnResult)
{
    OperatorRegistry registry;
    registerBuiltinOperators(registry);
    TempDir dir;
    const EventStream all = steadyStream(20000, 64, 48, 5); // events every 10 µs from t = 1000 µs
    const std::string path = dir.file("e.txt");
    writeEventsText(path, all);
    NullProgress quiet;
    for (const EventOverlayView& view : eventOverlayViews()) {
        const Operator& op = registry.get(view.operatorId);
        auto reader = openEventReader(path);
        // Time window [51 000, 61 000) µs: events 5000 … 5999.
        const RenderedEventWindow timed = renderEventWindow(*reader, op, EventWindow::byTime(51000, 10000), view.fixed, nullptr, quiet);
        EXPECT_EQ(timed.eventsRead, 1000u) << view.operatorId;
        EXPECT_EQ(timed.values.integer("window_us"), 10000);
        EXPECT_EQ(timed.values.choice("window"), "time");
        EventStream window;
        window.metadata = all.metadata;
        window.events.assign(all.events.begin() + 5000, all.events.begin() + 6000);
        ParamValues direct = view.fixed;
        direct.set("window_us", std::int64_t(10000));
        OperatorInput input;
        input.events = &window;
        const OperatorOutput reference = runOperator(op, input, direct, quiet);
        EXPECT_EQ(maxDiff(timed.image, reference.image), 0.0) << view.operatorId;
        EXPECT_EQ(timed.scalars.at("event_count"), 1000.0);

        // Count window of 700 events from t = 101 000 µs: events 10000 … 10699.
        const RenderedEventWindow counted = renderEventWindow(*reader, op, EventWindow::byCount(101000, 700), view.fixed, nullptr, quiet);
        EXPECT_EQ(counted.eventsRead, 700u);
        EXPECT_EQ(counted.values.choice("window"), "count");
        EXPECT_EQ(counted.scalars.at("event_count"), 700.0) << view.operatorId;
    }
}

TEST(EventRendering, EveryEventOperatorDeclaresTheWindowParametersAndImageOperatorsAreRefused)
{
    OperatorRegistry registry;
    registerBuiltinOperators(registry);
    int eventOperators = 0;
    for (const Operator* op : registry.all()) {
        if (op->inputKind() != InputKind::Events) continue;
        ++eventOperators;
        const ParamValues defaults = defaultValues(op->params());
        for (const std::string& id : convention::eventWindowParams()) EXPECT_TRUE(defaults.has(id)) << op->info().id << " lacks " << id;
    }
    EXPECT_GE(eventOperators, 4);
    for (const EventOverlayView& view : eventOverlayViews()) EXPECT_NE(registry.find(view.operatorId), nullptr) << view.operatorId;

    TempDir dir;
    const std::string path = dir.file("e.txt");
    writeEventsText(path, steadyStream(100, 8, 8, 1));
    auto reader = openEventReader(path);
    NullProgress quiet;
    EXPECT_THROW(renderEventWindow(*reader, *defaultOperatorOf(registry, category::fusion), EventWindow::byTime(1000, 100), {}, nullptr, quiet),
                 Error);
}
