// Training a fusion network: Adam on the objective of training_params.hpp, with the MI heads'
// weights in the same optimiser, data from a TrainingSource, validation on held-out synthetic
// stacks, checkpoints that resume the same loss curve, and optional distributed data parallel
// training (c10d: Gloo on the CPU, NCCL on CUDA; ranks from RANK/WORLD_SIZE/MASTER_ADDR/
// MASTER_PORT or Slurm's SLURM_PROCID/SLURM_NTASKS).
//
// Threads: a Trainer is used from one thread at a time; setValues may be called between steps
// from that thread (the GUI queues changes and applies them before the next step).
#pragma once

#include "fuselab/learn/device.hpp"
#include "fuselab/learn/fusion_model.hpp"
#include "fuselab/learn/network_config.hpp"
#include "fuselab/learn/training_data.hpp"
#include "fuselab/base/params.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace fuselab::learn {

struct TrainerConfig {
    FusionNetConfig net;                 ///< ignored when resuming (the checkpoint's is used) or fine-tuning
    /// Fine-tuning: start from this model file's weights and network configuration (the shipped
    /// model for "fine-tune on this stack"); `net` is then ignored. Empty = fresh weights from the seed.
    std::string initialModelPath;
    DeviceChoice device = DeviceChoice::Auto;
    int threads = 0;                     ///< CPU intra-op threads for LibTorch; 0 = all cores (set explicitly)
    int validationStacks = 6;            ///< held-out synthetic stacks scored by validate()
    int validationWidthPx = 256;         ///< (frame/event networks: square samples of this side)
    int validationExposures = 4;
    std::uint64_t validationSeed = 7;    ///< fixed, so scores compare across runs of any training seed
    /// When not empty, the held-out stacks validate() scores instead of the synthetic ones (e.g.
    /// makeRealValidationStacks of real HDR maps the training never sees).
    std::vector<TrainingStack> validationSet;
    bool distributed = false;            ///< join the process group described by the environment
};

struct StepLog {
    std::int64_t step = 0;           ///< 1-based number of the step this line describes
    std::vector<std::pair<std::string, double>> terms; ///< stepLogTermIds(network modalities) order; averaged over ranks
    double learningRate = 0.0;       ///< the rate used for this step
    double seconds = 0.0;            ///< wall time of the step
    int exposures = 0;               ///< inputs per stack in this batch
    int lowResPx = 0;                ///< network resolution (long side) in this step
    bool skipped = false;            ///< non-finite loss or gradient: no update was applied
    std::string note;                ///< what happened when skipped
    double term(const std::string& id) const; ///< NaN when absent
};

struct ValidationLog {
    std::int64_t step = 0;
    double mefSsim = 0.0;        ///< mean single-scale MEF-SSIM of the network's fusions (SPEC §4)
    double mefSsimMertens = 0.0; ///< the same stacks fused with Mertens's weights in the same pyramid (LibTorch re-implementation)
    int stacks = 0;
    /// Frame/event networks (F, E, EF) are validated on held-out simulated samples against their
    /// true radiance instead (frame_event.hpp psnrMuAgainstTruth, mean over samples, dB); the
    /// MEF-SSIM fields are then 0.
    bool frameEvent = false;
    double psnrMu = 0.0;       ///< the network's fusion
    double psnrMuFrame = 0.0;  ///< F alone
    double psnrMuEFrame = 0.0; ///< EF alone
};

struct TrainerStatus {
    std::string device;           ///< "cpu", "cuda:0"
    int threads = 1;              ///< LibTorch intra-op threads in use
    int rank = 0, worldSize = 1;
    std::string backend;          ///< "none", "gloo", "nccl"
    std::int64_t networkParameters = 0;
    std::int64_t miHeadParameters = 0;
    std::int64_t optimisedParameters = 0; ///< what Adam updates: network + MI heads
    std::string networkDigest, miHeadDigest; ///< FNV-1a of the current weights (hex)
};

class Trainer {
public:
    virtual ~Trainer() = default;
    /// Resolves against trainingParamSpecs() and validates; applies from the next step.
    /// Throws fuselab::Error on an unknown id or a value out of range.
    virtual void setValues(const ParamValues& overrides) = 0;
    virtual ParamValues values() const = 0;
    /// One optimiser step on one batch. Never throws for a non-finite loss: the step is skipped,
    /// the last good state restored, the learning rate lowered, and the log says so.
    virtual StepLog step() = 0;
    /// Scores the held-out validation stacks (no gradients).
    virtual ValidationLog validate() = 0;
    virtual std::int64_t completedSteps() const = 0;
    virtual const std::vector<StepLog>& history() const = 0;
    virtual TrainerStatus status() const = 0;
    /// Model + MI heads + optimiser + step + learning-rate scale + values + history, written
    /// atomically (temporary file, fsync, rename). The RNG state is the step number: every random
    /// draw (data, network resolution, MI noise) is a pure function of (seed, step, rank), so a
    /// resumed run, on any rank, draws exactly what the uninterrupted one would have.
    virtual void saveCheckpoint(const std::string& path) const = 0;
    /// The network alone (weights + config + metadata): a small file for FusionModel.
    virtual void exportModel(const std::string& path, const std::map<std::string, std::string>& metadata) const = 0;
    virtual std::unique_ptr<FusionModel> model() const = 0;
};

std::unique_ptr<Trainer> createTrainer(const TrainerConfig& config, std::shared_ptr<const TrainingSource> source,
                                       const ParamValues& overrides);
/// Continues from a checkpoint: the next step() is the one after the saved step and, given
/// the same source, repeats exactly what the uninterrupted run would have done.
std::unique_ptr<Trainer> resumeTrainer(const std::string& checkpointPath, const TrainerConfig& config,
                                       std::shared_ptr<const TrainingSource> source);

} // namespace fuselab::learn
