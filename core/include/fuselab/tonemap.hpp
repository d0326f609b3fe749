// Tone curves and tone-mapping operators (SPEC §3). Inputs are linear float radiance
// (relative scene units unless a parameter says cd/m²); outputs are display-referred.
// Output encodings: μ-law → Srgb-tagged display values; PQ → Pq code values; HLG → Hlg code
// values; Reinhard, Drago, Mantiuk, Durand → Linear display values in [0,1] (integer
// writers sRGB-encode them).
#pragma once

#include "fuselab/image.hpp"

namespace fuselab {

// --- μ-law (Kalantari & Ramamoorthi 2017) ----------------------------------------------------
/// T(H) = log(1 + μH) / log(1 + μ), H in [0,1]; μ = 5000 by default.
double muLawEncode(double h, double mu = 5000.0);
double muLawDecode(double t, double mu = 5000.0);

// --- SMPTE ST 2084 (PQ) -------------------------------------------------------------------------
namespace pq {
inline constexpr double m1 = 2610.0 / 16384.0;
inline constexpr double m2 = 2523.0 / 4096.0 * 128.0; // 78.84375
inline constexpr double c1 = 3424.0 / 4096.0;         // 0.8359375
inline constexpr double c2 = 2413.0 / 4096.0 * 32.0;  // 18.8515625
inline constexpr double c3 = 2392.0 / 4096.0 * 32.0;  // 18.6875
inline constexpr double peakCdM2 = 10000.0;
} // namespace pq
/// Luminance in cd/m² (0..10000) → PQ code value N in [0,1].
double pqEncode(double luminanceCdM2);
/// PQ code value → cd/m²; the exact inverse of pqEncode.
double pqDecode(double code);

// --- ITU-R BT.2100 HLG ----------------------------------------------------------------------------
namespace hlg {
inline constexpr double a = 0.17883277;
inline constexpr double b = 1.0 - 4.0 * a;  // 0.28466892
inline constexpr double c = 0.55991073;     // 0.5 − a·ln(4a)
} // namespace hlg
/// Scene-linear E in [0,1] → E' (OETF).
double hlgOetf(double e);
double hlgInverseOetf(double ePrime);

} // namespace fuselab
