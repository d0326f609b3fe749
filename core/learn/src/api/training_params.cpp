// The training parameter table (SPEC §5 defaults) and its typed reading.
#include "fuselab/learn/training_params.hpp"

#include "fuselab/base/error.hpp"

#include <algorithm>

namespace fuselab::learn {
namespace {

constexpr const char* kSpec5 = "SPEC §5 (the MI-regularised objective)";

// A non-negative weight of the objective, bound to its TrainingSettings member.
void bindWeight(ParamBinding<TrainingSettings>& b, const std::string& id, const std::string& label, double TrainingSettings::*member,
                double max, double softMax, const std::string& tooltip, const std::string& reference = kSpec5)
{
    b.number(id, label, 0.0, max, member).withSoftRange(0.0, softMax).withTooltip(tooltip).withReference(reference);
}

} // namespace

const ParamBinding<TrainingSettings>& trainingParamBinding()
{
    // The defaults are TrainingSettings's own (training_params.hpp): declared once, there.
    static const ParamBinding<TrainingSettings> binding = [] {
        ParamBinding<TrainingSettings> b;
        // Term weights of L = w_l1·L_L1 + w_sf·L_SF + w_mi·L_MI + w_mef·(1 − MEF-SSIM).
        bindWeight(b, "weight_l1", "L1 weight", &TrainingSettings::weightL1, 1000.0, 100.0,
                   "w_l1: weight of the L1 term (mean absolute difference between the fused image and each input, "
                   "weighted per modality). SPEC §5 default 10.");
        bindWeight(b, "weight_sf", "Spatial frequency weight", &TrainingSettings::weightSf, 10.0, 0.1,
                   "w_sf: weight of the spatial-frequency term (see sf_form). SPEC §5 default 1e-2.");
        bindWeight(b, "weight_mi", "MI weight", &TrainingSettings::weightMi, 10.0, 0.01,
                   "w_mi: weight of the mutual-information regulariser between the encoders' features of input pairs. "
                   "SPEC §5 default 1e-3; 0 switches the MI heads off.");
        bindWeight(b, "weight_mef_ssim", "MEF-SSIM weight", &TrainingSettings::weightMefSsim, 100.0, 10.0,
                   "Weight of 1 − MEF-SSIM(fused, inputs), the unsupervised quality term for exposure stacks (applies "
                   "when every input is an exposure). FuseLab's default 1: the term that teaches exposure fusion.",
                   "Ma, Zeng & Wang 2015; Ma et al., MEF-Net 2019 (trained on it)");
        bindWeight(b, "weight_truth", "Truth L1 weight", &TrainingSettings::weightTruth, 1000.0, 100.0,
                   "Weight of mean|fused − truth| against the simulator's true radiance (frame/event data from "
                   "--data synthetic-events, in the inputs' tone domain). Not part of SPEC §5, whose objective is "
                   "unsupervised: 0 (the default) trains exactly SPEC §5's objective; > 0 adds supervision.",
                   "FuseLab (README, Frame/event learned fusion)");
        b.choice("mef_ssim_form", "MEF-SSIM form",
                 std::vector<std::pair<bool, ParamChoice>>{{false, {"single", "Single scale"}}, {true, {"multi", "Multi-scale (3 levels)"}}},
                 &TrainingSettings::mefMultiScale)
            .withTooltip("Single scale is SPEC §4's definition; multi-scale multiplies it over 3 levels (2×2 mean + "
                         "decimate) with weights 0.0448, 0.2856, 0.3001, as MEF-MS-SSIM (patches under 44 px use single).")
            .withReference("SPEC §4; Ma, Zeng & Wang 2015");
        b.integer("mef_ssim_stride", "MEF-SSIM window stride", 1, 4, &TrainingSettings::mefWindowStride)
            .withUnit("px")
            .withTooltip("The training term scores every n-th 11×11 window in each direction (an unbiased estimate of "
                         "the mean that still covers every pixel many times); 1 = every window, as the metric. "
                         "FuseLab's default 2 makes the term about 3× cheaper.");
        // Per-input L1 weights (λ), by modality.
        bindWeight(b, "l1_exposure", "L1 λ exposures", &TrainingSettings::l1Exposure, 100.0, 0.1,
                   "λ for exposure inputs, shared by all exposures and divided by their number K, so each of the K "
                   "inputs pulls the fused image towards itself by λ/K: a luminance anchor (MEF-SSIM ignores luminance) "
                   "that is symmetric in the exposures. FuseLab's default 0.01 keeps it a tie-breaker.",
                   "FuseLab (README, Learned fusion: what L1 compares for exposure stacks)");
        bindWeight(b, "l1_frame", "L1 λ frame (F)", &TrainingSettings::l1Frame, 1000.0, 100.0,
                   "λ_F of |pred − F|₁. SPEC §5 default 10.");
        bindWeight(b, "l1_eframe", "L1 λ eframe (EF)", &TrainingSettings::l1EFrame, 10.0, 1e-2,
                   "λ_EF of |pred − EF|₁. SPEC §5 default 1e-4.");
        bindWeight(b, "l1_event", "L1 λ events (E)", &TrainingSettings::l1Event, 10.0, 0.1,
                   "λ_E of |pred − E|₁. SPEC §5 default 1e-2.");
        b.choice("sf_form", "Spatial frequency form",
                 std::vector<std::pair<SfForm, ParamChoice>>{{SfForm::OneMinusSf, {"one_minus_sf", "1 − SF (reward sharpness)"}},
                                                             {SfForm::Sf, {"sf", "SF (reward smoothness)"}}},
                 &TrainingSettings::sfForm)
            .withTooltip("L_SF = 1 − SF(pred) rewards sharpness (default: what photographers want from a fusion that can "
                         "only blend its inputs' detail); L_SF = SF(pred), SPEC §5's literal form, rewards blur.")
            .withReference(kSpec5);
        b.choice("mi_direction", "MI direction",
                 std::vector<std::pair<MiDirection, ParamChoice>>{{MiDirection::Minimise, {"minimise", "Minimise (push modalities apart)"}},
                                                                  {MiDirection::Maximise, {"maximise", "Maximise (pull together)"}}},
                 &TrainingSettings::miDirection)
            .withTooltip("Minimise adds L_MI as written in SPEC §5 (its −KL terms push the two latent distributions "
                         "apart: redundancy reduction); maximise subtracts it.")
            .withReference(kSpec5);
        bindWeight(b, "mi_pair_exposure", "MI pair weight: exposures", &TrainingSettings::miPairExposure, 10.0, 2.0,
                   "Weight of MI between exposure pairs (mean over all pairs, darker exposure as X). FuseLab's default 1, "
                   "as SPEC §5's main pair.");
        bindWeight(b, "mi_pair_frame_event", "MI pair weight: F–E", &TrainingSettings::miPairFrameEvent, 10.0, 2.0,
                   "Weight of MI(F, E). SPEC §5 default 1.");
        bindWeight(b, "mi_pair_frame_eframe", "MI pair weight: F–EF", &TrainingSettings::miPairFrameEFrame, 10.0, 1.0,
                   "Weight of MI(F, EF). SPEC §5 default 0.1.");
        bindWeight(b, "mi_pair_event_eframe", "MI pair weight: E–EF", &TrainingSettings::miPairEventEFrame, 10.0, 1.0,
                   "Weight of MI(E, EF). SPEC §5 default 0.1.");
        b.integer("mi_latent", "MI latent size", 4, 6, &TrainingSettings::miLatent)
            .withTooltip("Size of the MI heads' latent vectors (μ, log σ²). SPEC §5: 4–6. Fixed when training starts.")
            .withReference(kSpec5);
        // Optimiser.
        b.number("learning_rate", "Learning rate", 1e-6, 0.1, &TrainingSettings::learningRate)
            .withLogScale().withSoftRange(1e-5, 1e-2)
            .withTooltip("Adam's step size. 1e-3 is Adam's published default (Kingma & Ba 2015).")
            .withReference("Kingma & Ba 2015");
        b.number("beta1", "Adam β1", 0.0, 0.999, &TrainingSettings::beta1).withStep(0.01)
            .withTooltip("Decay of Adam's first-moment average. Default 0.9 (Kingma & Ba 2015).")
            .withReference("Kingma & Ba 2015");
        b.number("beta2", "Adam β2", 0.0, 0.99999, &TrainingSettings::beta2).withStep(0.0001)
            .withTooltip("Decay of Adam's second-moment average. Default 0.999 (Kingma & Ba 2015).")
            .withReference("Kingma & Ba 2015");
        b.number("nan_lr_factor", "Learning-rate cut on NaN", 0.01, 1.0, &TrainingSettings::nanLearningRateFactor).withStep(0.05)
            .withTooltip("When a step's loss or gradient is not finite the step is skipped, the last good state is "
                         "restored and the learning rate is multiplied by this. FuseLab's default 0.5.");
        // Data.
        b.integer("batch", "Batch size", 1, 256, &TrainingSettings::batch).withSoftRange(1, 32)
            .withTooltip("Stacks per step (per process under distributed training). FuseLab's default 8 fits 2 CPU cores.");
        b.integer("patch_px", "Patch size", 32, 1024, &TrainingSettings::patchPx).withUnit("px").withSoftRange(64, 512)
            .withTooltip("Side of the square full-resolution training crops; the losses are computed on them. "
                         "FuseLab's default 160 px fits 2 CPU cores.");
        b.integer("low_res_min_px", "Network resolution, min", 16, 1024, &TrainingSettings::lowResMinPx).withUnit("px").withSoftRange(16, 256)
            .withTooltip("Each step draws the network's input resolution (long side) in [min, max] so it learns "
                         "every ratio between its resolution and the image's, as at inference on large photographs.");
        b.integer("low_res_max_px", "Network resolution, max", 16, 1024, &TrainingSettings::lowResMaxPx).withUnit("px").withSoftRange(16, 256)
            .withTooltip("Upper end of the drawn network resolution (clipped to the patch size).");
        b.integer("steps", "Steps", 1, 100000000, &TrainingSettings::steps).withSoftRange(1, 20000)
            .withTooltip("Training stops when this many steps are done (raise it to train further).");
        b.integer("seed", "Seed", 0, 1000000000, &TrainingSettings::seed)
            .withTooltip("Seeds the initial weights, the data and the MI noise: the same seed and settings reproduce "
                         "a run. Fixed when training starts.");
        b.integer("validate_every", "Validate every", 0, 1000000, &TrainingSettings::validateEvery).withUnit("steps").withSoftRange(0, 1000)
            .withTooltip("MEF-SSIM on held-out synthetic stacks every this many steps (0 = only at the end).");
        b.integer("checkpoint_every", "Checkpoint every", 0, 1000000, &TrainingSettings::checkpointEvery).withUnit("steps").withSoftRange(0, 2000)
            .withTooltip("Writes the checkpoint every this many steps (0 = only at the end or when stopped).");
        return b;
    }();
    return binding;
}

std::vector<ParamSpec> trainingParamSpecs()
{
    return trainingParamBinding().specs();
}

TrainingSettings TrainingSettings::fromValues(const ParamValues& overrides)
{
    resolveParamValues(trainingParamSpecs(), overrides); // names an id that is no training parameter
    const TrainingSettings s = trainingParamBinding().read(overrides);
    if (s.lowResMinPx > s.lowResMaxPx) throw Error("low_res_min_px must not exceed low_res_max_px");
    return s;
}

std::vector<std::string> stepLogTermIds()
{
    return {"total", "l1", "sf", "mi", "mef_ssim_loss", "mef_ssim", "sf_value"};
}

std::vector<std::string> stepLogTermIds(const std::vector<Modality>& modalities)
{
    std::vector<std::string> ids = stepLogTermIds();
    auto has = [&](Modality m) { return std::find(modalities.begin(), modalities.end(), m) != modalities.end(); };
    const Modality frameEvent[] = {Modality::Frame, Modality::Event, Modality::EFrame};
    bool any = false;
    for (Modality m : frameEvent)
        if (has(m)) {
            ids.push_back("l1_" + std::string(toString(m)) + "_mae");
            any = true;
        }
    const std::pair<Modality, Modality> pairs[] = {
        {Modality::Frame, Modality::Event}, {Modality::Frame, Modality::EFrame}, {Modality::Event, Modality::EFrame}};
    for (const auto& [a, b] : pairs)
        if (has(a) && has(b)) ids.push_back("mi_" + std::string(toString(a)) + "_" + std::string(toString(b)));
    if (any) ids.push_back("truth_l1");
    return ids;
}

} // namespace fuselab::learn
