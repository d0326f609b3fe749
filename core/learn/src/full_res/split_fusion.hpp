// Internal, torch-free: the full-resolution half of the fusion network (net.cpp's fuseTensors
// after the guided-filter coefficients) for one sample, forward and adjoint.
//
//   W_k   = q_k / Σ_j q_j,  q_k = (relu(up(A_k)·grey_k + up(B_k)) + 1e-6) · (|lap grey_k| + ε)^β
//   fused = collapse_l( Σ_k down^l(W_k) · Lap_l(x_k) )
//
// A linear target ⟨m ⊗ κ, fused⟩ (a spatial weight map times channel weights) is evaluated
// without ever forming the fused image: with v_l = (upᵀ)^l m it equals
// Σ_l ⟨v_l, Σ_k G_l(W_k) · Lap_l(Σ_c κ_c x_k,c)⟩, so the blend runs on one channel per input
// (the κ-weighted grey) instead of three. Nonlinear targets get the fused image and hand back
// its gradient u; the adjoint then runs per channel.
#pragma once

#include "plane_ops.hpp"

#include <array>
#include <vector>

namespace fuselab::learn::detail {

/// The grey of net.cpp/tensor_utils (MATLAB rgb2gray weights), as floats.
inline constexpr std::array<float, 3> kSplitGrey = {0.298936021293775f, 0.587043074451121f, 0.114020904255103f};

struct SplitDetailTerm {
    bool enabled = false;
    float exponent = 1.0f; ///< β
    float floor = 2e-3f;   ///< ε
};

/// Tap tables of one full-resolution size and one network resolution, shared by every sample.
struct SplitGeometry {
    int width = 0, height = 0, lowWidth = 0, lowHeight = 0;
    PyramidGeometry pyramid;
    Taps upX, upY, upXT, upYT;         ///< bilinear low → full (and transposes)
    Taps areaX, areaY, areaXT, areaYT; ///< area average full → low (and transposes)

    SplitGeometry(int widthPx, int heightPx, int lowWidthPx, int lowHeightPx, int levels);
};

/// A linear target: spatial weights m (full resolution, e.g. 1/N inside a region) and channel
/// weights κ; v holds (upᵀ)^l m for every pyramid level.
struct SplitLinearTarget {
    Plane spatial;
    std::array<float, 3> channelWeights{1.0f / 3, 1.0f / 3, 1.0f / 3};
    Pyramid v;
    void prepare(const PyramidGeometry& geometry) { collapseAdjoint(spatial, geometry, v); }
};

/// One sample's forward state, kept for its adjoint.
class SplitSample {
public:
    /// x: K inputs × 3 channels × H × W floats (planar, as a contiguous [K,3,H,W] tensor).
    /// meanA/meanB: K planes each at the network resolution (the guided-filter coefficients).
    SplitSample(const SplitGeometry& geometry, const SplitDetailTerm& detail, const float* x, int inputs,
                std::vector<Plane> meanA, std::vector<Plane> meanB);

    /// ⟨m ⊗ κ, fused⟩ in double (blends one κ-weighted channel per input).
    double linearValue(const SplitLinearTarget& target);
    /// Gradient of linearValue: into gx ([K,3,H,W], overwritten) and the coefficients' gradients
    /// (K planes each at the network resolution). Call linearValue first.
    void linearGradient(const SplitLinearTarget& target, float* gx, std::vector<Plane>& gMeanA, std::vector<Plane>& gMeanB);

    /// The fused image, 3 planes at full resolution.
    std::array<Plane, 3> fused();
    /// Gradient of ⟨u, fused⟩ for u = the target's gradient w.r.t. the fused image (3 planes). Call fused() first.
    void fusedGradient(const std::array<Plane, 3>& u, float* gx, std::vector<Plane>& gMeanA, std::vector<Plane>& gMeanB);

    /// The full-resolution weight maps (normalised over inputs).
    const std::vector<Plane>& weights() const { return m_weights; }

private:
    void blendChannels(const std::vector<const float*>& planesPerInput, int channels);
    void weightsAdjoint(const std::vector<Plane>& gWeights, float* gx, std::vector<Plane>& gMeanA, std::vector<Plane>& gMeanB);
    void blendAdjoint(const std::vector<Pyramid>& vPerChannel, std::vector<Plane>& gWeights, std::vector<Plane>& gBlendInputs);

    const SplitGeometry& m_g;
    SplitDetailTerm m_detail;
    const float* m_x;
    int m_k;
    std::vector<Plane> m_meanA, m_meanB;
    // weight forward state
    std::vector<Plane> m_grey, m_upA, m_preRelu, m_detailFactor, m_lapSigned, m_q, m_weights;
    Plane m_qSum;
    // blend state: Gaussian pyramids of the weights, Laplacian pyramids of the blended channels
    std::vector<Pyramid> m_weightPyr;
    std::vector<std::vector<Pyramid>> m_lapPyr; ///< [k][channel]
    int m_blendChannels = 0;
};

/// Integrated Gradients of a linear target along the straight path x(α) = start + α·delta.
///
/// Everything linear in the inputs is computed once instead of once per step: the network's
/// input (area average), the grey and its Laplacian, and the Laplacian pyramids of the
/// κ-weighted inputs, so the target's sensitivity to each weight map is R_k + α·S_k (two planes).
/// The images' own path is linear in the weights, so only Σ_i w_i·W_k(α_i) is kept and goes
/// through one Gaussian pyramid and one Laplacian-pyramid adjoint at the end; likewise the grey
/// path and the area average's transpose. Per step there remain the guided-filter upsampling,
/// the weights, their pointwise adjoint and two bilinear transposes: about a dozen cheap passes
/// over each input instead of four pyramids.
class SplitPathIntegral {
public:
    /// start, delta: [K,3,H,W] planar floats.
    SplitPathIntegral(const SplitGeometry& geometry, const SplitDetailTerm& detail, const SplitLinearTarget& target, const float* start,
                      const float* delta, int inputs);
    /// The network's input at α: [K,3,h,w] into `out`.
    void networkInput(double alpha, float* out) const;
    /// Adds weight · (the full-resolution part of ∇f at α) given the network's coefficients at α,
    /// and returns the gradient of f at α w.r.t. the coefficients (K planes each, not weighted).
    void accumulate(double alpha, double weight, const std::vector<Plane>& meanA, const std::vector<Plane>& meanB,
                    std::vector<Plane>& gMeanA, std::vector<Plane>& gMeanB);
    /// The accumulated gradient [K,3,H,W] into gx, given Σ_i w_i ∂f/∂(network input)(α_i) ([K,3,h,w]).
    void finish(const float* lowGradient, float* gx) const;

private:
    const SplitGeometry& m_g;
    SplitDetailTerm m_detail;
    const SplitLinearTarget& m_target;
    int m_k;
    std::vector<float> m_lowStart, m_lowDelta;
    std::vector<Plane> m_greyStart, m_greyDelta, m_lapStart, m_lapDelta, m_r, m_s;
    std::vector<Plane> m_accWeights, m_accGrey, m_accLap;
    std::vector<Plane> m_upA, m_pre, m_q; ///< per step, reused
    Plane m_qSum;
};

/// Area average of one [3,H,W] input to [3,h,w] (the network's input), and the transpose.
void splitAreaDown(const SplitGeometry& geometry, const float* chw, float* out);
void splitAreaDownTransposedAdd(const SplitGeometry& geometry, const float* lowChw, float* chw);

} // namespace fuselab::learn::detail
