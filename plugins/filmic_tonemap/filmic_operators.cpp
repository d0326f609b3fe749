// The filmic tone-mapping plugin: `tonemap-aces-fit` (Narkowicz's ACES fit) and
// `tonemap-hable` (Hable's Uncharted 2 curve), with the published constants as defaults.
#include "filmic_curves.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/param_binding.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/plugin_api.hpp"
#include "fuselab/tonemap.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace {

using namespace fuselab;

enum class ApplyTo { Rgb, Luminance };

// The settings of both curves, declared once: each parameter is bound to its member here
// (param_binding.hpp), so these members hold the published defaults.
struct AcesFitSettings {
    double exposureStops = 0.0;
    double inputScale = 1.0; ///< Narkowicz's pre-exposed fit; 0.6 for the original ACES exposure
    ApplyTo applyTo = ApplyTo::Rgb;
};

struct HableSettings {
    double exposureStops = 0.0;
    double exposureBias = 2.0; ///< Hable's shader
    filmic::HableCoefficients k;
    double linearWhite = 11.2; ///< W, Hable's published value
    ApplyTo applyTo = ApplyTo::Rgb;
};

template <class Settings>
void bindExposure(ParamBinding<Settings>& b)
{
    b.number("exposure_stops", "Exposure", -20.0, 20.0, &Settings::exposureStops)
        .withUnit("stops").withStep(0.1).withSoftRange(-8.0, 8.0)
        .withTooltip("Multiplies the radiance by 2^stops before the curve (+1 = twice as bright). 0 keeps the "
                     "radiance as it is.");
}

template <class Settings>
void bindApplyTo(ParamBinding<Settings>& b)
{
    b.template choice<ApplyTo>("apply_to", "Apply to",
                      {{ApplyTo::Rgb, {"rgb", "Each channel (as published)"}}, {ApplyTo::Luminance, {"luminance", "Luminance (keeps hue)"}}},
                      &Settings::applyTo)
        .withTooltip("Each channel: the curve on R, G and B separately, as the games that published these curves do; "
                     "bright colours drift to white. Luminance: the curve on Rec. 709 luminance and the colour ratios "
                     "kept, so bright saturated colours stay saturated (and may clip).");
}

const ParamBinding<AcesFitSettings>& acesFitBinding()
{
    static const ParamBinding<AcesFitSettings> binding = [] {
        ParamBinding<AcesFitSettings> b;
        bindExposure(b);
        b.number("input_scale", "Input scale", 0.01, 10.0, &AcesFitSettings::inputScale)
            .withStep(0.01).withSoftRange(0.1, 2.0).withLogScale()
            .withTooltip("Multiplies the exposed radiance before the curve. 1 (default) is Narkowicz's pre-exposed "
                         "fit, in which scene 1.0 lands on 0.80; 0.6 gives the exposure of the original ACES curve.")
            .withReference("Narkowicz 2016: \"for the original ACES curve just multiply input by 0.6\"");
        bindApplyTo(b);
        return b;
    }();
    return binding;
}

const ParamBinding<HableSettings>& hableBinding()
{
    static const ParamBinding<HableSettings> binding = [] {
        const std::string ref = "Hable, Uncharted 2: HDR Lighting, GDC 2010";
        ParamBinding<HableSettings> b;
        auto coefficient = [&](const char* id, const char* label, double lo, double hi, double filmic::HableCoefficients::*member,
                               const char* what) {
            b.number(id, label, lo, hi, [member](const HableSettings& s) { return s.k.*member; },
                     [member](HableSettings& s, double v) { s.k.*member = v; })
                .withStep(0.01)
                .withTooltip(std::string(what) + " Default " + formatParamValue(filmic::HableCoefficients{}.*member) +
                             ", Hable's published value.")
                .withReference(ref);
        };
        bindExposure(b);
        b.number("exposure_bias", "Exposure bias", 0.01, 100.0, &HableSettings::exposureBias)
            .withStep(0.1).withSoftRange(0.5, 16.0).withLogScale()
            .withTooltip("Multiplies the exposed radiance before the curve. Hable's shader uses 2.0 (default).")
            .withReference(ref);
        coefficient("shoulder_strength", "Shoulder strength (A)", 0.01, 1.0, &filmic::HableCoefficients::shoulderStrength,
                    "How quickly the highlights roll off into white.");
        coefficient("linear_strength", "Linear strength (B)", 0.01, 2.0, &filmic::HableCoefficients::linearStrength,
                    "Slope and length of the straight middle section.");
        coefficient("linear_angle", "Linear angle (C)", 0.0, 1.0, &filmic::HableCoefficients::linearAngle,
                    "Flattens the middle section; with toe numerator E it sets how the shadows lift (C·F > E keeps "
                    "the curve rising from black).");
        coefficient("toe_strength", "Toe strength (D)", 0.01, 1.0, &filmic::HableCoefficients::toeStrength,
                    "How strongly the shadows are compressed.");
        coefficient("toe_numerator", "Toe numerator (E)", 0.0, 0.2, &filmic::HableCoefficients::toeNumerator,
                    "Toe shape; larger values crush the darkest tones (values below 0 are clamped).");
        coefficient("toe_denominator", "Toe denominator (F)", 0.1, 1.0, &filmic::HableCoefficients::toeDenominator,
                    "Toe shape; the curve starts at 0 for any value.");
        b.number("linear_white", "Linear white (W)", 1.0, 100.0, &HableSettings::linearWhite)
            .withStep(0.1).withSoftRange(2.0, 40.0).withLogScale()
            .withTooltip("The biased scene value that becomes display white: the curve is divided by its value here. "
                         "Default 11.2, Hable's published value.")
            .withReference(ref);
        bindApplyTo(b);
        return b;
    }();
    return binding;
}

/// Replaces the colour samples of a prepared (finite, non-negative, linear) image by
/// clamp(curve(scale · v), 0, 1), per channel or through luminance; alpha is left alone.
/// Returns the fraction of colour samples that reached the clamp at 1.
double applyCurve(Image& img, double scale, ApplyTo mode, const std::function<double(double)>& curve)
{
    const int channels = img.channels();
    const int colour = channels == 4 ? 3 : channels;
    std::vector<long long> rowClipped(std::size_t(img.height()), 0);
    parallelFor(0, img.height(), 16, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            float* p = img.row(y);
            long long clipped = 0;
            for (int x = 0; x < img.width(); ++x) {
                float* px = p + std::size_t(x) * std::size_t(channels);
                if (mode == ApplyTo::Luminance && colour == 3) {
                    const double lum = double(linearLuminance(px[0], px[1], px[2]));
                    const double gain = lum > 0.0 ? curve(scale * lum) / lum : 0.0;
                    for (int c = 0; c < 3; ++c) {
                        const double v = double(px[c]) * gain;
                        clipped += v >= 1.0 ? 1 : 0;
                        px[c] = float(std::clamp(v, 0.0, 1.0));
                    }
                } else {
                    for (int c = 0; c < colour; ++c) {
                        const double v = curve(scale * double(px[c]));
                        clipped += v >= 1.0 ? 1 : 0;
                        px[c] = float(std::clamp(v, 0.0, 1.0));
                    }
                }
            }
            rowClipped[std::size_t(y)] = clipped;
        }
    });
    long long total = 0;
    for (long long c : rowClipped) total += c;
    return double(total) / (double(img.pixelCount()) * double(colour));
}

class AcesFitOperator final : public Operator, public HasParamBinding {
public:
    OperatorInfo info() const override
    {
        return {"tonemap-aces-fit", "ACES filmic (Narkowicz fit)", category::tonemap, 1,
                "Maps radiance through Narkowicz's one-line rational fit of the ACES reference rendering: a soft toe, "
                "a filmic shoulder, white at 7.24 × the input.",
                "K. Narkowicz, ACES Filmic Tone Mapping Curve (blog post, 2016); Academy Color Encoding System RRT + "
                "Rec. 709 ODT"};
    }
    std::vector<ParamSpec> params() const override { return acesFitBinding().specs(); }
    std::vector<const ParamBindingBase*> paramBindings() const override { return {&acesFitBinding()}; }
    InputKind inputKind() const override { return InputKind::Image; }

    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        const AcesFitSettings settings = acesFitBinding().read(values);
        OperatorOutput out;
        Image img = prepareRadianceForToneMapping(input.images.front(), settings.exposureStops, out.notes);
        progress.checkCancelled();
        const double scale = settings.inputScale;
        out.scalars["clipped_fraction"] = applyCurve(img, scale, settings.applyTo, filmic::acesFit);
        // The scene value (before exposure) that becomes display white.
        out.scalars["white_scene_value"] = filmic::acesFitWhite() / (scale * std::exp2(settings.exposureStops));
        img.setEncoding(ColourEncoding::Linear); // display-linear: integer writers sRGB-encode it
        out.image = img;
        progress.report(1.0, "ACES fit");
        return out;
    }
};

class HableOperator final : public Operator, public HasParamBinding {
public:
    OperatorInfo info() const override
    {
        return {"tonemap-hable", "Filmic (Hable, Uncharted 2)", category::tonemap, 1,
                "Maps radiance through Hable's filmic curve, a rational toe and shoulder with a linear section, scaled so "
                "the linear white point becomes display white.",
                "J. Hable, Uncharted 2: HDR Lighting, Game Developers Conference 2010"};
    }
    std::vector<ParamSpec> params() const override { return hableBinding().specs(); }
    std::vector<const ParamBindingBase*> paramBindings() const override { return {&hableBinding()}; }
    InputKind inputKind() const override { return InputKind::Image; }

    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        const HableSettings settings = hableBinding().read(values);
        const filmic::HableCoefficients& k = settings.k;
        const double white = settings.linearWhite;
        const double whiteValue = filmic::hableCurve(white, k);
        if (!(whiteValue > 0.0) || !std::isfinite(whiteValue))
            throw Error("these coefficients give a curve that is not positive at the linear white (" +
                        formatParamValue(white) + "); lower the toe numerator E or raise the linear angle C");
        OperatorOutput out;
        Image img = prepareRadianceForToneMapping(input.images.front(), settings.exposureStops, out.notes);
        progress.checkCancelled();
        const double bias = settings.exposureBias;
        const double invWhite = 1.0 / whiteValue;
        out.scalars["clipped_fraction"] = applyCurve(img, bias, settings.applyTo,
                                                     [&](double x) { return filmic::hableCurve(x, k) * invWhite; });
        out.scalars["white_scene_value"] = white / (bias * std::exp2(settings.exposureStops));
        img.setEncoding(ColourEncoding::Linear);
        out.image = img;
        progress.report(1.0, "Hable filmic");
        return out;
    }
};

void registerFilmicOperators(OperatorRegistry& registry)
{
    registry.add(std::make_shared<AcesFitOperator>());
    registry.add(std::make_shared<HableOperator>());
}

} // namespace

FUSELAB_PLUGIN("filmic-tonemap", "1.0", "Filmic tone curves from real-time rendering: Narkowicz's ACES fit and Hable's Uncharted 2 curve",
               registerFilmicOperators)
