// Event-camera simulator with ground truth (ESIM-style, Rebecq et al. 2018), in memory.
//
// Per pixel the simulator keeps a reference log intensity L_ref (the level of its last
// event). Between two samples of the scene it interpolates L(t) = log(I + ε) linearly and
// emits an event at every crossing of L_ref ± C (C+ upwards, C− downwards) with the
// interpolated timestamp; each crossing moves L_ref by one threshold. A refractory period
// drops crossings that come sooner than refractoryUs after the pixel's previous event (the
// reference still moves, as the comparator resets); threshold mismatch draws a per-pixel C±
// from a Gaussian; noise adds Poisson shot-noise events that leave L_ref untouched.
// Invariant without refractory period and noise: after each sample, C− < L − L_ref < C+
// at every pixel, so integrating the events from the first sample's log intensity gives
// every later sample's log intensity within one threshold.
//
// simulateEventSequence drives it with the synthetic HDR scene generator (synthetic.hpp):
// camera translation along a smooth path or an object crossing the scene, plus a
// brightness change; it returns what a frame+event camera pair would record and the truth.
// Part of fuselab_base: deterministic per seed, no OpenCV, usable by core/learn.
#pragma once

#include "fuselab/base/events.hpp"
#include "fuselab/base/image.hpp"
#include "fuselab/base/synthetic.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fuselab {

struct EventSimOptions {
    double contrastPos = 0.2;       ///< C+, log units (v2e's and many DVS papers' nominal 0.2)
    double contrastNeg = 0.2;       ///< C−, log units
    double thresholdSigma = 0.0;    ///< per-pixel Gaussian mismatch of C±, log units (0 = none; ~0.03 typical)
    double refractoryUs = 0.0;      ///< minimum time between two events of one pixel (0 = none)
    double noiseRateHz = 0.0;       ///< shot-noise events per pixel per second (0 = none)
    double epsilon = 1e-3;          ///< L = log(I + ε), keeps black pixels finite
    std::uint64_t seed = 1;
};

struct EventSimCounts {
    std::uint64_t emitted = 0;
    std::uint64_t refractoryDropped = 0;
    std::uint64_t noise = 0;
};

/// Streams events from successive intensity samples. Intensity images are linear and
/// 1-channel (use linearLuminanceImage for RGB radiance); all of one size.
class EventSimulator {
public:
    EventSimulator(int widthPx, int heightPx, const EventSimOptions& options);
    /// Sets every pixel's reference to log(I + ε) of `intensity` at time tUs.
    void reset(const Image& intensity, std::int64_t tUs);
    /// Emits, in time order, the events between the previous sample and this one (t > previous).
    void advance(const Image& intensity, std::int64_t tUs, std::vector<Event>& out);
    /// Same with log intensity given directly (L = log(I + ε) already applied).
    void advanceLog(const std::vector<float>& logIntensity, std::int64_t tUs, std::vector<Event>& out);
    void resetLog(const std::vector<float>& logIntensity, std::int64_t tUs);
    const std::vector<float>& referenceLog() const { return m_ref; }
    const std::vector<float>& thresholdsPos() const { return m_cPos; }
    const std::vector<float>& thresholdsNeg() const { return m_cNeg; }
    const EventSimCounts& counts() const { return m_counts; }
    int widthPx() const { return m_w; }
    int heightPx() const { return m_h; }

private:
    std::vector<float> logOf(const Image& intensity) const;
    int m_w = 0, m_h = 0;
    EventSimOptions m_options;
    std::vector<float> m_ref, m_last;       ///< reference and previous sample, log units
    std::vector<float> m_cPos, m_cNeg;      ///< per-pixel thresholds
    std::vector<std::int64_t> m_lastEventUs;
    std::int64_t m_tUs = 0;
    std::uint64_t m_step = 0;
    EventSimCounts m_counts;
    bool m_started = false;
};

enum class SimMotion {
    Camera, ///< the whole scene translates along a smooth path (camera pan/shake)
    Object, ///< a textured bright disc crosses a static scene left to right
    None,   ///< only the brightness change
};

struct EventSequenceOptions {
    SceneOptions scene{"interior", 240, 180, 1};
    int frames = 8;                    ///< LDR frames, the first at t = 0
    double frameIntervalUs = 33333.0;  ///< 30 frames per second
    int substeps = 8;                  ///< scene samples per frame interval for the event simulation
    SimMotion motion = SimMotion::Camera;
    double motionPx = 6.0;             ///< camera: path amplitude; object: distance per frame interval
    double brightnessStops = 0.0;      ///< radiance scales by 2^(stops · t / duration) over the sequence
    ExposureSimulation camera;         ///< LDR frames (stops, exposureScale filled in when 0/empty)
    EventSimOptions events;
};

struct EventSequence {
    std::vector<std::int64_t> frameTimesUs;
    std::vector<SampleImage> frames;   ///< LDR frames as the camera records them (clipped, noisy)
    std::vector<Image> radiance;       ///< true linear RGB radiance at each frame time
    std::vector<double> shiftXPx, shiftYPx; ///< camera: scene displacement at each frame; object: its centre
    double exposureScale = 0.0;        ///< what the frames were exposed with
    EventStream events;                ///< in time order, metadata format Simulated
    EventSimCounts counts;
};

/// Deterministic for a given options (seeds in scene, camera and events).
EventSequence simulateEventSequence(const EventSequenceOptions& options);

/// Radiance of the sequence at time tUs (what simulateEventSequence samples).
Image sequenceRadianceAt(const Image& scene, const EventSequenceOptions& options, double tUs, double& shiftX, double& shiftY);

} // namespace fuselab
