// Private: pyramids on planar images (one 1-channel Image per colour channel), the layout
// in which every row kernel vectorises. Used by the public interleaved API and by the
// fusion engine's coarse levels.
#pragma once

#include "fuselab/base/image.hpp"
#include "../isa/isa.hpp"

#include <vector>

namespace fuselab::FUSELAB_ISA::detail {

struct Planes {
    std::vector<Image> planes; ///< 1-channel, equal sizes
    int width() const { return planes.empty() ? 0 : planes.front().width(); }
    int height() const { return planes.empty() ? 0 : planes.front().height(); }
    int count() const { return int(planes.size()); }
};

Planes splitPlanes(const Image& image);
Image mergePlanes(const Planes& planes, ColourEncoding encoding);

Image downPlane(const Image& plane);
Image upPlane(const Image& coarse, int fineWidth, int fineHeight);

/// An output pyramid of `levels` zeroed planar levels, the finest widthPx × heightPx.
std::vector<Planes> zeroPyramid(int widthPx, int heightPx, int planes, int levels);

/// Adds one image's share of a multiresolution blend to `acc`: for every level j,
/// acc_j += G_j{weight} · L_j{image} (the last level takes the Gaussian G). Holds only this
/// image's own pyramid while it works, so peak memory does not grow with the frame count.
void accumulateBlend(const Planes& image, const Image& weight, std::vector<Planes>& acc);

/// Collapses a Laplacian pyramid (finest first) into its finest level.
Planes collapsePlanes(const std::vector<Planes>& acc);

} // namespace fuselab::FUSELAB_ISA::detail

namespace fuselab::FUSELAB_ISA {
/// Interleaved-in, interleaved-out multiresolution blend (levels already validated).
Image pyramidBlendImpl(const std::vector<Image>& images, const std::vector<Image>& weights, int levels);

} // namespace fuselab::FUSELAB_ISA
