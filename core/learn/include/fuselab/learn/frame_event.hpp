// Frame/event data as a fusion network reads it (SPEC §5 with §8's data): the frame F, the
// event representation E and the event-derived intensity frame EF, all RGB in [0,1], built
// the same way for training (the synthetic source), for `fuse --frame --events` and for the
// evaluation against the true radiance. Torch-free (fuselab_base only).
//
// The tone domain. F and EF must be comparable pixel by pixel (the network blends them and the
// L1 terms compare the fused image with each), so both are brought to one scale: linear
// "camera units" X (1 = the frame's saturation level, as the frame's camera response decodes
// it), then v = T(X / 2^headroomStops) with SPEC §3's μ-law T(H) = ln(1 + μH)/ln(1 + μ), clipped
// to [0,1]. The frame fills [0, T(2^−headroom)] (0.63 with the defaults); EF, which the events
// carry past the frame's clipping, reaches 1 at 2^headroom times saturation. The fused result
// decodes the same way back to X, which is what the evaluation compares with the truth.
//
// E is the window's events as an RGB image: R = 1 − exp(−ON/countScale), G = the merged time
// surface at the window's end (τ = timeSurfaceFraction · window), B = 1 − exp(−OFF/countScale).
//
// EF integrates the window's events (±C per event) from a reference frame taken at the window's
// start (events_repr.hpp eventIntensityFrame; luminance), then takes its colour from F: per
// pixel EF_rgb = Y_EF · X_F,c / Y_F (grey where F is black). Where F is clipped its colour is
// lost anyway; EF restores the level.
#pragma once

#include "fuselab/base/events.hpp"
#include "fuselab/base/image.hpp"
#include "fuselab/learn/modality.hpp"
#include "fuselab/learn/network_config.hpp"

#include <map>
#include <string>
#include <vector>

namespace fuselab::learn {

/// How frame/event data become network inputs. Saved in a frame/event model's metadata
/// (toMetadata) so inference prepares its inputs exactly as training did.
struct FrameEventEncoding {
    double headroomStops = 5.0;        ///< the tone domain reaches 2^headroomStops × the frame's saturation; 0..20
    double mu = 5000.0;                ///< μ of the μ-law (SPEC §3)
    double contrastPos = 0.2;          ///< EF: log step of an ON event (the simulator's nominal C+)
    double contrastNeg = 0.2;          ///< EF: log step of an OFF event
    double epsilon = 1e-3;             ///< EF: log(X + ε), X in camera units (as the simulator is driven)
    double countScale = 2.0;           ///< E: events per pixel at which a count channel reaches 1 − 1/e
    double timeSurfaceFraction = 0.25; ///< E: time-surface τ as a fraction of the window length

    /// "frame_event.<field>" → value, for model metadata.
    std::map<std::string, std::string> toMetadata() const;
    /// Reads toMetadata()'s keys; missing keys keep the defaults. Throws fuselab::Error on a bad value.
    static FrameEventEncoding fromMetadata(const std::map<std::string, std::string>& metadata);
    /// True when `metadata` holds any frame_event.* key (a model trained on frame/event data).
    static bool inMetadata(const std::map<std::string, std::string>& metadata);
    /// Throws fuselab::Error naming the first field out of range.
    void validate() const;
};

/// v = T(min(X / 2^headroom, 1)) per sample (negative X counts as 0). Any channel count.
Image encodeFrameEventTone(const Image& linear, const FrameEventEncoding& encoding);
/// The inverse: X = 2^headroom · ((1 + μ)^v − 1)/μ, v clipped to [0,1] first.
Image decodeFrameEventTone(const Image& tone, const FrameEventEncoding& encoding);

/// The three modalities in the order frame/event inputs are given: F, E, EF.
std::vector<Modality> frameEventModalities();

/// The network a frame/event model is trained with (CLI `train --data synthetic-events` and the
/// GUI's training panel): one encoder per modality, network resolution netLowResLongSidePx (which
/// training's drawn resolutions, low_res_min_px..max, should cover), and no Laplacian detail term:
/// EF's event noise would read as detail and win every pixel (measured: with it, training
/// collapsed onto EF alone within 25 steps).
FusionNetConfig frameEventNetConfig(int netLowResLongSidePx = 128);

struct FrameEventInputs {
    Image frame;        ///< F in the tone domain (RGB)
    Image events;       ///< E (RGB, see above)
    Image eframe;       ///< EF in the tone domain (RGB)
    Image frameLinear;  ///< F in camera units (RGB), what "frame alone" is scored on
    Image eframeLinear; ///< EF in camera units (RGB), what "EF alone" is scored on
    std::size_t eventCount = 0;
    /// {frame, events, eframe}: the network's inputs in frameEventModalities() order.
    std::vector<Image> networkInputs() const { return {frame, events, eframe}; }
};

/// frameLinear: the frame at the window's end in camera units (1 or 3 channels; 1 is repeated);
/// referenceLinear: the frame at the window's start, camera units (its luminance is used);
/// events: time-ordered, those of the window [window.beginUs, window.endUs); both frames of the
/// sensor geometry widthPx × heightPx. Throws fuselab::Error when a size differs from the geometry
/// ("the frame is 64x48, the events 128x96") or the window is empty.
FrameEventInputs makeFrameEventInputs(const Image& frameLinear, const Image& referenceLinear, EventSpan events,
                                      int widthPx, int heightPx, TimeInterval window, const FrameEventEncoding& encoding);

/// PSNR-μ of README "Metrics" (psnr_mu): both linear images divided by the truth's largest
/// sample, negatives clipped, T with μ, PSNR with peak 1 over every sample. +∞ when equal.
/// Throws fuselab::Error when sizes differ or the truth has no positive sample.
double psnrMuAgainstTruth(const Image& linear, const Image& truthLinear, double mu = 5000.0);

} // namespace fuselab::learn
