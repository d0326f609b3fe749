// The scalar tone curves of SPEC §3 — μ-law, SMPTE ST 2084 (PQ), BT.2100 HLG — in double,
// each decode the algebraic inverse of its encode. fuselab_base (no OpenCV): core/learn uses
// them for PSNR-μ; the image-level tone mappers are in fuselab/tonemap.hpp (fuselab_core).
#pragma once

namespace fuselab {

// --- μ-law (Kalantari & Ramamoorthi 2017) ----------------------------------------------------
/// T(H) = log(1 + μH) / log(1 + μ), H in [0,1]; μ = 5000 by default. Negative H is taken as 0;
/// H above 1 follows the same formula (T > 1).
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
/// Luminance in cd/m² (0..10000) → PQ code value N in [0,1]. Values outside 0..10000 are
/// clamped (non-finite → 0). Note pqEncode(0) = c1^m2 ≈ 7.3e-7, not exactly 0.
double pqEncode(double luminanceCdM2);
/// PQ code value → cd/m²; the exact inverse of pqEncode. Codes are clamped to [0,1].
double pqDecode(double code);

// --- ITU-R BT.2100 HLG ----------------------------------------------------------------------------
namespace hlg {
inline constexpr double a = 0.17883277;
inline constexpr double b = 1.0 - 4.0 * a;  // 0.28466892
inline constexpr double c = 0.55991073;     // 0.5 − a·ln(4a)
} // namespace hlg
/// Scene-linear E in [0,1] → E' (OETF). E is clamped to [0,1].
double hlgOetf(double e);
/// E' in [0,1] → E; the exact inverse of hlgOetf. E' is clamped to [0,1].
double hlgInverseOetf(double ePrime);

} // namespace fuselab
