// Internal, torch-free: single-channel float planes and the separable linear operators the
// fusion network applies at full resolution (area downsampling, bilinear upsampling, the
// Burt–Adelson pyramid steps, the 4-neighbour Laplacian), each with its exact transpose.
//
// Why: attribution needs the gradient of the fused output with respect to every input pixel.
// LibTorch's autograd through the full-resolution pyramid costs 4–9 s per 1 MP sample on the
// 2-core build machine (measured), so the split engine runs the network in LibTorch at low
// resolution and the full-resolution part here, with hand-written adjoints. Every operator is a
// 1-D "tap table" (for each output sample: a few input indices and weights) applied along x or
// y; its transpose is the same table inverted, so forward and adjoint can never disagree.
// The definitions mirror pyramid_torch.cpp, full_res_weights.cpp and net.cpp sample for sample.
#pragma once

#include <cstddef>
#include <vector>

namespace fuselab::learn::detail {

/// A width × height plane of floats, row-major, no padding.
struct Plane {
    int width = 0, height = 0;
    std::vector<float> values;

    Plane() = default;
    Plane(int w, int h, float fill = 0.0f) : width(w), height(h), values(std::size_t(w) * std::size_t(h), fill) {}
    float* row(int y) { return values.data() + std::size_t(y) * std::size_t(width); }
    const float* row(int y) const { return values.data() + std::size_t(y) * std::size_t(width); }
    float& at(int x, int y) { return values[std::size_t(y) * std::size_t(width) + std::size_t(x)]; }
    float at(int x, int y) const { return values[std::size_t(y) * std::size_t(width) + std::size_t(x)]; }
    std::size_t size() const { return values.size(); }
};

/// A 1-D linear operator R^in → R^out in compressed rows: output o is
/// Σ_{t in [start[o], start[o+1])} weight[t] · input[index[t]].
struct Taps {
    int in = 0, out = 0;
    std::vector<int> start, index;
    std::vector<float> weight;
    /// The same operator with `width` taps for every output (the shorter rows padded with their
    /// last index at weight 0, which adds exactly 0 to a finite sum): along rows, a loop of fixed
    /// length the compiler unrolls instead of a variable one. Filled by the builders below and by
    /// transposed(); empty (width 0) for a hand-made table, which then takes the general loop.
    int width = 0;
    std::vector<int> fixedIndex;
    std::vector<float> fixedWeight;
};

Taps transposed(const Taps& taps);
/// The identity on n samples (to apply a 1-D operator along one axis only).
Taps identityTaps(int n);
/// Burt–Adelson reduce: [1 4 6 4 1]/16 with reflect-101 borders, every second sample; n → (n+1)/2.
Taps pyramidDownTaps(int n);
/// Burt–Adelson expand of pyramid_torch.cpp: even fine samples (c[j−1] + 6c[j] + c[j+1])/8, odd
/// ones (c[j] + c[j+1])/2, borders by its coarse-neighbour rule; (fine+1)/2 → fine.
Taps pyramidUpTaps(int fine);
/// Output sample d of LibTorch's linear upsampling along one axis (align_corners = false), in → out:
/// source src = max(scale·(d + ½) − ½, 0), taps i0 = ⌊src⌋ and i1 = i0 + 1 (clamped), i1's weight.
struct LinearTap {
    int i0 = 0, i1 = 0;
    float w1 = 0.0f; ///< i0's weight is 1 − w1
};
LinearTap linearUpsampleTap(int in, int out, int d);
/// LibTorch's upsample_bilinear2d along one axis (align_corners = false); in → out.
Taps bilinearTaps(int in, int out);
/// LibTorch's adaptive_avg_pool2d cells along one axis: start ⌊i·n/m⌋, end ⌈(i+1)·n/m⌉; n → m.
Taps areaTaps(int n, int m);
/// Second difference x[i−1] − 2x[i] + x[i+1] with reflect-101 borders (half the 4-neighbour Laplacian).
Taps secondDifferenceTaps(int n);

/// out = Ty · in · Txᵀ: `tx` along rows (in.width → out.width), then `ty` along columns.
/// Rows run in parallel on fuselab's pool. `out` is resized.
void applySeparable(const Plane& in, const Taps& tx, const Taps& ty, Plane& out);
/// out += Ty · in · Txᵀ.
void accumulateSeparable(const Plane& in, const Taps& tx, const Taps& ty, Plane& out);

/// The tap tables of one plane size, built once and shared by every sample of a call.
struct PyramidGeometry {
    int levels = 0;
    std::vector<int> widths, heights;  ///< per level
    std::vector<Taps> downX, downY;    ///< level l → l+1
    std::vector<Taps> upX, upY;        ///< level l+1 → l
    std::vector<Taps> downXT, downYT;  ///< transposes
    std::vector<Taps> upXT, upYT;
    Taps lapX, lapY, lapXT, lapYT;     ///< second differences at level 0 (full resolution)
    Taps idX, idY;

    PyramidGeometry() = default;
    PyramidGeometry(int width, int height, int levels);
};

using Pyramid = std::vector<Plane>;

/// Gaussian pyramid: G0 = plane, G(l+1) = down(G(l)).
void gaussianPyramid(const Plane& plane, const PyramidGeometry& g, Pyramid& out);
/// Laplacian pyramid: L(l) = G(l) − up(G(l+1)), top level G(n−1).
void laplacianPyramid(const Plane& plane, const PyramidGeometry& g, Pyramid& out);
/// Collapse: acc = P(n−1); acc = up(acc) + P(l) down to level 0.
void collapsePyramid(const Pyramid& levels, const PyramidGeometry& g, Plane& out);

/// Adjoint of collapse: v(0) = u, v(l+1) = upᵀ(v(l)) — the sensitivity of a linear functional
/// ⟨u, collapse(P)⟩ to each level P(l).
void collapseAdjoint(const Plane& u, const PyramidGeometry& g, Pyramid& out);
/// Adjoint of gaussianPyramid: Σ_l (downᵀ)^l(gradient(l)).
void gaussianPyramidAdjoint(const Pyramid& gradient, const PyramidGeometry& g, Plane& out);
/// Adjoint of laplacianPyramid.
void laplacianPyramidAdjoint(const Pyramid& gradient, const PyramidGeometry& g, Plane& out);

/// 4-neighbour Laplacian with reflect-101 borders (net.cpp's laplacianMagnitude before |·|) and its transpose.
void laplacian(const Plane& in, const PyramidGeometry& g, Plane& out);
void laplacianTransposed(const Plane& in, const PyramidGeometry& g, Plane& out);

/// Σ over pixels of a·b in double, summed row by row in a fixed order (deterministic).
double dot(const Plane& a, const Plane& b);

} // namespace fuselab::learn::detail
