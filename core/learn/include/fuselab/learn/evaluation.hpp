// MEF-SSIM (Ma, Zeng & Wang 2015) exactly as SPEC §4 defines it, computed with LibTorch in
// double precision (the differentiable training term uses the same formulation in float).
//
// Inputs and fused image are display-referred values in [0,1] (1 or 3 channels). As the
// authors' drivers do, each is converted to 8-bit codes (the fused image clipped and rounded
// first), to grey with MATLAB rgb2gray's weights and rounded to integers in [0,255]. 11×11
// windows, 'valid' region; the score is the plain mean of the quality map.
#pragma once

#include "fuselab/base/image.hpp"

#include <vector>

namespace fuselab::learn {

struct MefSsimScore {
    double singleScale = 0.0;
    double multiScale = 0.0;  ///< 3 levels, weights [0.0448, 0.2856, 0.3001] normalised, 2×2 mean + decimate
};

/// Throws fuselab::Error when sizes differ, fewer than 2 inputs are given, or the image is smaller than 11×11
/// (multiScale needs 44×44 and is 0 below).
MefSsimScore mefSsim(const std::vector<Image>& inputs, const Image& fused);

} // namespace fuselab::learn
