// Gaussian and Laplacian pyramids (Burt & Adelson 1983) with the 5-tap binomial kernel
// [1 4 6 4 1]/16 and mirrored borders (reflect-101, as OpenCV's pyrDown/pyrUp).
//
// pyramidDown halves each side rounding up ((w+1)/2); pyramidUp expands back to a given
// size (even output positions use (1 6 1)/8 of the coarse samples, odd ones (1 1)/2).
// A Laplacian level is G_j − up(G_{j+1}); the last level is the Gaussian G_{n−1}, so
// collapsing an unmodified Laplacian pyramid restores the image to float precision.
#pragma once

#include "fuselab/base/image.hpp"
#include "fuselab/base/pyramid_geometry.hpp" // autoPyramidLevels

#include <vector>

namespace fuselab {

Image pyramidDown(const Image& fine);
Image pyramidUp(const Image& coarse, int fineWidthPx, int fineHeightPx);

std::vector<Image> gaussianPyramid(const Image& image, int levels);
std::vector<Image> laplacianPyramid(const Image& image, int levels);
Image collapseLaplacianPyramid(const std::vector<Image>& laplacian);

/// Σ_k collapse(L{images_k} · G{weights_k}): the multiresolution blend at the heart of
/// exposure fusion. weights are 1-channel maps, normalised per pixel by the caller;
/// images share one size and channel count. levels ≥ 1.
Image pyramidBlend(const std::vector<Image>& images, const std::vector<Image>& weights, int levels);

} // namespace fuselab
