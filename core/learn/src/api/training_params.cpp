// The training parameter table (SPEC §5 defaults) and its typed reading.
#include "fuselab/learn/training_params.hpp"

#include "fuselab/base/error.hpp"

#include <algorithm>

namespace fuselab::learn {
namespace {

constexpr const char* kSpec5 = "SPEC §5 (the MI-regularised objective)";

ParamSpec weight(const std::string& id, const std::string& label, double def, double max, double softMax,
                 const std::string& tooltip, const std::string& reference = kSpec5)
{
    return ParamSpec::number(id, label, 0.0, max, def).withSoftRange(0.0, softMax).withTooltip(tooltip).withReference(reference);
}

} // namespace

std::vector<ParamSpec> trainingParamSpecs()
{
    return {
        // Term weights of L = w_l1·L_L1 + w_sf·L_SF + w_mi·L_MI + w_mef·(1 − MEF-SSIM).
        weight("weight_l1", "L1 weight", 10.0, 1000.0, 100.0,
               "w_l1: weight of the L1 term (mean absolute difference between the fused image and each input, "
               "weighted per modality). SPEC §5 default 10."),
        weight("weight_sf", "Spatial frequency weight", 1e-2, 10.0, 0.1,
               "w_sf: weight of the spatial-frequency term (see sf_form). SPEC §5 default 1e-2."),
        weight("weight_mi", "MI weight", 1e-3, 10.0, 0.01,
               "w_mi: weight of the mutual-information regulariser between the encoders' features of input pairs. "
               "SPEC §5 default 1e-3; 0 switches the MI heads off."),
        weight("weight_mef_ssim", "MEF-SSIM weight", 1.0, 100.0, 10.0,
               "Weight of 1 − MEF-SSIM(fused, inputs), the unsupervised quality term for exposure stacks (applies "
               "when every input is an exposure). FuseLab's default 1: the term that teaches exposure fusion.",
               "Ma, Zeng & Wang 2015; Ma et al., MEF-Net 2019 (trained on it)"),
        weight("weight_truth", "Truth L1 weight", 0.0, 1000.0, 100.0,
               "Weight of mean|fused − truth| against the simulator's true radiance (frame/event data from "
               "--data synthetic-events, in the inputs' tone domain). Not part of SPEC §5, whose objective is "
               "unsupervised: 0 (the default) trains exactly SPEC §5's objective; > 0 adds supervision.",
               "FuseLab (README, Frame/event learned fusion)"),
        ParamSpec::choice("mef_ssim_form", "MEF-SSIM form", {{"single", "Single scale"}, {"multi", "Multi-scale (3 levels)"}}, "single")
            .withTooltip("Single scale is SPEC §4's definition; multi-scale multiplies it over 3 levels (2×2 mean + "
                         "decimate) with weights 0.0448, 0.2856, 0.3001, as MEF-MS-SSIM (patches under 44 px use single).")
            .withReference("SPEC §4; Ma, Zeng & Wang 2015"),
        ParamSpec::integer("mef_ssim_stride", "MEF-SSIM window stride", 1, 4, 2)
            .withUnit("px")
            .withTooltip("The training term scores every n-th 11×11 window in each direction (an unbiased estimate of "
                         "the mean that still covers every pixel many times); 1 = every window, as the metric. "
                         "FuseLab's default 2 makes the term about 3× cheaper."),
        // Per-input L1 weights (λ), by modality.
        weight("l1_exposure", "L1 λ exposures", 1e-2, 100.0, 0.1,
               "λ for exposure inputs, shared by all exposures and divided by their number K, so each of the K "
               "inputs pulls the fused image towards itself by λ/K: a luminance anchor (MEF-SSIM ignores luminance) "
               "that is symmetric in the exposures. FuseLab's default 0.01 keeps it a tie-breaker.",
               "FuseLab (README, Learned fusion: what L1 compares for exposure stacks)"),
        weight("l1_frame", "L1 λ frame (F)", 10.0, 1000.0, 100.0, "λ_F of |pred − F|₁. SPEC §5 default 10."),
        weight("l1_eframe", "L1 λ eframe (EF)", 1e-4, 10.0, 1e-2, "λ_EF of |pred − EF|₁. SPEC §5 default 1e-4."),
        weight("l1_event", "L1 λ events (E)", 1e-2, 10.0, 0.1, "λ_E of |pred − E|₁. SPEC §5 default 1e-2."),
        ParamSpec::choice("sf_form", "Spatial frequency form",
                          {{"one_minus_sf", "1 − SF (reward sharpness)"}, {"sf", "SF (reward smoothness)"}}, "one_minus_sf")
            .withTooltip("L_SF = 1 − SF(pred) rewards sharpness (default: what photographers want from a fusion that can "
                         "only blend its inputs' detail); L_SF = SF(pred), SPEC §5's literal form, rewards blur.")
            .withReference(kSpec5),
        ParamSpec::choice("mi_direction", "MI direction",
                          {{"minimise", "Minimise (push modalities apart)"}, {"maximise", "Maximise (pull together)"}},
                          "minimise")
            .withTooltip("Minimise adds L_MI as written in SPEC §5 (its −KL terms push the two latent distributions "
                         "apart: redundancy reduction); maximise subtracts it.")
            .withReference(kSpec5),
        weight("mi_pair_exposure", "MI pair weight: exposures", 1.0, 10.0, 2.0,
               "Weight of MI between exposure pairs (mean over all pairs, darker exposure as X). FuseLab's default 1, "
               "as SPEC §5's main pair."),
        weight("mi_pair_frame_event", "MI pair weight: F–E", 1.0, 10.0, 2.0, "Weight of MI(F, E). SPEC §5 default 1."),
        weight("mi_pair_frame_eframe", "MI pair weight: F–EF", 0.1, 10.0, 1.0, "Weight of MI(F, EF). SPEC §5 default 0.1."),
        weight("mi_pair_event_eframe", "MI pair weight: E–EF", 0.1, 10.0, 1.0, "Weight of MI(E, EF). SPEC §5 default 0.1."),
        ParamSpec::integer("mi_latent", "MI latent size", 4, 6, 5)
            .withTooltip("Size of the MI heads' latent vectors (μ, log σ²). SPEC §5: 4–6. Fixed when training starts.")
            .withReference(kSpec5),
        // Optimiser.
        ParamSpec::number("learning_rate", "Learning rate", 1e-6, 0.1, 1e-3)
            .withLogScale().withSoftRange(1e-5, 1e-2)
            .withTooltip("Adam's step size. 1e-3 is Adam's published default (Kingma & Ba 2015).")
            .withReference("Kingma & Ba 2015"),
        ParamSpec::number("beta1", "Adam β1", 0.0, 0.999, 0.9).withStep(0.01)
            .withTooltip("Decay of Adam's first-moment average. Default 0.9 (Kingma & Ba 2015).")
            .withReference("Kingma & Ba 2015"),
        ParamSpec::number("beta2", "Adam β2", 0.0, 0.99999, 0.999).withStep(0.0001)
            .withTooltip("Decay of Adam's second-moment average. Default 0.999 (Kingma & Ba 2015).")
            .withReference("Kingma & Ba 2015"),
        ParamSpec::number("nan_lr_factor", "Learning-rate cut on NaN", 0.01, 1.0, 0.5).withStep(0.05)
            .withTooltip("When a step's loss or gradient is not finite the step is skipped, the last good state is "
                         "restored and the learning rate is multiplied by this. FuseLab's default 0.5."),
        // Data.
        ParamSpec::integer("batch", "Batch size", 1, 256, 8).withSoftRange(1, 32)
            .withTooltip("Stacks per step (per process under distributed training). FuseLab's default 8 fits 2 CPU cores."),
        ParamSpec::integer("patch_px", "Patch size", 32, 1024, 160).withUnit("px").withSoftRange(64, 512)
            .withTooltip("Side of the square full-resolution training crops; the losses are computed on them. "
                         "FuseLab's default 160 px fits 2 CPU cores."),
        ParamSpec::integer("low_res_min_px", "Network resolution, min", 16, 1024, 24).withUnit("px").withSoftRange(16, 256)
            .withTooltip("Each step draws the network's input resolution (long side) in [min, max] so it learns "
                         "every ratio between its resolution and the image's, as at inference on large photographs."),
        ParamSpec::integer("low_res_max_px", "Network resolution, max", 16, 1024, 80).withUnit("px").withSoftRange(16, 256)
            .withTooltip("Upper end of the drawn network resolution (clipped to the patch size)."),
        ParamSpec::integer("steps", "Steps", 1, 100000000, 2000).withSoftRange(1, 20000)
            .withTooltip("Training stops when this many steps are done (raise it to train further)."),
        ParamSpec::integer("seed", "Seed", 0, 1000000000, 1)
            .withTooltip("Seeds the initial weights, the data and the MI noise: the same seed and settings reproduce "
                         "a run. Fixed when training starts."),
        ParamSpec::integer("validate_every", "Validate every", 0, 1000000, 100).withUnit("steps").withSoftRange(0, 1000)
            .withTooltip("MEF-SSIM on held-out synthetic stacks every this many steps (0 = only at the end)."),
        ParamSpec::integer("checkpoint_every", "Checkpoint every", 0, 1000000, 200).withUnit("steps").withSoftRange(0, 2000)
            .withTooltip("Writes the checkpoint every this many steps (0 = only at the end or when stopped)."),
    };
}

TrainingSettings TrainingSettings::fromValues(const ParamValues& overrides)
{
    const ParamValues v = resolveParamValues(trainingParamSpecs(), overrides);
    TrainingSettings s;
    s.weightL1 = v.number("weight_l1");
    s.weightSf = v.number("weight_sf");
    s.weightMi = v.number("weight_mi");
    s.weightMefSsim = v.number("weight_mef_ssim");
    s.weightTruth = v.number("weight_truth");
    s.l1Exposure = v.number("l1_exposure");
    s.l1Frame = v.number("l1_frame");
    s.l1EFrame = v.number("l1_eframe");
    s.l1Event = v.number("l1_event");
    s.sfForm = v.choice("sf_form") == "sf" ? SfForm::Sf : SfForm::OneMinusSf;
    s.miDirection = v.choice("mi_direction") == "maximise" ? MiDirection::Maximise : MiDirection::Minimise;
    s.miPairExposure = v.number("mi_pair_exposure");
    s.miPairFrameEvent = v.number("mi_pair_frame_event");
    s.miPairFrameEFrame = v.number("mi_pair_frame_eframe");
    s.miPairEventEFrame = v.number("mi_pair_event_eframe");
    s.miLatent = int(v.integer("mi_latent"));
    s.mefWindowStride = int(v.integer("mef_ssim_stride"));
    s.mefMultiScale = v.choice("mef_ssim_form") == "multi";
    s.learningRate = v.number("learning_rate");
    s.beta1 = v.number("beta1");
    s.beta2 = v.number("beta2");
    s.nanLearningRateFactor = v.number("nan_lr_factor");
    s.batch = int(v.integer("batch"));
    s.patchPx = int(v.integer("patch_px"));
    s.lowResMinPx = int(v.integer("low_res_min_px"));
    s.lowResMaxPx = int(v.integer("low_res_max_px"));
    if (s.lowResMinPx > s.lowResMaxPx) throw Error("low_res_min_px must not exceed low_res_max_px");
    s.steps = v.integer("steps");
    s.seed = v.integer("seed");
    s.validateEvery = int(v.integer("validate_every"));
    s.checkpointEvery = int(v.integer("checkpoint_every"));
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
