// FusionModel: inference with a fusion network. On the CPU with a caller's blend, LibTorch
// only runs at the low resolution (downsample, network, guided-filter coefficients); the
// full-resolution weights and the pyramid blend are torch-free. Elsewhere (GPU, or no blend
// given) the whole fusion runs as tensors on the device, the same code that training runs.
#include "fuselab/learn/fusion_model.hpp"

#include "../full_res_weights.hpp"
#include "archive_io.hpp"
#include "fuselab/error.hpp"
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
        const FusionNetConfig& cfg = m_net->config();
        const int longSide = options.lowResLongSidePx > 0 ? options.lowResLongSidePx : cfg.lowResLongSidePx;
        const auto [lowH, lowW] = detail::lowResSize(h, w, longSide);
        const int autoLevels = autoPyramidLevels(w, h, 2);
        const int levels = options.pyramidLevels > 0 ? std::min(options.pyramidLevels, autoPyramidLevels(w, h, 1)) : autoLevels;

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
            std::vector<at::Tensor> lows;
            for (const Image& im : images) lows.push_back(detail::imageToTensor(detail::areaDownsample(im, lowW, lowH), 3, device));
            const at::Tensor low = at::stack(lows).unsqueeze(0); // [1,K,3,h,w]
            const detail::NetOutput out = net.forwardLow(low, modalities);
            const detail::GuidedCoefficients gc =
                detail::guidedCoefficients(detail::greyOf(low), out.weights, cfg.guidedRadiusPx, cfg.guidedEpsilon);
            const at::Tensor a = gc.meanA.to(at::kFloat).contiguous(), b = gc.meanB.to(at::kFloat).contiguous();
            result.networkMs = msSince(t0);
            progress.report(0.2, "weights");
            progress.checkCancelled();
            t0 = Clock::now();
            detail::DetailTerm term;
            if (cfg.detailTerm) {
                term.enabled = true;
                term.exponent = net.detailExponent().item<float>();
                term.floor = net.detailFloor().item<float>();
            }
            std::vector<Image> weights =
                detail::fullResWeightsCpu(images, a.data_ptr<float>(), b.data_ptr<float>(), lowH, lowW, term);
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
