// Event representations as operators (category events): event frame, time surface, voxel
// grid, event-derived intensity. Each cuts its window from the stream by its own parameters.
#include "builtin_list.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/event_rendering.hpp"
#include "fuselab/base/events_repr.hpp"

#include <algorithm>
#include <cmath>

namespace fuselab {
namespace {

std::vector<ParamSpec> windowParams()
{
    return {
        ParamSpec::choice(convention::eventWindowKindParam, "Window", {{"time", "By time"}, {"count", "By event count"}}, "time")
            .withTooltip("Which events the representation uses: those within a time span, or a fixed number of events "
                         "(count windows adapt to scene activity, as Rebecq et al. 2019 feed E2VID)."),
        ParamSpec::integer(convention::eventWindowUsParam, "Time window", 1, 3'600'000'000LL, kDefaultEventWindowUs)
            .withUnit("µs").withSoftRange(100, 1'000'000).withLogScale().enabledWhen(std::string(convention::eventWindowKindParam) + "=time")
            .withTooltip("Length of a time window; the default is one frame interval at 30 frames per second."),
        ParamSpec::integer(convention::eventCountParam, "Event count", 1, 1'000'000'000LL, 50000)
            .withSoftRange(100, 2'000'000).withLogScale().enabledWhen(std::string(convention::eventWindowKindParam) + "=count")
            .withTooltip("Events in a count window; 50 000 is about 0.16 events per pixel of a 640×480 sensor "
                         "(E2VID used 0.35 per pixel)."),
        ParamSpec::integer(convention::eventStartUsParam, "Start", -4'000'000'000'000LL, 4'000'000'000'000LL, 0)
            .withUnit("µs").withSoftRange(0, 10'000'000)
            .withTooltip("Start of the window in microseconds after the stream's first event (negative: before it)."),
    };
}

struct Selected {
    EventSpan span;
    TimeInterval interval;
};

Selected selectFromParams(const EventStream& stream, const ParamValues& values)
{
    const EventSpan all(stream.events);
    const std::int64_t origin = all.empty() ? 0 : all.first->tUs;
    const std::int64_t start = origin + values.integer(convention::eventStartUsParam);
    const EventWindow window = values.choice(convention::eventWindowKindParam) == "count"
                                   ? EventWindow::byCount(start, std::uint64_t(values.integer(convention::eventCountParam)))
                                   : EventWindow::byTime(start, values.integer(convention::eventWindowUsParam));
    Selected s;
    s.span = selectWindow(all, window);
    s.interval = windowInterval(s.span, window);
    return s;
}

std::vector<ParamSpec> withWindow(std::vector<ParamSpec> own)
{
    std::vector<ParamSpec> all = windowParams();
    all.insert(all.end(), own.begin(), own.end());
    return all;
}

ParamSpec displayParam()
{
    return ParamSpec::flag("display", "For viewing", true)
        .withTooltip("Scale the result into 0..1 for viewing (by the 99th percentile of the non-zero magnitudes, so a few "
                     "hot pixels do not darken the rest; signed values around mid grey); off keeps the raw numbers (write EXR).");
}

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

class EventFrameOperator final : public Operator {
public:
    OperatorInfo info() const override
    {
        return {"events-frame", "Event frame", category::events, 1,
                "Counts the events of a window per pixel, per polarity or as a signed sum.", ""};
    }
    std::vector<ParamSpec> params() const override
    {
        return withWindow({
            ParamSpec::choice("mode", "Mode", {{"counts", "ON and OFF counts"}, {"signed", "Signed sum"}}, "counts")
                .withTooltip("Per-polarity counts (ON in red, OFF in blue) or ON minus OFF in one channel."),
            displayParam(),
        });
    }
    InputKind inputKind() const override { return InputKind::Events; }
    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        const EventStream& stream = *input.events;
        const Selected sel = selectFromParams(stream, values);
        const int w = stream.metadata.widthPx, h = stream.metadata.heightPx;
        const bool counts = values.choice("mode") == "counts";
        const bool display = values.flag("display");
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

class TimeSurfaceOperator final : public Operator {
public:
    OperatorInfo info() const override
    {
        return {"events-timesurface", "Time surface", category::events, 1,
                "Shows how recently each pixel fired: exp(-(t_end - t_last)/tau) at the end of the window.",
                "Lagorce et al. 2017, HOTS (IEEE TPAMI)"};
    }
    std::vector<ParamSpec> params() const override
    {
        return withWindow({
            ParamSpec::number("tau_ms", "Decay τ", 0.01, 100000.0, kDefaultTimeSurfaceTauMs)
                .withUnit("ms").withSoftRange(0.1, 1000.0).withLogScale()
                .withTooltip("Decay time constant; HOTS used tens of milliseconds for moving objects, hence 50 ms."),
            ParamSpec::choice("polarity", "Polarity", {{"split", "ON and OFF apart"}, {"merged", "Both together"}}, "split")
                .withTooltip("Separate surfaces for ON (red) and OFF (blue) events, or one surface over both."),
        });
    }
    InputKind inputKind() const override { return InputKind::Events; }
    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        const EventStream& stream = *input.events;
        const Selected sel = selectFromParams(stream, values);
        const int w = stream.metadata.widthPx, h = stream.metadata.heightPx;
        const bool split = values.choice("polarity") == "split";
        const std::int64_t tRef = sel.interval.endUs - 1;
        const Image surface = timeSurface(sel.span, w, h, values.number("tau_ms") * 1000.0, tRef, split);
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

class VoxelGridOperator final : public Operator {
public:
    OperatorInfo info() const override
    {
        return {"events-voxel", "Voxel grid", category::events, 1,
                "Spreads each event's sign over B time bins with bilinear weights; the bins sum to the signed count.",
                "Zhu et al. 2019 (CVPR); Rebecq et al. 2019, E2VID (CVPR)"};
    }
    std::vector<ParamSpec> params() const override
    {
        return withWindow({
            ParamSpec::integer("bins", "Bins", 1, 64, 5).withSoftRange(1, 16)
                .withTooltip("Temporal bins B; E2VID (Rebecq et al. 2019) uses 5."),
            displayParam(),
        });
    }
    InputKind inputKind() const override { return InputKind::Events; }
    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        const EventStream& stream = *input.events;
        const Selected sel = selectFromParams(stream, values);
        const int w = stream.metadata.widthPx, h = stream.metadata.heightPx;
        const int bins = int(values.integer("bins"));
        const VoxelGrid grid = voxelGrid(sel.span, w, h, bins, sel.interval.beginUs, sel.interval.endUs);
        progress.report(0.5, "voxel grid");
        progress.checkCancelled();
        const float peak = robustPeak(grid.values.data(), grid.values.size());
        const bool display = values.flag("display");
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

class EventIntensityOperator final : public Operator {
public:
    OperatorInfo info() const override
    {
        return {"events-eframe", "Event-derived intensity", category::events, 1,
                "Integrates the window's log-intensity steps (±C per event) onto a reference frame, optionally with a leak.",
                "Scheerlinck, Barnes, Mahony 2018 (ACCV), complementary/high-pass filter"};
    }
    std::vector<ParamSpec> params() const override
    {
        return withWindow({
            ParamSpec::number("contrast_pos", "C+", 0.01, 2.0, 0.2).withStep(0.01)
                .withTooltip("Log-intensity step of an ON event; 0.2 matches the simulator's default (v2e's nominal threshold)."),
            ParamSpec::number("contrast_neg", "C−", 0.01, 2.0, 0.2).withStep(0.01)
                .withTooltip("Log-intensity step of an OFF event; 0.2 as C+."),
            ParamSpec::number("leak_hz", "Leak", 0.0, 1000.0, 0.0).withUnit("Hz").withSoftRange(0.0, 50.0)
                .withTooltip("High-pass cut-off: the integrated change decays as exp(-2π·f·Δt) (0 = pure integration)."),
            ParamSpec::number("epsilon", "ε", 1e-6, 1.0, 1e-3).withLogScale()
                .withTooltip("Offset inside log(I + ε), as the simulator's default 0.001."),
            ParamSpec::number("baseline", "Baseline", 0.0, 100.0, 0.5).withSoftRange(0.0, 1.0)
                .withTooltip("Intensity the integration starts from where no reference frame is given (mid grey)."),
        });
    }
    InputKind inputKind() const override { return InputKind::Events; }
    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        const EventStream& stream = *input.events;
        const Selected sel = selectFromParams(stream, values);
        const int w = stream.metadata.widthPx, h = stream.metadata.heightPx;
        EventIntegrationOptions options;
        options.contrastPos = values.number("contrast_pos");
        options.contrastNeg = values.number("contrast_neg");
        options.leakRateHz = values.number("leak_hz");
        options.epsilon = values.number("epsilon");
        options.baseline = values.number("baseline");
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
