// Tone curves and tone-mapping operators (SPEC §3). Inputs are linear float radiance
// (relative scene units unless a parameter says cd/m²); outputs are display-referred.
// Output encodings: μ-law → Srgb-tagged display values; PQ → Pq code values; HLG → Hlg code
// values; Reinhard, Drago, Mantiuk, Durand → Linear display values in [0,1] (integer
// writers sRGB-encode them).
//
// The scalar curves are fuselab_base's (fuselab/base/tone_curves.hpp); the image-level
// functions here are fuselab_core's.
#pragma once

#include "fuselab/colour_space.hpp"
#include "fuselab/base/tone_curves.hpp"
#include "fuselab/base/image.hpp"
#include "fuselab/base/progress.hpp"

#include <map>
#include <string>
#include <vector>

namespace fuselab {

// =================================================================================================
// Image-level tone mapping (fuselab_core).
//
// Every function below takes an image of linear radiance with 1, 3 or 4 channels (a 4th
// channel is alpha: copied through untouched). An Srgb-tagged input is decoded to linear
// first; a Pq/Hlg-tagged input is refused (except by toneMapPq's decode direction). The input
// is then prepared by prepareRadianceForToneMapping (exposure, sanitising). Every output is
// finite. Progress is reported to `progress`; Cancelled is thrown when it asks to stop.
// Thread safety: the functions are reentrant; they use the worker pool and OpenCV's threads.

struct ToneMapResult {
    Image image;                           ///< tone-mapped image (encoding as documented above)
    std::map<std::string, double> scalars; ///< what the operator measured (log-average, scale, …)
    std::vector<std::string> notes;        ///< warnings for the user (e.g. sanitised samples)
};

/// Largest radiance kept: larger values (and the exposure-scaled ones) are clipped here so
/// that sums, squares in double and logs stay finite.
inline constexpr float kRadianceCeiling = 1e30f;

/// Non-finite input policy: sanitise with a note (not an error), because real EXRs carry
/// stray NaN/Inf pixels (BrightRingsNanInf.exr) and a tone mapper should still show the rest.
/// Returns a new, owned linear image: samples × 2^exposureStops, then NaN and −Inf → 0,
/// +Inf → the brightest finite sample (after exposure), negatives → 0 (silently: colour
/// conversions leave small negatives in many EXRs), everything clipped to kRadianceCeiling.
/// Alpha (4th channel) is copied unchanged. A note is appended to `notes` when non-finite
/// samples were replaced. Throws fuselab::Error for empty images, 2 channels, or Pq/Hlg data.
Image prepareRadianceForToneMapping(const Image& input, double exposureStops,
                                    std::vector<std::string>& notes);

// --- Curves on images -------------------------------------------------------------------------
enum class MuLawNormalisation {
    Max,        ///< H = radiance / brightest sample
    Percentile, ///< H = radiance / the given percentile of per-pixel max(R,G,B); above → 1
    None,       ///< H = radiance (values above 1 → 1)
};
struct MuLawOptions {
    double mu = 5000.0;
    MuLawNormalisation normalisation = MuLawNormalisation::Max;
    double percentile = 99.9; ///< in (0,100], used with Percentile
    double exposureStops = 0.0;
};
/// Output: T(H) per channel (computed in float), Srgb-tagged. Scalars: "normalisation_divisor"
/// (what became H = 1), "clipped_fraction" (samples with H > 1, set to 1).
ToneMapResult toneMapMuLaw(const Image& radiance, const MuLawOptions& options, ProgressSink& progress);

enum class PqDirection {
    Encode, ///< scene-linear (1.0 = reference white) → PQ code values, Pq-tagged
    Decode, ///< PQ code values → scene-linear (cd/m² / reference white), Linear-tagged
};
struct PqOptions {
    double referenceWhiteCdM2 = 203.0; ///< BT.2408 HDR reference white
    PqDirection direction = PqDirection::Encode;
    /// Encode: applied to the radiance before encoding. Decode: applied to the decoded light.
    double exposureStops = 0.0;
    /// The primaries of the linear side: encoding converts them to Rec. 2020 (PQ's, BT.2100),
    /// decoding converts Rec. 2020 back to them.
    RgbPrimaries workingPrimaries = RgbPrimaries::Rec709;
};
/// Encode works in float (within 1e-7 of pqEncode's double result; decoded light within 2e-6).
/// Decode reads the sample values as code values whatever the tag (a PNG of PQ codes comes
/// back Srgb-tagged; a Linear tag adds a note); it refuses Hlg-tagged input and replaces
/// non-finite codes by 0 (with a note). Scalars: "clipped_fraction" (encode: samples above
/// 10000 cd/m², set to the peak).
ToneMapResult toneMapPq(const Image& image, const PqOptions& options, ProgressSink& progress);

struct HlgOptions {
    /// The scene value that becomes E = 1 (the HLG peak). Default 1/E(0.75) = 3.7741: scene 1.0
    /// (diffuse white) lands on BT.2408's HLG reference white E' = 0.75.
    double sceneValueAtPeak = 3.7741181;
    double exposureStops = 0.0;
    RgbPrimaries workingPrimaries = RgbPrimaries::Rec709; ///< converted to Rec. 2020 (HLG's, BT.2100)
};
/// Output: E' = hlgOetf(min(scene / sceneValueAtPeak, 1)) per channel of the Rec. 2020 light, Hlg-tagged.
/// Scalars: "clipped_fraction".
ToneMapResult toneMapHlg(const Image& radiance, const HlgOptions& options, ProgressSink& progress);

// --- Reinhard, Stark, Shirley, Ferwerda 2002 --------------------------------------------------
struct ReinhardOptions {
    double key = 0.18;            ///< a: the log-average luminance is mapped to this
    double whiteLuminance = 0.0;  ///< L_white in scaled units; 0 = the largest scaled luminance
    double saturation = 1.0;      ///< s in C_out = (C/L)^s · L_d
    double logAverageDelta = 1e-6; ///< δ in exp(mean(log(δ + L)))
    double exposureStops = 0.0;
};
/// L_m = a·L/L̄, L_d = L_m(1 + L_m/L_white²)/(1 + L_m), clamped to [0,1]. Linear-tagged.
/// Scalars: "log_average_luminance", "white_luminance" (scaled units).
ToneMapResult toneMapReinhard(const Image& radiance, const ReinhardOptions& options, ProgressSink& progress);

struct ReinhardLocalOptions {
    double key = 0.18;
    int scales = 8;                  ///< number of centre-surround scales s_i = ratio^i px
    double scaleRatio = 1.6;         ///< ratio between successive scales
    double alpha1 = 0.35355339059;   ///< centre: 1/(2√2)
    double surroundRatio = 1.6;      ///< α2 = surroundRatio · α1
    double phi = 8.0;                ///< sharpening φ
    double epsilon = 0.05;           ///< scale-selection threshold ε
    double saturation = 1.0;
    double logAverageDelta = 1e-6;
    double exposureStops = 0.0;
};
/// Dodging and burning: L_d = L_m / (1 + V1(s_max)), clamped to [0,1]. Linear-tagged.
/// Scalars: "log_average_luminance", "mean_selected_scale_px".
ToneMapResult toneMapReinhardLocal(const Image& radiance, const ReinhardLocalOptions& options,
                                   ProgressSink& progress);

// --- OpenCV's operators (gamma 1: our integer writers apply sRGB) ------------------------------
struct DragoOptions {
    double bias = 0.85;
    double saturation = 1.0;
    double exposureStops = 0.0;
};
/// cv::createTonemapDrago(1, saturation, bias). Linear-tagged, [0,1].
ToneMapResult toneMapDrago(const Image& radiance, const DragoOptions& options, ProgressSink& progress);

struct MantiukOptions {
    double scale = 0.7;       ///< contrast scale factor
    double saturation = 1.0;
    double exposureStops = 0.0;
    /// Images with more pixels are tone mapped at a reduced size of about this many pixels
    /// and the change of log luminance is carried to full size through a bilateral grid
    /// (edge-aware, as a local tone curve); 0 = always at full size (OpenCV's solver takes
    /// about 10 s for 12 MP on 2 cores; 0.5 MP about 0.4 s).
    int directMaxPixels = 500000;
};
/// cv::createTonemapMantiuk(1, scale, saturation). Linear-tagged, [0,1].
/// Scalars: "working_scale" (1 = full size).
ToneMapResult toneMapMantiuk(const Image& radiance, const MantiukOptions& options, ProgressSink& progress);

// --- Durand & Dorsey 2002 -----------------------------------------------------------------------
enum class DurandOutputValues {
    /// As the paper shows its results: 10^(log L_out) is a display code value (the paper writes
    /// it to the image as it is), so the base's contrast of 5 is a contrast of code values (about
    /// 34:1 in light through sRGB). Luminance is sRGB-decoded so writers reproduce those codes;
    /// colour ratios are then restored in light.
    DisplayCode,
    /// The same numbers taken as linear display light (a 5:1 base in light; looks flat).
    Linear,
};
struct DurandOptions {
    double sigmaSpacePercent = 2.0; ///< σ_s as a percentage of the image's long side
    double sigmaRangeLog10 = 0.4;   ///< σ_r in log10 luminance units
    double targetContrast = 5.0;    ///< the base layer spans log10(targetContrast) after compression
    /// The darkest percentage of base values ignored when measuring the base's range, so a few
    /// black pixels do not dictate the compression (0 = the paper's full range).
    double baseRangeClipPercent = 0.0;
    double saturation = 1.0;
    DurandOutputValues outputValues = DurandOutputValues::DisplayCode;
    double exposureStops = 0.0;
};
/// Base = bilateral filter of log10 L (computed with a bilateral grid whose spatial cells are
/// σ_s/3.5 wide, i.e. a downsampled filter sliced at full resolution with each pixel's own
/// log luminance, so edges stay sharp); log L_out = c·(base − max base) + detail with
/// c = min(1, log10(contrast) / base range). Linear-tagged, [0,1].
/// Scalars: "base_range_log10", "compression".
ToneMapResult toneMapDurand(const Image& radiance, const DurandOptions& options, ProgressSink& progress);

} // namespace fuselab
