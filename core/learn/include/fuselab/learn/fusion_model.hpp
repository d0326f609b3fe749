// A trained (or freshly initialised) fusion network behind a torch-free interface.
//
// Ownership and threads: a FusionModel owns its weights; fuse() is const and may be called
// from several threads at once (inference holds no mutable state). Objects come from
// loadFusionModel / createFusionModel (direct linking) or from LearnLibrary (loaded on first
// use, so programs that never fuse with a network never pay LibTorch's start-up).
#pragma once

#include "fuselab/base/exposure.hpp"
#include "fuselab/base/image.hpp"
#include "fuselab/learn/device.hpp"
#include "fuselab/learn/network_config.hpp"
#include "fuselab/base/progress.hpp"
#include "fuselab/weight_source.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace fuselab::learn {

/// A torch-free Laplacian-pyramid blend: Σ_k collapse(L{images_k} · G{weights_k}) with `levels`
/// levels; weights are 1-channel, normalised per pixel. fuselab::pyramidBlend (fuselab_core)
/// has exactly this signature and the pyramid the network was trained with.
using PyramidBlendFn =
    std::function<Image(const std::vector<Image>& images, const std::vector<Image>& weights, int levels)>;

struct FuseOptions {
    DeviceChoice device = DeviceChoice::Auto;
    int lowResLongSidePx = 0; ///< 0 = the model's own; else 32..2048
    int pyramidLevels = 0;    ///< 0 = as many as fit (coarsest level ≥ 2 px, as Mertens)
    /// On the CPU, when set, full-resolution weights are computed without LibTorch and the blend
    /// is this function (the split that meets the 12 MP / 3 s target: torch only at low
    /// resolution). Unset, or on a GPU, everything runs in LibTorch on the device.
    PyramidBlendFn blend;
    bool keepWeightMaps = false; ///< also return the full-resolution weight maps
};

struct FuseResult {
    Image fused;                   ///< RGB (or 1 channel for 1-channel inputs), display-referred, not clipped
    std::vector<Image> weightMaps; ///< only with keepWeightMaps; in input order, 1 channel, Σ = 1 per pixel
    std::string device;            ///< "cpu", "cuda:0", …
    int lowResWidthPx = 0, lowResHeightPx = 0, pyramidLevels = 0;
    double networkMs = 0.0; ///< low-resolution network (including downsampling)
    double weightsMs = 0.0; ///< full-resolution weight maps
    double blendMs = 0.0;   ///< pyramid blend (and transfers)
};

struct ModelInfo {
    FusionNetConfig config;
    std::int64_t parameterCount = 0;
    std::string parameterDigest; ///< FNV-1a 64 of every parameter's float32 bytes, in layer order (hex)
    double detailExponent = 0.0; ///< learned β of the detail term (0 without it)
    double detailFloor = 0.0;    ///< learned ε of the detail term
    std::map<std::string, std::string> metadata; ///< free text saved with the model: training command, seed, steps, scores
};

/// The learned fusion's weights a band at a time (fuselab::WeightSource, on the CPU): the
/// network's low-resolution input gathered from the rows, the network once, then full-resolution
/// weight rows from the frames' own rows — row for row the weights fuse() blends with a blend
/// function on the CPU.
using BandWeights = fuselab::WeightSource;

class FusionModel {
public:
    virtual ~FusionModel() = default;
    virtual ModelInfo info() const = 0;
    /// Layers whose outputs are feature maps, for attribution and the MI heads:
    /// "encoder.<modality>.conv1" … "conv4", "decoder.mix", "decoder.context", "decoder.refine",
    /// "decoder.logits" (per-input logits before the softmax).
    virtual std::vector<std::string> layerNames() const = 0;
    /// Fuses inputs (one modality each, all the same size, 1 or 3 channels, values in [0,1]).
    /// Throws fuselab::Error on mismatched inputs, a modality without an encoder, or an
    /// unavailable device; fuselab::Cancelled when progress asks.
    virtual FuseResult fuse(const std::vector<Image>& inputs, const std::vector<Modality>& modalities,
                            const FuseOptions& options, ProgressSink& progress) const = 0;
    /// Every frame as an Exposure input (8/16-bit frames are normalised to [0,1]; alpha is dropped).
    virtual FuseResult fuse(const ExposureStack& stack, const FuseOptions& options, ProgressSink& progress) const = 0;
    /// Writes the model (weights + config + metadata) atomically; throws fuselab::Error(path, …).
    virtual void save(const std::string& path) const = 0;
    /// Weights for `frames` exposure frames of widthPx × heightPx, `channels` each, a band at a
    /// time (BandWeights); options' low-resolution size and levels as in fuse(); always the CPU.
    virtual std::unique_ptr<BandWeights> bandWeights(int frames, int widthPx, int heightPx, int channels, const FuseOptions& options) const = 0;
};

/// A fresh network with deterministic initial weights.
std::unique_ptr<FusionModel> createFusionModel(const FusionNetConfig& config, std::uint64_t seed);
/// Throws fuselab::Error(path, problem) when the file is missing, not a FuseLab model, or from a newer version.
std::unique_ptr<FusionModel> loadFusionModel(const std::string& path);

} // namespace fuselab::learn
