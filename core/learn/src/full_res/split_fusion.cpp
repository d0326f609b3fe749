#include "split_fusion.hpp"

#include "fuselab/base/error.hpp"
#include "row_parallel.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace fuselab::learn::detail {
namespace {

constexpr float kReluFloor = 1e-6f; // net.cpp's fullResWeights: relu(...) + 1e-6

template <typename Fn>
void forEachPixel(int width, int height, Fn&& fn)
{
    parallelRows(0, height, rowGrain(width), [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const std::size_t base = std::size_t(y) * std::size_t(width);
            for (int x = 0; x < width; ++x) fn(base + std::size_t(x));
        }
    });
}

Plane planeFrom(const float* data, int width, int height)
{
    Plane p(width, height);
    std::memcpy(p.values.data(), data, sizeof(float) * p.size());
    return p;
}

} // namespace

SplitGeometry::SplitGeometry(int widthPx, int heightPx, int lowWidthPx, int lowHeightPx, int levels)
    : width(widthPx), height(heightPx), lowWidth(lowWidthPx), lowHeight(lowHeightPx), pyramid(widthPx, heightPx, levels)
{
    upX = bilinearTaps(lowWidthPx, widthPx);
    upY = bilinearTaps(lowHeightPx, heightPx);
    upXT = transposed(upX);
    upYT = transposed(upY);
    areaX = areaTaps(widthPx, lowWidthPx);
    areaY = areaTaps(heightPx, lowHeightPx);
    areaXT = transposed(areaX);
    areaYT = transposed(areaY);
}

SplitSample::SplitSample(const SplitGeometry& geometry, const SplitDetailTerm& detail, const float* x, int inputs,
                         std::vector<Plane> meanA, std::vector<Plane> meanB)
    : m_g(geometry), m_detail(detail), m_x(x), m_k(inputs), m_meanA(std::move(meanA)), m_meanB(std::move(meanB))
{
    const int w = m_g.width, h = m_g.height;
    const std::size_t n = std::size_t(w) * std::size_t(h);
    if (int(m_meanA.size()) != m_k || int(m_meanB.size()) != m_k) throw Error("internal: one coefficient plane per input expected");
    m_grey.resize(std::size_t(m_k));
    m_upA.resize(std::size_t(m_k));
    m_preRelu.resize(std::size_t(m_k));
    m_q.resize(std::size_t(m_k));
    m_weights.resize(std::size_t(m_k));
    if (m_detail.enabled) {
        m_detailFactor.resize(std::size_t(m_k));
        m_lapSigned.resize(std::size_t(m_k));
    }
    m_qSum = Plane(w, h, 0.0f);
    for (int k = 0; k < m_k; ++k) {
        const float* xr = m_x + std::size_t(k) * 3 * n;
        Plane& grey = m_grey[std::size_t(k)];
        grey = Plane(w, h);
        forEachPixel(w, h, [&](std::size_t i) {
            grey.values[i] = xr[i] * kSplitGrey[0] + xr[n + i] * kSplitGrey[1] + xr[2 * n + i] * kSplitGrey[2];
        });
        Plane upB;
        applySeparable(m_meanA[std::size_t(k)], m_g.upX, m_g.upY, m_upA[std::size_t(k)]);
        applySeparable(m_meanB[std::size_t(k)], m_g.upX, m_g.upY, upB);
        Plane& pre = m_preRelu[std::size_t(k)];
        Plane& q = m_q[std::size_t(k)];
        pre = Plane(w, h);
        q = Plane(w, h);
        const Plane& a = m_upA[std::size_t(k)];
        forEachPixel(w, h, [&](std::size_t i) {
            pre.values[i] = a.values[i] * grey.values[i] + upB.values[i];
            q.values[i] = std::max(pre.values[i], 0.0f) + kReluFloor;
        });
        if (m_detail.enabled) {
            Plane& lap = m_lapSigned[std::size_t(k)];
            laplacian(grey, m_g.pyramid, lap);
            Plane& d = m_detailFactor[std::size_t(k)];
            d = Plane(w, h);
            const float beta = m_detail.exponent, eps = m_detail.floor;
            forEachPixel(w, h, [&](std::size_t i) {
                d.values[i] = std::exp(beta * std::log(std::fabs(lap.values[i]) + eps));
                q.values[i] *= d.values[i];
            });
        }
        forEachPixel(w, h, [&](std::size_t i) { m_qSum.values[i] += q.values[i]; });
    }
    for (int k = 0; k < m_k; ++k) {
        Plane& wk = m_weights[std::size_t(k)];
        wk = Plane(w, h);
        const Plane& q = m_q[std::size_t(k)];
        forEachPixel(w, h, [&](std::size_t i) { wk.values[i] = q.values[i] / m_qSum.values[i]; });
    }
}

void SplitSample::blendChannels(const std::vector<const float*>& planes, int channels)
{
    const int w = m_g.width, h = m_g.height;
    const std::size_t n = std::size_t(w) * std::size_t(h);
    m_blendChannels = channels;
    m_weightPyr.resize(std::size_t(m_k));
    m_lapPyr.assign(std::size_t(m_k), std::vector<Pyramid>(std::size_t(channels)));
    for (int k = 0; k < m_k; ++k) {
        gaussianPyramid(m_weights[std::size_t(k)], m_g.pyramid, m_weightPyr[std::size_t(k)]);
        for (int c = 0; c < channels; ++c)
            laplacianPyramid(planeFrom(planes[std::size_t(k)] + std::size_t(c) * n, w, h), m_g.pyramid,
                             m_lapPyr[std::size_t(k)][std::size_t(c)]);
    }
}

double SplitSample::linearValue(const SplitLinearTarget& target)
{
    const int w = m_g.width, h = m_g.height;
    const std::size_t n = std::size_t(w) * std::size_t(h);
    // One κ-weighted channel per input.
    std::vector<float> weighted(std::size_t(m_k) * n);
    std::vector<const float*> planes;
    for (int k = 0; k < m_k; ++k) {
        const float* xr = m_x + std::size_t(k) * 3 * n;
        float* dst = weighted.data() + std::size_t(k) * n;
        const auto& kappa = target.channelWeights;
        forEachPixel(w, h, [&](std::size_t i) { dst[i] = kappa[0] * xr[i] + kappa[1] * xr[n + i] + kappa[2] * xr[2 * n + i]; });
        planes.push_back(dst);
    }
    blendChannels(planes, 1);
    double value = 0.0;
    for (int l = 0; l < m_g.pyramid.levels; ++l) {
        Plane product(m_g.pyramid.widths[std::size_t(l)], m_g.pyramid.heights[std::size_t(l)], 0.0f);
        for (int k = 0; k < m_k; ++k) {
            const Plane& gw = m_weightPyr[std::size_t(k)][std::size_t(l)];
            const Plane& lp = m_lapPyr[std::size_t(k)][0][std::size_t(l)];
            for (std::size_t i = 0; i < product.size(); ++i) product.values[i] += gw.values[i] * lp.values[i];
        }
        value += dot(target.v[std::size_t(l)], product);
    }
    return value;
}

void SplitSample::linearGradient(const SplitLinearTarget& target, float* gx, std::vector<Plane>& gMeanA, std::vector<Plane>& gMeanB)
{
    if (m_blendChannels != 1) throw Error("internal: linearGradient needs linearValue first");
    const int w = m_g.width, h = m_g.height;
    const std::size_t n = std::size_t(w) * std::size_t(h);
    std::vector<Plane> gWeights, gBlend;
    blendAdjoint({target.v}, gWeights, gBlend);
    for (int k = 0; k < m_k; ++k) {
        const Plane& a = gBlend[std::size_t(k)];
        float* dst = gx + std::size_t(k) * 3 * n;
        const auto& kappa = target.channelWeights;
        forEachPixel(w, h, [&](std::size_t i) {
            dst[i] = kappa[0] * a.values[i];
            dst[n + i] = kappa[1] * a.values[i];
            dst[2 * n + i] = kappa[2] * a.values[i];
        });
    }
    weightsAdjoint(gWeights, gx, gMeanA, gMeanB);
}

std::array<Plane, 3> SplitSample::fused()
{
    const std::size_t n = std::size_t(m_g.width) * std::size_t(m_g.height);
    std::vector<const float*> planes;
    for (int k = 0; k < m_k; ++k) planes.push_back(m_x + std::size_t(k) * 3 * n);
    blendChannels(planes, 3);
    std::array<Plane, 3> out;
    for (int c = 0; c < 3; ++c) {
        Pyramid blended(std::size_t(m_g.pyramid.levels));
        for (int l = 0; l < m_g.pyramid.levels; ++l) {
            Plane& p = blended[std::size_t(l)];
            p = Plane(m_g.pyramid.widths[std::size_t(l)], m_g.pyramid.heights[std::size_t(l)], 0.0f);
            for (int k = 0; k < m_k; ++k) {
                const Plane& gw = m_weightPyr[std::size_t(k)][std::size_t(l)];
                const Plane& lp = m_lapPyr[std::size_t(k)][std::size_t(c)][std::size_t(l)];
                for (std::size_t i = 0; i < p.size(); ++i) p.values[i] += gw.values[i] * lp.values[i];
            }
        }
        collapsePyramid(blended, m_g.pyramid, out[std::size_t(c)]);
    }
    return out;
}

void SplitSample::fusedGradient(const std::array<Plane, 3>& u, float* gx, std::vector<Plane>& gMeanA, std::vector<Plane>& gMeanB)
{
    if (m_blendChannels != 3) throw Error("internal: fusedGradient needs fused first");
    const std::size_t n = std::size_t(m_g.width) * std::size_t(m_g.height);
    std::vector<Pyramid> v(3);
    for (int c = 0; c < 3; ++c) collapseAdjoint(u[std::size_t(c)], m_g.pyramid, v[std::size_t(c)]);
    std::vector<Plane> gWeights, gBlend;
    blendAdjoint(v, gWeights, gBlend);
    for (int k = 0; k < m_k; ++k)
        for (int c = 0; c < 3; ++c)
            std::memcpy(gx + (std::size_t(k) * 3 + std::size_t(c)) * n, gBlend[std::size_t(k) * 3 + std::size_t(c)].values.data(),
                        sizeof(float) * n);
    weightsAdjoint(gWeights, gx, gMeanA, gMeanB);
}

void SplitSample::blendAdjoint(const std::vector<Pyramid>& v, std::vector<Plane>& gWeights, std::vector<Plane>& gBlend)
{
    const int channels = m_blendChannels;
    const int levels = m_g.pyramid.levels;
    gWeights.assign(std::size_t(m_k), Plane());
    gBlend.assign(std::size_t(m_k) * std::size_t(channels), Plane());
    for (int k = 0; k < m_k; ++k) {
        // ∂/∂G_l(W_k) = Σ_c v_l,c · Lap_l(x_k,c);  ∂/∂Lap_l(x_k,c) = v_l,c · G_l(W_k).
        Pyramid gGw(static_cast<std::size_t>(levels)), gLap(static_cast<std::size_t>(levels));
        for (int l = 0; l < levels; ++l) {
            Plane& p = gGw[std::size_t(l)];
            p = Plane(m_g.pyramid.widths[std::size_t(l)], m_g.pyramid.heights[std::size_t(l)], 0.0f);
            for (int c = 0; c < channels; ++c) {
                const Plane& vl = v[std::size_t(c)][std::size_t(l)];
                const Plane& lp = m_lapPyr[std::size_t(k)][std::size_t(c)][std::size_t(l)];
                for (std::size_t i = 0; i < p.size(); ++i) p.values[i] += vl.values[i] * lp.values[i];
            }
        }
        gaussianPyramidAdjoint(gGw, m_g.pyramid, gWeights[std::size_t(k)]);
        for (int c = 0; c < channels; ++c) {
            for (int l = 0; l < levels; ++l) {
                const Plane& vl = v[std::size_t(c)][std::size_t(l)];
                const Plane& gw = m_weightPyr[std::size_t(k)][std::size_t(l)];
                Plane& p = gLap[std::size_t(l)];
                p = Plane(vl.width, vl.height);
                for (std::size_t i = 0; i < p.size(); ++i) p.values[i] = vl.values[i] * gw.values[i];
            }
            laplacianPyramidAdjoint(gLap, m_g.pyramid, gBlend[std::size_t(k) * std::size_t(channels) + std::size_t(c)]);
        }
    }
}

void SplitSample::weightsAdjoint(const std::vector<Plane>& gW, float* gx, std::vector<Plane>& gMeanA, std::vector<Plane>& gMeanB)
{
    const int w = m_g.width, h = m_g.height;
    const std::size_t n = std::size_t(w) * std::size_t(h);
    // W_k = q_k / Σq: ∂q_k = (∂W_k − Σ_j ∂W_j W_j) / Σq.
    Plane s(w, h, 0.0f);
    for (int k = 0; k < m_k; ++k) {
        const Plane& g = gW[std::size_t(k)];
        const Plane& wk = m_weights[std::size_t(k)];
        forEachPixel(w, h, [&](std::size_t i) { s.values[i] += g.values[i] * wk.values[i]; });
    }
    gMeanA.assign(std::size_t(m_k), Plane());
    gMeanB.assign(std::size_t(m_k), Plane());
    for (int k = 0; k < m_k; ++k) {
        const Plane& g = gW[std::size_t(k)];
        const Plane& pre = m_preRelu[std::size_t(k)];
        const Plane& a = m_upA[std::size_t(k)];
        const Plane& grey = m_grey[std::size_t(k)];
        Plane gUpA(w, h), gUpB(w, h), gGrey(w, h), gLap;
        if (m_detail.enabled) gLap = Plane(w, h);
        const bool detail = m_detail.enabled;
        const float beta = m_detail.exponent, eps = m_detail.floor;
        forEachPixel(w, h, [&](std::size_t i) {
            const float gq = (g.values[i] - s.values[i]) / m_qSum.values[i];
            const float r = std::max(pre.values[i], 0.0f) + kReluFloor;
            float gr = gq;
            if (detail) {
                const float d = m_detailFactor[std::size_t(k)].values[i];
                const float lap = m_lapSigned[std::size_t(k)].values[i];
                gr = gq * d;
                // d = (|lap| + ε)^β: ∂d/∂lap = β · d / (|lap| + ε) · sign(lap) (sign(0) = 0, as |·|'s gradient).
                const float sign = lap > 0.0f ? 1.0f : (lap < 0.0f ? -1.0f : 0.0f);
                gLap.values[i] = gq * r * beta * d / (std::fabs(lap) + eps) * sign;
            }
            const float gs = pre.values[i] > 0.0f ? gr : 0.0f;
            gUpA.values[i] = gs * grey.values[i];
            gUpB.values[i] = gs;
            gGrey.values[i] = gs * a.values[i];
        });
        if (detail) {
            Plane back;
            laplacianTransposed(gLap, m_g.pyramid, back);
            forEachPixel(w, h, [&](std::size_t i) { gGrey.values[i] += back.values[i]; });
        }
        applySeparable(gUpA, m_g.upXT, m_g.upYT, gMeanA[std::size_t(k)]);
        applySeparable(gUpB, m_g.upXT, m_g.upYT, gMeanB[std::size_t(k)]);
        float* dst = gx + std::size_t(k) * 3 * n;
        forEachPixel(w, h, [&](std::size_t i) {
            dst[i] += kSplitGrey[0] * gGrey.values[i];
            dst[n + i] += kSplitGrey[1] * gGrey.values[i];
            dst[2 * n + i] += kSplitGrey[2] * gGrey.values[i];
        });
    }
}

SplitPathIntegral::SplitPathIntegral(const SplitGeometry& geometry, const SplitDetailTerm& detail, const SplitLinearTarget& target,
                                     const float* start, const float* delta, int inputs)
    : m_g(geometry), m_detail(detail), m_target(target), m_k(inputs)
{
    const int w = m_g.width, h = m_g.height;
    const std::size_t n = std::size_t(w) * std::size_t(h);
    const std::size_t low = std::size_t(m_g.lowWidth) * std::size_t(m_g.lowHeight);
    m_lowStart.resize(std::size_t(m_k) * 3 * low);
    m_lowDelta.resize(std::size_t(m_k) * 3 * low);
    const auto& kappa = m_target.channelWeights;
    for (int k = 0; k < m_k; ++k) {
        for (int side = 0; side < 2; ++side) {
            const float* x = (side == 0 ? start : delta) + std::size_t(k) * 3 * n;
            splitAreaDown(m_g, x, (side == 0 ? m_lowStart : m_lowDelta).data() + std::size_t(k) * 3 * low);
            Plane grey(w, h), weighted(w, h);
            forEachPixel(w, h, [&](std::size_t i) {
                grey.values[i] = x[i] * kSplitGrey[0] + x[n + i] * kSplitGrey[1] + x[2 * n + i] * kSplitGrey[2];
                weighted.values[i] = x[i] * kappa[0] + x[n + i] * kappa[1] + x[2 * n + i] * kappa[2];
            });
            if (m_detail.enabled) {
                Plane lap;
                laplacian(grey, m_g.pyramid, lap);
                (side == 0 ? m_lapStart : m_lapDelta).push_back(std::move(lap));
            }
            (side == 0 ? m_greyStart : m_greyDelta).push_back(std::move(grey));
            // ∂f/∂W_k = Σ_l downᵀ^l(v_l · Lap_l(κ·x_k)), linear in x: R_k at the start, S_k per unit α.
            Pyramid lapPyr;
            laplacianPyramid(weighted, m_g.pyramid, lapPyr);
            for (int l = 0; l < m_g.pyramid.levels; ++l) {
                Plane& p = lapPyr[std::size_t(l)];
                const Plane& v = m_target.v[std::size_t(l)];
                for (std::size_t i = 0; i < p.size(); ++i) p.values[i] *= v.values[i];
            }
            Plane sensitivity;
            gaussianPyramidAdjoint(lapPyr, m_g.pyramid, sensitivity);
            (side == 0 ? m_r : m_s).push_back(std::move(sensitivity));
        }
        m_accWeights.emplace_back(w, h, 0.0f);
        m_accGrey.emplace_back(w, h, 0.0f);
        if (m_detail.enabled) m_accLap.emplace_back(w, h, 0.0f);
    }
    m_upA.resize(std::size_t(m_k));
    m_pre.resize(std::size_t(m_k));
    m_q.resize(std::size_t(m_k));
}

void SplitPathIntegral::networkInput(double alpha, float* out) const
{
    const float a = float(alpha);
    for (std::size_t i = 0; i < m_lowStart.size(); ++i) out[i] = m_lowStart[i] + a * m_lowDelta[i];
}

void SplitPathIntegral::accumulate(double alphaIn, double weightIn, const std::vector<Plane>& meanA, const std::vector<Plane>& meanB,
                                   std::vector<Plane>& gMeanA, std::vector<Plane>& gMeanB)
{
    const int w = m_g.width, h = m_g.height;
    const float alpha = float(alphaIn), weight = float(weightIn);
    const bool detail = m_detail.enabled;
    const float beta = m_detail.exponent, eps = m_detail.floor;
    m_qSum = Plane(w, h, 0.0f);
    for (int k = 0; k < m_k; ++k) {
        Plane upB;
        applySeparable(meanA[std::size_t(k)], m_g.upX, m_g.upY, m_upA[std::size_t(k)]);
        applySeparable(meanB[std::size_t(k)], m_g.upX, m_g.upY, upB);
        const Plane& a = m_upA[std::size_t(k)];
        const Plane& gs = m_greyStart[std::size_t(k)];
        const Plane& gd = m_greyDelta[std::size_t(k)];
        Plane& pre = m_pre[std::size_t(k)];
        Plane& q = m_q[std::size_t(k)];
        pre = Plane(w, h);
        q = Plane(w, h);
        forEachPixel(w, h, [&](std::size_t i) {
            const float grey = gs.values[i] + alpha * gd.values[i];
            pre.values[i] = a.values[i] * grey + upB.values[i];
            float value = std::max(pre.values[i], 0.0f) + kReluFloor;
            if (detail) {
                const float lap = m_lapStart[std::size_t(k)].values[i] + alpha * m_lapDelta[std::size_t(k)].values[i];
                value *= std::exp(beta * std::log(std::fabs(lap) + eps));
            }
            q.values[i] = value;
            m_qSum.values[i] += value;
        });
    }
    // Σ_j ∂f/∂W_j · W_j, with ∂f/∂W_j = R_j + α S_j.
    Plane s(w, h, 0.0f);
    for (int k = 0; k < m_k; ++k) {
        const Plane& r = m_r[std::size_t(k)];
        const Plane& sk = m_s[std::size_t(k)];
        const Plane& q = m_q[std::size_t(k)];
        forEachPixel(w, h, [&](std::size_t i) { s.values[i] += (r.values[i] + alpha * sk.values[i]) * q.values[i] / m_qSum.values[i]; });
    }
    gMeanA.assign(std::size_t(m_k), Plane());
    gMeanB.assign(std::size_t(m_k), Plane());
    for (int k = 0; k < m_k; ++k) {
        const Plane& r = m_r[std::size_t(k)];
        const Plane& sk = m_s[std::size_t(k)];
        const Plane& q = m_q[std::size_t(k)];
        const Plane& pre = m_pre[std::size_t(k)];
        const Plane& a = m_upA[std::size_t(k)];
        const Plane& gs = m_greyStart[std::size_t(k)];
        const Plane& gd = m_greyDelta[std::size_t(k)];
        Plane& accW = m_accWeights[std::size_t(k)];
        Plane& accGrey = m_accGrey[std::size_t(k)];
        Plane gUpA(w, h), gUpB(w, h);
        forEachPixel(w, h, [&](std::size_t i) {
            const float total = m_qSum.values[i];
            accW.values[i] += weight * q.values[i] / total;
            const float gq = ((r.values[i] + alpha * sk.values[i]) - s.values[i]) / total;
            const float relu = std::max(pre.values[i], 0.0f) + kReluFloor;
            float gr = gq;
            if (detail) {
                const float lap = m_lapStart[std::size_t(k)].values[i] + alpha * m_lapDelta[std::size_t(k)].values[i];
                const float d = q.values[i] / relu;
                gr = gq * d;
                const float sign = lap > 0.0f ? 1.0f : (lap < 0.0f ? -1.0f : 0.0f);
                m_accLap[std::size_t(k)].values[i] += weight * gq * relu * beta * d / (std::fabs(lap) + eps) * sign;
            }
            const float gsum = pre.values[i] > 0.0f ? gr : 0.0f;
            gUpA.values[i] = gsum * (gs.values[i] + alpha * gd.values[i]);
            gUpB.values[i] = gsum;
            accGrey.values[i] += weight * gsum * a.values[i];
        });
        applySeparable(gUpA, m_g.upXT, m_g.upYT, gMeanA[std::size_t(k)]);
        applySeparable(gUpB, m_g.upXT, m_g.upYT, gMeanB[std::size_t(k)]);
    }
}

void SplitPathIntegral::finish(const float* lowGradient, float* gx) const
{
    const int w = m_g.width, h = m_g.height;
    const std::size_t n = std::size_t(w) * std::size_t(h);
    const std::size_t low = std::size_t(m_g.lowWidth) * std::size_t(m_g.lowHeight);
    const auto& kappa = m_target.channelWeights;
    for (int k = 0; k < m_k; ++k) {
        // The images' path: Lap-adjoint(v_l · G_l(Σ_i w_i W_k(α_i))).
        Pyramid weights;
        gaussianPyramid(m_accWeights[std::size_t(k)], m_g.pyramid, weights);
        for (int l = 0; l < m_g.pyramid.levels; ++l) {
            Plane& p = weights[std::size_t(l)];
            const Plane& v = m_target.v[std::size_t(l)];
            for (std::size_t i = 0; i < p.size(); ++i) p.values[i] *= v.values[i];
        }
        Plane images;
        laplacianPyramidAdjoint(weights, m_g.pyramid, images);
        Plane grey = m_accGrey[std::size_t(k)];
        if (m_detail.enabled) {
            Plane back;
            laplacianTransposed(m_accLap[std::size_t(k)], m_g.pyramid, back);
            for (std::size_t i = 0; i < n; ++i) grey.values[i] += back.values[i];
        }
        float* dst = gx + std::size_t(k) * 3 * n;
        forEachPixel(w, h, [&](std::size_t i) {
            for (int c = 0; c < 3; ++c) dst[std::size_t(c) * n + i] = kappa[std::size_t(c)] * images.values[i] + kSplitGrey[std::size_t(c)] * grey.values[i];
        });
        splitAreaDownTransposedAdd(m_g, lowGradient + std::size_t(k) * 3 * low, dst);
    }
}

void splitAreaDown(const SplitGeometry& g, const float* chw, float* out)
{
    const std::size_t n = std::size_t(g.width) * std::size_t(g.height);
    const std::size_t nl = std::size_t(g.lowWidth) * std::size_t(g.lowHeight);
    for (int c = 0; c < 3; ++c) {
        Plane low;
        applySeparable(planeFrom(chw + std::size_t(c) * n, g.width, g.height), g.areaX, g.areaY, low);
        std::memcpy(out + std::size_t(c) * nl, low.values.data(), sizeof(float) * nl);
    }
}

void splitAreaDownTransposedAdd(const SplitGeometry& g, const float* lowChw, float* chw)
{
    const std::size_t n = std::size_t(g.width) * std::size_t(g.height);
    const std::size_t nl = std::size_t(g.lowWidth) * std::size_t(g.lowHeight);
    for (int c = 0; c < 3; ++c) {
        Plane full;
        applySeparable(planeFrom(lowChw + std::size_t(c) * nl, g.lowWidth, g.lowHeight), g.areaXT, g.areaYT, full);
        float* dst = chw + std::size_t(c) * n;
        for (std::size_t i = 0; i < n; ++i) dst[i] += full.values[i];
    }
}

} // namespace fuselab::learn::detail
