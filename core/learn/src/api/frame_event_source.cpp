// Simulated frame/event training data (training_data.hpp, makeFrameEventSyntheticSource): a
// frame camera and an event camera watching the same synthetic HDR scene over one window,
// with the true radiance at the window's end. Torch-free, deterministic per (seed, index).
#include "fuselab/learn/training_data.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/events_repr.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/base/random.hpp"
#include "fuselab/base/synthetic.hpp"
#include "collage_scene.hpp"
#include "seed_mix.hpp"
#include "stack_draws.hpp"

#include <algorithm>
#include <cmath>

namespace fuselab::learn {
namespace {

constexpr std::uint64_t kStreamFrameEvent = 0x66726d657674ull; // "frmevt": keeps these draws apart from exposure stacks'
constexpr std::uint64_t kStreamEvaluation = 0x6576616c75ull;   // "evalu"

struct Disc {
    bool present = false;
    double cx = 0, cy = 0, travelX = 0, travelY = 0, radiusPx = 0, level = 0, ringsPerPx = 0;
    double tint[3] = {1, 1, 1};
};

// What one sample draws, in the order it is drawn (the order is part of the reproducibility).
struct SampleDraw {
    Image region;          ///< linear radiance, (sizePx + 2·margin)², mirrored
    int marginPx = 0;
    double shiftX = 0, shiftY = 0; ///< camera translation over the whole window
    double brightnessStops = 0;
    Disc disc;
    double exposureScale = 1;
    SensorNoise noise;
    std::uint64_t cameraSeed = 0, eventSeed = 0;
};

SampleDraw drawSample(std::uint64_t seed, int sizePx, const FrameEventSourceOptions& o)
{
    Random rng(seed);
    SampleDraw d;
    d.marginPx = int(std::ceil(o.maxMotionPx)) + 2;
    const int regionPx = sizePx + 2 * d.marginPx;
    const double scale = rng.uniform(o.minRenderScale, o.maxRenderScale);
    const int renderW = std::max(regionPx, int(std::lround(sizePx * scale * 4.0 / 3.0)) + 2 * d.marginPx);
    const int renderH = std::max(regionPx, int(std::lround(sizePx * scale)) + 2 * d.marginPx);
    const bool collage = rng.uniform() < o.collageProbability;
    const std::uint64_t sceneSeed = rng.nextU64();
    const Image scene = collage ? detail::makeCollageScene(renderW, renderH, sceneSeed)
                                : makeSyntheticScene({"interior", renderW, renderH, sceneSeed});
    const int x0 = int(rng.nextU64() % std::uint64_t(renderW - regionPx + 1));
    const int y0 = int(rng.nextU64() % std::uint64_t(renderH - regionPx + 1));
    const bool mirror = rng.uniform() < 0.5;
    // Exposure is judged on the whole scene (a camera meters its whole view), so a crop of a
    // window or a lamp stays bright and clips.
    const double baseScale = autoExposureScale(scene);
    d.region = detail::cropAndMirror(scene, x0, y0, regionPx, mirror);

    const double angle = rng.uniform(0.0, 2.0 * M_PI), distance = rng.uniform(0.0, o.maxMotionPx);
    d.shiftX = distance * std::cos(angle);
    d.shiftY = distance * std::sin(angle);
    d.brightnessStops = rng.uniform(-o.maxBrightnessStops, o.maxBrightnessStops);
    d.disc.present = rng.uniform() < o.objectProbability;
    d.disc.radiusPx = sizePx * rng.uniform(0.08, 0.22);
    d.disc.cx = sizePx * rng.uniform(0.0, 1.0);
    d.disc.cy = sizePx * rng.uniform(0.15, 0.85);
    const double travel = sizePx * rng.uniform(0.1, 0.5), heading = rng.uniform(0.0, 2.0 * M_PI);
    d.disc.travelX = travel * std::cos(heading);
    d.disc.travelY = travel * std::sin(heading);
    d.disc.level = std::exp2(rng.uniform(1.0, 6.0)); // 2–64 × a white wall: a lamp, a lit sign
    d.disc.ringsPerPx = rng.uniform(0.2, 1.2);
    for (double& t : d.disc.tint) t = rng.uniform(0.5, 1.0);
    d.exposureScale = baseScale * std::exp2(rng.uniform(-o.exposureJitterStops, o.exposureJitterStops));
    d.noise.enabled = rng.uniform() < o.frameNoiseProbability;
    d.noise.fullWellElectrons = rng.uniform(5000.0, 40000.0);
    d.noise.readNoiseElectrons = rng.uniform(2.0, 8.0);
    d.cameraSeed = rng.nextU64();
    d.eventSeed = rng.nextU64();
    return d;
}

// Linear radiance seen at `phase` ∈ [0,1] of the window, sizePx square.
Image radianceAt(const SampleDraw& d, int sizePx, double phase)
{
    const Image shifted = shiftImage(d.region, d.shiftX * phase, d.shiftY * phase);
    Image out(sizePx, sizePx, 3, ColourEncoding::Linear);
    const float gain = float(std::exp2(d.brightnessStops * phase));
    for (int y = 0; y < sizePx; ++y) {
        const float* src = shifted.row(y + d.marginPx) + std::size_t(d.marginPx) * 3;
        float* dst = out.row(y);
        for (int i = 0; i < sizePx * 3; ++i) dst[i] = src[i];
    }
    if (d.disc.present) {
        const Disc& c = d.disc;
        const double cx = c.cx + c.travelX * phase, cy = c.cy + c.travelY * phase;
        const int xa = std::max(0, int(cx - c.radiusPx - 1)), xb = std::min(sizePx - 1, int(cx + c.radiusPx + 1));
        const int ya = std::max(0, int(cy - c.radiusPx - 1)), yb = std::min(sizePx - 1, int(cy + c.radiusPx + 1));
        for (int y = ya; y <= yb; ++y)
            for (int x = xa; x <= xb; ++x) {
                const double dx = x + 0.5 - cx, dy = y + 0.5 - cy, r = std::sqrt(dx * dx + dy * dy);
                const double cover = std::clamp(c.radiusPx - r + 0.5, 0.0, 1.0); // anti-aliased rim
                if (cover <= 0.0) continue;
                const double value = c.level * (0.65 + 0.35 * std::cos(r * c.ringsPerPx));
                float* p = out.row(y) + std::size_t(x) * 3;
                for (int k = 0; k < 3; ++k) p[k] = float((1.0 - cover) * p[k] + cover * value * c.tint[k]);
            }
    }
    for (int y = 0; y < sizePx; ++y) {
        float* row = out.row(y);
        for (int i = 0; i < sizePx * 3; ++i) row[i] *= gain;
    }
    return out;
}

Image scaled(const Image& image, double factor)
{
    Image out = image.clone();
    for (int y = 0; y < out.height(); ++y) {
        float* row = out.row(y);
        for (int i = 0; i < out.width() * out.channels(); ++i) row[i] = float(row[i] * factor);
    }
    return out;
}

// The frame camera's picture of camera-unit radiance, decoded back to camera units (as the
// CLI decodes an sRGB file): clipped at 1, quantised to 8 bits, noisy where drawn.
Image photograph(const Image& radiance, const SampleDraw& d, std::uint64_t seed)
{
    ExposureSimulation sim;
    sim.stops = {0.0};
    sim.exposureScale = d.exposureScale;
    sim.response = CameraResponse::srgb();
    sim.noise = d.noise;
    sim.bitDepth = 8;
    sim.misalignPx = 0.0;
    sim.seed = seed;
    return withEncoding(exposeScene(radiance, sim).front().pixels.toFloat(), ColourEncoding::Linear);
}

TrainingStack makeSample(std::uint64_t seed, int sizePx, const FrameEventSourceOptions& o, std::string name)
{
    const SampleDraw d = drawSample(seed, sizePx, o);
    const std::int64_t windowUs = std::max<std::int64_t>(1, std::llround(o.windowUs));
    const Image start = radianceAt(d, sizePx, 0.0);
    const Image end = radianceAt(d, sizePx, 1.0);

    // The event camera sees the same light in camera units (ε is then relative to the frame's saturation).
    EventSimOptions eventOptions = o.events;
    eventOptions.seed = d.eventSeed;
    EventSimulator simulator(sizePx, sizePx, eventOptions);
    simulator.reset(scaled(start, d.exposureScale), 0);
    std::vector<Event> events;
    std::int64_t lastUs = 0;
    for (int s = 1; s <= o.substeps; ++s) {
        const std::int64_t tUs = s == o.substeps ? windowUs : std::llround(double(s) * double(windowUs) / o.substeps);
        if (tUs <= lastUs) continue;
        lastUs = tUs;
        const Image radiance = s == o.substeps ? end : radianceAt(d, sizePx, double(s) / o.substeps);
        simulator.advance(scaled(radiance, d.exposureScale), tUs, events);
    }

    const Image reference = photograph(start, d, d.cameraSeed);
    const Image frame = photograph(end, d, d.cameraSeed ^ 0x5eedull);
    const FrameEventInputs in = makeFrameEventInputs(frame, reference, EventSpan(events), sizePx, sizePx,
                                                     TimeInterval{0, windowUs + 1}, o.encoding);
    TrainingStack stack;
    stack.name = std::move(name);
    stack.inputs = in.networkInputs();
    stack.modalities = frameEventModalities();
    stack.truthLinear = scaled(end, d.exposureScale);
    stack.truth = encodeFrameEventTone(stack.truthLinear, o.encoding);
    return stack;
}

void validateOptions(const FrameEventSourceOptions& o)
{
    o.encoding.validate();
    if (!(o.windowUs >= 1.0 && o.windowUs <= 1e9)) throw Error("frame/event source: the window must be 1 µs .. 1000 s");
    if (o.substeps < 1 || o.substeps > 1000) throw Error("frame/event source: substeps must be 1..1000");
    if (!(o.maxBrightnessStops >= 0.0 && o.maxBrightnessStops <= 10.0)) throw Error("frame/event source: brightness change must be 0..10 stops");
    if (!(o.maxMotionPx >= 0.0 && o.maxMotionPx <= 256.0)) throw Error("frame/event source: motion must be 0..256 px");
    if (!(o.exposureJitterStops >= 0.0 && o.exposureJitterStops <= 10.0)) throw Error("frame/event source: exposure jitter must be 0..10 stops");
    if (!(o.minRenderScale >= 1.0 && o.maxRenderScale >= o.minRenderScale)) throw Error("frame/event source: render scale must be ≥ 1");
    for (double p : {o.objectProbability, o.collageProbability, o.frameNoiseProbability})
        if (!(p >= 0.0 && p <= 1.0)) throw Error("frame/event source: probabilities must lie in 0..1");
}

class FrameEventSource final : public TrainingSource {
public:
    explicit FrameEventSource(const FrameEventSourceOptions& o) : m_options(o) { validateOptions(o); }

    std::string description() const override
    {
        return "simulated frame/event sequences (seed " + std::to_string(m_options.seed) + ", " +
               std::to_string(std::llround(m_options.windowUs)) + " µs window, ±" + formatStops(m_options.maxBrightnessStops) +
               " stops brightness change)";
    }

    std::vector<TrainingStack> batch(std::uint64_t batchIndex, int count, int sizePx) const override
    {
        if (count < 1) throw Error("a batch needs at least one stack");
        if (sizePx < 16) throw Error("frame/event samples must be at least 16 px");
        std::vector<TrainingStack> stacks(static_cast<std::size_t>(count));
        parallelFor(0, count, 1, [&](int b, int e) {
            for (int i = b; i < e; ++i) {
                const std::uint64_t seed =
                    detail::mixSeed(m_options.seed, detail::kStreamTraining ^ kStreamFrameEvent, (batchIndex << 16) ^ std::uint64_t(i));
                stacks[std::size_t(i)] =
                    makeSample(seed, sizePx, m_options, "frame/event batch " + std::to_string(batchIndex) + " #" + std::to_string(i));
            }
        });
        return stacks;
    }

private:
    static std::string formatStops(double v)
    {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", v);
        return buf;
    }
    FrameEventSourceOptions m_options;
};

} // namespace

EventSimOptions FrameEventSourceOptions::defaultEvents()
{
    EventSimOptions e;
    e.contrastPos = 0.2;
    e.contrastNeg = 0.2;
    e.thresholdSigma = 0.03; // typical DVS mismatch (ESIM/v2e use 0.02–0.03)
    e.refractoryUs = 100.0;
    e.noiseRateHz = 0.5;
    e.epsilon = 1e-3;
    return e;
}

std::shared_ptr<TrainingSource> makeFrameEventSyntheticSource(const FrameEventSourceOptions& options)
{
    return std::make_shared<FrameEventSource>(options);
}

std::vector<TrainingStack> frameEventHeldOutStacks(int count, int sizePx, std::uint64_t seed, HeldOutUse use,
                                                   const FrameEventSourceOptions& options)
{
    if (count < 1 || sizePx < 16) throw Error("held-out frame/event samples need count ≥ 1 and ≥ 16 px");
    validateOptions(options);
    const std::uint64_t stream = (use == HeldOutUse::Validation ? detail::kStreamValidation : kStreamEvaluation) ^ kStreamFrameEvent;
    const char* label = use == HeldOutUse::Validation ? "validation" : "evaluation";
    std::vector<TrainingStack> stacks(static_cast<std::size_t>(count));
    parallelFor(0, count, 1, [&](int b, int e) {
        for (int i = b; i < e; ++i)
            stacks[std::size_t(i)] = makeSample(detail::mixSeed(seed, stream, std::uint64_t(i)), sizePx, options,
                                                std::string("frame/event ") + label + " #" + std::to_string(i));
    });
    return stacks;
}

} // namespace fuselab::learn
