// The parameters of training: every weight of the objective (SPEC §5, each with the SPEC value
// as its default) and the optimiser/data settings, as operator-style ParamSpecs so the GUI
// makes sliders and the CLI --param options from the same table. Torch-free.
//
// The objective (see README "Learned fusion"):
//   L = weight_l1 · L_L1 + weight_sf · L_SF + weight_mi · L_MI + weight_mef_ssim · (1 − MEF-SSIM)
//       + weight_truth · mean|pred − truth|   (simulated frame/event data only; 0 = SPEC §5 exactly)
//   L_L1 = Σ_inputs λ_modality(input) · mean|pred − input|   (exposures: λ_exposure / K each)
//   L_SF = SF(pred) or 1 − SF(pred)                          (sf_form)
//   L_MI = Σ_pairs w_pair · MI(features_a, features_b)       (exposures: mean over all exposure pairs)
//   Frame/event inputs (SPEC §5): L_L1 = l1_frame·|pred − F| + l1_eframe·|pred − EF| + l1_event·|pred − E|
//   (10, 1e-4, 1e-2) and L_MI = mi_pair_frame_event·MI(F,E) + mi_pair_frame_eframe·MI(F,EF)
//   + mi_pair_event_eframe·MI(E,EF) (1, 0.1, 0.1).
// Changing any value through Trainer::setValues takes effect at the next step, except `seed`
// and `steps` (fixed when training starts; steps may be raised to train further).
#pragma once

#include "fuselab/learn/modality.hpp"
#include "fuselab/base/param_binding.hpp"
#include "fuselab/base/params.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fuselab::learn {

enum class SfForm { Sf, OneMinusSf };
enum class MiDirection { Minimise, Maximise };
struct TrainingSettings;

/// The training parameters bound to TrainingSettings (whose members hold the defaults).
const ParamBinding<TrainingSettings>& trainingParamBinding();
/// trainingParamBinding()'s specs.
std::vector<ParamSpec> trainingParamSpecs();

/// The values of trainingParamSpecs(), typed; its member initialisers are the parameters'
/// defaults (the specs take theirs from here). Build with fromValues (validates via the specs).
struct TrainingSettings {
    // objective
    double weightL1 = 10.0, weightSf = 1e-2, weightMi = 1e-3, weightMefSsim = 1.0, weightTruth = 0.0;
    double l1Exposure = 1e-2, l1Frame = 10.0, l1EFrame = 1e-4, l1Event = 1e-2;
    SfForm sfForm = SfForm::OneMinusSf;
    MiDirection miDirection = MiDirection::Minimise;
    double miPairExposure = 1.0, miPairFrameEvent = 1.0, miPairFrameEFrame = 0.1, miPairEventEFrame = 0.1;
    int miLatent = 5;
    int mefWindowStride = 2;
    bool mefMultiScale = false;
    // optimiser and data
    double learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999;
    int batch = 8, patchPx = 160, lowResMinPx = 24, lowResMaxPx = 80;
    std::int64_t steps = 2000, seed = 1;
    int validateEvery = 100, checkpointEvery = 200;
    double nanLearningRateFactor = 0.5;

    /// Resolves `overrides` against trainingParamSpecs() (defaults + validation) and reads them.
    static TrainingSettings fromValues(const ParamValues& overrides);
};

/// Ids of the per-step log terms, in print order. "total" is the weighted sum the optimiser
/// minimises; "l1", "sf", "mi", "mef_ssim_loss" are the unweighted terms L_L1, L_SF, L_MI and
/// 1 − MEF-SSIM; "mef_ssim" is the training batch's MEF-SSIM itself; "sf_value" the raw SF.
std::vector<std::string> stepLogTermIds();
/// The terms logged for a network of these modalities: the ids above, then for frame/event
/// networks each present modality's mean|pred − input| before its λ ("l1_frame_mae",
/// "l1_event_mae", "l1_eframe_mae"), each present MI pair unweighted ("mi_frame_event",
/// "mi_frame_eframe", "mi_event_eframe") and "truth_l1", mean|pred − truth| (NaN without a truth).
std::vector<std::string> stepLogTermIds(const std::vector<Modality>& modalities);

} // namespace fuselab::learn
