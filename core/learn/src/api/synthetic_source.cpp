// Synthetic training and validation stacks from fuselab_base's scene generator and camera
// simulation: endless, reproducible, with known content and no files.
#include "fuselab/learn/training_data.hpp"

#include "fuselab/base/error.hpp"
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

using detail::cropAndMirror;
using detail::exposeToStack;

CameraResponse drawResponse(Random& rng, bool vary)
{
    if (!vary) return CameraResponse::srgb();
    const double u = rng.uniform();
    if (u < 0.5) return CameraResponse::srgb();
    if (u < 0.75) return CameraResponse::gamma(rng.uniform(1.8, 2.6));
    return CameraResponse::sCurve(rng.uniform(1.2, 2.0), rng.uniform(0.12, 0.25));
}

class SyntheticSource final : public TrainingSource {
public:
    explicit SyntheticSource(const SyntheticSourceOptions& o) : m_options(o)
    {
        if (o.minExposures < 1 || o.maxExposures < o.minExposures || o.maxExposures > 16)
            throw Error("synthetic source: exposure count range must lie in 1..16");
        if (!(o.minStepStops > 0.0 && o.maxStepStops >= o.minStepStops))
            throw Error("synthetic source: exposure spacing must be positive");
        if (!(o.minRenderScale >= 1.0 && o.maxRenderScale >= o.minRenderScale))
            throw Error("synthetic source: render scale must be ≥ 1");
    }

    std::string description() const override
    {
        return "synthetic interior and collage scenes (seed " + std::to_string(m_options.seed) + ", " +
               std::to_string(m_options.minExposures) + "–" + std::to_string(m_options.maxExposures) + " exposures)";
    }

    std::vector<TrainingStack> batch(std::uint64_t batchIndex, int count, int sizePx) const override
    {
        if (count < 1) throw Error("a batch needs at least one stack");
        if (sizePx < 16) throw Error("synthetic stacks must be at least 16 px");
        Random batchRng(detail::mixSeed(m_options.seed, detail::kStreamTraining, batchIndex));
        const int span = m_options.maxExposures - m_options.minExposures + 1;
        const int exposures = m_options.minExposures + int(batchRng.nextU64() % std::uint64_t(span));
        std::vector<TrainingStack> stacks(static_cast<std::size_t>(count));
        parallelFor(0, count, 1, [&](int b, int e) {
            for (int i = b; i < e; ++i) {
                const std::uint64_t stackSeed = detail::mixSeed(m_options.seed, detail::kStreamTraining,
                                                                (batchIndex << 16) ^ std::uint64_t(i) ^ 0x5a5a0000ull);
                stacks[std::size_t(i)] = makeStack(stackSeed, exposures, sizePx, batchIndex, i);
            }
        });
        return stacks;
    }

private:
    TrainingStack makeStack(std::uint64_t seed, int exposures, int sizePx, std::uint64_t batchIndex, int i) const
    {
        Random rng(seed);
        const double scale = rng.uniform(m_options.minRenderScale, m_options.maxRenderScale);
        const int renderW = std::max(sizePx, int(std::lround(sizePx * scale * 4.0 / 3.0)));
        const int renderH = std::max(sizePx, int(std::lround(sizePx * scale)));
        const bool collage = rng.uniform() < m_options.collageProbability;
        const std::uint64_t sceneSeed = rng.nextU64();
        const Image scene = collage ? detail::makeCollageScene(renderW, renderH, sceneSeed)
                                    : makeSyntheticScene({"interior", renderW, renderH, sceneSeed});
        const int x0 = int(rng.nextU64() % std::uint64_t(renderW - sizePx + 1));
        const int y0 = int(rng.nextU64() % std::uint64_t(renderH - sizePx + 1));
        const bool mirror = rng.uniform() < 0.5;
        // Exposure is judged on the whole scene, so a crop of the window stays bright.
        const double baseScale = autoExposureScale(scene);
        const Image crop = cropAndMirror(scene, x0, y0, sizePx, mirror);

        ExposureSimulation sim;
        const double step = rng.uniform(m_options.minStepStops, m_options.maxStepStops);
        const double centre = rng.uniform(-m_options.centreJitterStops, m_options.centreJitterStops);
        for (int k = 0; k < exposures; ++k) sim.stops.push_back(centre + (k - 0.5 * (exposures - 1)) * step);
        sim.exposureScale = baseScale;
        sim.response = drawResponse(rng, m_options.varyResponse);
        sim.noise.enabled = rng.uniform() < m_options.noiseProbability;
        sim.noise.fullWellElectrons = rng.uniform(5000.0, 40000.0);
        sim.noise.readNoiseElectrons = rng.uniform(2.0, 8.0);
        sim.bitDepth = 8;
        sim.misalignPx = 0.0;
        sim.seed = rng.nextU64();
        return exposeToStack(crop, sim, "synthetic batch " + std::to_string(batchIndex) + " #" + std::to_string(i));
    }

    SyntheticSourceOptions m_options;
};

} // namespace

std::shared_ptr<TrainingSource> makeSyntheticSource(const SyntheticSourceOptions& options)
{
    return std::make_shared<SyntheticSource>(options);
}

std::vector<TrainingStack> makeValidationStacks(int count, int widthPx, int exposureCount, std::uint64_t seed)
{
    if (count < 1 || widthPx < 16 || exposureCount < 2) throw Error("validation needs ≥ 1 stack, ≥ 16 px and ≥ 2 exposures");
    std::vector<TrainingStack> stacks;
    for (int i = 0; i < count; ++i) {
        const std::uint64_t s = detail::mixSeed(seed, detail::kStreamValidation, std::uint64_t(i));
        const Image scene = makeSyntheticScene({"interior", widthPx, std::max(16, widthPx * 3 / 4), s});
        ExposureSimulation sim;
        for (int k = 0; k < exposureCount; ++k) sim.stops.push_back(2.0 * (k - 0.5 * (exposureCount - 1)));
        sim.exposureScale = autoExposureScale(scene);
        sim.seed = s;
        stacks.push_back(exposeToStack(scene, sim, "validation #" + std::to_string(i)));
    }
    return stacks;
}

} // namespace fuselab::learn
