// Quality metrics for fused images (SPEC §4), exact to their reference definitions.
//
// Common principles (every function below follows them unless it says otherwise):
//
// - Grey. Structural and information metrics work on one grey plane per image, made the
//   way the reference MATLAB drivers make it: the image as 8-bit codes (integer samples
//   scaled to 0..255 and rounded; float samples clipped to [0,1] first, after sRGB encoding
//   when the image is Linear), then MATLAB rgb2gray — 0.298936021293775 R +
//   0.587043074451121 G + 0.114020904255103 B — rounded to an integer in [0,255]. One
//   channel images are their own grey. See metricGrey(). Grey planes are 1-channel float
//   Images holding values in [0,255]; every sample of a level-0 grey plane is an integer.
// - Sizes. Windowed metrics use the 'valid' region only: an n×n window gives a map of
//   (H−n+1)×(W−n+1) values whose top-left sample belongs to the window whose top-left
//   pixel is (0,0) (its centre is at ((n−1)/2, (n−1)/2)). An image smaller than the window
//   is refused with a fuselab::Error that names both sizes.
// - Several sources. Metrics defined on two sources A, B (fusion MI, NMI, Qabf, VIF) are
//   generalised to N sources as documented at each function (sums over sources, as the
//   two-source formulas are sums, so N = 2 gives the published value).
// - Determinism. Results do not depend on the number of worker threads (reductions are
//   done in a fixed order). Work runs on the process-wide pool (fuselab/parallel.hpp).
// - Errors: fuselab::Error for unusable inputs (sizes, channels, parameters);
//   fuselab::Cancelled when the ProgressSink asks to stop. No function returns NaN.
#pragma once

#include "fuselab/base/ms_ssim_weights.hpp"
#include "fuselab/base/exposure.hpp"
#include "fuselab/base/image.hpp"
#include "fuselab/base/progress.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fuselab {

// ---------------------------------------------------------------------------------------
// Grey planes

/// MATLAB rgb2gray of the image's 8-bit codes, rounded (see the common principles).
/// `image` holds normalised samples ([0,1] for integer files, as SampleImage::toFloat gives).
/// 1 or 3 channels (a 4th, alpha, is ignored); 2 channels are refused.
Image metricGrey(const Image& image);
/// The same from a stack frame's own samples (8-bit codes are used as they are).
Image metricGrey(const SampleImage& image);

/// 2×2 mean then decimation, MATLAB's imfilter(ones(2)/4, 'symmetric', 'same') followed by
/// (1:2:end, 1:2:end): output ⌈W/2⌉×⌈H/2⌉, the last row/column of an odd size averages the
/// edge with itself. Exact in float for grey planes (sums of dyadic values).
Image downsampleMean2x2(const Image& grey);

/// A 'valid' map (see the common principles) padded back to widthPx × heightPx by
/// repeating its nearest sample, so that it lies over the image it was computed from.
Image padValidMap(const Image& validMap, int widthPx, int heightPx);

// ---------------------------------------------------------------------------------------
// MEF-SSIM (Ma, Zeng, Wang, "Perceptual quality assessment for multi-exposure image fusion",
// IEEE TIP 24(11), 2015), following the authors' MATLAB mef_ssim.m / mef_ms_ssim.m.


struct MefSsimParams {
    double k = 0.03;             ///< C = (k·255)²
    int windowPx = 11;           ///< odd; the uniform window of the patch statistics and the Gaussian window
    double sigmaPx = 1.5;        ///< σ of the Gaussian window of the final similarity
    double signalOffset = 0.001; ///< added to every signal strength c_k = ‖x_k − μ_k‖
    double exponentCap = 10.0;   ///< p = tan(πR/2) is capped here (10 ≈ taking the maximum)
    int levels = kMefSsimLevels; ///< scales of the multi-scale score (1 = single scale only)
    /// Per-scale exponents, finest first; the first `levels` are used, normalised to sum 1.
    std::vector<double> levelWeights = msSsimLevelWeights();
};

struct MefSsimResult {
    double score = 0.0;             ///< multi-scale MEF-SSIM: Π_l max(Q_l, 0)^(w_l / Σw)
    double singleScale = 0.0;       ///< Q_1, the single-scale MEF-SSIM (mean of maps[0])
    std::vector<double> levelScores; ///< Q_l, finest first
    std::vector<Image> maps;        ///< per-level quality maps ('valid' size), finest first
};

/// Levels a W×H image supports with an n-px window (the reference requires
/// min(W,H)/2^(levels−1) ≥ n); 0 when even the finest level does not fit.
int mefSsimLevelsThatFit(int widthPx, int heightPx, int windowPx = 11);

/// MEF-SSIM of a fused image against its source sequence, on grey planes (metricGrey).
/// Throws fuselab::Error when the sizes differ, the image is smaller than the window, or the
/// requested levels do not fit (mefSsimLevelsThatFit says how many do).
MefSsimResult mefSsimGrey(const Image& fusedGrey, const std::vector<Image>& sourceGreys, const MefSsimParams& params,
                          ProgressSink& progress);
/// The same from a fused image (normalised samples, or a file's own samples) and the stack it
/// was fused from. Throws fuselab::Error naming a frame whose size differs.
MefSsimResult mefSsim(const Image& fused, const ExposureStack& stack, const MefSsimParams& params, ProgressSink& progress);
MefSsimResult mefSsim(const SampleImage& fused, const ExposureStack& stack, const MefSsimParams& params, ProgressSink& progress);

// ---------------------------------------------------------------------------------------
// SSIM (Wang, Bovik, Sheikh, Simoncelli, IEEE TIP 13(4), 2004; the authors' ssim_index.m)
// and MS-SSIM (Wang, Simoncelli, Bovik, Asilomar 2003; the authors' msssim.m).

struct SsimParams {
    double k1 = 0.01;
    double k2 = 0.03;
    double dynamicRange = 255.0; ///< L: C1 = (k1·L)², C2 = (k2·L)²
    int windowPx = 11;           ///< odd Gaussian window
    double sigmaPx = 1.5;
    int levels = 5;              ///< MS-SSIM scales
    /// MS-SSIM exponents, finest first (not normalised, as in msssim.m).
    std::vector<double> levelWeights = msSsimLevelWeights();
};

struct SsimResult {
    double ssim = 0.0;             ///< mean of the SSIM map
    double contrastStructure = 0.0; ///< mean of the cs map (2σ_xy + C2)/(σ_x² + σ_y² + C2)
    Image map;                     ///< SSIM map ('valid' size); empty unless asked for
};

/// SSIM of two grey planes of the same size. keepMap: also return the map.
SsimResult ssimGrey(const Image& testGrey, const Image& referenceGrey, const SsimParams& params, bool keepMap = false);
/// Levels an image supports for MS-SSIM (same rule as mefSsimLevelsThatFit).
int msSsimLevelsThatFit(int widthPx, int heightPx, int windowPx = 11);
/// MS-SSIM = Π_{l<L} max(cs_l,0)^{w_l} · max(ssim_L,0)^{w_L}. Negative per-scale values (anti-correlated
/// images; the reference would return a complex number) count as 0. Throws when the levels do not fit.
double msSsimGrey(const Image& testGrey, const Image& referenceGrey, const SsimParams& params);

// ---------------------------------------------------------------------------------------
// PSNR

/// The PSNR metric's settings (operator metric-psnr binds its parameters to these members).
struct PsnrSettings {
    double peak = 1.0;  ///< the peak of 10·log10(peak²/MSE), on normalised samples
    double mu = 5000.0; ///< μ of PSNR-μ's tone curve (Kalantari & Ramamoorthi 2017)
};

/// 10·log10(peak² / MSE), MSE over every sample of every channel. On normalised images
/// (integer files scaled to [0,1]) peak 1 is the file's own peak (255 for 8-bit, 65535 for
/// 16-bit); float images use peak 1 as they are. +∞ when the images are identical.
/// Throws when sizes or channel counts differ.
double psnrDb(const Image& test, const Image& reference, double peak = PsnrSettings{}.peak);
/// Mean squared error over every sample (the PSNR's MSE).
double meanSquaredError(const Image& test, const Image& reference);
/// The same on a file's own samples, in double: integer samples normalised by 2^bits − 1
/// (exactly, so 8-bit codes give 10·log10(255²/MSE_codes) to rounding), floats as they are.
/// Images of different depths are compared normalised. Peak 1.
double psnrDb(const SampleImage& test, const SampleImage& reference);
double meanSquaredError(const SampleImage& test, const SampleImage& reference);
/// PSNR of μ-law tone-mapped HDR images: both divided by the reference's largest finite
/// sample (so the reference spans [0,1]), negative values clipped to 0, then
/// T(x) = ln(1 + μx)/ln(1 + μ) and PSNR with peak 1 (Kalantari & Ramamoorthi, "Deep high
/// dynamic range imaging of dynamic scenes", SIGGRAPH 2017: μ = 5000). Throws when the
/// reference has no positive sample.
double psnrMuDb(const Image& test, const Image& reference, double mu = PsnrSettings{}.mu);

// ---------------------------------------------------------------------------------------
// Single-image statistics, on a grey plane (values in [0,255]).

struct SpatialFrequency {
    double rowFrequency = 0.0;    ///< RF = sqrt(mean over i, j≥1 of (I[i][j] − I[i][j−1])²): horizontal neighbours
    double columnFrequency = 0.0; ///< CF = sqrt(mean over i≥1, j of (I[i][j] − I[i−1][j])²): vertical neighbours
    double spatialFrequency = 0.0; ///< SF = sqrt(RF² + CF²) (Eskicioglu & Fisher, IEEE TCOM 43(12), 1995)
};
/// Means are over the number of differences (W−1 per row, H−1 per column). Needs ≥ 2×2.
SpatialFrequency spatialFrequency(const Image& grey);

/// Shannon entropy in bits of the 256-bin histogram of the integer grey levels, −Σ p log2 p.
double entropyBits(const Image& grey);

/// Population standard deviation sqrt(Σ(I − mean)² / (W·H)), as in the fusion literature.
double standardDeviation(const Image& grey);

enum class GradientDifferences {
    Central, ///< MATLAB gradient(): central differences inside, one-sided at the borders (VIFB/MEFB toolkits)
    Forward, ///< the textbook form: forward differences over the (W−1)(H−1) top-left pixels
};
/// Average gradient: Σ sqrt((Gx² + Gy²)/2) / ((W−1)(H−1)); Central sums over all W·H pixels
/// (as the toolkits do), Forward over the (W−1)(H−1) pixels that have both neighbours.
struct AverageGradientSettings {
    GradientDifferences differences = GradientDifferences::Central; ///< as the toolkits compute it
};
double averageGradient(const Image& grey, GradientDifferences differences = AverageGradientSettings{}.differences);

// ---------------------------------------------------------------------------------------
// Information measures on integer grey planes (256 levels, log2: bits).

/// I(A;B) = H(A) + H(B) − H(A,B) from the 256×256 joint histogram.
double mutualInformationBits(const Image& greyA, const Image& greyB);
/// Fusion mutual information Σ_k I(X_k; F) (Qu, Zhang, Yan, Electronics Letters 38(7), 2002:
/// MI = I(A;F) + I(B;F), summed over every source for N sources).
double fusionMutualInformation(const Image& fusedGrey, const std::vector<Image>& sourceGreys);
/// Normalised fusion MI, Hossny, Nahavandi, Creighton, "Comments on 'Information measure for
/// performance of image fusion'", Electronics Letters 44(18), 2008:
/// NMI = 2 Σ_k I(X_k;F) / (H(X_k) + H(F)); a term whose H(X_k) + H(F) is 0 counts 0.
double fusionNormalisedMutualInformation(const Image& fusedGrey, const std::vector<Image>& sourceGreys);

// ---------------------------------------------------------------------------------------
// Qabf (Xydeas & Petrović, "Objective image fusion performance measure", Electronics
// Letters 36(4), 2000).

struct QabfParams {
    double tg = 0.9994, kg = -15.0, dg = 0.5; ///< edge-strength sigmoid
    double ta = 0.9879, ka = -22.0, da = 0.8; ///< orientation sigmoid
    double weightExponent = 1.0;              ///< L: w_k = g_k^L
};
/// Sobel gradients (3×3, zero padding at the borders as MATLAB filter2 'same'), strength
/// g = sqrt(sx² + sy²), orientation α = atan(sy/sx) (±π/2 where sx = 0 ≠ sy, 0 where both are 0).
/// Relative strength G = g_F/g_k where g_k > g_F, g_k/g_F where g_k < g_F, 1 where they are
/// equal (both 0 included); relative orientation A = ||α_k − α_F| − π/2| / (π/2) (orientation
/// modulo π). Q_kF = Tg/(1+e^{kg(G−Dg)}) · Ta/(1+e^{ka(A−Da)}).
/// Qabf = Σ_k Σ_px Q_kF w_k / Σ_k Σ_px w_k over all sources; 0 when every w is 0.
/// Its maximum (F equal to every source) is Q(G=1, A=1) ≈ 0.97479 with the default constants.
/// map (optional): per pixel Σ_k Q_kF w_k / Σ_k w_k (0 where Σ w = 0), full size.
double qabf(const Image& fusedGrey, const std::vector<Image>& sourceGreys, const QabfParams& params = {},
            Image* map = nullptr);

// ---------------------------------------------------------------------------------------
// VIF (Sheikh & Bovik, "Image information and visual quality", IEEE TIP 15(2), 2006), the
// pixel-domain multi-scale form of the authors' vifp_mscale.m (4 scales, Gaussian windows
// 17/9/5/3 px with σ = N/5, σ_n² = 2).

struct VifSettings {
    double noiseVariance = 2.0; ///< HVS noise σn² in grey levels² (vifp_mscale.m)
};

/// VIFp of `distorted` against `reference` (grey planes of the same size); noiseVariance is
/// the HVS noise σn² (2 in the reference code, for 0–255 grey levels). Scales whose
/// image is smaller than their window contribute nothing, as in the reference; a reference
/// with no local variance at any scale (num = den = 0) gives 0.
double vifp(const Image& referenceGrey, const Image& distortedGrey, double noiseVariance = VifSettings{}.noiseVariance);
/// Fusion VIF as the fusion-evaluation toolkits compute it: Σ_k VIFp(X_k, F), each source
/// the reference and the fused image the distorted one (two sources: VIF(A,F) + VIF(B,F)).
double fusionVif(const Image& fusedGrey, const std::vector<Image>& sourceGreys, double noiseVariance = VifSettings{}.noiseVariance);

// ---------------------------------------------------------------------------------------
// Everything at once (the CLI's `metrics`), in a fixed order with the CLI's JSON keys.

struct MetricValue {
    std::string key;              ///< JSON key ("mef_ssim", "spatial_frequency", …)
    std::optional<double> value;  ///< empty where the metric is not defined for these inputs
    std::string note;             ///< why it is empty, or a remark worth printing
};

struct MetricSuiteOptions {
    MefSsimParams mefSsim;
    SsimParams ssim;
    QabfParams qabf;
    GradientDifferences gradient = GradientDifferences::Central;
    double psnrMu = 5000.0;
};

/// The no-reference keys in the order computeFusionMetrics returns them.
std::vector<std::string> fusionMetricKeys();
/// The keys a reference adds: psnr, ssim, ms_ssim, and psnr_mu where hdrReference.
std::vector<std::string> referenceMetricKeys(bool hdrReference);

/// Every metric of a fused image against its stack: mef_ssim, mef_ssim_single_scale, qabf,
/// vif, mutual_information, nmi, spatial_frequency, entropy, standard_deviation,
/// average_gradient; with a reference also psnr, ssim, ms_ssim and, when the reference holds
/// float samples (HDR: EXR, Radiance HDR, float TIFF), psnr_mu. A metric the image is too small
/// for has no value and a note.
/// Throws when the fused image, the stack and the reference differ in size.
std::vector<MetricValue> computeFusionMetrics(const SampleImage& fused, const ExposureStack& stack,
                                              const SampleImage* reference, const MetricSuiteOptions& options,
                                              ProgressSink& progress);

} // namespace fuselab
