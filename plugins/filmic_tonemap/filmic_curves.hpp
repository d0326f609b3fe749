// The filmic tone curves of this plugin, as plain functions of one scene value (linear,
// relative: 1.0 ≈ diffuse white after exposure). Both return display-linear values that a
// display encoding (sRGB) still has to be applied to, as in the games they come from.
#pragma once

namespace filmic {

/// Narkowicz's rational fit of the ACES RRT+ODT (Rec. 709, 2.4 gamma removed):
/// f(x) = x(2.51x + 0.03) / (x(2.43x + 0.59) + 0.14), not yet clamped. f(0) = 0, f(1) ≈ 0.8038,
/// f reaches 1 at x = acesFitWhite and tends to 2.51/2.43 ≈ 1.033 beyond.
/// K. Narkowicz, "ACES Filmic Tone Mapping Curve", blog post, 6 January 2016.
double acesFit(double x);
/// The scene value where acesFit reaches 1: the root of 0.08x² − 0.56x − 0.14 = 0, ≈ 7.2417.
double acesFitWhite();

/// Hable's filmic curve: H(x) = (x(Ax + CB) + DE) / (x(Ax + B) + DF) − E/F.
/// J. Hable, "Uncharted 2: HDR Lighting", GDC 2010, and "Filmic Tonemapping Operators" (2010).
struct HableCoefficients {
    double shoulderStrength = 0.15; ///< A
    double linearStrength = 0.50;   ///< B
    double linearAngle = 0.10;      ///< C
    double toeStrength = 0.20;      ///< D
    double toeNumerator = 0.02;     ///< E
    double toeDenominator = 0.30;   ///< F
};
double hableCurve(double x, const HableCoefficients& k);

} // namespace filmic
