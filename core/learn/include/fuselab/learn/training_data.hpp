// Training data for learned fusion, without LibTorch and without OpenCV: stacks arrive as
// decoded fuselab::Images, from the synthetic scene generator (fuselab_base) or from a caller
// that decoded files itself (the CLI and GUI read folders with fuselab_core's I/O).
#pragma once

#include "fuselab/exposure.hpp"
#include "fuselab/image.hpp"
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

/// A decoded exposure stack as training data: every frame normalised to [0,1] RGB (grey frames
/// repeated over the three channels, alpha dropped), modality Exposure. `name` is for messages.
TrainingStack trainingStackFromExposures(const ExposureStack& stack, const std::string& name);

/// Random sizePx crops (and mirrors) of caller-supplied stacks; each batch draws one stack so
/// that all its crops share the input count. Stacks smaller than sizePx are refused.
std::shared_ptr<TrainingSource> makeStackListSource(std::vector<TrainingStack> stacks, std::uint64_t seed);

/// Held-out synthetic stacks for validation: `count` interior scenes of widthPx × 3/4 widthPx,
/// exposureCount exposures 2 stops apart around the auto exposure, sRGB camera, no noise. Their
/// seeds come from a stream (seed, "validation") that the training source never draws from.
std::vector<TrainingStack> makeValidationStacks(int count, int widthPx, int exposureCount, std::uint64_t seed);

} // namespace fuselab::learn
