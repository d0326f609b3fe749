// The torch-free half of attribution.hpp: targets, method names and parameter specs, and the
// arithmetic of PIC curves and rank correlations.
#include "fuselab/learn/attribution.hpp"

#include "fuselab/base/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace fuselab::learn {
namespace {

struct MethodName {
    AttributionMethod method;
    const char* id;
    const char* display;
};

constexpr MethodName kMethods[] = {
    {AttributionMethod::Saliency, "saliency", "Saliency"},
    {AttributionMethod::GradientTimesInput, "gradxinput", "Gradient × Input"},
    {AttributionMethod::IntegratedGradients, "ig", "Integrated Gradients"},
    {AttributionMethod::GuidedBackprop, "guided", "Guided Backprop"},
    {AttributionMethod::GradCam, "gradcam", "Grad-CAM"},
    {AttributionMethod::GradCamPlusPlus, "gradcampp", "Grad-CAM++"},
    {AttributionMethod::SmoothGrad, "smoothgrad", "SmoothGrad"},
    {AttributionMethod::VarGrad, "vargrad", "VarGrad"},
    {AttributionMethod::Occlusion, "occlusion", "Occlusion"},
    {AttributionMethod::Random, "random", "Random (baseline)"},
};

std::string joinedMethodIds()
{
    std::string s;
    for (const MethodName& m : kMethods) s += (s.empty() ? "" : ", ") + std::string(m.id);
    return s;
}

using MethodBinding = ParamBinding<AttributionMethodSettings>;

// Integrated Gradients' parameters, enabled (in a noise tunnel) only when `enabledBy` holds.
void bindIntegratedGradients(MethodBinding& b, const std::string& enabledBy)
{
    const auto gated = [&enabledBy](ParamSpec& spec) -> ParamSpec& { return enabledBy.empty() ? spec : spec.enabledWhen(enabledBy); };
    gated(b.integer("steps", "Steps", 1, 512, &AttributionMethodSettings::steps)
        .withSoftRange(4, 200)
        .withTooltip("Evaluations along the path from the baseline to the input; SPEC §6 and Sundararajan et al. use 50. "
                     "Batched: 50 steps cost a few passes.")
        .withReference("Sundararajan, Taly, Yan, ICML 2017"));
    gated(b.choice<IntegrationRule>("rule", "Integration rule",
                              {{IntegrationRule::GaussLegendre, {"gauss_legendre", "Gauss–Legendre"}},
                               {IntegrationRule::RiemannLeft, {"riemann_left", "Riemann left"}},
                               {IntegrationRule::RiemannRight, {"riemann_right", "Riemann right"}},
                               {IntegrationRule::RiemannMiddle, {"riemann_middle", "Riemann middle"}},
                               {IntegrationRule::RiemannTrapezoid, {"riemann_trapezoid", "Riemann trapezoid"}}},
                              &AttributionMethodSettings::rule)
        .withTooltip("Quadrature of the path integral. Gauss–Legendre (Captum's default) is exact for polynomials of "
                     "degree 2·steps−1; the Riemann rules are the paper's sums."));
    gated(b.choice<AttributionBaseline>("baseline", "Baseline",
                                  {{AttributionBaseline::Black, {"black", "Black"}},
                                   {AttributionBaseline::Blurred, {"blurred", "Blurred input"}},
                                   {AttributionBaseline::User, {"user", "User images"}}},
                                  &AttributionMethodSettings::baseline)
        .withTooltip("Where the path starts: black (the paper's default), the input under a strong Gaussian blur (Sturmfels "
                     "et al. 2020), or one image per input given by the caller."));
    b.number("baseline_blur", "Baseline blur", 0.001, 0.5, &AttributionMethodSettings::baselineBlur)
        .withSoftRange(0.005, 0.2)
        .withStep(0.005)
        .withTooltip("σ of the blurred baseline as a fraction of the image's long side (0.05: 51 px on a 1024 px image).")
        .enabledWhen("baseline=blurred");
}

const MethodBinding& integratedGradientsBinding()
{
    static const MethodBinding binding = [] {
        MethodBinding b;
        bindIntegratedGradients(b, "");
        return b;
    }();
    return binding;
}

// SmoothGrad (with `squared`) or VarGrad: the wrapped method, its noise, and IG's parameters
// for a wrapped IG.
MethodBinding noiseTunnelBinding(bool smoothGrad)
{
    MethodBinding b;
    b.choice<AttributionMethod>("base", "Wrapped method",
                                {{AttributionMethod::Saliency, {"saliency", "Saliency"}},
                                 {AttributionMethod::GradientTimesInput, {"gradxinput", "Gradient × Input"}},
                                 {AttributionMethod::GuidedBackprop, {"guided", "Guided Backprop"}},
                                 {AttributionMethod::IntegratedGradients, {"ig", "Integrated Gradients"}}},
                                &AttributionMethodSettings::base)
        .withTooltip("The gradient method averaged over noisy copies of the inputs (SmoothGrad's paper wraps the plain "
                     "gradient).");
    b.integer("samples", "Samples", 1, 256, &AttributionMethodSettings::samples)
        .withSoftRange(2, 100)
        .withTooltip("Noisy copies; SPEC §6 and Smilkov et al. use 25. Batched: 25 samples cost a few passes.");
    b.number("noise", "Noise σ", 0.0, 1.0, &AttributionMethodSettings::noiseFraction)
        .withSoftRange(0.0, 0.5)
        .withStep(0.01)
        .withTooltip("Standard deviation of the Gaussian noise as a fraction of each input's range (max − min); 0.15 as SPEC §6 "
                     "and Smilkov et al. recommend (10–20 %).")
        .withReference("Smilkov et al., arXiv:1706.03825");
    if (smoothGrad)
        b.flag("squared", "Squared", &AttributionMethodSettings::squared)
            .withTooltip("Average the squared attributions (SmoothGrad²), which is never negative.");
    b.integer("seed", "Seed", 0, 2147483647, &AttributionMethodSettings::seed)
        .withSoftRange(0, 1000)
        .withTooltip("Seeds the noise (default 1: a fixed seed, so a run can be reproduced exactly).");
    bindIntegratedGradients(b, "base=ig");
    return b;
}

const MethodBinding& smoothGradBinding()
{
    static const MethodBinding binding = noiseTunnelBinding(true);
    return binding;
}

const MethodBinding& varGradBinding()
{
    static const MethodBinding binding = noiseTunnelBinding(false);
    return binding;
}

const MethodBinding& occlusionBinding()
{
    static const MethodBinding binding = [] {
        MethodBinding b;
        b.integer("window", "Window", 1, 255, &AttributionMethodSettings::windowPx).withUnit("px").withSoftRange(3, 64)
            .withTooltip("Side of the square patch replaced in one input at a time; SPEC §6: 15 px.");
        b.integer("stride", "Stride", 1, 255, &AttributionMethodSettings::stridePx).withUnit("px").withSoftRange(1, 64)
            .withTooltip("Step between patches. Equal to the window (the default) every pixel is covered once; smaller strides "
                         "average overlapping patches at a cost of (window/stride)² more evaluations.");
        b.number("value", "Fill value", 0.0, 1.0, &AttributionMethodSettings::fillValue).withStep(0.05)
            .withTooltip("What the patch is filled with, in [0,1] (0: black, as Zeiler & Fergus's grey square is black in "
                         "display codes).");
        return b;
    }();
    return binding;
}

const MethodBinding& randomBinding()
{
    static const MethodBinding binding = [] {
        MethodBinding b;
        b.integer("seed", "Seed", 0, 2147483647, &AttributionMethodSettings::seed).withSoftRange(0, 1000)
            .withTooltip("Seeds the uniform noise of this baseline map (default 1: a fixed seed, so every run draws the same map).");
        return b;
    }();
    return binding;
}

// Grad-CAM's one parameter: a choice among the model's layers, so its choices (and default) are
// the model's, not a constant of the settings struct.
ParamSpec layerSpec(const std::vector<std::string>& layersIn)
{
    const std::vector<std::string> layers = layersIn.empty() ? fusionLayerNames() : layersIn;
    std::vector<ParamChoice> choices;
    for (const std::string& l : layers) choices.push_back({l, l});
    return ParamSpec::choice("layer", "Layer", choices, defaultAttributionLayer(layers))
        .withTooltip("The feature maps A whose gradient-weighted sum is shown; the list comes from the model. The "
                     "default, the decoder's last feature layer, is per input and closest to the weights (Selvaraju "
                     "et al. take the last convolutional layer).");
}

} // namespace

// ---------------------------------------------------------------------------------- targets

AttributionTarget AttributionTarget::wholeImage(TargetQuantity quantity)
{
    AttributionTarget t;
    t.quantity = quantity;
    return t;
}

AttributionTarget AttributionTarget::pixel(int x, int y, TargetQuantity quantity)
{
    AttributionTarget t;
    t.quantity = quantity;
    t.region = TargetRegion::Pixel;
    t.rect = {x, y, 1, 1};
    return t;
}

AttributionTarget AttributionTarget::rectangle(const PixelRect& rect, TargetQuantity quantity)
{
    AttributionTarget t;
    t.quantity = quantity;
    t.region = TargetRegion::Rectangle;
    t.rect = rect;
    return t;
}

AttributionTarget AttributionTarget::masked(Image mask, TargetQuantity quantity)
{
    AttributionTarget t;
    t.quantity = quantity;
    t.region = TargetRegion::Mask;
    t.mask = std::move(mask);
    return t;
}

AttributionTarget AttributionTarget::loss(LossTermKind term)
{
    AttributionTarget t;
    t.quantity = TargetQuantity::LossTerm;
    t.lossTerm = term;
    return t;
}

std::string AttributionTarget::describe() const
{
    std::string what;
    switch (quantity) {
    case TargetQuantity::MeanRgb: what = "mean output"; break;
    case TargetQuantity::Luminance: what = "mean luminance"; break;
    case TargetQuantity::Red: what = "mean red"; break;
    case TargetQuantity::Green: what = "mean green"; break;
    case TargetQuantity::Blue: what = "mean blue"; break;
    case TargetQuantity::MefSsim: what = "MEF-SSIM"; break;
    case TargetQuantity::LossTerm: return "loss term " + std::string(toString(lossTerm));
    }
    switch (region) {
    case TargetRegion::WholeImage: return what + " over the whole image";
    case TargetRegion::Pixel: return what + " at pixel " + std::to_string(rect.x) + "," + std::to_string(rect.y);
    case TargetRegion::Rectangle:
        return what + " over " + std::to_string(rect.x) + "," + std::to_string(rect.y) + " " + std::to_string(rect.width) + "x" +
               std::to_string(rect.height);
    case TargetRegion::Mask: return what + " over a mask";
    }
    return what;
}

void AttributionTarget::validate(int widthPx, int heightPx) const
{
    if (quantity == TargetQuantity::LossTerm && region != TargetRegion::WholeImage)
        throw Error("loss-term targets cover the whole image (no region)");
    switch (region) {
    case TargetRegion::WholeImage: break;
    case TargetRegion::Pixel:
        if (rect.x < 0 || rect.y < 0 || rect.x >= widthPx || rect.y >= heightPx)
            throw Error("target pixel " + std::to_string(rect.x) + "," + std::to_string(rect.y) + " lies outside the " +
                        std::to_string(widthPx) + "x" + std::to_string(heightPx) + " image");
        break;
    case TargetRegion::Rectangle:
        if (rect.width < 1 || rect.height < 1 || rect.x < 0 || rect.y < 0 || rect.x + rect.width > widthPx ||
            rect.y + rect.height > heightPx)
            throw Error("target region " + std::to_string(rect.x) + "," + std::to_string(rect.y) + " " + std::to_string(rect.width) +
                        "x" + std::to_string(rect.height) + " does not lie inside the " + std::to_string(widthPx) + "x" +
                        std::to_string(heightPx) + " image");
        break;
    case TargetRegion::Mask: {
        if (mask.width() != widthPx || mask.height() != heightPx)
            throw Error("the target mask is " + std::to_string(mask.width()) + "x" + std::to_string(mask.height()) + ", the inputs " +
                        std::to_string(widthPx) + "x" + std::to_string(heightPx));
        bool positive = false;
        for (int y = 0; y < heightPx && !positive; ++y)
            for (int x = 0; x < widthPx && !positive; ++x) positive = mask.at(x, y, 0) > 0.0f;
        if (!positive) throw Error("the target mask has no positive weight");
        break;
    }
    }
}

std::string_view toString(TargetQuantity quantity)
{
    switch (quantity) {
    case TargetQuantity::MeanRgb: return "rgb";
    case TargetQuantity::Luminance: return "luminance";
    case TargetQuantity::Red: return "red";
    case TargetQuantity::Green: return "green";
    case TargetQuantity::Blue: return "blue";
    case TargetQuantity::MefSsim: return "mef-ssim";
    case TargetQuantity::LossTerm: return "loss";
    }
    return "rgb";
}

std::string_view toString(LossTermKind term)
{
    switch (term) {
    case LossTermKind::L1: return "l1";
    case LossTermKind::SpatialFrequency: return "sf";
    case LossTermKind::MefSsimLoss: return "mef-ssim";
    }
    return "l1";
}

AttributionTarget parseAttributionTarget(std::string_view text)
{
    const std::string t(text);
    if (t == "rgb" || t == "mean") return AttributionTarget::wholeImage(TargetQuantity::MeanRgb);
    if (t == "luminance") return AttributionTarget::wholeImage(TargetQuantity::Luminance);
    if (t == "red") return AttributionTarget::wholeImage(TargetQuantity::Red);
    if (t == "green") return AttributionTarget::wholeImage(TargetQuantity::Green);
    if (t == "blue") return AttributionTarget::wholeImage(TargetQuantity::Blue);
    if (t == "mef-ssim") return AttributionTarget::wholeImage(TargetQuantity::MefSsim);
    if (t == "loss:l1") return AttributionTarget::loss(LossTermKind::L1);
    if (t == "loss:sf") return AttributionTarget::loss(LossTermKind::SpatialFrequency);
    if (t == "loss:mef-ssim") return AttributionTarget::loss(LossTermKind::MefSsimLoss);
    if (t.rfind("pixel:", 0) == 0) {
        int x = 0, y = 0;
        char extra = 0;
        if (std::sscanf(t.c_str() + 6, "%d,%d%c", &x, &y, &extra) == 2) return AttributionTarget::pixel(x, y);
    }
    throw Error("unknown target '" + t + "' (rgb, luminance, red, green, blue, mef-ssim, loss:l1, loss:sf, loss:mef-ssim, pixel:X,Y)");
}

const ParamBinding<AttributionTarget>& attributionTargetParamBinding()
{
    static const ParamBinding<AttributionTarget> binding = [] {
        ParamBinding<AttributionTarget> b;
        b.choice<TargetQuantity>("target", "Target",
                                 {{TargetQuantity::MeanRgb, {"rgb", "Mean output"}},
                                  {TargetQuantity::Luminance, {"luminance", "Mean luminance"}},
                                  {TargetQuantity::Red, {"red", "Mean red"}},
                                  {TargetQuantity::Green, {"green", "Mean green"}},
                                  {TargetQuantity::Blue, {"blue", "Mean blue"}},
                                  {TargetQuantity::MefSsim, {"mef-ssim", "MEF-SSIM vs stack"}},
                                  {TargetQuantity::LossTerm, {"loss", "Training-loss term"}}},
                                 &AttributionTarget::quantity)
            .withTooltip("The number the attribution explains: a mean of the fused output over the region, the output's "
                         "MEF-SSIM against the stack, or one term of the training loss (SPEC §6). Default: the mean of all three "
                         "output channels, the plainest question (\"what made this region as bright as it is\").");
        // A drawn mask is no parameter: it arrives through the library call (and reads as the whole image here).
        b.choice(
             "region", "Region", {{"whole", "Whole image"}, {"pixel", "One pixel"}, {"rectangle", "Rectangle"}},
             [](const AttributionTarget& t) {
                 return std::string(t.region == TargetRegion::Pixel ? "pixel" : t.region == TargetRegion::Rectangle ? "rectangle" : "whole");
             },
             [](AttributionTarget& t, const std::string& region) {
                 t.region = region == "pixel" ? TargetRegion::Pixel : region == "rectangle" ? TargetRegion::Rectangle : TargetRegion::WholeImage;
             })
            .withTooltip("Where the mean is taken; default the whole image (the viewer's drawn region or brush mask arrives "
                         "through the library call).");
        b.integer("x", "Region x", 0, 65535, [](const AttributionTarget& t) { return std::int64_t(t.rect.x); },
                  [](AttributionTarget& t, std::int64_t v) { t.rect.x = int(v); })
            .withUnit("px").withSoftRange(0, 4096)
            .withTooltip("Left edge of the rectangle, or the pixel's column (default 0, the left edge; a panel fills it from the drawn region).");
        b.integer("y", "Region y", 0, 65535, [](const AttributionTarget& t) { return std::int64_t(t.rect.y); },
                  [](AttributionTarget& t, std::int64_t v) { t.rect.y = int(v); })
            .withUnit("px").withSoftRange(0, 4096)
            .withTooltip("Top edge of the rectangle, or the pixel's row (default 0, the top edge; a panel fills it from the drawn region).");
        b.integer("width", "Region width", 1, 65535, [](const AttributionTarget& t) { return std::int64_t(t.rect.width); },
                  [](AttributionTarget& t, std::int64_t v) { t.rect.width = int(v); })
            .withUnit("px").withSoftRange(1, 4096)
            .withTooltip("Width of the rectangle (default 16 px, a small patch; a panel fills it from the drawn region).").enabledWhen("region=rectangle");
        b.integer("height", "Region height", 1, 65535, [](const AttributionTarget& t) { return std::int64_t(t.rect.height); },
                  [](AttributionTarget& t, std::int64_t v) { t.rect.height = int(v); })
            .withUnit("px").withSoftRange(1, 4096)
            .withTooltip("Height of the rectangle (default 16 px, a small patch; a panel fills it from the drawn region).").enabledWhen("region=rectangle");
        b.choice<LossTermKind>("loss_term", "Loss term",
                               {{LossTermKind::L1, {"l1", "L1 to the inputs"}},
                                {LossTermKind::SpatialFrequency, {"sf", "Spatial frequency (1 − SF)"}},
                                {LossTermKind::MefSsimLoss, {"mef-ssim", "1 − MEF-SSIM"}}},
                               &AttributionTarget::lossTerm)
            .withTooltip("With target = loss: the unweighted training term (SPEC §5); MI is not available (its heads are not "
                         "stored in model files).")
            .enabledWhen("target=loss");
        return b;
    }();
    return binding;
}

std::vector<ParamSpec> attributionTargetParamSpecs()
{
    return attributionTargetParamBinding().specs();
}

AttributionTarget attributionTargetFromValues(const ParamValues& v)
{
    AttributionTarget t = attributionTargetParamBinding().read(v);
    if (t.region == TargetRegion::Pixel) t.rect.width = t.rect.height = 1; // one pixel: (x, y)
    return t;
}

// ---------------------------------------------------------------------------------- methods

std::string_view toString(AttributionMethod method)
{
    for (const MethodName& m : kMethods)
        if (m.method == method) return m.id;
    return "saliency";
}

AttributionMethod parseAttributionMethod(std::string_view text)
{
    for (const MethodName& m : kMethods)
        if (text == m.id) return m.method;
    throw Error("unknown attribution method '" + std::string(text) + "' (" + joinedMethodIds() + ")");
}

std::string_view displayName(AttributionMethod method)
{
    for (const MethodName& m : kMethods)
        if (m.method == method) return m.display;
    return "";
}

std::vector<AttributionMethod> attributionMethods()
{
    std::vector<AttributionMethod> all;
    for (const MethodName& m : kMethods)
        if (m.method != AttributionMethod::Random) all.push_back(m.method);
    return all;
}

bool producesSignedMaps(AttributionMethod method, const ParamValues& values)
{
    switch (method) {
    case AttributionMethod::GradCam:
    case AttributionMethod::GradCamPlusPlus:
    case AttributionMethod::VarGrad:
    case AttributionMethod::Random: return false;
    case AttributionMethod::SmoothGrad: return !(values.has("squared") && values.flag("squared"));
    default: return true;
    }
}

std::vector<std::string> fusionLayerNames(const std::vector<Modality>& modalities)
{
    std::vector<std::string> names;
    for (Modality m : modalities)
        for (const char* l : {"conv1", "conv2", "conv3", "conv4"}) names.push_back("encoder." + std::string(toString(m)) + "." + l);
    for (const char* l : {"mix", "context", "refine", "logits"}) names.push_back(std::string("decoder.") + l);
    return names;
}

std::string defaultAttributionLayer(const std::vector<std::string>& layers)
{
    if (std::find(layers.begin(), layers.end(), "decoder.refine") != layers.end()) return "decoder.refine";
    return layers.empty() ? std::string() : layers.back();
}

const ParamBinding<AttributionMethodSettings>* attributionMethodBinding(AttributionMethod method)
{
    switch (method) {
    case AttributionMethod::IntegratedGradients: return &integratedGradientsBinding();
    case AttributionMethod::SmoothGrad: return &smoothGradBinding();
    case AttributionMethod::VarGrad: return &varGradBinding();
    case AttributionMethod::Occlusion: return &occlusionBinding();
    case AttributionMethod::Random: return &randomBinding();
    default: return nullptr; // no parameters (saliency, gradxinput, guided), or the model's layer (Grad-CAM)
    }
}

std::vector<ParamSpec> attributionParamSpecs(AttributionMethod method, const std::vector<std::string>& layers)
{
    if (method == AttributionMethod::GradCam || method == AttributionMethod::GradCamPlusPlus) return {layerSpec(layers)};
    const ParamBinding<AttributionMethodSettings>* binding = attributionMethodBinding(method);
    return binding ? binding->specs() : std::vector<ParamSpec>{};
}

AttributionMethodSettings attributionMethodSettings(AttributionMethod method, const ParamValues& values, const std::vector<std::string>& layers)
{
    if (method == AttributionMethod::GradCam || method == AttributionMethod::GradCamPlusPlus) {
        AttributionMethodSettings s;
        ParamValues own;
        if (const ParamValue* v = values.find("layer")) own.set("layer", *v);
        s.layer = resolveParamValues({layerSpec(layers)}, own).choice("layer");
        return s;
    }
    const ParamBinding<AttributionMethodSettings>* binding = attributionMethodBinding(method);
    return binding ? binding->read(values) : AttributionMethodSettings{};
}

// ------------------------------------------------------------------------------ curve settings

const ParamBinding<AttributionCurvesOptions>& attributionCurveParamBinding()
{
    // The defaults are DeletionInsertionOptions's and PicOptions's own (attribution.hpp). The score
    // and the deleted value are one setting for both kinds of curve.
    using O = AttributionCurvesOptions;
    static const ParamBinding<O> binding = [] {
        ParamBinding<O> b;
        b.choice("curve_score", "Curve score", {{"target", "The explained target"}, {"ssim", "SSIM of the fused image"}},
                 [](const O& o) { return std::string(o.deletionInsertion.score == CurveScore::Ssim ? "ssim" : "target"); },
                 [](O& o, const std::string& id) { o.deletionInsertion.score = o.pic.score = id == "ssim" ? CurveScore::Ssim : CurveScore::Target; })
            .withTooltip("What every point of the curves scores. target: the quantity the attribution explains, "
                         "normalised from the curve's start (0) to the full inputs (1); for mean targets the curves "
                         "start from removed pixels, since a blur keeps a mean. ssim: how similar the fused image is to "
                         "the full inputs' (over the target's region), as the curves' papers score images.");
        b.integer("curve_steps", "Curve steps", 1, 200, [](const O& o) { return std::int64_t(o.deletionInsertion.steps); },
                  [](O& o, std::int64_t v) { o.deletionInsertion.steps = int(v); })
            .withSoftRange(2, 100)
            .withTooltip("Deletion/insertion: curve points after the start; pixels go in steps of 1/steps of all (input, pixel) "
                         "pairs, most important first (20: RISE's curves drawn at 5 % steps).");
        b.number("deletion_value", "Deleted value", 0.0, 1.0, [](const O& o) { return o.deletionInsertion.deletionValue; },
                 [](O& o, double v) { o.deletionInsertion.deletionValue = o.pic.deletionValue = v; })
            .withStep(0.05)
            .withTooltip("What removed pixels become, in [0,1] (0: black, as RISE): deletion, and for mean targets scored by "
                         "the target, insertion's canvas and the pixels PIC does not keep.");
        b.number("insertion_blur", "Insertion blur", 0.001, 0.5, [](const O& o) { return o.deletionInsertion.insertionBlurFraction; },
                 [](O& o, double v) { o.deletionInsertion.insertionBlurFraction = v; })
            .withSoftRange(0.005, 0.1)
            .withStep(0.005)
            .withTooltip("Insertion: σ of the blurred canvas pixels are inserted into, as a fraction of the long side (RISE: σ 5 px "
                         "at 224 px, 0.025).");
        b.number("random_fraction", "Random start", 0.0, 0.5, [](const O& o) { return o.pic.randomFraction; },
                 [](O& o, double v) { o.pic.randomFraction = v; })
            .withSoftRange(0.0, 0.05)
            .withStep(0.005)
            .withTooltip("PIC: fraction of pixels kept at random in every image of the start (SPEC §7 and Kapishnikov et al.: 1 %).");
        b.integer("seed", "Seed", 0, 2147483647, [](const O& o) { return std::int64_t(o.pic.seed); },
                  [](O& o, std::int64_t v) { o.pic.seed = std::uint64_t(v); })
            .withSoftRange(0, 1000)
            .withTooltip("PIC: draws the random start; keep it fixed when comparing methods on one image.");
        b.number("aic_threshold", "AIC τ", 0.0, 1.0, [](const O& o) { return o.pic.aicThreshold; },
                 [](O& o, double v) { o.pic.aicThreshold = v; })
            .withStep(0.01)
            .withTooltip("PIC: AIC counts a partial input as a success when its score (the normalised target, or the SSIM "
                         "of its fused output to the full one) reaches τ (0.9; SPEC §7 leaves τ to the user).");
        b.integer("webp_method", "WebP effort", 0, 6, [](const O& o) { return std::int64_t(o.pic.webpMethod); },
                  [](O& o, std::int64_t v) { o.pic.webpMethod = int(v); })
            .withTooltip("PIC: libwebp's method (effort) for the lossless sizes that measure information (4: PIL's default, as "
                         "the reference implementation).");
        b.integer("webp_quality", "WebP quality", 0, 100, [](const O& o) { return std::int64_t(o.pic.webpQuality); },
                  [](O& o, std::int64_t v) { o.pic.webpQuality = int(v); })
            .withTooltip("PIC: libwebp's lossless quality (effort of its search) for the sizes that measure information. The "
                         "reference uses 100; 75 is 3–5× faster with sizes about 1 % larger; AUCs move by up to 0.03 with the same ranking (README).");
        return b;
    }();
    return binding;
}

std::vector<ParamSpec> attributionCurveParamSpecs()
{
    return attributionCurveParamBinding().specs();
}

AttributionCurvesOptions attributionCurvesOptionsFromValues(const ParamValues& values)
{
    return attributionCurveParamBinding().read(values); // reads only the curves' ids among `values`
}

// ----------------------------------------------------------------------------- PIC arithmetic

std::vector<double> picThresholds()
{
    return {0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.07, 0.10, 0.13, 0.21, 0.34, 0.5, 0.75};
}

PicCurve assemblePicCurve(const std::vector<double>& thresholds, const std::vector<double>& information,
                          const std::vector<double>& score, bool keepMonotone, int points)
{
    if (information.size() != score.size() || thresholds.size() != score.size())
        throw Error("PIC: one information and one score value per threshold are needed");
    if (points < 1) throw Error("PIC: at least one interpolation point is needed");
    PicCurve c;
    c.thresholds = thresholds;
    // Clip, then keep the score monotone along the information axis (the curve's x): the byte
    // size of a partial input does not always grow with the threshold (a few more kept pixels
    // can compress better), so the running max is taken in order of information, ties by threshold.
    std::vector<std::size_t> order(score.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    c.information.resize(score.size());
    c.score.resize(score.size());
    for (std::size_t i = 0; i < score.size(); ++i) {
        c.information[i] = std::clamp(information[i], 0.0, 1.0);
        c.score[i] = std::clamp(score[i], 0.0, 1.0);
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return c.information[a] < c.information[b]; });
    if (keepMonotone) {
        double running = 0.0;
        for (std::size_t i : order) c.score[i] = running = std::max(running, c.score[i]);
    }
    // (x, y) pairs plus (0,0) and (1,1), sorted by x; a repeated x keeps its largest y.
    std::vector<std::pair<double, double>> pts;
    for (std::size_t i = 0; i < c.score.size(); ++i) pts.emplace_back(c.information[i], c.score[i]);
    pts.emplace_back(0.0, 0.0);
    pts.emplace_back(1.0, 1.0);
    std::sort(pts.begin(), pts.end());
    std::vector<std::pair<double, double>> unique;
    for (const auto& p : pts) {
        if (!unique.empty() && unique.back().first == p.first) unique.back().second = std::max(unique.back().second, p.second);
        else unique.push_back(p);
    }
    auto at = [&](double x) {
        const auto hi = std::lower_bound(unique.begin(), unique.end(), std::make_pair(x, -1.0));
        if (hi == unique.end()) return unique.back().second;
        if (hi->first == x || hi == unique.begin()) return hi->second;
        const auto lo = hi - 1;
        return lo->second + (hi->second - lo->second) * (x - lo->first) / (hi->first - lo->first);
    };
    for (int i = 0; i < points; ++i) {
        const double x = double(i) / points;
        c.curveX.push_back(x);
        c.curveY.push_back(at(x));
    }
    c.curveX.push_back(1.0);
    c.curveY.push_back(1.0);
    c.auc = trapezoidAuc(c.curveX, c.curveY);
    return c;
}

PicAggregate aggregatePicCurves(const std::vector<PicCurve>& curves)
{
    std::vector<const PicCurve*> usable;
    for (const PicCurve& c : curves)
        if (!c.skipped) usable.push_back(&c);
    if (usable.empty()) throw Error("no PIC curve to aggregate (every image was skipped)");
    PicAggregate a;
    a.curveX = usable.front()->curveX;
    for (const PicCurve* c : usable)
        if (c->curveX != a.curveX) throw Error("PIC curves with different x points cannot be aggregated");
    std::vector<double> column(usable.size());
    for (std::size_t i = 0; i < a.curveX.size(); ++i) {
        for (std::size_t j = 0; j < usable.size(); ++j) column[j] = usable[j]->curveY[i];
        std::sort(column.begin(), column.end());
        const std::size_t n = column.size();
        a.curveY.push_back(n % 2 ? column[n / 2] : 0.5 * (column[n / 2 - 1] + column[n / 2]));
    }
    a.auc = trapezoidAuc(a.curveX, a.curveY);
    a.images = int(usable.size());
    return a;
}

double trapezoidAuc(const std::vector<double>& x, const std::vector<double>& y)
{
    if (x.size() != y.size()) throw Error("trapezoid: x and y differ in length");
    double area = 0.0;
    for (std::size_t i = 1; i < x.size(); ++i) area += 0.5 * (x[i] - x[i - 1]) * (y[i] + y[i - 1]);
    return area;
}

double spearmanRankCorrelation(const std::vector<float>& a, const std::vector<float>& b)
{
    if (a.size() != b.size()) throw Error("rank correlation of vectors of different lengths");
    const std::size_t n = a.size();
    if (n < 2) return 0.0;
    auto ranks = [n](const std::vector<float>& v) {
        std::vector<std::size_t> order(n);
        std::iota(order.begin(), order.end(), std::size_t(0));
        std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return v[i] < v[j]; });
        std::vector<double> r(n);
        for (std::size_t i = 0; i < n;) {
            std::size_t j = i;
            while (j + 1 < n && v[order[j + 1]] == v[order[i]]) ++j;
            const double average = 0.5 * double(i + j);
            for (std::size_t k = i; k <= j; ++k) r[order[k]] = average;
            i = j + 1;
        }
        return r;
    };
    const std::vector<double> ra = ranks(a), rb = ranks(b);
    const double mean = 0.5 * double(n - 1);
    double sab = 0.0, saa = 0.0, sbb = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double da = ra[i] - mean, db = rb[i] - mean;
        sab += da * db;
        saa += da * da;
        sbb += db * db;
    }
    if (saa <= 0.0 || sbb <= 0.0) return 0.0;
    return sab / std::sqrt(saa * sbb);
}

} // namespace fuselab::learn
