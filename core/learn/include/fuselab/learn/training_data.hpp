// Training data for learned fusion, without LibTorch and without OpenCV: stacks arrive as
// decoded fuselab::Images, from the synthetic scene generator (fuselab_base) or from a caller
// that decoded files itself (the CLI and GUI read folders with fuselab_core's I/O).
#pragma once

#include "fuselab/base/events_sim.hpp"
#include "fuselab/base/exposure.hpp"
#include "fuselab/base/image.hpp"
#include "fuselab/learn/frame_event.hpp"
#include "fuselab/learn/modality.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fuselab::learn {

struct TrainingStack {
    std::vector<Image> inputs;           ///< same size, 3 channels, values in [0,1] (display-referred)
    std::vector<Modality> modalities;    ///< one per input
    std::string name;                    ///< for messages ("synthetic #12", "scenes/hall")
    /// Ground truth where the data has one (simulated frame/event data), else empty:
    Image truth;       ///< the true image in the inputs' tone domain (what a perfect fusion outputs), RGB in [0,1]
    Image truthLinear; ///< the true radiance in camera units (frame_event.hpp), RGB, unclipped
};

/// A deterministic, endless supply of batches. Implementations must be const-thread-safe.
class TrainingSource {
public:
    virtual ~TrainingSource() = default;
    virtual std::string description() const = 0;
    /// `count` stacks for batch number `batchIndex`, all with the same number of inputs, the
    /// same modalities and the same size sizePx × sizePx. The same arguments always give the
    /// same stacks (resume, distributed ranks and reproducible training depend on it).
    virtual std::vector<TrainingStack> batch(std::uint64_t batchIndex, int count, int sizePx) const = 0;
};

/// Synthetic exposure stacks: fuselab's "interior" scene with a random layout per draw, or a
/// random collage of textured shapes, shaded backgrounds and small bright lights (night streets,
/// skies, lamps), rendered at a random scale, cropped and mirrored at random, exposed by a
/// random simulated camera.
struct SyntheticSourceOptions {
    std::uint64_t seed = 1;
    int minExposures = 2;            ///< per batch, K is drawn in [min, max]
    int maxExposures = 5;
    double minStepStops = 1.0;       ///< spacing between neighbouring exposures, drawn per stack
    double maxStepStops = 3.0;
    double centreJitterStops = 1.5;  ///< the bracket's centre moves ±this around the scene's auto exposure
    bool varyResponse = true;        ///< sRGB, gamma 1.8–2.6 or a film-like S-curve; false = sRGB only
    double noiseProbability = 0.5;   ///< share of stacks with shot and read noise
    double minRenderScale = 1.0;     ///< the scene is rendered at sizePx × [min, max] then cropped to sizePx
    double maxRenderScale = 2.0;
    double collageProbability = 0.5; ///< share of collage scenes (the rest: interior)
};
std::shared_ptr<TrainingSource> makeSyntheticSource(const SyntheticSourceOptions& options);

/// A real HDR radiance map (linear RGB, e.g. an OpenEXR or Radiance HDR file the caller read).
struct NamedRadiance {
    std::string name;
    Image radiance; ///< Linear, 3 channels, relative scene radiance
};

/// Exposure stacks made from real HDR radiance maps through simulated cameras, mixed with the
/// generated scenes: real scene statistics (textures, light sources, sky gradients) with a known
/// radiance. Per stack: a map, a box downscale (×1–3) and a random crop with a horizontal mirror
/// at random, a white-balance shift (and for some stacks a strong warm cast), a bracket of K exposures (K per batch in [min, max]) at
/// a spacing in [minStep, maxStep] stops (narrowed so the bracket spans at most maxSpanStops),
/// centred on the crop's auto exposure ± jitter; a camera response (sRGB, gamma 1.8–2.6, or a
/// film-like S-curve of contrast 1.1–2.4), shot and read noise, 8-bit clipping, and JPEG at a
/// quality in [minQuality, maxQuality] for some stacks. Deterministic per (seed, batch, index).
struct RealHdrSourceOptions {
    std::uint64_t seed = 1;
    int minExposures = 2;
    int maxExposures = 9;
    double minStepStops = 0.7;
    double maxStepStops = 4.0;
    double maxSpanStops = 16.0;
    double centreJitterStops = 1.5;
    double whiteBalanceStops = 0.3;    ///< per-channel gain 2^uniform(±this), green fixed
    /// Share of stacks lit by a warm illuminant the camera's balance leaves in (sodium and tungsten
    /// street and room lighting at night): blue falls by c stops and red rises by c/4 against
    /// green, c uniform in [0, warmCastMaxStops]. A high-pressure sodium street at night renders
    /// with blue about 5–7 stops under green in linear light, so one channel is near black and
    /// another near clipping — what per-channel exposure judgement must cope with.
    double warmCastProbability = 0.25;
    double warmCastMaxStops = 6.0;
    double noiseProbability = 0.7;
    double jpegProbability = 0.5;
    int minJpegQuality = 75;
    int maxJpegQuality = 98;
    int maxDownscale = 3;              ///< integer box downscale drawn in [1, this] (never below the patch)
    double syntheticShare = 0.3;       ///< share of batches drawn from the generated scenes instead
    SyntheticSourceOptions synthetic;  ///< those batches' options (its seed is replaced by `seed`)
};
/// Throws fuselab::Error for an empty map list, maps that are not 3-channel linear images, or
/// options out of range. The description names the map count and the seed.
std::shared_ptr<TrainingSource> makeRealHdrSource(std::vector<NamedRadiance> maps, const RealHdrSourceOptions& options);

/// Validation stacks from held-out radiance maps: each map box-downscaled to a long side of at
/// most longSidePx, exposed `exposures` times 2 stops apart around its auto exposure by an sRGB
/// 8-bit camera without noise (fixed, so scores compare across runs).
std::vector<TrainingStack> makeRealValidationStacks(const std::vector<NamedRadiance>& maps, int exposures, int longSidePx);

/// Fine-tuning on one stack validates on that stack itself, reduced to this long side (px): what
/// the user wants to see rise is the open stack's own MEF-SSIM beside Mertens's.
inline constexpr int kFineTuneValidationLongSidePx = 512;

/// The RGB of an image as a network input: 3 channels kept, RGBA's alpha dropped, grey (and grey
/// + alpha) repeated over the three channels. Shares the pixels when already RGB.
Image rgbChannels(const Image& image);

/// A decoded exposure stack as training data: every frame normalised to [0,1] RGB (grey frames
/// repeated over the three channels, alpha dropped), modality Exposure. `name` is for messages.
TrainingStack trainingStackFromExposures(const ExposureStack& stack, const std::string& name);

/// Random sizePx crops (and mirrors) of caller-supplied stacks; each batch draws one stack so
/// that all its crops share the input count. Stacks smaller than sizePx are refused.
std::shared_ptr<TrainingSource> makeStackListSource(std::vector<TrainingStack> stacks, std::uint64_t seed);

/// Simulated frame/event samples (SPEC §8's simulator on fuselab's HDR scenes, SPEC §5's three
/// modalities). Per sample: an "interior" or collage HDR scene, rendered at a random scale, cropped
/// and mirrored at random, seen over one window [0, windowUs] with camera translation (and
/// sometimes a bright textured disc crossing) and a global brightness change; the frame camera
/// (sRGB, 8 bit, shot and read noise) takes a reference frame at 0 and F at windowUs with the same
/// exposure, so a brightening clips F and a darkening crushes it; the event camera (ESIM:
/// C± with per-pixel mismatch, refractory period, noise events) watches the same radiance in
/// camera units. Inputs {F, E, EF} (makeFrameEventInputs), truth and truthLinear at windowUs.
struct FrameEventSourceOptions {
    std::uint64_t seed = 1;
    double windowUs = 33333.0;          ///< reference frame → F (one frame interval at 30 fps)
    int substeps = 6;                   ///< radiance samples of the event simulation inside the window
    double maxBrightnessStops = 3.0;    ///< brightness change over the window, uniform in ±this
    double maxMotionPx = 8.0;           ///< camera translation over the window, uniform in [0, this], any direction
    double objectProbability = 0.3;     ///< share of samples with a bright disc crossing the view
    double exposureJitterStops = 1.0;   ///< exposure = the reference's auto exposure · 2^uniform(±this)
    double collageProbability = 0.5;    ///< share of collage scenes (the rest: interior)
    double frameNoiseProbability = 0.8; ///< share of samples with sensor noise on the frames
    double minRenderScale = 1.0;        ///< scene rendered at sizePx × [min, max] (plus motion margin), then cropped
    double maxRenderScale = 2.0;
    EventSimOptions events = defaultEvents();
    FrameEventEncoding encoding;

    /// C± 0.2, threshold mismatch σ 0.03, refractory 100 µs, 0.5 noise events per pixel per second.
    static EventSimOptions defaultEvents();
};
/// Throws fuselab::Error for options out of range. description() names the seed.
std::shared_ptr<TrainingSource> makeFrameEventSyntheticSource(const FrameEventSourceOptions& options);

/// Stream tags of frameEventHeldOutStacks: validation during training, and the evaluation
/// reported in the README (`fuselab-cli events evaluate`). Training never draws from either.
enum class HeldOutUse { Validation, Evaluation };
/// `count` square samples of sizePx, drawn as the source draws them (options.seed ignored) from
/// (seed, use, index) streams of their own.
std::vector<TrainingStack> frameEventHeldOutStacks(int count, int sizePx, std::uint64_t seed, HeldOutUse use,
                                                   const FrameEventSourceOptions& options = {});

/// Held-out synthetic stacks for validation: `count` interior scenes of widthPx × 3/4 widthPx,
/// exposureCount exposures 2 stops apart around the auto exposure, sRGB camera, no noise. Their
/// seeds come from a stream (seed, "validation") that the training source never draws from.
std::vector<TrainingStack> makeValidationStacks(int count, int widthPx, int exposureCount, std::uint64_t seed);

} // namespace fuselab::learn
