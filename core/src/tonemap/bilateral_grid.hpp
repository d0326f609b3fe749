// Private: a bilateral grid (Chen, Paris & Durand 2007) — a coarse 3-D array over
// (x, y, guide value) into which pixels are accumulated, smoothed with a Gaussian in space and
// in the guide dimension, and read back ("sliced") per pixel at full resolution with each
// pixel's own guide value. Blurring the grid approximates a bilateral filter; slicing with
// the full-resolution guide keeps edges sharp although the grid itself is coarse.
#pragma once

#include "fuselab/base/image.hpp"

#include <vector>

namespace fuselab::tonemap_detail {

class BilateralGrid {
public:
    /// A grid over an image of widthPx × heightPx whose cells are cellPx pixels wide in x and
    /// y and guideCell wide in the guide dimension, covering guide values [guideMin, guideMax].
    BilateralGrid(int widthPx, int heightPx, double cellPx, float guideMin, float guideMax, double guideCell);

    /// Accumulates (value, 1) of every pixel at (x, y, guide): nearest cell in space (cells
    /// tile the image), linear between the two nearest cells in the guide dimension. guide and
    /// value are 1-channel images of the grid's image size (value may be the guide itself).
    void splat(const Image& guide, const Image& value);

    /// Like splat, but the samples come from an image factorX × factorY times smaller than the
    /// grid's (a reduced-size result whose pixel (u, v) covers full-size pixels around
    /// ((u + 0.5)·factorX, (v + 0.5)·factorY)).
    void splatReduced(const Image& guide, const Image& value, double factorX, double factorY);

    /// Gaussian smoothing with σ in cells (space, guide); zero outside the grid, so slicing
    /// (which normalises by the accumulated weight) ignores what lies beyond the image.
    void blur(double sigmaSpaceCells, double sigmaGuideCells);

    /// Where the accumulated weight is below minWeight, copies the value of the nearest cell
    /// along the guide axis that has enough weight (flat extrapolation of the local curve).
    void fillSparseAlongGuide(float minWeight);

    /// Normalised value at each full-size pixel, trilinear in (x, y, guide). 1-channel image.
    /// Pixels whose neighbourhood holds no weight at all take `fallback`'s value (the guide).
    Image slice(const Image& guide, const Image& fallback) const;

    int cellsX() const { return m_nx; }
    int cellsY() const { return m_ny; }
    int cellsGuide() const { return m_nz; }

private:
    std::size_t index(int x, int y, int z) const { return (std::size_t(z) * m_ny + y) * m_nx + x; }
    float guideCoordinate(float g) const;

    int m_width, m_height;
    double m_cellPx;
    float m_guideMin;
    double m_guideCell;
    int m_nx, m_ny, m_nz;
    std::vector<float> m_sum;    ///< Σ value·weight per cell, layout [z][y][x]
    std::vector<float> m_weight; ///< Σ weight per cell
};

} // namespace fuselab::tonemap_detail
