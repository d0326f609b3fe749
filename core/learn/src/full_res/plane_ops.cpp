#include "plane_ops.hpp"
#include "fuselab/base/pyramid_geometry.hpp"

#include "fuselab/base/error.hpp"
#include "row_parallel.hpp"

#include <algorithm>
#include <cmath>

namespace fuselab::learn::detail {
namespace {

void addFixedWidth(Taps& taps);

class TapBuilder {
public:
    TapBuilder(int in, int out)
    {
        m_taps.in = in;
        m_taps.out = out;
        m_taps.start.reserve(std::size_t(out) + 1);
        m_taps.start.push_back(0);
    }
    void add(int index, float weight)
    {
        m_taps.index.push_back(index);
        m_taps.weight.push_back(weight);
    }
    void endOutput() { m_taps.start.push_back(int(m_taps.index.size())); }
    Taps take()
    {
        addFixedWidth(m_taps);
        return std::move(m_taps);
    }

private:
    Taps m_taps;
};

// Fills taps.width/fixedIndex/fixedWeight from the compressed rows (see Taps).
void addFixedWidth(Taps& taps)
{
    int width = 0;
    for (int o = 0; o < taps.out; ++o) width = std::max(width, taps.start[std::size_t(o) + 1] - taps.start[std::size_t(o)]);
    taps.width = width;
    taps.fixedIndex.assign(std::size_t(taps.out) * std::size_t(width), 0);
    taps.fixedWeight.assign(std::size_t(taps.out) * std::size_t(width), 0.0f);
    for (int o = 0; o < taps.out; ++o) {
        const int first = taps.start[std::size_t(o)], count = taps.start[std::size_t(o) + 1] - first;
        for (int j = 0; j < width; ++j) {
            const std::size_t slot = std::size_t(o) * std::size_t(width) + std::size_t(j);
            if (j < count) {
                taps.fixedIndex[slot] = taps.index[std::size_t(first + j)];
                taps.fixedWeight[slot] = taps.weight[std::size_t(first + j)];
            } else {
                taps.fixedIndex[slot] = count > 0 ? taps.index[std::size_t(first + count - 1)] : 0;
            }
        }
    }
}

bool isIdentity(const Taps& t)
{
    if (t.in != t.out || int(t.index.size()) != t.out) return false;
    for (int o = 0; o < t.out; ++o)
        if (t.start[std::size_t(o)] != o || t.index[std::size_t(o)] != o || t.weight[std::size_t(o)] != 1.0f) return false;
    return true;
}

// One row along x with `Width` taps per output (Taps::fixedIndex).
template <int Width>
void rowFixedWidth(const float* src, float* dst, const Taps& tx)
{
    const int* index = tx.fixedIndex.data();
    const float* weight = tx.fixedWeight.data();
    for (int o = 0; o < tx.out; ++o) {
        float acc = 0.0f;
        for (int j = 0; j < Width; ++j) acc += weight[o * Width + j] * src[index[o * Width + j]];
        dst[o] = acc;
    }
}

void rowAnyWidth(const float* src, float* dst, const Taps& tx)
{
    for (int o = 0; o < tx.out; ++o) {
        float acc = 0.0f;
        for (int t = tx.start[std::size_t(o)]; t < tx.start[std::size_t(o) + 1]; ++t) acc += tx.weight[std::size_t(t)] * src[tx.index[std::size_t(t)]];
        dst[o] = acc;
    }
}

using RowFn = void (*)(const float*, float*, const Taps&);

// The row loop for this table: a fixed width up to 8 (bilinear 2, pyramid 2–5, second
// differences 3, area averages and transposes up to 8 for images up to about 2.5× the network's
// side, e.g. 800×600 → 256×192), else the general loop (wider tables of large images).
RowFn rowFunctionFor(const Taps& tx)
{
    if (tx.fixedIndex.size() != std::size_t(tx.out) * std::size_t(tx.width)) return &rowAnyWidth;
    switch (tx.width) {
    case 1: return &rowFixedWidth<1>;
    case 2: return &rowFixedWidth<2>;
    case 3: return &rowFixedWidth<3>;
    case 4: return &rowFixedWidth<4>;
    case 5: return &rowFixedWidth<5>;
    case 6: return &rowFixedWidth<6>;
    case 7: return &rowFixedWidth<7>;
    case 8: return &rowFixedWidth<8>;
    default: return &rowAnyWidth;
    }
}

// Along rows: out(y, o) = Σ w · in(y, index).
void alongX(const Plane& in, const Taps& tx, Plane& out)
{
    out.width = tx.out;
    out.height = in.height;
    out.values.resize(std::size_t(out.width) * std::size_t(out.height));
    const RowFn row = rowFunctionFor(tx);
    parallelRows(0, in.height, rowGrain(std::max(in.width, tx.out)), [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) row(in.row(y), out.row(y), tx);
    });
}

// Along columns: out row o (+)= scale · Σ w · in row index.
void alongY(const Plane& in, const Taps& ty, Plane& out, bool accumulate, float scale)
{
    if (!accumulate) {
        out.width = in.width;
        out.height = ty.out;
        out.values.assign(std::size_t(out.width) * std::size_t(out.height), 0.0f);
    } else if (out.width != in.width || out.height != ty.out) {
        throw Error("internal: accumulating into a plane of another size");
    }
    const int w = in.width;
    parallelRows(0, ty.out, rowGrain(w), [&](int o0, int o1) {
        for (int o = o0; o < o1; ++o) {
            float* dst = out.row(o);
            for (int t = ty.start[std::size_t(o)]; t < ty.start[std::size_t(o) + 1]; ++t) {
                const float wt = scale * ty.weight[std::size_t(t)];
                const float* src = in.row(ty.index[std::size_t(t)]);
                for (int x = 0; x < w; ++x) dst[x] += wt * src[x];
            }
        }
    });
}

void separable(const Plane& in, const Taps& tx, const Taps& ty, Plane& out, bool accumulate, float scale)
{
    if (in.width != tx.in || in.height != ty.in) throw Error("internal: plane size does not match its operator");
    if (isIdentity(tx)) {
        alongY(in, ty, out, accumulate, scale);
        return;
    }
    if (isIdentity(ty) && !accumulate && scale == 1.0f) {
        alongX(in, tx, out);
        return;
    }
    Plane tmp;
    alongX(in, tx, tmp);
    alongY(tmp, ty, out, accumulate, scale);
}

} // namespace

Taps transposed(const Taps& taps)
{
    std::vector<int> count(std::size_t(taps.in) + 1, 0);
    for (int idx : taps.index) ++count[std::size_t(idx) + 1];
    Taps t;
    t.in = taps.out;
    t.out = taps.in;
    t.start.assign(std::size_t(t.out) + 1, 0);
    for (int i = 0; i < taps.in; ++i) t.start[std::size_t(i) + 1] = t.start[std::size_t(i)] + count[std::size_t(i) + 1];
    t.index.resize(taps.index.size());
    t.weight.resize(taps.weight.size());
    std::vector<int> fill(t.start.begin(), t.start.end() - 1);
    for (int o = 0; o < taps.out; ++o)
        for (int k = taps.start[std::size_t(o)]; k < taps.start[std::size_t(o) + 1]; ++k) {
            const int i = taps.index[std::size_t(k)];
            const int slot = fill[std::size_t(i)]++;
            t.index[std::size_t(slot)] = o;
            t.weight[std::size_t(slot)] = taps.weight[std::size_t(k)];
        }
    addFixedWidth(t);
    return t;
}

Taps identityTaps(int n)
{
    TapBuilder b(n, n);
    for (int i = 0; i < n; ++i) {
        b.add(i, 1.0f);
        b.endOutput();
    }
    return b.take();
}

Taps pyramidDownTaps(int n)
{
    const int nc = (n + 1) / 2;
    TapBuilder b(n, nc);
    const float w[5] = {1.0f / 16, 4.0f / 16, 6.0f / 16, 4.0f / 16, 1.0f / 16};
    for (int j = 0; j < nc; ++j) {
        for (int t = 0; t < 5; ++t) b.add(reflect101(2 * j - 2 + t, n), w[t]);
        b.endOutput();
    }
    return b.take();
}

Taps pyramidUpTaps(int fine)
{
    const int nc = (fine + 1) / 2;
    TapBuilder b(nc, fine);
    for (int i = 0; i < fine; ++i) {
        const int j = i / 2;
        if (i % 2 == 0) {
            b.add(coarseNeighbour(j - 1, fine), 0.125f);
            b.add(j, 0.75f);
            b.add(coarseNeighbour(j + 1, fine), 0.125f);
        } else {
            b.add(j, 0.5f);
            b.add(coarseNeighbour(j + 1, fine), 0.5f);
        }
        b.endOutput();
    }
    return b.take();
}

LinearTap linearUpsampleTap(int in, int out, int d)
{
    const float scale = float(in) / float(out);
    float src = scale * (float(d) + 0.5f) - 0.5f;
    if (src < 0.0f) src = 0.0f;
    LinearTap t;
    t.i0 = std::min(int(src), in - 1);
    t.i1 = t.i0 < in - 1 ? t.i0 + 1 : t.i0;
    t.w1 = src - float(t.i0);
    return t;
}

Taps bilinearTaps(int in, int out)
{
    TapBuilder b(in, out);
    for (int d = 0; d < out; ++d) {
        const LinearTap t = linearUpsampleTap(in, out, d);
        b.add(t.i0, 1.0f - t.w1);
        b.add(t.i1, t.w1);
        b.endOutput();
    }
    return b.take();
}

Taps areaTaps(int n, int m)
{
    TapBuilder b(n, m);
    for (int i = 0; i < m; ++i) {
        const int s = int((std::int64_t(i) * n) / m);
        const int e = int((std::int64_t(i + 1) * n + m - 1) / m);
        for (int k = s; k < e; ++k) b.add(k, 1.0f / float(e - s));
        b.endOutput();
    }
    return b.take();
}

Taps secondDifferenceTaps(int n)
{
    TapBuilder b(n, n);
    for (int i = 0; i < n; ++i) {
        b.add(reflect101(i - 1, n), 1.0f);
        b.add(i, -2.0f);
        b.add(reflect101(i + 1, n), 1.0f);
        b.endOutput();
    }
    return b.take();
}

void applySeparable(const Plane& in, const Taps& tx, const Taps& ty, Plane& out)
{
    separable(in, tx, ty, out, false, 1.0f);
}

void accumulateSeparable(const Plane& in, const Taps& tx, const Taps& ty, Plane& out)
{
    separable(in, tx, ty, out, true, 1.0f);
}

PyramidGeometry::PyramidGeometry(int width, int height, int levelCount) : levels(levelCount)
{
    if (levels < 1) throw Error("internal: a pyramid needs at least one level");
    widths.push_back(width);
    heights.push_back(height);
    for (int l = 0; l + 1 < levels; ++l) {
        const int w = widths.back(), h = heights.back();
        downX.push_back(pyramidDownTaps(w));
        downY.push_back(pyramidDownTaps(h));
        upX.push_back(pyramidUpTaps(w));
        upY.push_back(pyramidUpTaps(h));
        downXT.push_back(transposed(downX.back()));
        downYT.push_back(transposed(downY.back()));
        upXT.push_back(transposed(upX.back()));
        upYT.push_back(transposed(upY.back()));
        widths.push_back((w + 1) / 2);
        heights.push_back((h + 1) / 2);
    }
    lapX = secondDifferenceTaps(width);
    lapY = secondDifferenceTaps(height);
    lapXT = transposed(lapX);
    lapYT = transposed(lapY);
    idX = identityTaps(width);
    idY = identityTaps(height);
}

void gaussianPyramid(const Plane& plane, const PyramidGeometry& g, Pyramid& out)
{
    out.resize(std::size_t(g.levels));
    out[0] = plane;
    for (int l = 0; l + 1 < g.levels; ++l)
        applySeparable(out[std::size_t(l)], g.downX[std::size_t(l)], g.downY[std::size_t(l)], out[std::size_t(l) + 1]);
}

void laplacianPyramid(const Plane& plane, const PyramidGeometry& g, Pyramid& out)
{
    gaussianPyramid(plane, g, out);
    Plane up;
    for (int l = 0; l + 1 < g.levels; ++l) {
        applySeparable(out[std::size_t(l) + 1], g.upX[std::size_t(l)], g.upY[std::size_t(l)], up);
        Plane& fine = out[std::size_t(l)];
        for (std::size_t i = 0; i < fine.size(); ++i) fine.values[i] -= up.values[i];
    }
}

void collapsePyramid(const Pyramid& levels, const PyramidGeometry& g, Plane& out)
{
    Plane acc = levels[std::size_t(g.levels) - 1];
    for (int l = g.levels - 2; l >= 0; --l) {
        Plane next = levels[std::size_t(l)];
        accumulateSeparable(acc, g.upX[std::size_t(l)], g.upY[std::size_t(l)], next);
        acc = std::move(next);
    }
    out = std::move(acc);
}

void collapseAdjoint(const Plane& u, const PyramidGeometry& g, Pyramid& out)
{
    out.resize(std::size_t(g.levels));
    out[0] = u;
    for (int l = 0; l + 1 < g.levels; ++l)
        applySeparable(out[std::size_t(l)], g.upXT[std::size_t(l)], g.upYT[std::size_t(l)], out[std::size_t(l) + 1]);
}

void gaussianPyramidAdjoint(const Pyramid& gradient, const PyramidGeometry& g, Plane& out)
{
    Plane acc = gradient[std::size_t(g.levels) - 1];
    for (int l = g.levels - 2; l >= 0; --l) {
        Plane next = gradient[std::size_t(l)];
        accumulateSeparable(acc, g.downXT[std::size_t(l)], g.downYT[std::size_t(l)], next);
        acc = std::move(next);
    }
    out = std::move(acc);
}

void laplacianPyramidAdjoint(const Pyramid& gradient, const PyramidGeometry& g, Plane& out)
{
    // L(l) = G(l) − up(G(l+1)) and G(l+1) = down(G(l)): the total gradient of G(l) is
    // gL(l) − upᵀ(gL(l−1)) + downᵀ(gradient of G(l+1)), computed from the top level down.
    Plane acc;
    for (int l = g.levels - 1; l >= 0; --l) {
        Plane here = gradient[std::size_t(l)];
        if (l >= 1) separable(gradient[std::size_t(l) - 1], g.upXT[std::size_t(l) - 1], g.upYT[std::size_t(l) - 1], here, true, -1.0f);
        if (l + 1 < g.levels) accumulateSeparable(acc, g.downXT[std::size_t(l)], g.downYT[std::size_t(l)], here);
        acc = std::move(here);
    }
    out = std::move(acc);
}

void laplacian(const Plane& in, const PyramidGeometry& g, Plane& out)
{
    applySeparable(in, g.lapX, g.idY, out);
    accumulateSeparable(in, g.idX, g.lapY, out);
}

void laplacianTransposed(const Plane& in, const PyramidGeometry& g, Plane& out)
{
    applySeparable(in, g.lapXT, g.idY, out);
    accumulateSeparable(in, g.idX, g.lapYT, out);
}

double dot(const Plane& a, const Plane& b)
{
    if (a.size() != b.size()) throw Error("internal: dot of planes of different sizes");
    std::vector<double> rows(std::size_t(a.height), 0.0);
    parallelRows(0, a.height, rowGrain(a.width), [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* p = a.row(y);
            const float* q = b.row(y);
            double s = 0.0;
            for (int x = 0; x < a.width; ++x) s += double(p[x]) * double(q[x]);
            rows[std::size_t(y)] = s;
        }
    });
    double total = 0.0;
    for (double r : rows) total += r;
    return total;
}

} // namespace fuselab::learn::detail
