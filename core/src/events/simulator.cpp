// ESIM-style event simulation and the synthetic frame+event sequence (events_sim.hpp).
#include "fuselab/base/events_sim.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/events_repr.hpp"
#include "fuselab/base/random.hpp"

#include <algorithm>
#include <cmath>

namespace fuselab {

EventSimulator::EventSimulator(int widthPx, int heightPx, const EventSimOptions& options)
    : m_w(widthPx), m_h(heightPx), m_options(options)
{
    if (widthPx <= 0 || heightPx <= 0 || widthPx > 65535 || heightPx > 65535) throw Error("simulator geometry must be 1..65535 px");
    if (!(options.contrastPos > 0.0) || !(options.contrastNeg > 0.0)) throw Error("simulator thresholds C+ and C- must be > 0");
    if (!(options.epsilon > 0.0)) throw Error("simulator epsilon must be > 0");
    const std::size_t n = std::size_t(widthPx) * heightPx;
    m_cPos.assign(n, float(options.contrastPos));
    m_cNeg.assign(n, float(options.contrastNeg));
    if (options.thresholdSigma > 0.0) {
        // Mismatch is fixed per sensor: drawn once from its own stream of the seed.
        Random rng(options.seed * 0x9E3779B97F4A7C15ull + 17);
        const float floor = 0.01f;
        for (std::size_t i = 0; i < n; ++i) {
            m_cPos[i] = std::max(floor, float(options.contrastPos + options.thresholdSigma * rng.normal()));
            m_cNeg[i] = std::max(floor, float(options.contrastNeg + options.thresholdSigma * rng.normal()));
        }
    }
    m_lastEventUs.assign(n, std::numeric_limits<std::int64_t>::min() / 2);
}

std::vector<float> EventSimulator::logOf(const Image& intensity) const
{
    if (intensity.width() != m_w || intensity.height() != m_h)
        throw Error("simulator sample is " + std::to_string(intensity.width()) + "x" + std::to_string(intensity.height()) +
                    ", expected " + std::to_string(m_w) + "x" + std::to_string(m_h));
    const Image lum = linearLuminanceImage(intensity);
    std::vector<float> l(std::size_t(m_w) * m_h);
    for (int y = 0; y < m_h; ++y)
        for (int x = 0; x < m_w; ++x)
            l[std::size_t(y) * m_w + x] = float(std::log(std::max(0.0, double(lum.row(y)[x])) + m_options.epsilon));
    return l;
}

void EventSimulator::reset(const Image& intensity, std::int64_t tUs) { resetLog(logOf(intensity), tUs); }

void EventSimulator::resetLog(const std::vector<float>& logIntensity, std::int64_t tUs)
{
    if (logIntensity.size() != std::size_t(m_w) * m_h) throw Error("simulator sample has the wrong size");
    m_ref = logIntensity;
    m_last = logIntensity;
    m_tUs = tUs;
    m_started = true;
}

void EventSimulator::advance(const Image& intensity, std::int64_t tUs, std::vector<Event>& out)
{
    advanceLog(logOf(intensity), tUs, out);
}

void EventSimulator::advanceLog(const std::vector<float>& next, std::int64_t tUs, std::vector<Event>& out)
{
    if (!m_started) throw Error("simulator: reset() must come before advance()");
    if (next.size() != m_ref.size()) throw Error("simulator sample has the wrong size");
    if (tUs <= m_tUs) throw Error("simulator samples must move forward in time");
    const double t0 = double(m_tUs), dt = double(tUs - m_tUs);
    const double refractory = m_options.refractoryUs;
    std::vector<Event> step;
    for (int y = 0; y < m_h; ++y) {
        for (int x = 0; x < m_w; ++x) {
            const std::size_t i = std::size_t(y) * m_w + x;
            const double l0 = m_last[i], l1 = next[i];
            if (l1 == l0) continue;
            float ref = m_ref[i];
            const bool up = l1 > l0;
            const float c = up ? m_cPos[i] : m_cNeg[i];
            while (up ? double(ref) + c <= l1 : double(ref) - c >= l1) {
                ref = up ? ref + c : ref - c;
                // Linear in log intensity between the samples: the crossing's time.
                const double f = std::clamp((double(ref) - l0) / (l1 - l0), 0.0, 1.0);
                const std::int64_t t = std::max<std::int64_t>(m_tUs + 1, std::llround(t0 + f * dt));
                if (refractory > 0.0 && double(t - m_lastEventUs[i]) < refractory) {
                    ++m_counts.refractoryDropped;
                    continue;
                }
                m_lastEventUs[i] = t;
                step.push_back(Event{t, std::uint16_t(x), std::uint16_t(y), std::uint8_t(up ? 1 : 0)});
            }
            m_ref[i] = ref;
        }
    }
    m_counts.emitted += step.size();
    if (m_options.noiseRateHz > 0.0) {
        Random rng(m_options.seed * 0xD1B54A32D192ED03ull + m_step * 0x9E3779B97F4A7C15ull + 5);
        const double expected = m_options.noiseRateHz * dt * 1e-6 * double(m_ref.size());
        const auto count = std::uint64_t(rng.poisson(expected));
        for (std::uint64_t k = 0; k < count; ++k) {
            const auto i = std::size_t(rng.uniform() * double(m_ref.size())) % m_ref.size();
            const std::int64_t t = m_tUs + 1 + std::int64_t(rng.uniform() * (dt - 1.0));
            step.push_back(Event{t, std::uint16_t(i % std::size_t(m_w)), std::uint16_t(i / std::size_t(m_w)),
                                 std::uint8_t(rng.uniform() < 0.5 ? 1 : 0)});
        }
        m_counts.noise += count;
        m_counts.emitted += count;
    }
    // A total order, so the stream is identical for a seed on every platform.
    std::sort(step.begin(), step.end(), [](const Event& a, const Event& b) {
        if (a.tUs != b.tUs) return a.tUs < b.tUs;
        if (a.y != b.y) return a.y < b.y;
        if (a.x != b.x) return a.x < b.x;
        return a.p < b.p;
    });
    out.insert(out.end(), step.begin(), step.end());
    m_last = next;
    m_tUs = tUs;
    ++m_step;
}

namespace {

double sequenceDurationUs(const EventSequenceOptions& o)
{
    return std::max(1.0, double(std::max(1, o.frames - 1)) * o.frameIntervalUs);
}

/// A textured bright disc (rings), radiance about 4× a white wall, pasted over the scene.
void paintObject(Image& radiance, double cx, double cy, double radiusPx)
{
    const int ch = radiance.channels();
    const int x0 = std::max(0, int(cx - radiusPx - 1)), x1 = std::min(radiance.width() - 1, int(cx + radiusPx + 1));
    const int y0 = std::max(0, int(cy - radiusPx - 1)), y1 = std::min(radiance.height() - 1, int(cy + radiusPx + 1));
    for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x) {
            const double dx = x + 0.5 - cx, dy = y + 0.5 - cy, r = std::sqrt(dx * dx + dy * dy);
            const double cover = std::clamp(radiusPx - r + 0.5, 0.0, 1.0); // anti-aliased edge
            if (cover <= 0.0) continue;
            const double value = 4.0 * (0.6 + 0.4 * std::cos(r * 0.9));
            float* p = radiance.row(y) + std::size_t(x) * ch;
            const double tint[3] = {1.0, 0.8, 0.55};
            for (int c = 0; c < std::min(ch, 3); ++c) p[c] = float((1.0 - cover) * p[c] + cover * value * tint[c]);
        }
}

} // namespace

Image sequenceRadianceAt(const Image& scene, const EventSequenceOptions& o, double tUs, double& shiftX, double& shiftY)
{
    const double duration = sequenceDurationUs(o);
    const double phase = tUs / duration;
    Image radiance;
    shiftX = shiftY = 0.0;
    if (o.motion == SimMotion::Camera) {
        // One loop of a smooth figure: starts and ends at rest position, velocity continuous.
        shiftX = o.motionPx * std::sin(2.0 * M_PI * phase);
        shiftY = 0.5 * o.motionPx * (1.0 - std::cos(2.0 * M_PI * phase));
        radiance = shiftImage(scene, shiftX, shiftY);
    } else {
        radiance = scene.clone();
        if (o.motion == SimMotion::Object) {
            const double radius = std::min(scene.width(), scene.height()) / 6.0;
            shiftX = radius + 2.0 + o.motionPx * tUs / std::max(1.0, o.frameIntervalUs);
            shiftY = scene.height() / 2.0;
            paintObject(radiance, shiftX, shiftY, radius);
        }
    }
    if (o.brightnessStops != 0.0) {
        const float gain = float(std::exp2(o.brightnessStops * phase));
        for (int y = 0; y < radiance.height(); ++y) {
            float* row = radiance.row(y);
            for (int i = 0; i < radiance.width() * radiance.channels(); ++i) row[i] *= gain;
        }
    }
    return radiance;
}

EventSequence simulateEventSequence(const EventSequenceOptions& o)
{
    if (o.frames < 1 || o.frames > 100000) throw Error("the sequence needs 1..100000 frames");
    if (!(o.frameIntervalUs >= 1.0)) throw Error("the frame interval must be at least 1 us");
    if (o.substeps < 1 || o.substeps > 1000) throw Error("substeps must be 1..1000");
    const Image scene = makeSyntheticScene(o.scene);
    EventSequence seq;
    seq.events.metadata.format = EventFormat::Simulated;
    seq.events.metadata.widthPx = scene.width();
    seq.events.metadata.heightPx = scene.height();
    seq.events.metadata.geometrySource = "simulator";
    seq.events.metadata.camera = "FuseLab event simulator";

    double sx = 0.0, sy = 0.0;
    ExposureSimulation camera = o.camera;
    if (camera.stops.empty()) camera.stops = {0.0};
    camera.stops.resize(1);
    camera.misalignPx = 0.0;
    for (int k = 0; k < o.frames; ++k) {
        const double t = double(k) * o.frameIntervalUs;
        Image radiance = sequenceRadianceAt(scene, o, t, sx, sy);
        if (k == 0) {
            seq.exposureScale = autoExposureScale(radiance);
            camera.exposureScale = seq.exposureScale;
        }
        ExposureSimulation frameCamera = camera;
        frameCamera.seed = o.camera.seed + std::uint64_t(k) * 7919u; // fresh sensor noise per frame
        seq.frames.push_back(exposeScene(radiance, frameCamera).front().pixels);
        seq.radiance.push_back(radiance);
        seq.frameTimesUs.push_back(std::llround(t));
        seq.shiftXPx.push_back(sx);
        seq.shiftYPx.push_back(sy);
    }

    EventSimulator sim(scene.width(), scene.height(), o.events);
    sim.reset(seq.radiance.front(), 0);
    std::int64_t lastUs = 0;
    for (int k = 1; k < o.frames; ++k) {
        for (int s = 1; s <= o.substeps; ++s) {
            const double t = (double(k - 1) + double(s) / o.substeps) * o.frameIntervalUs;
            const std::int64_t tUs = s == o.substeps ? seq.frameTimesUs[std::size_t(k)] : std::llround(t);
            if (tUs <= lastUs) continue; // sub-microsecond substeps: nothing to sample
            lastUs = tUs;
            const Image radiance = s == o.substeps ? seq.radiance[std::size_t(k)] : sequenceRadianceAt(scene, o, t, sx, sy);
            sim.advance(radiance, tUs, seq.events.events);
        }
    }
    seq.counts = sim.counts();
    return seq;
}

} // namespace fuselab
