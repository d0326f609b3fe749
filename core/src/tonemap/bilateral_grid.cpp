#include "bilateral_grid.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace fuselab::tonemap_detail {

BilateralGrid::BilateralGrid(int widthPx, int heightPx, double cellPx, float guideMin, float guideMax, double guideCell)
    : m_width(widthPx), m_height(heightPx), m_cellPx(cellPx), m_guideMin(guideMin), m_guideCell(guideCell)
{
    if (widthPx < 1 || heightPx < 1 || !(cellPx >= 1.0) || !(guideCell > 0.0) || !(guideMax >= guideMin))
        throw Error("bilateral grid: invalid geometry");
    m_nx = int(std::ceil(widthPx / cellPx));
    m_ny = int(std::ceil(heightPx / cellPx));
    const double guideSpan = std::min(double(guideMax) - double(guideMin), 1e4 * guideCell);
    m_nz = int(std::ceil(guideSpan / guideCell)) + 1;
    const std::size_t cells = std::size_t(m_nx) * std::size_t(m_ny) * std::size_t(m_nz);
    m_sum.assign(cells, 0.0f);
    m_weight.assign(cells, 0.0f);
}

float BilateralGrid::guideCoordinate(float g) const
{
    const double z = (double(g) - double(m_guideMin)) / m_guideCell;
    return float(std::clamp(std::isfinite(z) ? z : 0.0, 0.0, double(m_nz - 1)));
}

namespace {

/// Cell index of each sample along one axis: floor((v + 0.5) / samplesPerCell), clamped.
std::vector<int> cellOfSample(int samples, double samplesPerCell, int cells)
{
    std::vector<int> cellOf(static_cast<std::size_t>(samples));
    for (int v = 0; v < samples; ++v) cellOf[std::size_t(v)] = std::min(cells - 1, int((v + 0.5) / samplesPerCell));
    return cellOf;
}

/// Runs body(firstRow, lastRow) over the rows whose cell rows are [cy0, cy1), in parallel by
/// cell rows, so no two threads write the same grid cells.
template <typename Body>
void forCellRows(int cellRows, const std::vector<int>& cellOfRow, const Body& body)
{
    const auto firstRowOf = [&](int cy) {
        return int(std::lower_bound(cellOfRow.begin(), cellOfRow.end(), cy) - cellOfRow.begin());
    };
    parallelFor(0, cellRows, 1, [&](int cy0, int cy1) { body(firstRowOf(cy0), firstRowOf(cy1)); });
}

} // namespace

void BilateralGrid::splat(const Image& guide, const Image& value)
{
    splatReduced(guide, value, 1.0, 1.0);
}

void BilateralGrid::splatReduced(const Image& guide, const Image& value, double factorX, double factorY)
{
    // Sample u of an image f times smaller covers full-size pixels up to (u + 0.5)·f − 0.5 from
    // its centre and falls in cell floor((u + 0.5)·f / cellPx).
    const std::vector<int> cellX = cellOfSample(guide.width(), m_cellPx / factorX, m_nx);
    const std::vector<int> cellY = cellOfSample(guide.height(), m_cellPx / factorY, m_ny);
    forCellRows(m_ny, cellY, [&](int v0, int v1) {
        for (int v = v0; v < v1; ++v) {
            const int cy = cellY[std::size_t(v)];
            const float* g = guide.row(v);
            const float* val = value.row(v);
            for (int u = 0; u < guide.width(); ++u) {
                const float gz = guideCoordinate(g[u]);
                const int z0 = int(gz);
                const int z1 = std::min(z0 + 1, m_nz - 1);
                const float t = gz - float(z0);
                const std::size_t i0 = index(cellX[std::size_t(u)], cy, z0);
                const std::size_t i1 = index(cellX[std::size_t(u)], cy, z1);
                m_sum[i0] += (1.0f - t) * val[u];
                m_weight[i0] += 1.0f - t;
                m_sum[i1] += t * val[u];
                m_weight[i1] += t;
            }
        }
    });
}

void BilateralGrid::blur(double sigmaSpaceCells, double sigmaGuideCells)
{
    if (sigmaSpaceCells > 0.3) {
        parallelFor(0, m_nz, 1, [&](int z0, int z1) {
            for (int z = z0; z < z1; ++z)
                for (std::vector<float>* plane : {&m_sum, &m_weight}) {
                    cv::Mat slice(m_ny, m_nx, CV_32F, plane->data() + std::size_t(z) * m_ny * m_nx);
                    cv::GaussianBlur(slice, slice, cv::Size(0, 0), sigmaSpaceCells, sigmaSpaceCells, cv::BORDER_CONSTANT);
                }
        });
    }
    if (sigmaGuideCells > 0.3 && m_nz > 1) {
        const int radius = int(std::ceil(3.0 * sigmaGuideCells));
        std::vector<float> kernel(static_cast<std::size_t>(2 * radius + 1));
        for (int k = -radius; k <= radius; ++k)
            kernel[std::size_t(k + radius)] = float(std::exp(-0.5 * k * k / (sigmaGuideCells * sigmaGuideCells)));
        const std::size_t planeSize = std::size_t(m_nx) * std::size_t(m_ny);
        parallelFor(0, m_ny, 4, [&](int y0, int y1) {
            std::vector<float> column(static_cast<std::size_t>(m_nz));
            for (int y = y0; y < y1; ++y)
                for (int x = 0; x < m_nx; ++x)
                    for (std::vector<float>* plane : {&m_sum, &m_weight}) {
                        float* base = plane->data() + std::size_t(y) * m_nx + x;
                        for (int z = 0; z < m_nz; ++z) column[std::size_t(z)] = base[std::size_t(z) * planeSize];
                        for (int z = 0; z < m_nz; ++z) {
                            float acc = 0.0f;
                            const int k0 = std::max(-radius, -z), k1 = std::min(radius, m_nz - 1 - z);
                            for (int k = k0; k <= k1; ++k) acc += kernel[std::size_t(k + radius)] * column[std::size_t(z + k)];
                            base[std::size_t(z) * planeSize] = acc;
                        }
                    }
        });
    }
}

void BilateralGrid::fillSparseAlongGuide(float minWeight)
{
    // Turns the grid into normalised values with weight 1 everywhere.
    const std::size_t planeSize = std::size_t(m_nx) * std::size_t(m_ny);
    parallelFor(0, m_ny, 4, [&](int y0, int y1) {
        std::vector<float> values(static_cast<std::size_t>(m_nz));
        std::vector<char> valid(static_cast<std::size_t>(m_nz));
        for (int y = y0; y < y1; ++y)
            for (int x = 0; x < m_nx; ++x) {
                const std::size_t base = std::size_t(y) * m_nx + x;
                bool any = false;
                for (int z = 0; z < m_nz; ++z) {
                    const float w = m_weight[base + std::size_t(z) * planeSize];
                    valid[std::size_t(z)] = w >= minWeight;
                    values[std::size_t(z)] = valid[std::size_t(z)] ? m_sum[base + std::size_t(z) * planeSize] / w : 0.0f;
                    any |= valid[std::size_t(z)] != 0;
                }
                for (int z = 0; z < m_nz; ++z) {
                    float v = values[std::size_t(z)];
                    if (!valid[std::size_t(z)] && any) {
                        for (int d = 1; d < m_nz; ++d) {
                            if (z - d >= 0 && valid[std::size_t(z - d)]) { v = values[std::size_t(z - d)]; break; }
                            if (z + d < m_nz && valid[std::size_t(z + d)]) { v = values[std::size_t(z + d)]; break; }
                        }
                    }
                    m_sum[base + std::size_t(z) * planeSize] = v;
                    m_weight[base + std::size_t(z) * planeSize] = 1.0f;
                }
            }
    });
}

Image BilateralGrid::slice(const Image& guide, const Image& fallback) const
{
    if (guide.width() != m_width || guide.height() != m_height) throw Error("bilateral grid: guide size differs");
    Image out = Image::uninitialised(m_width, m_height, 1, ColourEncoding::Linear);
    // Cell centres lie at (i + 0.5)·cellPx − 0.5 pixels.
    std::vector<int> x0s(static_cast<std::size_t>(m_width)), x1s(static_cast<std::size_t>(m_width));
    std::vector<float> wxs(static_cast<std::size_t>(m_width));
    const auto axis = [&](int p, int cells, int& i0, int& i1, float& w) {
        const double f = std::clamp((p + 0.5) / m_cellPx - 0.5, 0.0, double(cells - 1));
        i0 = int(f);
        i1 = std::min(i0 + 1, cells - 1);
        w = float(f - i0);
    };
    for (int x = 0; x < m_width; ++x) axis(x, m_nx, x0s[std::size_t(x)], x1s[std::size_t(x)], wxs[std::size_t(x)]);
    parallelFor(0, m_height, 16, [&](int yBegin, int yEnd) {
        for (int y = yBegin; y < yEnd; ++y) {
            int y0, y1;
            float wy;
            axis(y, m_ny, y0, y1, wy);
            const float* g = guide.row(y);
            const float* fb = fallback.row(y);
            float* o = out.row(y);
            for (int x = 0; x < m_width; ++x) {
                const float gz = guideCoordinate(g[x]);
                const int z0 = int(gz);
                const int z1 = std::min(z0 + 1, m_nz - 1);
                const float wz = gz - float(z0);
                const int xa = x0s[std::size_t(x)], xb = x1s[std::size_t(x)];
                const float wx = wxs[std::size_t(x)];
                float sum = 0.0f, weight = 0.0f;
                const auto corner = [&](int cx, int cy, int cz, float w) {
                    const std::size_t i = index(cx, cy, cz);
                    sum += w * m_sum[i];
                    weight += w * m_weight[i];
                };
                corner(xa, y0, z0, (1 - wx) * (1 - wy) * (1 - wz));
                corner(xb, y0, z0, wx * (1 - wy) * (1 - wz));
                corner(xa, y1, z0, (1 - wx) * wy * (1 - wz));
                corner(xb, y1, z0, wx * wy * (1 - wz));
                corner(xa, y0, z1, (1 - wx) * (1 - wy) * wz);
                corner(xb, y0, z1, wx * (1 - wy) * wz);
                corner(xa, y1, z1, (1 - wx) * wy * wz);
                corner(xb, y1, z1, wx * wy * wz);
                o[x] = weight > 1e-20f ? sum / weight : fb[x];
            }
        }
    });
    return out;
}

} // namespace fuselab::tonemap_detail
