// Attribution on the learned fusion model (SPEC §6, §7): why did the network fuse it that way?
// Torch-free; the computing functions live in fuselab_learn (reach them through LearnLibrary's
// entry table, or link fuselab_learn directly).
//
// Common principles (every function below):
//  - Inputs are the model's inputs: K images of one size (1 or 3 channels, values in [0,1]),
//    each with its Modality (exposures of a stack, or F/E/EF). A 1-channel input is repeated
//    to RGB, as the network sees it.
//  - The model outputs an image, so every method explains one number, the *target*
//    (AttributionTarget): the mean of the fused output (all channels, its luminance or one
//    channel) over the whole image, one pixel, a rectangle or a weighted mask; the MEF-SSIM of
//    the output against the (unchanged) stack; or one training-loss term. Quantities that
//    compare the output with the inputs (MEF-SSIM, L1) compare it with the original inputs
//    however the method perturbs them, so the attribution explains the output alone.
//  - Attributions are per input: maps[k] is a 1-channel float map of input k at the input's
//    resolution. For gradient methods maps[k] = Σ_channels of the raw per-channel attribution
//    (kept in channelMaps), so sums are preserved (IG's completeness holds on the maps).
//  - Long work takes a ProgressSink (report 0..1, cancellation by fuselab::Cancelled) and runs
//    batched: items (IG steps, SmoothGrad samples, occlusion windows, curve points) go through
//    the model in batches sized so batch × per-item memory stays within a budget (a quarter of
//    available memory, 256 MiB..1 GiB, unless ComputeOptions says otherwise).
//  - On the CPU, the "split" engine runs the network in LibTorch at its low resolution and the
//    full-resolution weights and pyramid blend in plain C++ with hand-written adjoints (about 40×
//    faster than LibTorch's autograd through the full-resolution pyramid, measured); on CUDA
//    everything runs in LibTorch. Both give the same numbers to float precision (tested).
//  - Errors: fuselab::Error with a one-line problem (bad sizes, an unknown layer, a target
//    outside the image, a missing user baseline).
// Thread safety: the functions are re-entrant; a FusionModel may be shared between threads.
#pragma once

#include "fuselab/base/image.hpp"
#include "fuselab/learn/device.hpp"
#include "fuselab/learn/fusion_model.hpp"
#include "fuselab/learn/modality.hpp"
#include "fuselab/base/param_binding.hpp"
#include "fuselab/base/params.hpp"
#include "fuselab/base/progress.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace fuselab::learn {

// ---------------------------------------------------------------------------------- targets

enum class TargetQuantity {
    MeanRgb,   ///< mean over the region of all three output channels
    Luminance, ///< mean of the output's luminance (MATLAB rgb2gray weights, as every grey in learn)
    Red,
    Green,
    Blue,
    MefSsim,   ///< single-scale MEF-SSIM of the output against the stack (mean of the quality map over the region)
    LossTerm,  ///< one unweighted term of the training objective (whole image)
};
enum class TargetRegion { WholeImage, Pixel, Rectangle, Mask };
/// Training-objective terms (SPEC §5) available as targets. The MI term is not: its estimator
/// heads are trained with the network but not stored in model files.
enum class LossTermKind {
    L1,               ///< Σ_k λ_k mean|pred − input_k| with training_params.hpp's λ (exposures: 1/K each)
    SpatialFrequency, ///< L_SF in the training default form 1 − SF(pred)
    MefSsimLoss,      ///< 1 − MEF-SSIM(pred), window stride 2 as in training
};

struct AttributionTarget {
    TargetQuantity quantity = TargetQuantity::MeanRgb;
    TargetRegion region = TargetRegion::WholeImage;
    PixelRect rect{0, 0, 16, 16}; ///< Pixel: (x, y), width = height = 1; Rectangle: the region, input pixels (default a 16 px patch)
    Image mask;      ///< Mask: 1 channel, the inputs' size, weights ≥ 0 (a brush stroke), not all 0
    LossTermKind lossTerm = LossTermKind::L1;

    static AttributionTarget wholeImage(TargetQuantity quantity = TargetQuantity::MeanRgb);
    static AttributionTarget pixel(int x, int y, TargetQuantity quantity = TargetQuantity::MeanRgb);
    static AttributionTarget rectangle(const PixelRect& rect, TargetQuantity quantity = TargetQuantity::MeanRgb);
    static AttributionTarget masked(Image mask, TargetQuantity quantity = TargetQuantity::MeanRgb);
    static AttributionTarget loss(LossTermKind term);

    /// "mean luminance over 10,20 64x48", "MEF-SSIM over the whole image", "loss term l1".
    std::string describe() const;
    /// Throws fuselab::Error when the region leaves a widthPx × heightPx image, the mask has
    /// another size or no positive weight, or a loss term is combined with a region.
    void validate(int widthPx, int heightPx) const;
};

std::string_view toString(TargetQuantity quantity); ///< "rgb", "luminance", "red", "green", "blue", "mef-ssim", "loss"
std::string_view toString(LossTermKind term);       ///< "l1", "sf", "mef-ssim"
/// Parses the CLI form: rgb | mean | luminance | red | green | blue | mef-ssim | loss:l1 | loss:sf |
/// loss:mef-ssim | pixel:X,Y (mean of that pixel) | mask:FILE is handled by the CLI. Throws fuselab::Error.
AttributionTarget parseAttributionTarget(std::string_view text);

/// Target controls for operators and panels: target (quantity), region (whole|pixel|rectangle),
/// x, y, width, height, loss_term.
std::vector<ParamSpec> attributionTargetParamSpecs();
/// Reads the values of attributionTargetParamSpecs() (masks are not expressible there).
AttributionTarget attributionTargetFromValues(const ParamValues& values);
/// The binding of those specs to AttributionTarget's members, whose defaults they are.
const ParamBinding<AttributionTarget>& attributionTargetParamBinding();

// ---------------------------------------------------------------------------------- methods

enum class AttributionMethod {
    Saliency,            ///< ∂target/∂x (Simonyan et al. 2014), signed
    GradientTimesInput,  ///< x ⊙ ∂target/∂x (Shrikumar et al. 2016)
    IntegratedGradients, ///< (x − x′) ⊙ ∫₀¹ ∂target/∂x(x′ + α(x − x′)) dα (Sundararajan et al. 2017)
    GuidedBackprop,      ///< gradient through rectifiers that pass only positive input and gradient (Springenberg et al. 2015)
    GradCam,             ///< ReLU(Σ_k w_k A_k), w_k = spatial mean of ∂target/∂A_k (Selvaraju et al. 2017)
    GradCamPlusPlus,     ///< w_k = Σ α ReLU(g), α = g²/(2g² + ΣA·g³ + 1e-6) (Chattopadhay et al. 2018)
    SmoothGrad,          ///< mean (or mean square) of a gradient method over noisy copies (Smilkov et al. 2017)
    VarGrad,             ///< variance of a gradient method over noisy copies (Adebayo et al. 2018)
    Occlusion,           ///< target change when a window of one input is replaced (Zeiler & Fergus 2014)
    Random,              ///< uniform noise: the baseline of evaluation curves, not an explanation
};

/// Command-line ids: saliency, gradxinput, ig, guided, gradcam, gradcampp, smoothgrad, vargrad, occlusion, random.
std::string_view toString(AttributionMethod method);
/// Accepts the ids above; throws fuselab::Error listing them.
AttributionMethod parseAttributionMethod(std::string_view text);
std::string_view displayName(AttributionMethod method); ///< "Integrated Gradients"
/// Every explaining method, in menu order (Random excluded).
std::vector<AttributionMethod> attributionMethods();
/// True when the method's maps carry a sign (Grad-CAM, squared SmoothGrad and VarGrad are ≥ 0).
bool producesSignedMaps(AttributionMethod method, const ParamValues& values);

/// How Integrated Gradients integrates along its path.
enum class IntegrationRule { GaussLegendre, RiemannLeft, RiemannRight, RiemannMiddle, RiemannTrapezoid };
/// Where Integrated Gradients' path starts.
enum class AttributionBaseline { Black, Blurred, User };

/// A method's settings: the values of attributionParamSpecs, declared once — each spec is bound
/// to its member here (param_binding.hpp), so these members hold the defaults. A method reads
/// only its own (the others keep their defaults).
struct AttributionMethodSettings {
    int steps = 50;                                         ///< ig: path evaluations (SPEC §6)
    IntegrationRule rule = IntegrationRule::GaussLegendre;  ///< ig: quadrature (Captum's default)
    AttributionBaseline baseline = AttributionBaseline::Black; ///< ig: the path's start
    double baselineBlur = 0.05;            ///< ig, blurred baseline: σ as a fraction of the long side
    AttributionMethod base = AttributionMethod::Saliency; ///< smoothgrad / vargrad: the wrapped method
    int samples = 25;                      ///< smoothgrad / vargrad: noisy copies (SPEC §6)
    double noiseFraction = 0.15;           ///< smoothgrad / vargrad: σ as a fraction of each input's max − min
    bool squared = false;                  ///< smoothgrad: mean of squares
    std::int64_t seed = 1;                 ///< smoothgrad / vargrad / random: the noise's seed
    std::string layer;                     ///< gradcam / gradcampp: the feature layer (its default is the model's, defaultAttributionLayer)
    int windowPx = 15;                     ///< occlusion: the patch's side (SPEC §6)
    int stridePx = 15;                     ///< occlusion: between patches
    double fillValue = 0.0;                ///< occlusion: what the patch holds, in [0,1]
};

/// The Grad-CAM layer a model's attribution uses by default: the decoder's last feature layer
/// (decoder.refine) where the model has it, else its last layer.
std::string defaultAttributionLayer(const std::vector<std::string>& layers);
/// The binding of `method`'s parameters to AttributionMethodSettings, or null for a method
/// without any (saliency, gradxinput, guided) or whose one parameter is the model's layer
/// (gradcam, gradcampp: its choices and default are the model's).
const ParamBinding<AttributionMethodSettings>* attributionMethodBinding(AttributionMethod method);
/// The settings in `values` for `method` (validated against attributionParamSpecs(method, layers);
/// throws fuselab::Error naming a bad parameter).
AttributionMethodSettings attributionMethodSettings(AttributionMethod method, const ParamValues& values,
                                                    const std::vector<std::string>& layers = {});

/// The method's own parameters (ids stable for sessions and --param):
///   ig: steps, rule (gauss_legendre | riemann_left | riemann_right | riemann_middle | riemann_trapezoid),
///       baseline (black | blurred | user), baseline_blur (σ as a fraction of the long side);
///   smoothgrad / vargrad: base (saliency | gradxinput | guided | ig), samples, noise (σ as a
///       fraction of each input's max − min), squared (smoothgrad), seed, and ig's parameters for base ig;
///   gradcam / gradcampp: layer, a choice among `layers` (the model's; empty = those of an
///       exposure network), default the decoder's last feature layer;
///   occlusion: window, stride (px), value (what the window is filled with, in [0,1]);
///   random: seed. Saliency, gradxinput and guided have none.
std::vector<ParamSpec> attributionParamSpecs(AttributionMethod method, const std::vector<std::string>& layers = {});
/// The layers of a network with these modalities, as FusionModel::layerNames() lists them.
std::vector<std::string> fusionLayerNames(const std::vector<Modality>& modalities = {Modality::Exposure});

enum class AttributionEngine {
    Auto,     ///< split on the CPU, autograd on CUDA
    Split,    ///< CPU only: network in LibTorch at low resolution, full resolution in C++
    Autograd, ///< LibTorch autograd through the whole fusion (the reference; slow at full resolution on a CPU)
};

struct ComputeOptions {
    DeviceChoice device = DeviceChoice::Auto;
    AttributionEngine engine = AttributionEngine::Auto;
    std::size_t memoryBudgetBytes = 0; ///< 0 = a quarter of available memory (256 MiB..1 GiB)
};

struct AttributionRequest {
    AttributionMethod method = AttributionMethod::IntegratedGradients;
    ParamValues values; ///< overrides of attributionParamSpecs(method, model layers); the rest default
    AttributionTarget target;
    std::vector<Image> baselineImages; ///< IG baseline=user: one per input, inputs' size
    ComputeOptions compute;
};

struct AttributionResult {
    AttributionMethod method = AttributionMethod::IntegratedGradients;
    std::string target;               ///< AttributionTarget::describe()
    std::vector<Image> maps;          ///< one per input: 1 channel, input resolution
    std::vector<Image> channelMaps;   ///< raw per-channel (3-channel) attribution where the method has one, else empty
    bool isSigned = true;             ///< maps may be negative (show signed or absolute)
    double targetValue = 0.0;         ///< target at the inputs
    double baselineValue = std::numeric_limits<double>::quiet_NaN();   ///< IG: target at the baseline
    double completenessGap = std::numeric_limits<double>::quiet_NaN(); ///< IG: |Σ maps − (f(x) − f(x′))| / |f(x) − f(x′)|
    double attributionSum = 0.0;      ///< Σ over every map
    std::string layer;                ///< Grad-CAM(++): the layer used
    std::string device;               ///< "cpu", "cuda:0"
    std::string engine;               ///< "split", "autograd"
    int batchSize = 0;                ///< items per batched pass
    int passes = 0;                   ///< batched passes through the model
    int items = 0;                    ///< model evaluations in all
    double seconds = 0.0;
    std::vector<std::string> notes;
};

/// Throws fuselab::Error (mismatched inputs, bad target, unknown layer) or fuselab::Cancelled.
AttributionResult attribute(const FusionModel& model, const std::vector<Image>& inputs, const std::vector<Modality>& modalities,
                            const AttributionRequest& request, ProgressSink& progress);

// ---------------------------------------------------------------------------- sanity checks

struct RandomisationStep {
    std::string layer;         ///< the layer re-initialised at this step (every layer above it is too)
    double rankCorrelation;    ///< Spearman ρ between the original maps and this step's (all inputs together)
    double rankCorrelationAbs; ///< the same on |maps|
};

struct ModelRandomisationResult {
    AttributionMethod method = AttributionMethod::IntegratedGradients;
    std::vector<RandomisationStep> steps; ///< from the output layer down to the first
    std::vector<Image> originalMaps;
    std::vector<std::vector<Image>> randomisedMaps; ///< per step (only with keepMaps)
    double seconds = 0.0;
};

struct SanityOptions {
    std::uint64_t seed = 7; ///< draws the re-initialised weights (PyTorch's default conv init)
    bool keepMaps = false;
};

/// Model-parameter randomisation test (Adebayo et al. 2018), cascading: re-initialise the
/// network's layers from the output down, one more at each step, and compare each step's maps
/// with the original ones. Methods that depend on the model drop towards ρ = 0.
ModelRandomisationResult modelRandomisationCheck(const FusionModel& model, const std::vector<Image>& inputs,
                                                 const std::vector<Modality>& modalities, const AttributionRequest& request,
                                                 const SanityOptions& options, ProgressSink& progress);

struct DataRandomisationOptions {
    int sizePx = 48;          ///< synthetic training stacks, sizePx × sizePx
    int exposures = 3;
    int featureChannels = 4;  ///< the tiny network's width
    int trainSteps = 150;     ///< Adam steps for each of the two networks
    int batch = 4;
    std::uint64_t seed = 1;
};

struct DataRandomisationResult {
    AttributionMethod method = AttributionMethod::IntegratedGradients;
    double rankCorrelation = 0.0;    ///< Spearman ρ between the two networks' maps on a held-out stack
    double rankCorrelationAbs = 0.0;
    double trueLabelLoss = 0.0;      ///< final L1 of the network trained on the true targets
    double randomLabelLoss = 0.0;    ///< final L1 of the network trained on permuted targets
    std::vector<Image> trueLabelMaps, randomLabelMaps, heldOutInputs;
    double seconds = 0.0;
};

/// Data-randomisation test on a tiny network: two copies of one initialisation are trained
/// to reproduce Mertens fusions of synthetic stacks, one with the true target of each stack,
/// one with the targets of other stacks (labels permuted); the request's method then explains
/// both on a held-out stack. A method that explains the data gives different maps (low ρ).
/// request.target must be a linear quantity (whole image / region means).
DataRandomisationResult dataRandomisationCheck(const AttributionRequest& request, const DataRandomisationOptions& options,
                                               ProgressSink& progress);

// --------------------------------------------------------------------------- evaluation curves

/// A point of a curve as it is computed, for live charts: curve is "deletion", "insertion",
/// "sic" or "aic"; index/count in computation order; x, y as in the final curve (PIC: x the
/// normalised information, y the normalised score kept monotone in threshold order; the final
/// curve keeps it monotone in order of information, which may differ where a larger threshold
/// compresses smaller). Called on the computing thread.
struct CurvePointUpdate {
    std::string curve;
    int index = 0, count = 0;
    double x = 0.0, y = 0.0;
    int mapSet = 0; ///< attributionCurvesForEach: which map set the point belongs to (0 for one set)
};
using CurveCallback = std::function<void(const CurvePointUpdate&)>;

/// Scoring of partial inputs (deletion, insertion, PIC):
///   Target (the default): the explained target itself, f(partial), normalised so that the
///     curve's starting point scores 0 and the full inputs score 1 — (f − f_start)/(f_full −
///     f_start), with f_start the fully deleted inputs (deletion), the blurred canvas (insertion)
///     or the random start (PIC). Not clipped (a partial input may overshoot); PIC clips its SIC.
///     A blur or PIC's interpolation keeps a region's mean, so for mean targets (rgb, luminance,
///     a channel; any region) insertion starts from the deleted inputs and PIC fills the pixels
///     it does not keep with the deletion value instead (both then start near f = 0). Still
///     refused (fuselab::Error) when |f_full − f_start| is below 1 % of |f_full| (a region that
///     is black in the full output).
///   Ssim: SSIM (Wang et al. 2004: Gaussian 11, σ 1.5, K1 0.01, K2 0.03 on 8-bit grey codes) of the
///     fused output from the partial inputs against the fused output from the full inputs,
///     averaged over the target's region (window centres weighted by it; the whole image for
///     quality and loss targets), with RISE's and PIC's own starts — how the curves' papers score
///     images, which judges the whole output rather than what was explained.
enum class CurveScore { Target, Ssim };
struct CurveOptions {
    bool rankByMagnitude = true; ///< order (input, pixel) pairs by |attribution| (false: signed value)
    CurveScore score = CurveScore::Target;
    double deletionValue = 0.0;  ///< removed pixels become this, in [0,1] (black): deletion, and mean targets' starts
    ComputeOptions compute;
};

struct DeletionInsertionOptions : CurveOptions {
    int steps = 20;                   ///< curve points 0, 1/steps, …, 1 of the (input, pixel) pairs
    double insertionBlurFraction = 0.025; ///< insertion canvas: Gaussian blur, σ as a fraction of the long side (RISE: σ 5 at 224 px)
};

struct Curve {
    std::vector<double> x, y;
    double auc = 0.0; ///< trapezoids over x in [0,1]
};

struct DeletionInsertionResult {
    Curve deletion;  ///< lower is better: the score falls fast when the important pixels go first
    Curve insertion; ///< higher is better
    double seconds = 0.0;
};

/// RISE deletion and insertion curves (Petsiuk et al. 2018) for attribution maps (one per input,
/// e.g. AttributionResult::maps; any maps of the inputs' size). Pixels are (input, pixel) pairs
/// ranked over all inputs together.
DeletionInsertionResult deletionInsertionCurves(const FusionModel& model, const std::vector<Image>& inputs,
                                                const std::vector<Modality>& modalities, const std::vector<Image>& maps,
                                                const AttributionTarget& target, const DeletionInsertionOptions& options,
                                                ProgressSink& progress, const CurveCallback& onPoint);

/// The thresholds of SPEC §7 (fractions of the most important pixels).
std::vector<double> picThresholds();

struct PicOptions : CurveOptions {
    std::vector<double> thresholds = picThresholds();
    double randomFraction = 0.01; ///< pixels kept at random in every image (and the four corners)
    std::uint64_t seed = 1;       ///< draws them; use one seed for every method on an image
    double aicThreshold = 0.9;    ///< AIC's success: similarity ≥ τ
    int webpMethod = 4;           ///< libwebp effort 0..6 (the reference's PIL default is 4)
    /// libwebp's lossless quality (effort of the LZ77 search), 0..100. The reference saves with
    /// quality 100; 75 encodes 3–5× faster (0.8–1.2 s → 0.26 s for an 800×600 scene) with sizes 0.7–1.4 %
    /// larger; SIC/AIC medians move by up to 0.03 but rank the methods alike (README "Evaluation curves").
    int webpQuality = 75;
    int curvePoints = 1000;       ///< interpolation points on [0,1) (then 1.0)
    bool keepMonotone = true;
};

/// One PIC curve of one image.
struct PicCurve {
    std::vector<double> thresholds;  ///< as given
    std::vector<double> information; ///< normalised, clipped to [0,1], per threshold
    std::vector<double> score;       ///< normalised, clipped, per threshold; with keepMonotone the running max in order of information
    std::vector<double> curveX, curveY; ///< curvePoints + 1 points, x = 0 … 1
    double auc = 0.0;
    bool skipped = false;            ///< the image cannot be scored (skipReason says why; no curve)
    std::string skipReason;
};

struct PicResult {
    PicCurve sic, aic;
    double originalBytes = 0.0, startBytes = 0.0; ///< lossless WebP bytes of the inputs (summed over inputs)
    double startSimilarity = 0.0;                 ///< the score of the random-1 % start
    std::vector<double> similarity;               ///< raw score per threshold
    double seconds = 0.0;
};

/// Performance Information Curves (Kapishnikov et al. 2019, SPEC §7): information is measured
/// by the byte size of each input losslessly compressed with WebP (Debian's libwebp), the
/// score is the similarity above; SIC uses it directly, AIC uses [similarity ≥ τ]. Images whose
/// start is already as informative or as good as the original are skipped (as the reference).
/// Throws fuselab::Error when libwebp is missing from this build.
PicResult picCurves(const FusionModel& model, const std::vector<Image>& inputs, const std::vector<Modality>& modalities,
                    const std::vector<Image>& maps, const AttributionTarget& target, const PicOptions& options,
                    ProgressSink& progress, const CurveCallback& onPoint);

// ------------------------------------------------------------- one call per panel action
//
// What an attribution panel (or any other front end) needs, each a single call with progress
// and cancellation, through LearnLibrary::get() (the entry table) so the program never links
// LibTorch:
//   maps:    LearnLibrary::get().attribute(model, inputs, modalities, request, progress)
//            → AttributionResult::maps (one float 1-channel signed Image per input, the inputs'
//            size), completenessGap (IG), isSigned, targetValue;
//   curves:  LearnLibrary::get().attributionCurves(model, inputs, modalities, maps, target,
//            options, progress, onPoint) → deletion/insertion and SIC/AIC (x, y) + AUCs,
//            onPoint streaming every point as it is computed (for a live chart);
//   layers:  model.layerNames() (the Grad-CAM layer choice; attributionParamSpecs(method, layers));
//   params:  attributionParamSpecs(method, layers), attributionTargetParamSpecs(),
//            attributionCurveParamSpecs(): ParamSpec tables with tooltips and SPEC defaults, and
//            their readers (MethodSettings are read by attribute itself from request.values,
//            attributionTargetFromValues, attributionCurvesOptionsFromValues).

struct AttributionCurvesOptions {
    bool withDeletionInsertion = true;
    bool withPic = true;
    DeletionInsertionOptions deletionInsertion;
    PicOptions pic;
    ComputeOptions compute; ///< used for both (overrides the compute fields of the two option sets)
};

struct AttributionCurves {
    Curve deletion, insertion; ///< x: fraction of (input, pixel) pairs deleted/inserted, y: similarity; empty when not asked
    Curve sic, aic;            ///< x: normalised information, y: normalised score, the interpolated curves; empty when skipped or not asked
    PicResult pic;             ///< per-threshold information, scores, skip reasons, start similarity
    double seconds = 0.0;
};

/// Deletion/insertion and PIC curves of one set of maps in one call (the fusion engine is
/// prepared once for both). Progress: deletion/insertion take the first 40 % when both run.
AttributionCurves attributionCurves(const FusionModel& model, const std::vector<Image>& inputs, const std::vector<Modality>& modalities,
                                    const std::vector<Image>& maps, const AttributionTarget& target,
                                    const AttributionCurvesOptions& options, ProgressSink& progress, const CurveCallback& onPoint);

/// The same for several map sets of one scene (e.g. one per attribution method): the fused
/// reference, the curves' starts and ends, PIC's random start and the originals' sizes are
/// computed once for all, so every method is scored against the same start. One result per set,
/// in order; `seconds` is each set's share. onPoint tells the set by CurvePointUpdate::mapSet.
std::vector<AttributionCurves> attributionCurvesForEach(const FusionModel& model, const std::vector<Image>& inputs,
                                                        const std::vector<Modality>& modalities,
                                                        const std::vector<std::vector<Image>>& mapSets, const AttributionTarget& target,
                                                        const AttributionCurvesOptions& options, ProgressSink& progress,
                                                        const CurveCallback& onPoint);

/// The curves' settings as parameters (ids stable for sessions and --param): curve_score,
/// deletion_value (all curves), curve_steps, insertion_blur (deletion/insertion), random_fraction,
/// seed, aic_threshold, webp_method, webp_quality (PIC). Defaults are SPEC §7's and RISE's, but
/// the target score and WebP quality 75 (see CurveOptions, PicOptions), read from those structs:
/// the binding holds the one declaration.
const ParamBinding<AttributionCurvesOptions>& attributionCurveParamBinding();
/// attributionCurveParamBinding()'s specs.
std::vector<ParamSpec> attributionCurveParamSpecs();
/// Reads the values of attributionCurveParamSpecs() (missing ids keep their defaults).
AttributionCurvesOptions attributionCurvesOptionsFromValues(const ParamValues& values);

/// The curve of one image from its per-threshold normalised information and score (SPEC §7:
/// clip, running max, add (0,0) and (1,1), interpolate linearly on `points` points of [0,1)
/// plus 1.0, trapezoid AUC). Torch-free.
PicCurve assemblePicCurve(const std::vector<double>& thresholds, const std::vector<double>& information,
                          const std::vector<double>& score, bool keepMonotone = true, int points = 1000);

struct PicAggregate {
    std::vector<double> curveX, curveY; ///< pointwise median of the images' curves
    double auc = 0.0;
    int images = 0;                     ///< curves aggregated (skipped ones are left out)
};
/// Median over images (SPEC §7); throws fuselab::Error when the curves' x differ or none is usable.
PicAggregate aggregatePicCurves(const std::vector<PicCurve>& curves);

/// Area under (x, y) by trapezoids.
double trapezoidAuc(const std::vector<double>& x, const std::vector<double>& y);
/// Spearman's rank correlation (average ranks for ties); 0 when either side is constant.
double spearmanRankCorrelation(const std::vector<float>& a, const std::vector<float>& b);

} // namespace fuselab::learn
