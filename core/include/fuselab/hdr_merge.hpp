// Camera response recovery and radiance merge (SPEC §2).
//
// Debevec & Malik 1997 and Robertson et al. 2003 recover a per-channel response from a
// stack with known exposure times; mergeRadiance turns a stack plus a response into linear
// float radiance, with weights that are zero at both ends of the code range so clipped and
// black pixels never leak into the result. Pixels clipped (or black) in every frame are
// handled explicitly: they come out at least as bright (dark) as the brightest (darkest)
// value the stack can represent, never as NaN, holes or halos.
//
// Codes: a frame's samples are read as code values z in 0..L−1, v = z/(L−1). 8-bit data has
// L = 256 natively; recovery bins 16-bit and float samples (v clipped to [0,1]) to `levels`
// codes, z = round(v·(L−1)); the merge reads 16-bit codes exactly and float samples through a
// 65536-entry table. A code of 0 is "black", a code of L−1 "clipped".
//
// Thread safety: every function here is reentrant; they use fuselab::parallelFor inside.
#pragma once

#include "fuselab/frame_rows.hpp"

#include <cstdint>
#include <memory>

#include "fuselab/deghost.hpp"
#include "fuselab/base/exposure.hpp"
#include "fuselab/base/image.hpp"
#include "fuselab/base/progress.hpp"
#include "fuselab/base/response.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace fuselab {

/// Hat: w = 1 − |2v − 1| = min(z, L−1−z)/((L−1)/2), Debevec & Malik's triangle scaled to peak 1.
/// Gaussian: Robertson et al.'s w = e⁴/(e⁴−1)·exp(−(4v − 2)²) + 1/(1 − e⁴) (for 256 levels
///   4v = i/63.75, the SPEC formula); exactly 0 at both ends, 1 in the middle.
/// Plateau: w = 1 − (2v − 1)¹², flat over the middle codes (Reinhard et al., "High Dynamic
///   Range Imaging", 2005), 0 at both ends.
enum class MergeWeighting { Hat, Gaussian, Plateau };
std::string_view toString(MergeWeighting weighting);
/// "hat", "gaussian", "plateau"; throws fuselab::Error listing them otherwise.
MergeWeighting mergeWeightingFromString(const std::string& name);

/// Weight of normalised code value v in [0,1]; exactly 0 at v ≤ 0 and v ≥ 1 (and NaN), peak 1
/// in the middle, never negative.
double mergeWeight(MergeWeighting weighting, double v);

struct DebevecParams {
    int samples = 70;       ///< sample pixels, on a regular grid (OpenCV's default); ≥ 1
    /// Smoothness weight λ. Like the paper's gsolve.m and OpenCV, λ scales the smoothness rows
    /// λ·w(z)·[1 −2 1], so the objective carries λ²·Σ[w(z) g''(z)]². 0 = no smoothing: codes
    /// no sample covers are then interpolated between covered ones.
    double lambda = 10.0;
    int levels = 256;       ///< code levels L (2..4096): 256 for 8-bit data; 16-bit/float data is binned to this
    MergeWeighting weighting = MergeWeighting::Hat;
};

/// Robertson et al. 2003 starts from a linear curve and alternates irradiance and response
/// updates. Two properties worth knowing (both measured in tests/golden/hdr_response_test.cpp):
/// with every exposure ratio a power of one factor r (brackets 2 stops apart: r = 4), adding any
/// function periodic in ln X with period ln r to ln I fits the data exactly as well, and nothing
/// in the method (unlike Debevec's smoothness term) removes such a ripple, so whatever ripple of
/// that kind the linear start has stays in the result (±0.1–0.2 in ln X on the synthetic
/// scenes); and the codes 0 and L−1 are censored, so their values are extrapolated from their
/// neighbours instead (see response_robertson.cpp).
struct RobertsonParams {
    int maxIterations = 30;
    /// Stop when the mean |ΔI(m)| over the L codes (I normalised to I(L/2) = 1) falls below
    /// this (SPEC §2). OpenCV's CalibrateRobertson compares the sum over codes instead, so its
    /// 0.01 is 256 times stricter.
    double threshold = 0.01;
    int levels = 256;
    int maxSamplePixels = 200000; ///< pixels used per iteration (a regular subsample)
};

/// What a recovery did, for diagnostics (scalars of the operators).
struct ResponseRecoveryReport {
    int samplesUsed = 0;    ///< sample pixels that carried weight in at least one frame
    int iterations = 0;     ///< Robertson: iterations run (Debevec: 1)
    bool converged = true;  ///< Robertson: the change fell below the threshold
    double finalChange = 0; ///< Robertson: mean |ΔI(m)| of the last iteration
    double fitRmsLn = 0;    ///< weighted RMS residual of the fit in ln exposure (Debevec), mean over channels
    int monotoneFixes = 0;  ///< codes whose value the monotonicity repair changed by more than 1e-6 (all channels)
};

/// Recovered curves are returned as table responses (one per channel, `levels` rows at
/// v = z/(L−1)) normalised so that the middle code z = L/2 maps to exposure 1, strictly
/// increasing (a weighted isotonic repair, see response_shape.cpp, fixes noisy ends).
/// Throws fuselab::Error naming the first frame without exposure data (and for stacks of
/// fewer than two frames or mismatched frames), and fuselab::Cancelled.
CameraResponse recoverResponseDebevec(const ExposureStack& stack, const DebevecParams& params, ProgressSink& progress,
                                      ResponseRecoveryReport* report = nullptr);
CameraResponse recoverResponseRobertson(const ExposureStack& stack, const RobertsonParams& params, ProgressSink& progress,
                                        ResponseRecoveryReport* report = nullptr);

/// The pixels response recovery reads — Debevec's grid of params.samples pixels and Robertson's
/// subsample of at most maxSamplePixels — gathered from frames read row by row, so a response
/// can be recovered without any whole frame; the recoveries below then give exactly what they
/// give on the whole stack.
class RecoverySamples {
public:
    /// Frames of widthPx × heightPx, `channels` each (1–4), with these relative exposure times
    /// (ExposureStack::relativeExposureTimes; stack order).
    RecoverySamples(int widthPx, int heightPx, int channels, std::vector<double> relativeTimes, const DebevecParams& debevec,
                    const RobertsonParams& robertson);
    ~RecoverySamples();
    RecoverySamples(const RecoverySamples&) = delete;
    RecoverySamples& operator=(const RecoverySamples&) = delete;
    /// Whether row y holds sample pixels (addRow ignores the others).
    bool needsRow(int y) const;
    /// Takes the sample pixels of row y of frame `frame` (widthPx × channels samples of `type`).
    void addRow(int frame, int y, const void* row, RowSampleType type);
    struct Impl;

private:
    std::unique_ptr<Impl> m;
    friend CameraResponse recoverResponseDebevec(const RecoverySamples&, const DebevecParams&, ProgressSink&, ResponseRecoveryReport*);
    friend CameraResponse recoverResponseRobertson(const RecoverySamples&, const RobertsonParams&, ProgressSink&, ResponseRecoveryReport*);
};

/// The recoveries from gathered samples (every frame's sample rows added); the parameters must be
/// those the samples were gathered for.
CameraResponse recoverResponseDebevec(const RecoverySamples& samples, const DebevecParams& params, ProgressSink& progress,
                                      ResponseRecoveryReport* report = nullptr);
CameraResponse recoverResponseRobertson(const RecoverySamples& samples, const RobertsonParams& params, ProgressSink& progress,
                                        ResponseRecoveryReport* report = nullptr);

struct MergeParams {
    MergeWeighting weighting = MergeWeighting::Hat;
    const MotionMask* motion = nullptr; ///< optional: masked pixels come from the reference only
    /// Drop, per sample, every frame whose saturation level (ln f⁻¹(top) − ln Δt_j) is at or below
    /// what a darker frame of the same sample already recorded (ln f⁻¹(Z_k) − ln Δt_k): more
    /// light than that must have saturated it, so a code below the top there is JPEG ringing,
    /// a tone curve's shoulder or noise, not a measurement. Without it, such near-top codes of
    /// the bright frames (weights small but not 0) are the only weighted readings inside a lamp
    /// whose darkest frame clips, and pull it down by the exposure ratio: dark speckles and dark
    /// rims around lamps in real JPEG brackets.
    bool saturationCheck = true;
};

/// What a merge found, per colour sample (pixel × channel).
struct MergeStats {
    double clippedEverywhereFraction = 0.0; ///< samples at the top code in every frame
    double blackEverywhereFraction = 0.0;   ///< samples at code 0 in every frame
};

/// ln E = Σ_j w(Z_j)(ln f⁻¹(Z_j) − ln Δt_j) / Σ_j w(Z_j) per channel, Δt relative (2^stops),
/// over the frames the saturation check keeps (MergeParams::saturationCheck; the darkest frame
/// is always kept). Where every weight is 0: clipped in some frame → ln f⁻¹(top code) − ln Δt of the darkest
/// clipped frame (for a lamp clipped everywhere: the darkest frame's brightest code, which is
/// above every weighted estimate, so cores are the image's maximum, never dark); black
/// everywhere → ln f⁻¹(0) − ln(longest Δt), with ln f⁻¹(0) replaced by ln(f⁻¹(1/(L−1))/2)
/// when f⁻¹(0) = 0. (Using clipped/black frames as hard bounds on the weighted estimate was
/// tried and dropped: sensor noise makes "black" no upper bound at all, and a recovered curve's
/// uncertain top end leaked into every pixel clipped in one frame.)
/// With params.motion: out = (1−m)·merged + m·(radiance of the reference frame alone, or of
/// the frame nearest in exposure that is neither clipped nor black at the pixel).
/// Output: linear float radiance, 3 channels (1 for grey stacks; alpha is dropped), stack
/// resolution, finite and positive everywhere. Throws fuselab::Error (missing exposure data,
/// mismatched frames or mask) and fuselab::Cancelled.
Image mergeRadiance(const ExposureStack& stack, const CameraResponse& response, const MergeParams& params,
                    ProgressSink& progress, MergeStats* stats = nullptr);

/// Clipped and black samples a merge met (MergeStats as counts).
struct MergeCounts {
    std::int64_t clippedEverywhere = 0;
    std::int64_t blackEverywhere = 0;
};

/// mergeRadiance one row at a time, for frames that are never held whole (fuselab-cli merge
/// --memory-mb); mergeRadiance runs it over whole frames, so both give the same samples.
/// Construction builds the tables; mergeRow is const and may run on many threads at once.
class RadianceRowMerger {
public:
    struct FrameInfo {
        RowSampleType sampleType;
        double relativeTime; ///< Δt relative to the others (ExposureStack::relativeExposureTimes), > 0
    };
    /// `channels`: every frame's channel count (1–4; alpha is dropped). motionReferenceIndex: the
    /// frame (caller's order) that masked pixels come from, or −1 (params.motion is not read).
    RadianceRowMerger(const std::vector<FrameInfo>& frames, int channels, const CameraResponse& response, const MergeParams& params,
                      int motionReferenceIndex = -1);
    ~RadianceRowMerger();
    RadianceRowMerger(const RadianceRowMerger&) = delete;
    RadianceRowMerger& operator=(const RadianceRowMerger&) = delete;
    /// 3, or 1 for grey frames.
    int outputChannels() const;
    /// rows[j]: row of frame j (caller's order, widthPx × channels samples); motionRow: the
    /// motion mask's row or nullptr; dst: widthPx × outputChannels() floats of radiance.
    void mergeRow(const void* const* rows, int widthPx, const float* motionRow, float* dst, MergeCounts& counts) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

/// ln f⁻¹(z/(codes−1)) for z = 0..codes−1 of one channel, finite everywhere (f⁻¹(0) = 0 is
/// replaced as in mergeRadiance). Non-decreasing for any valid response.
std::vector<double> logInverseResponse(const CameraResponse& response, int channel, int codes = 256);

/// The response as a plottable image: codes × 1 pixels, 3 channels, each sample ln X of that
/// code (logInverseResponse of each channel; a one-channel response is repeated).
Image responseCurveImage(const CameraResponse& response, int codes = 256);

/// The inverse of responseCurveImage: a table response from a row of ln exposures per code
/// (1 or 3 channels), e.g. the "response" extra of the merge operators, for writing as CSV.
CameraResponse responseFromCurveImage(const Image& curves);

} // namespace fuselab
