// Training crops from stacks the caller decoded (folders of photographs read by fuselab_core).
#include "fuselab/learn/training_data.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/random.hpp"
#include "seed_mix.hpp"

namespace fuselab::learn {
namespace {

class StackListSource final : public TrainingSource {
public:
    StackListSource(std::vector<TrainingStack> stacks, std::uint64_t seed) : m_stacks(std::move(stacks)), m_seed(seed)
    {
        if (m_stacks.empty()) throw Error("no training stacks given");
        for (const TrainingStack& s : m_stacks) {
            if (s.inputs.empty() || s.inputs.size() != s.modalities.size())
                throw Error(s.name, "a training stack needs one modality per input");
            for (const Image& im : s.inputs)
                if (im.width() != s.inputs[0].width() || im.height() != s.inputs[0].height() || im.channels() != 3)
                    throw Error(s.name, "training inputs must be RGB and share one size");
        }
    }

    std::string description() const override { return std::to_string(m_stacks.size()) + " stacks from files"; }

    std::vector<TrainingStack> batch(std::uint64_t batchIndex, int count, int sizePx) const override
    {
        Random rng(detail::mixSeed(m_seed, detail::kStreamTraining, batchIndex));
        const TrainingStack& source = m_stacks[std::size_t(rng.nextU64() % m_stacks.size())];
        const int w = source.inputs[0].width(), h = source.inputs[0].height();
        if (w < sizePx || h < sizePx)
            throw Error(source.name, "smaller (" + std::to_string(w) + "x" + std::to_string(h) + ") than the " +
                                         std::to_string(sizePx) + " px training patch");
        std::vector<TrainingStack> out;
        for (int i = 0; i < count; ++i) {
            const int x0 = int(rng.nextU64() % std::uint64_t(w - sizePx + 1));
            const int y0 = int(rng.nextU64() % std::uint64_t(h - sizePx + 1));
            const bool mirror = rng.uniform() < 0.5;
            TrainingStack crop;
            crop.name = source.name;
            crop.modalities = source.modalities;
            for (const Image& im : source.inputs) {
                Image c(sizePx, sizePx, 3, im.encoding());
                for (int y = 0; y < sizePx; ++y) {
                    const float* src = im.row(y0 + y) + std::size_t(x0) * 3;
                    float* dst = c.row(y);
                    for (int x = 0; x < sizePx; ++x) {
                        const int sx = mirror ? sizePx - 1 - x : x;
                        for (int ch = 0; ch < 3; ++ch) dst[x * 3 + ch] = src[sx * 3 + ch];
                    }
                }
                crop.inputs.push_back(c);
            }
            out.push_back(std::move(crop));
        }
        return out;
    }

private:
    std::vector<TrainingStack> m_stacks;
    std::uint64_t m_seed;
};

} // namespace

std::shared_ptr<TrainingSource> makeStackListSource(std::vector<TrainingStack> stacks, std::uint64_t seed)
{
    return std::make_shared<StackListSource>(std::move(stacks), seed);
}

TrainingStack trainingStackFromExposures(const ExposureStack& stack, const std::string& name)
{
    TrainingStack t;
    t.name = name;
    for (const StackFrame& frame : stack.frames) {
        t.inputs.push_back(rgbChannels(frame.pixels.toFloat()));
        t.modalities.push_back(Modality::Exposure);
    }
    return t;
}

Image rgbChannels(const Image& im)
{
    if (im.channels() == 3) return im;
    Image rgb(im.width(), im.height(), 3, im.encoding());
    const int greyOrRgb = im.channels() >= 3 ? 3 : 1; // RGBA keeps RGB, grey (and grey+alpha) repeats
    for (int y = 0; y < im.height(); ++y) {
        const float* src = im.row(y);
        float* dst = rgb.row(y);
        for (int x = 0; x < im.width(); ++x)
            for (int c = 0; c < 3; ++c) dst[3 * x + c] = src[im.channels() * x + (greyOrRgb == 3 ? c : 0)];
    }
    return rgb;
}

} // namespace fuselab::learn
