// Training stacks from real HDR radiance maps through simulated cameras (training_data.hpp).
#include "fuselab/learn/training_data.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/base/random.hpp"
#include "fuselab/base/synthetic.hpp"
#include "jpeg_roundtrip.hpp"
#include "seed_mix.hpp"
#include "stack_draws.hpp"

#include <algorithm>
#include <cmath>

namespace fuselab::learn {
namespace {

// A third stream beside training and validation, so real and generated batches never share draws.
constexpr std::uint64_t kStreamRealHdr = 0x7265616c68ull; // "realh"

// Box downscale by an integer factor (area average: no aliasing from the maps' fine texture).
Image boxDownscale(const Image& image, int factor)
{
    if (factor <= 1) return image;
    const int w = image.width() / factor, h = image.height() / factor, ch = image.channels();
    Image out(w, h, ch, image.encoding());
    const float norm = 1.0f / float(factor * factor);
    parallelFor(0, h, 16, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            float* d = out.row(y);
            for (int dy = 0; dy < factor; ++dy) {
                const float* s = image.row(y * factor + dy);
                for (int x = 0; x < w; ++x)
                    for (int dx = 0; dx < factor; ++dx)
                        for (int c = 0; c < ch; ++c) d[x * ch + c] += s[(x * factor + dx) * ch + c];
            }
            for (int i = 0; i < w * ch; ++i) d[i] *= norm;
        }
    });
    return out;
}

// Camera responses of several kinds: sRGB, plain gammas, and film-like S-curves from gentle to
// strong (cameras' JPEG engines are S-shaped around mid-grey).
CameraResponse drawCameraResponse(Random& rng)
{
    const double u = rng.uniform();
    if (u < 0.35) return CameraResponse::srgb();
    if (u < 0.55) return CameraResponse::gamma(rng.uniform(1.8, 2.6));
    return CameraResponse::sCurve(rng.uniform(1.1, 2.4), rng.uniform(0.1, 0.3));
}

// Non-finite and negative samples (present in some real maps) would poison the camera model.
Image sanitised(const Image& radiance)
{
    Image out = radiance.clone();
    for (int y = 0; y < out.height(); ++y) {
        float* p = out.row(y);
        for (int i = 0; i < out.width() * out.channels(); ++i)
            if (!std::isfinite(p[i]) || p[i] < 0.0f) p[i] = 0.0f;
    }
    return out;
}

class RealHdrSource final : public TrainingSource {
public:
    RealHdrSource(std::vector<NamedRadiance> maps, const RealHdrSourceOptions& o) : m_options(o)
    {
        if (maps.empty()) throw Error("real HDR source: no radiance maps");
        if (o.minExposures < 2 || o.maxExposures < o.minExposures || o.maxExposures > 16)
            throw Error("real HDR source: exposure count range must lie in 2..16");
        if (!(o.minStepStops > 0.0 && o.maxStepStops >= o.minStepStops && o.maxSpanStops > 0.0))
            throw Error("real HDR source: exposure spacing and span must be positive");
        if (o.minJpegQuality < 1 || o.maxJpegQuality > 100 || o.maxJpegQuality < o.minJpegQuality)
            throw Error("real HDR source: JPEG quality range must lie in 1..100");
        if (!(o.syntheticShare >= 0.0 && o.syntheticShare <= 1.0)) throw Error("real HDR source: the synthetic share must lie in [0, 1]");
        if (o.maxDownscale < 1) throw Error("real HDR source: the largest downscale must be at least 1");
        if (!(o.warmCastProbability >= 0.0 && o.warmCastProbability <= 1.0 && o.warmCastMaxStops >= 0.0 && o.warmCastMaxStops <= 12.0))
            throw Error("real HDR source: the warm cast's share must lie in [0, 1] and its strength in [0, 12] stops");
        for (NamedRadiance& m : maps) {
            if (m.radiance.channels() != 3 || m.radiance.encoding() != ColourEncoding::Linear)
                throw Error(m.name, "a training radiance map must be a linear 3-channel image");
            m.radiance = sanitised(m.radiance);
        }
        m_maps = std::move(maps);
        SyntheticSourceOptions synthetic = o.synthetic;
        synthetic.seed = o.seed;
        synthetic.minExposures = o.minExposures;
        synthetic.maxExposures = std::min(o.maxExposures, 16);
        m_synthetic = makeSyntheticSource(synthetic);
    }

    std::string description() const override
    {
        return std::to_string(m_maps.size()) + " real HDR maps through simulated cameras (" + std::to_string(m_options.minExposures) + "–" +
               std::to_string(m_options.maxExposures) + " exposures, " + std::to_string(int(std::lround(m_options.syntheticShare * 100))) +
               " % generated scenes, seed " + std::to_string(m_options.seed) + ")";
    }

    std::vector<TrainingStack> batch(std::uint64_t batchIndex, int count, int sizePx) const override
    {
        if (count < 1) throw Error("a batch needs at least one stack");
        if (sizePx < 16) throw Error("training stacks must be at least 16 px");
        Random batchRng(detail::mixSeed(m_options.seed, kStreamRealHdr, batchIndex));
        if (batchRng.uniform() < m_options.syntheticShare) return m_synthetic->batch(batchIndex, count, sizePx);
        const int span = m_options.maxExposures - m_options.minExposures + 1;
        const int exposures = m_options.minExposures + int(batchRng.nextU64() % std::uint64_t(span));
        std::vector<TrainingStack> stacks(static_cast<std::size_t>(count));
        parallelFor(0, count, 1, [&](int b, int e) {
            for (int i = b; i < e; ++i) {
                const std::uint64_t seed = detail::mixSeed(m_options.seed, kStreamRealHdr, (batchIndex << 16) ^ std::uint64_t(i) ^ 0xa5a50000ull);
                stacks[std::size_t(i)] = makeStack(seed, exposures, sizePx, batchIndex, i);
            }
        });
        return stacks;
    }

private:
    TrainingStack makeStack(std::uint64_t seed, int exposures, int sizePx, std::uint64_t batchIndex, int i) const
    {
        Random rng(seed);
        const NamedRadiance& map = m_maps[std::size_t(rng.nextU64() % m_maps.size())];
        const int largest = std::min(map.radiance.width(), map.radiance.height()) / sizePx;
        if (largest < 1)
            throw Error(map.name, "the map (" + std::to_string(map.radiance.width()) + "x" + std::to_string(map.radiance.height()) +
                                      ") is smaller than the " + std::to_string(sizePx) + " px training patch");
        const int factor = 1 + int(rng.nextU64() % std::uint64_t(std::min(largest, m_options.maxDownscale)));
        const Image scaled = boxDownscale(map.radiance, factor);
        const int x0 = int(rng.nextU64() % std::uint64_t(scaled.width() - sizePx + 1));
        const int y0 = int(rng.nextU64() % std::uint64_t(scaled.height() - sizePx + 1));
        Image crop = detail::cropAndMirror(scaled, x0, y0, sizePx, rng.uniform() < 0.5);
        // White balance: red and blue gains around green (a camera's as-shot balance is never exact).
        float gainR = float(std::exp2(rng.uniform(-m_options.whiteBalanceStops, m_options.whiteBalanceStops)));
        float gainB = float(std::exp2(rng.uniform(-m_options.whiteBalanceStops, m_options.whiteBalanceStops)));
        // A warm illuminant left in (the options explain the range).
        if (rng.uniform() < m_options.warmCastProbability) {
            const double castStops = rng.uniform(0.0, m_options.warmCastMaxStops);
            gainR *= float(std::exp2(castStops / 4.0));
            gainB *= float(std::exp2(-castStops));
        }
        for (int y = 0; y < crop.height(); ++y) {
            float* p = crop.row(y);
            for (int x = 0; x < crop.width(); ++x) {
                p[3 * x] *= gainR;
                p[3 * x + 2] *= gainB;
            }
        }
        ExposureSimulation sim;
        double step = rng.uniform(m_options.minStepStops, m_options.maxStepStops);
        if (exposures > 1) step = std::min(step, m_options.maxSpanStops / (exposures - 1));
        const double centre = rng.uniform(-m_options.centreJitterStops, m_options.centreJitterStops);
        for (int k = 0; k < exposures; ++k) sim.stops.push_back(centre + (k - 0.5 * (exposures - 1)) * step);
        sim.exposureScale = autoExposureScale(crop);
        sim.response = drawCameraResponse(rng);
        sim.noise.enabled = rng.uniform() < m_options.noiseProbability;
        sim.noise.fullWellElectrons = rng.uniform(5000.0, 40000.0);
        sim.noise.readNoiseElectrons = rng.uniform(2.0, 8.0);
        sim.bitDepth = 8;
        sim.seed = rng.nextU64();
        const bool jpeg = rng.uniform() < m_options.jpegProbability;
        const int quality = m_options.minJpegQuality + int(rng.nextU64() % std::uint64_t(m_options.maxJpegQuality - m_options.minJpegQuality + 1));
        TrainingStack stack;
        stack.name = map.name + " (batch " + std::to_string(batchIndex) + " #" + std::to_string(i) + ")";
        for (const SimulatedFrame& f : exposeScene(crop, sim)) {
            const Image8& codes = *f.pixels.as8();
            stack.inputs.push_back(SampleImage(jpeg ? detail::jpegRoundTrip(codes, quality) : codes).toFloat());
            stack.modalities.push_back(Modality::Exposure);
        }
        return stack;
    }

    RealHdrSourceOptions m_options;
    std::vector<NamedRadiance> m_maps;
    std::shared_ptr<TrainingSource> m_synthetic;
};

} // namespace

std::shared_ptr<TrainingSource> makeRealHdrSource(std::vector<NamedRadiance> maps, const RealHdrSourceOptions& options)
{
    return std::make_shared<RealHdrSource>(std::move(maps), options);
}

std::vector<TrainingStack> makeRealValidationStacks(const std::vector<NamedRadiance>& maps, int exposures, int longSidePx)
{
    if (maps.empty() || exposures < 2 || longSidePx < 16) throw Error("real validation needs maps, ≥ 2 exposures and ≥ 16 px");
    std::vector<TrainingStack> stacks;
    for (const NamedRadiance& m : maps) {
        if (m.radiance.channels() != 3) throw Error(m.name, "a validation radiance map must have 3 channels");
        const int longSide = std::max(m.radiance.width(), m.radiance.height());
        const Image scene = boxDownscale(sanitised(m.radiance), std::max(1, (longSide + longSidePx - 1) / longSidePx));
        ExposureSimulation sim;
        for (int k = 0; k < exposures; ++k) sim.stops.push_back(2.0 * (k - 0.5 * (exposures - 1)));
        sim.exposureScale = autoExposureScale(scene);
        sim.seed = 7;
        stacks.push_back(detail::exposeToStack(scene, sim, m.name));
    }
    return stacks;
}

} // namespace fuselab::learn
