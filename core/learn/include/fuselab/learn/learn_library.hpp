// Lazy loading of fuselab_learn (and with it LibTorch) behind a small C-ABI entry point.
//
// Why: linking LibTorch into a program costs about half a second at every start (measured:
// an empty program went from 0.6 ms to 489 ms on the 2-core build machine), so `fuselab-cli
// --version` or `fuse --method mertens` would pay it for nothing. Programs link only the
// torch-free fuselab_learn_api; the first call that needs a network dlopen()s libfuselab_learn
// and reads one table of function pointers through the unmangled symbol
// `fuselab_learn_entry_points`, checked against kLearnAbiVersion. The table's functions are the
// same ones a program that links fuselab_learn directly would call.
#pragma once

#include "fuselab/base/image.hpp"
#include "fuselab/learn/attribution.hpp"
#include "fuselab/learn/backend.hpp"
#include "fuselab/learn/distributed.hpp"
#include "fuselab/learn/evaluation.hpp"
#include "fuselab/learn/fusion_model.hpp"
#include "fuselab/learn/trainer.hpp"

#include <memory>
#include <string>

namespace fuselab::learn {

/// Bumped whenever LearnEntryPoints or a type it passes changes layout.
inline constexpr int kLearnAbiVersion = 5; // 5: FusionModel::bandWeights; 4: attributionCurvesForEach, CurveOptions::deletionValue

struct LearnEntryPoints {
    int abiVersion = 0;
    BackendInfo (*backendInfo)() = nullptr;
    void (*configureThreads)(int threads) = nullptr;
    std::unique_ptr<FusionModel> (*loadModel)(const std::string& path) = nullptr;
    std::unique_ptr<FusionModel> (*createModel)(const FusionNetConfig& config, std::uint64_t seed) = nullptr;
    std::unique_ptr<Trainer> (*createTrainer)(const TrainerConfig&, std::shared_ptr<const TrainingSource>,
                                              const ParamValues&) = nullptr;
    std::unique_ptr<Trainer> (*resumeTrainer)(const std::string& checkpointPath, const TrainerConfig&,
                                              std::shared_ptr<const TrainingSource>) = nullptr;
    MefSsimScore (*mefSsim)(const std::vector<Image>& inputs, const Image& fused) = nullptr;
    DistributedBackends (*distributedBackends)() = nullptr;
    // --- attribution (issue 9, ABI 2): attribution.hpp; one contiguous block ---
    AttributionResult (*attribute)(const FusionModel&, const std::vector<Image>& inputs, const std::vector<Modality>&,
                                   const AttributionRequest&, ProgressSink&) = nullptr;
    ModelRandomisationResult (*modelRandomisationCheck)(const FusionModel&, const std::vector<Image>& inputs,
                                                        const std::vector<Modality>&, const AttributionRequest&,
                                                        const SanityOptions&, ProgressSink&) = nullptr;
    DataRandomisationResult (*dataRandomisationCheck)(const AttributionRequest&, const DataRandomisationOptions&,
                                                      ProgressSink&) = nullptr;
    DeletionInsertionResult (*deletionInsertionCurves)(const FusionModel&, const std::vector<Image>& inputs,
                                                       const std::vector<Modality>&, const std::vector<Image>& maps,
                                                       const AttributionTarget&, const DeletionInsertionOptions&, ProgressSink&,
                                                       const CurveCallback&) = nullptr;
    PicResult (*picCurves)(const FusionModel&, const std::vector<Image>& inputs, const std::vector<Modality>&,
                           const std::vector<Image>& maps, const AttributionTarget&, const PicOptions&, ProgressSink&,
                           const CurveCallback&) = nullptr;
    AttributionCurves (*attributionCurves)(const FusionModel&, const std::vector<Image>& inputs, const std::vector<Modality>&,
                                           const std::vector<Image>& maps, const AttributionTarget&, const AttributionCurvesOptions&,
                                           ProgressSink&, const CurveCallback&) = nullptr;
    std::vector<AttributionCurves> (*attributionCurvesForEach)(const FusionModel&, const std::vector<Image>& inputs,
                                                               const std::vector<Modality>&, const std::vector<std::vector<Image>>& mapSets,
                                                               const AttributionTarget&, const AttributionCurvesOptions&, ProgressSink&,
                                                               const CurveCallback&) = nullptr;
    // --- end attribution ---
};

class LearnLibrary {
public:
    /// Loads libfuselab_learn on the first call (thread-safe) and returns its entry points.
    /// Search: $FUSELAB_LEARN_LIBRARY, then the folder holding libfuselab_learn_api (build tree
    /// and installed lib/fuselab alike), then the dynamic linker's own search.
    /// Throws fuselab::Error(path, problem) when it cannot be loaded (e.g. built without torch).
    static const LearnEntryPoints& get();
    /// True when get() would succeed (loads the library to find out).
    static bool available();
};

} // namespace fuselab::learn

extern "C" {
/// Exported by libfuselab_learn: the entry table, or null when abiVersion differs from the library's.
const fuselab::learn::LearnEntryPoints* fuselab_learn_entry_points(int abiVersion);
}
