// Event representations as operators (category events): event frame, time surface, voxel
// grid, event-derived intensity. Each cuts its window from the stream by its own parameters.
#include "builtin_list.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/event_rendering.hpp"
#include "fuselab/base/events_repr.hpp"
#include "fuselab/base/param_binding.hpp"

#include <algorithm>
#include <cmath>

namespace fuselab {
namespace {

// Which events an operator uses: declared once, bound to this struct (its members hold the defaults).
struct EventWindowSettings {
    bool byCount = false;
    std::int64_t windowUs = kDefaultEventWindowUs;
    std::int64_t count = 50000;
    std::int64_t startUs = 0;
};

const ParamBinding<EventWindowSettings>& windowBinding()
{
    static const ParamBinding<EventWindowSettings> binding = [] {
        ParamBinding<EventWindowSettings> b;
        const std::string kind = convention::eventWindowKindParam;
        b.choice<bool>(kind, "Window", {{false, {"time", "By time"}}, {true, {"count", "By event count"}}}, &EventWindowSettings::byCount)
            .withTooltip("Which events the representation uses: those within a time span, or a fixed number of events "
                         "(count windows adapt to scene activity, as Rebecq et al. 2019 feed E2VID).");
        b.integer(convention::eventWindowUsParam, "Time window", 1, 3'600'000'000LL, &EventWindowSettings::windowUs)
            .withUnit("µs").withSoftRange(100, 1'000'000).withLogScale().enabledWhen(kind + "=time")
            .withTooltip("Length of a time window; the default is one frame interval at 30 frames per second.");
        b.integer(convention::eventCountParam, "Event count", 1, 1'000'000'000LL, &EventWindowSettings::count)
            .withSoftRange(100, 2'000'000).withLogScale().enabledWhen(kind + "=count")
            .withTooltip("Events in a count window; 50 000 is about 0.16 events per pixel of a 640×480 sensor "
                         "(E2VID used 0.35 per pixel).");
        b.integer(convention::eventStartUsParam, "Start", -4'000'000'000'000LL, 4'000'000'000'000LL, &EventWindowSettings::startUs)
            .withUnit("µs").withSoftRange(0, 10'000'000)
            .withTooltip("Start of the window in microseconds after the stream's first event (negative: before it).");
        return b;
    }();
    return binding;
}

struct Selected {
    EventSpan span;
    TimeInterval interval;
};

Selected selectFromParams(const EventStream& stream, const ParamValues& values)
{
    const EventWindowSettings w = windowBinding().read(values);
    const EventSpan all(stream.events);
    const std::int64_t origin = all.empty() ? 0 : all.first->tUs;
    const std::int64_t start = origin + w.startUs;
    const EventWindow window = w.byCount ? EventWindow::byCount(start, std::uint64_t(w.count)) : EventWindow::byTime(start, w.windowUs);
    Selected s;
    s.span = selectWindow(all, window);
    s.interval = windowInterval(s.span, window);
    return s;
}

// An event operator's parameters: the window's, then its own binding's.
template <class Settings>
class EventOperatorBase : public Operator, public HasParamBinding {
public:
    std::vector<ParamSpec> params() const override
    {
        std::vector<ParamSpec> all = windowBinding().specs();
        const std::vector<ParamSpec>& own = ownBinding().specs();
        all.insert(all.end(), own.begin(), own.end());
        return all;
    }
    std::vector<const ParamBindingBase*> paramBindings() const override { return {&windowBinding(), &ownBinding()}; }
    InputKind inputKind() const override { return InputKind::Events; }

protected:
    virtual const ParamBinding<Settings>& ownBinding() const = 0;
};

template <class Settings>
ParamSpec& bindDisplay(ParamBinding<Settings>& b, bool Settings::*member)
{
    return b.flag("display", "For viewing", member)
        .withTooltip("Scale the result into 0..1 for viewing (by the 99th percentile of the non-zero magnitudes, so a few "
                     "hot pixels do not darken the rest; signed values around mid grey); off keeps the raw numbers (write EXR).");
}

struct EventFrameSettings {
    EventFrameMode mode = EventFrameMode::Counts;
    bool display = true;
};

struct TimeSurfaceSettings {
    double tauMs = kDefaultTimeSurfaceTauMs;
    bool split = true;
};

struct VoxelSettings {
    int bins = 5;
    bool display = true;
};

/// The 99th percentile of the non-zero magnitudes (1 when there are none): a display scale
/// that a few hot pixels cannot dominate.
float robustPeak(const float* values, std::size_t n)
{
    std::vector<float> mags;
    for (std::size_t i = 0; i < n; ++i)
        if (values[i] != 0.0f) mags.push_back(std::fabs(values[i]));
    if (mags.empty()) return 1.0f;
    const std::size_t k = std::min(mags.size() - 1, std::size_t(0.99 * double(mags.size())));
    std::nth_element(mags.begin(), mags.begin() + long(k), mags.end());
    return std::max(mags[k], 1e-6f);
}

class EventFrameOperator final : public EventOperatorBase<EventFrameSettings> {
public:
    OperatorInfo info() const override
    {
        return {"events-frame", "Event frame", category::events, 1,
                "Counts the events of a window per pixel, per polarity or as a signed sum.", ""};
    }
    const ParamBinding<EventFrameSettings>& ownBinding() const override
    {
        static const ParamBinding<EventFrameSettings> binding = [] {
            ParamBinding<EventFrameSettings> b;
            b.choice<EventFrameMode>("mode", "Mode",
                                     {{EventFrameMode::Counts, {"counts", "ON and OFF counts"}}, {EventFrameMode::SignedSum, {"signed", "Signed sum"}}},
                                     &EventFrameSettings::mode)
                .withTooltip("Per-polarity counts (ON in red, OFF in blue) or ON minus OFF in one channel.");
            bindDisplay(b, &EventFrameSettings::display);
            return b;
        }();
        return binding;
    }
    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        const EventStream& stream = *input.events;
        const Selected sel = selectFromParams(stream, values);
        const int w = stream.metadata.widthPx, h = stream.metadata.heightPx;
        const EventFrameSettings settings = ownBinding().read(values);
        const bool counts = settings.mode == EventFrameMode::Counts;
        const bool display = settings.display;
        const Image frame = eventFrame(sel.span, w, h, counts ? EventFrameMode::Counts : EventFrameMode::SignedSum);
        float peak = 0.0f;
        for (int y = 0; y < h; ++y)
            for (int i = 0; i < w * frame.channels(); ++i) peak = std::max(peak, std::fabs(frame.row(y)[i]));
        const float scale = display ? 1.0f / robustPeak(frame.data(), std::size_t(w) * h * frame.channels()) : 1.0f;
        OperatorOutput out;
        if (counts) {
            out.image = Image(w, h, 3, display ? ColourEncoding::Srgb : ColourEncoding::Linear);
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) {
                    out.image.at(x, y, 0) = display ? std::min(1.0f, frame.at(x, y, 0) * scale) : frame.at(x, y, 0);
                    out.image.at(x, y, 2) = display ? std::min(1.0f, frame.at(x, y, 1) * scale) : frame.at(x, y, 1);
                }
        } else {
            out.image = Image(w, h, 1, display ? ColourEncoding::Srgb : ColourEncoding::Linear);
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    out.image.at(x, y) = display ? 0.5f + 0.5f * std::clamp(frame.at(x, y) * scale, -1.0f, 1.0f) : frame.at(x, y);
        }
        out.scalars["event_count"] = double(sel.span.size());
        out.scalars["max_per_pixel"] = peak;
        progress.report(1.0, "event frame");
        return out;
    }
};

class TimeSurfaceOperator final : public EventOperatorBase<TimeSurfaceSettings> {
public:
    OperatorInfo info() const override
    {
        return {"events-timesurface", "Time surface", category::events, 1,
                "Shows how recently each pixel fired: exp(-(t_end - t_last)/tau) at the end of the window.",
                "Lagorce et al. 2017, HOTS (IEEE TPAMI)"};
    }
    const ParamBinding<TimeSurfaceSettings>& ownBinding() const override
    {
        static const ParamBinding<TimeSurfaceSettings> binding = [] {
            ParamBinding<TimeSurfaceSettings> b;
            b.number("tau_ms", "Decay τ", 0.01, 100000.0, &TimeSurfaceSettings::tauMs)
                .withUnit("ms").withSoftRange(0.1, 1000.0).withLogScale()
                .withTooltip("Decay time constant; HOTS used tens of milliseconds for moving objects, hence 50 ms.");
            b.choice<bool>("polarity", "Polarity", {{true, {"split", "ON and OFF apart"}}, {false, {"merged", "Both together"}}},
                           &TimeSurfaceSettings::split)
                .withTooltip("Separate surfaces for ON (red) and OFF (blue) events, or one surface over both.");
            return b;
        }();
        return binding;
    }
    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        const EventStream& stream = *input.events;
        const Selected sel = selectFromParams(stream, values);
        const int w = stream.metadata.widthPx, h = stream.metadata.heightPx;
        const TimeSurfaceSettings settings = ownBinding().read(values);
        const bool split = settings.split;
        const std::int64_t tRef = sel.interval.endUs - 1;
        const Image surface = timeSurface(sel.span, w, h, settings.tauMs * 1000.0, tRef, split);
        OperatorOutput out;
        if (split) {
            out.image = Image(w, h, 3, ColourEncoding::Srgb);
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) {
                    out.image.at(x, y, 0) = surface.at(x, y, 0);
                    out.image.at(x, y, 2) = surface.at(x, y, 1);
                }
        } else {
            out.image = surface;
            out.image.setEncoding(ColourEncoding::Srgb);
        }
        out.scalars["event_count"] = double(sel.span.size());
        out.scalars["t_ref_us"] = double(tRef);
        progress.report(1.0, "time surface");
        return out;
    }
};

class VoxelGridOperator final : public EventOperatorBase<VoxelSettings> {
public:
    OperatorInfo info() const override
    {
        return {"events-voxel", "Voxel grid", category::events, 1,
                "Spreads each event's sign over B time bins with bilinear weights; the bins sum to the signed count.",
                "Zhu et al. 2019 (CVPR); Rebecq et al. 2019, E2VID (CVPR)"};
    }
    const ParamBinding<VoxelSettings>& ownBinding() const override
    {
        static const ParamBinding<VoxelSettings> binding = [] {
            ParamBinding<VoxelSettings> b;
            b.integer("bins", "Bins", 1, 64, &VoxelSettings::bins).withSoftRange(1, 16)
                .withTooltip("Temporal bins B; E2VID (Rebecq et al. 2019) uses 5.");
            bindDisplay(b, &VoxelSettings::display);
            return b;
        }();
        return binding;
    }
    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        const EventStream& stream = *input.events;
        const Selected sel = selectFromParams(stream, values);
        const int w = stream.metadata.widthPx, h = stream.metadata.heightPx;
        const VoxelSettings settings = ownBinding().read(values);
        const int bins = settings.bins;
        const VoxelGrid grid = voxelGrid(sel.span, w, h, bins, sel.interval.beginUs, sel.interval.endUs);
        progress.report(0.5, "voxel grid");
        progress.checkCancelled();
        const float peak = robustPeak(grid.values.data(), grid.values.size());
        const bool display = settings.display;
        OperatorOutput out;
        // The bins side by side, earliest on the left.
        out.image = Image(w * bins, h, 1, display ? ColourEncoding::Srgb : ColourEncoding::Linear);
        for (int b = 0; b < bins; ++b)
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) {
                    const float v = grid.at(b, x, y);
                    out.image.at(b * w + x, y) = display ? 0.5f + 0.5f * std::clamp(v / peak, -1.0f, 1.0f) : v;
                }
        for (int b = 0; b < bins; ++b) out.extras.push_back({"voxel_bin_" + std::to_string(b), grid.bin(b)});
        out.scalars["event_count"] = double(sel.span.size());
        out.scalars["signed_sum"] = grid.sum();
        progress.report(1.0, "voxel grid");
        return out;
    }
};

class EventIntensityOperator final : public EventOperatorBase<EventIntegrationOptions> {
public:
    OperatorInfo info() const override
    {
        return {"events-eframe", "Event-derived intensity", category::events, 1,
                "Integrates the window's log-intensity steps (±C per event) onto a reference frame, optionally with a leak.",
                "Scheerlinck, Barnes, Mahony 2018 (ACCV), complementary/high-pass filter"};
    }
    const ParamBinding<EventIntegrationOptions>& ownBinding() const override
    {
        static const ParamBinding<EventIntegrationOptions> binding = [] {
            ParamBinding<EventIntegrationOptions> b;
            b.number("contrast_pos", "C+", 0.01, 2.0, &EventIntegrationOptions::contrastPos).withStep(0.01)
                .withTooltip("Log-intensity step of an ON event; 0.2 matches the simulator's default (v2e's nominal threshold).");
            b.number("contrast_neg", "C−", 0.01, 2.0, &EventIntegrationOptions::contrastNeg).withStep(0.01)
                .withTooltip("Log-intensity step of an OFF event; 0.2 as C+.");
            b.number("leak_hz", "Leak", 0.0, 1000.0, &EventIntegrationOptions::leakRateHz).withUnit("Hz").withSoftRange(0.0, 50.0)
                .withTooltip("High-pass cut-off: the integrated change decays as exp(-2π·f·Δt) (0 = pure integration).");
            b.number("epsilon", "ε", 1e-6, 1.0, &EventIntegrationOptions::epsilon).withLogScale()
                .withTooltip("Offset inside log(I + ε), as the simulator's default 0.001.");
            b.number("baseline", "Baseline", 0.0, 100.0, &EventIntegrationOptions::baseline).withSoftRange(0.0, 1.0)
                .withTooltip("Intensity the integration starts from where no reference frame is given (mid grey).");
            return b;
        }();
        return binding;
    }
    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        const EventStream& stream = *input.events;
        const Selected sel = selectFromParams(stream, values);
        const int w = stream.metadata.widthPx, h = stream.metadata.heightPx;
        const EventIntegrationOptions options = ownBinding().read(values);
        Image reference;
        if (!input.images.empty() && !input.images.front().empty()) {
            reference = input.images.front();
            if (reference.width() != w || reference.height() != h)
                throw Error("events-eframe: the reference frame is " + std::to_string(reference.width()) + "x" +
                            std::to_string(reference.height()) + ", the events " + std::to_string(w) + "x" + std::to_string(h));
        }
        OperatorOutput out;
        out.image = eventIntensityFrame(sel.span, w, h, reference, sel.interval.endUs - 1, options);
        out.scalars["event_count"] = double(sel.span.size());
        progress.report(1.0, "event intensity");
        return out;
    }
};

} // namespace

std::shared_ptr<const Operator> makeEventFrameOperator() { return std::make_shared<EventFrameOperator>(); }
std::shared_ptr<const Operator> makeTimeSurfaceOperator() { return std::make_shared<TimeSurfaceOperator>(); }
std::shared_ptr<const Operator> makeVoxelGridOperator() { return std::make_shared<VoxelGridOperator>(); }
std::shared_ptr<const Operator> makeEventIntensityOperator() { return std::make_shared<EventIntensityOperator>(); }

} // namespace fuselab
