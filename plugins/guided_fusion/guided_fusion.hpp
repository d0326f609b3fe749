// Two-scale exposure fusion with guided-filter weights:
//   S. Li, X. Kang, J. Hu, "Image Fusion With Guided Filtering", IEEE Transactions on Image
//   Processing 22(7):2864–2875, 2013 (GFF).
//
// Each frame I_n (display values in [0,1]) is split into a base layer B_n = mean_{r_b}(I_n) and
// a detail layer D_n = I_n − B_n. Saliency S_n = Gauss_{r_g,σ_g}(|Laplacian(grey I_n)|); the
// binary map P_n is 1 where frame n has the highest (S_n + floor) · E_n^β, where
// E_n = exp(−(grey − 0.5)² / 2σ_e²) is Mertens et al.'s well-exposedness. Weights are P_n smoothed by guided
// filters with frame n's grey image as guide: W^B_n = GF_{r1,ε1}(P_n), W^D_n = GF_{r2,ε2}(P_n)
// (large and smooth for the base, small and edge-tight for the detail); both are normalised
// over the frames, and F = Σ W^B_n B_n + Σ W^D_n D_n.
//
// The exposedness factor and the floor are this plugin's addition for exposure stacks (β = 0
// and floor = 0 give the paper's contrast-only selection): contrast alone prefers the
// brightest frame that is not clipped, because texture grows with exposure in display units,
// which washes a fused room out; and in smooth areas the only "contrast" is the 8-bit
// quantisation, so the winner flips between frames and the sky blotches. With the floor, flat
// areas are decided by exposedness, as in Mertens' fusion.
//
// Simplifications and choices, all stated: the guide is the frame's grey (0.299, 0.587, 0.114
// of R, G, B, as the authors' code converts) rather than the colour image; weights below 0
// (the guided filter overshoots a little at edges) are clamped to 0 before normalising, with
// a floor of 1e-12 so a pixel where every weight vanished becomes the frames' average; exact
// ties go to the first frame in stack order (the paper's argmax). Defaults are the paper's:
// r_b 15 (31×31 mean), r_g = σ_g = 5, r1 45, ε1 0.3, r2 7, ε2 1e-6; β = 1 and σ_e = 0.2 are
// Mertens et al.'s; the floor, 2/255, is about the saliency an 8-bit quantisation step leaves.
#pragma once

#include "fuselab/base/exposure.hpp"
#include "fuselab/base/progress.hpp"

#include <vector>

namespace gff {

struct GuidedFusionParams {
    int baseRadiusPx = 15;
    int saliencyRadiusPx = 5;
    double saliencySigmaPx = 5.0;
    int baseWeightRadiusPx = 45;
    double baseWeightEpsilon = 0.3;
    int detailWeightRadiusPx = 7;
    double detailWeightEpsilon = 1e-6;
    double exposednessExponent = 1.0; ///< β; 0 = contrast only, as the paper
    double exposednessSigma = 0.2;    ///< σ_e, in [0,1] pixel-value units
    double saliencyFloor = 2.0 / 255.0;
    bool keepWeightMaps = false;
};

struct GuidedFusionResult {
    fuselab::Image fused;                  ///< colour channels of the frames (alpha is not fused), their encoding
    std::vector<double> selectedFraction;  ///< per frame: fraction of pixels where P_n = 1
    std::vector<fuselab::Image> baseWeights; ///< normalised W^B_n, when keepWeightMaps
};

/// Throws fuselab::Error for an empty stack or frames of different sizes or channel counts;
/// fuselab::Cancelled when progress asks to stop (checked after each frame).
GuidedFusionResult fuseGuidedFiltering(const fuselab::ExposureStack& stack, const GuidedFusionParams& params,
                                       fuselab::ProgressSink& progress);

} // namespace gff
