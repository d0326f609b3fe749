// FusionModel: inference with a fusion network. On the CPU with a caller's blend, LibTorch
// only runs at the low resolution (downsample, network, guided-filter coefficients); the
// full-resolution weights and the pyramid blend are torch-free. Elsewhere (GPU, or no blend
// given) the whole fusion runs as tensors on the device, the same code that training runs.
#include "fuselab/learn/fusion_model.hpp"

#include "../full_res_weights.hpp"
#include "archive_io.hpp"
#include "fuselab/base/error.hpp"
#include "net.hpp"
#include "pyramid_torch.hpp"
#include "tensor_utils.hpp"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <chrono>
#include <mutex>

namespace fuselab::learn {
namespace {

using Clock = std::chrono::steady_clock;
double msSince(Clock::time_point t)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

class FusionModelImpl final : public FusionModel {
public:
    FusionModelImpl(detail::FusionNet net, std::map<std::string, std::string> metadata)
        : m_net(std::move(net)), m_metadata(std::move(metadata))
    {
        m_net->eval();
        for (auto& p : m_net->parameters()) p.set_requires_grad(false);
    }

    ModelInfo info() const override
    {
        ModelInfo i;
        i.config = m_net->config();
        std::vector<at::Tensor> params;
        for (const auto& [name, t] : m_net->namedParams()) {
            params.push_back(t);
            i.parameterCount += t.numel();
        }
        i.parameterDigest = detail::digestOf(params);
        if (i.config.detailTerm) {
            i.detailExponent = m_net->detailExponent().item<double>();
            i.detailFloor = m_net->detailFloor().item<double>();
        }
        i.metadata = m_metadata;
        return i;
    }

    std::vector<std::string> layerNames() const override { return m_net->layerNames(); }

    FuseResult fuse(const std::vector<Image>& inputs, const std::vector<Modality>& modalities, const FuseOptions& options,
                    ProgressSink& progress) const override
    {
        std::vector<Image> images;
        for (const Image& im : inputs) images.push_back(detail::colourChannels(im));
        return fuseImages(images, modalities, options, progress);
    }

    FuseResult fuse(const ExposureStack& stack, const FuseOptions& options, ProgressSink& progress) const override
    {
        if (stack.size() == 0) throw Error("an empty stack cannot be fused");
        std::vector<Image> images;
        for (const StackFrame& f : stack.frames) {
            progress.checkCancelled();
            try {
                images.push_back(detail::frameToFloat(f.pixels));
            } catch (const Error& e) {
                throw e.withFile(f.path);
            }
        }
        return fuseImages(images, std::vector<Modality>(images.size(), Modality::Exposure), options, progress);
    }

    void save(const std::string& path) const override { detail::saveModelFile(*m_net.ptr(), m_metadata, path); }

    std::unique_ptr<BandWeights> bandWeights(int frames, int widthPx, int heightPx, int channels, const FuseOptions& options) const override;

    /// The network's guided-filter coefficients (K × lowH × lowW each) and detail term, on the
    /// CPU, from the inputs' low-resolution images (areaDownsample).
    struct LowResCoefficients {
        std::vector<float> a, b;
        detail::DetailTerm term;
    };
    LowResCoefficients coefficientsOf(const std::vector<Image>& lows, const std::vector<Modality>& modalities) const
    {
        c10::InferenceMode inference;
        const c10::Device cpu(c10::kCPU);
        detail::FusionNetImpl& net = netOn(cpu);
        const FusionNetConfig& cfg = m_net->config();
        std::vector<at::Tensor> tensors;
        for (const Image& im : lows) tensors.push_back(detail::imageToTensor(im, 3, cpu));
        const at::Tensor low = at::stack(tensors).unsqueeze(0); // [1,K,3,h,w]
        const detail::NetOutput out = net.forwardLow(low, modalities);
        const detail::GuidedCoefficients gc = detail::guidedCoefficients(detail::greyOf(low), out.weights, cfg.guidedRadiusPx, cfg.guidedEpsilon);
        const at::Tensor a = gc.meanA.to(at::kFloat).contiguous(), b = gc.meanB.to(at::kFloat).contiguous();
        LowResCoefficients c;
        c.a.assign(a.data_ptr<float>(), a.data_ptr<float>() + a.numel());
        c.b.assign(b.data_ptr<float>(), b.data_ptr<float>() + b.numel());
        if (cfg.detailTerm) {
            c.term.enabled = true;
            c.term.exponent = net.detailExponent().item<float>();
            c.term.floor = net.detailFloor().item<float>();
        }
        return c;
    }

    /// The low-resolution size and pyramid levels fuse() uses for a frame of this size.
    std::pair<int, int> lowResSizeFor(int widthPx, int heightPx, const FuseOptions& options) const
    {
        const int longSide = options.lowResLongSidePx > 0 ? options.lowResLongSidePx : m_net->config().lowResLongSidePx;
        const auto [lowH, lowW] = detail::lowResSize(heightPx, widthPx, longSide);
        return {lowW, lowH};
    }
    static int levelsFor(int widthPx, int heightPx, const FuseOptions& options)
    {
        return options.pyramidLevels > 0 ? std::min(options.pyramidLevels, autoPyramidLevels(widthPx, heightPx, 1))
                                         : autoPyramidLevels(widthPx, heightPx, 2);
    }

    /// The CPU network (attribution reads it; its parameters never require gradients here).
    detail::FusionNetImpl& network() const { return *m_net.ptr(); }

private:
    FuseResult fuseImages(const std::vector<Image>& images, const std::vector<Modality>& modalities, const FuseOptions& options,
                          ProgressSink& progress) const
    {
        if (images.empty()) throw Error("nothing to fuse");
        if (modalities.size() != images.size()) throw Error("one modality per input is needed");
        const int w = images[0].width(), h = images[0].height(), c = images[0].channels();
        for (const Image& im : images)
            if (im.width() != w || im.height() != h || im.channels() != c)
                throw Error("inputs differ in size or channels (" + std::to_string(im.width()) + "x" + std::to_string(im.height()) +
                            " vs " + std::to_string(w) + "x" + std::to_string(h) + ")");
        const c10::Device device = detail::resolveDevice(options.device);
        const auto [lowW, lowH] = lowResSizeFor(w, h, options);
        const int levels = levelsFor(w, h, options);

        FuseResult result;
        result.device = detail::deviceName(device);
        result.lowResWidthPx = lowW;
        result.lowResHeightPx = lowH;
        result.pyramidLevels = levels;
        progress.report(0.05, "network");
        progress.checkCancelled();
        c10::InferenceMode inference;
        detail::FusionNetImpl& net = netOn(device);
        const int k = int(images.size());

        if (device.is_cpu() && options.blend) {
            auto t0 = Clock::now();
            std::vector<Image> lows;
            for (const Image& im : images) lows.push_back(detail::areaDownsample(im, lowW, lowH));
            const LowResCoefficients coefficients = coefficientsOf(lows, modalities);
            result.networkMs = msSince(t0);
            progress.report(0.2, "weights");
            progress.checkCancelled();
            t0 = Clock::now();
            std::vector<Image> weights =
                detail::fullResWeightsCpu(images, coefficients.a.data(), coefficients.b.data(), lowH, lowW, coefficients.term);
            result.weightsMs = msSince(t0);
            progress.report(0.35, "blend");
            progress.checkCancelled();
            t0 = Clock::now();
            result.fused = options.blend(images, weights, levels);
            result.fused.setEncoding(images[0].encoding());
            result.blendMs = msSince(t0);
            if (options.keepWeightMaps) result.weightMaps = std::move(weights);
        } else {
            auto t0 = Clock::now();
            std::vector<at::Tensor> frames;
            for (const Image& im : images) frames.push_back(detail::imageToTensor(im, c, device));
            at::Tensor blendIn = at::stack(frames).unsqueeze(0); // [1,K,C,H,W]
            const at::Tensor netIn = c == 1 ? blendIn.expand({1, k, 3, h, w}) : blendIn;
            const detail::FusedTensors f = detail::fuseTensors(net, netIn, modalities, lowH, lowW, levels, blendIn);
            result.fused = detail::tensorToImage(f.fused.select(0, 0), images[0].encoding());
            result.blendMs = msSince(t0);
            if (options.keepWeightMaps)
                for (int i = 0; i < k; ++i) result.weightMaps.push_back(detail::tensorToImage(f.weights.select(0, 0).narrow(0, i, 1), ColourEncoding::Linear));
        }
        progress.report(1.0, "done");
        return result;
    }

    // The network on `device` (a copy per device, made on first use).
    detail::FusionNetImpl& netOn(const c10::Device& device) const
    {
        if (device.is_cpu()) return *m_net.ptr();
        std::lock_guard<std::mutex> lock(m_mutex);
        auto it = m_onDevice.find(device.str());
        if (it == m_onDevice.end()) {
            detail::FusionNet copy(m_net->config());
            {
                at::NoGradGuard noGrad;
                const auto src = m_net->namedParams();
                const auto dst = copy->namedParams();
                for (std::size_t i = 0; i < src.size(); ++i) dst[i].second.copy_(src[i].second);
            }
            copy->to(device);
            copy->eval();
            it = m_onDevice.emplace(device.str(), copy).first;
        }
        return *it->second;
    }

    detail::FusionNet m_net;
    std::map<std::string, std::string> m_metadata;
    mutable std::mutex m_mutex;
    mutable std::map<std::string, detail::FusionNet> m_onDevice;
};

} // namespace

namespace {

class BandWeightsImpl final : public BandWeights {
public:
    BandWeightsImpl(const FusionModelImpl& model, int frames, int widthPx, int heightPx, int channels, const FuseOptions& options)
        : m_model(model), m_w(widthPx), m_h(heightPx), m_k(frames), m_channels(channels)
    {
        const auto [lowW, lowH] = model.lowResSizeFor(widthPx, heightPx, options);
        m_lowW = lowW;
        m_lowH = lowH;
        for (int f = 0; f < frames; ++f) m_downs.emplace_back(widthPx, heightPx, channels, lowW, lowH);
        // pyramidBlend blends over at most as many levels as the image allows.
        m_levels = std::min(FusionModelImpl::levelsFor(widthPx, heightPx, options), autoPyramidLevels(widthPx, heightPx, 1));
    }
    void addRow(int frame, int y, const float* row) override { m_downs[std::size_t(frame)].addRow(y, row); }
    void finish() override
    {
        std::vector<Image> lows;
        for (const detail::AreaDownsampler& d : m_downs) lows.push_back(d.result(ColourEncoding::Srgb));
        m_coefficients = m_model.coefficientsOf(lows, std::vector<Modality>(std::size_t(m_k), Modality::Exposure));
        m_downs.clear();
        m_finished = true;
    }
    int pyramidLevels() const override { return m_levels; }
    void weightRows(int y0, int y1, const std::function<const float*(int, int)>& frameRow,
                    const std::function<float*(int, int)>& weightRow) const override
    {
        if (!m_finished) throw Error("the learned weights are asked for before the network ran (BandWeights::finish)");
        detail::fullResWeightRows(m_w, m_h, m_k, m_channels, frameRow, m_coefficients.a.data(), m_coefficients.b.data(), m_lowH, m_lowW,
                                  m_coefficients.term, y0, y1, weightRow);
    }

private:
    const FusionModelImpl& m_model;
    int m_w, m_h, m_k, m_channels, m_lowW = 0, m_lowH = 0, m_levels = 1;
    std::vector<detail::AreaDownsampler> m_downs;
    FusionModelImpl::LowResCoefficients m_coefficients;
    bool m_finished = false;
};

std::unique_ptr<BandWeights> FusionModelImpl::bandWeights(int frames, int widthPx, int heightPx, int channels, const FuseOptions& options) const
{
    if (frames < 1 || widthPx < 1 || heightPx < 1) throw Error("learned weights need at least one non-empty frame");
    return std::make_unique<BandWeightsImpl>(*this, frames, widthPx, heightPx, channels, options);
}

} // namespace

std::unique_ptr<FusionModel> createFusionModel(const FusionNetConfig& config, std::uint64_t seed)
{
    at::manual_seed(seed);
    return std::make_unique<FusionModelImpl>(detail::FusionNet(config), std::map<std::string, std::string>{});
}

std::unique_ptr<FusionModel> loadFusionModel(const std::string& path)
{
    detail::LoadedModel m = detail::loadModelFile(path);
    return std::make_unique<FusionModelImpl>(m.net, std::move(m.metadata));
}

namespace detail {
/// For the Trainer: a FusionModel owning a copy of `net`'s current weights.
std::unique_ptr<FusionModel> snapshotModel(FusionNetImpl& net, std::map<std::string, std::string> metadata)
{
    FusionNet copy(net.config());
    {
        at::NoGradGuard noGrad;
        const auto src = net.namedParams();
        const auto dst = copy->namedParams();
        for (std::size_t i = 0; i < src.size(); ++i) dst[i].second.copy_(src[i].second.to(at::kCPU));
    }
    return std::make_unique<FusionModelImpl>(copy, std::move(metadata));
}

/// For attribution: the network inside a FusionModel made by this library.
FusionNetImpl& networkOf(const FusionModel& model)
{
    const auto* impl = dynamic_cast<const FusionModelImpl*>(&model);
    if (!impl) throw Error("this fusion model was not made by fuselab_learn (no network to explain)");
    return impl->network();
}
} // namespace detail

} // namespace fuselab::learn
