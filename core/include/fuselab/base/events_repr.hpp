// Event representations: turning a window of events into arrays a viewer or a network reads.
//
// Every function takes time-ordered events already cut to their window (selectWindow in
// events.hpp) and the sensor geometry; events outside the geometry are ignored. Results are
// float images (fuselab::Image) or a VoxelGrid; nothing here allocates per event. Part of
// fuselab_base. Thread safety: pure functions.
#pragma once

#include "fuselab/base/events.hpp"
#include "fuselab/base/image.hpp"

#include <cstdint>
#include <vector>

namespace fuselab {

/// The defaults of event windows and time surfaces, declared once for their operators, the
/// command line and the GUI: a window of one frame interval at 30 frames per second, and HOTS's
/// tens of milliseconds of decay for moving objects.
inline constexpr std::int64_t kDefaultEventWindowUs = 33333;
inline constexpr double kDefaultTimeSurfaceTauMs = 50.0;

enum class EventFrameMode {
    Counts,    ///< 2 channels: ON count, OFF count per pixel
    SignedSum, ///< 1 channel: ON − OFF per pixel
};

/// Per-pixel event counts. Counts → 2 channels (ON, OFF); SignedSum → 1 channel.
Image eventFrame(EventSpan events, int widthPx, int heightPx, EventFrameMode mode);

/// Time surface at time tRefUs: per pixel exp(−(tRef − tLast)/τ) for the pixel's most recent
/// event at or before tRef (0 where a pixel has none). splitPolarity → 2 channels (ON, OFF
/// surfaces), else 1 channel over both polarities. τ in microseconds, > 0.
Image timeSurface(EventSpan events, int widthPx, int heightPx, double tauUs, std::int64_t tRefUs, bool splitPolarity);

/// B temporal bins over [beginUs, endUs). Event time maps to t* = (B − 1)(t − begin)/(end − begin)
/// and each event adds its sign (ON +1, OFF −1) times max(0, 1 − |b − t*|) to bins b = ⌊t*⌋
/// and ⌊t*⌋ + 1 (bilinear in time, as Zhu et al. 2019 and Rebecq et al. 2019 build it). The
/// two weights sum to 1, so the grid's total equals the signed event count.
struct VoxelGrid {
    int bins = 0;
    int widthPx = 0;
    int heightPx = 0;
    std::vector<float> values; ///< [bin][y][x], bins × height × width
    float& at(int b, int x, int y) { return values[(std::size_t(b) * heightPx + y) * widthPx + x]; }
    float at(int b, int x, int y) const { return values[(std::size_t(b) * heightPx + y) * widthPx + x]; }
    /// One bin as a 1-channel image (a copy).
    Image bin(int b) const;
    double sum() const;
};
/// Throws fuselab::Error when bins < 1 or the interval is empty. Runs on the worker pool
/// (per-thread partial grids, summed), so 10 M events take tens of milliseconds.
VoxelGrid voxelGrid(EventSpan events, int widthPx, int heightPx, int bins, std::int64_t beginUs, std::int64_t endUs);

/// Event-derived intensity ("eframe"): integrates log-intensity steps from a reference.
/// Per pixel L = log(ref + ε) + Σ ±C over its events (C+ for ON, C− for OFF), with an
/// optional leak that pulls the integrated change back towards 0 at leakRateHz (the
/// high-pass of Scheerlinck et al. 2018: between events the change decays by exp(−2π·f·Δt)),
/// evaluated at tEndUs. Returns exp(L) − ε (linear intensity, 1 channel).
struct EventIntegrationOptions {
    double contrastPos = 0.2;   ///< C+ in log units
    double contrastNeg = 0.2;   ///< C− in log units
    double leakRateHz = 0.0;    ///< 0 = pure integration
    double epsilon = 1e-3;      ///< offset inside the log, as the simulator's
    double baseline = 0.5;      ///< reference intensity where no reference image is given
};
/// reference: linear intensity, 1 channel (or RGB, whose luminance is used), same size as the
/// geometry; may be empty (then `baseline` everywhere). tEndUs: the time of the result.
Image eventIntensityFrame(EventSpan events, int widthPx, int heightPx, const Image& reference,
                          std::int64_t tEndUs, const EventIntegrationOptions& options);

/// Linear luminance (Rec. 709) of a linear RGB image, or the image itself when 1 channel.
Image linearLuminanceImage(const Image& image);

} // namespace fuselab
