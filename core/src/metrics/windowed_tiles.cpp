// The tile loop of the windowed-moments engine (compiled once per instruction set, see
// ../fusion/isa.hpp): flat loops over a tile's columns that the compiler vectorises.
//
// Each filter is one pass that keeps its n taps in registers (the window sizes in use are
// template parameters, so the tap loop unrolls and the column loop vectorises): a first
// version that accumulated tap by tap through memory took 1.0 s of one core per 12 MP scale
// of the 4-frame MEF-SSIM job (34 quantities per window), this one 0.6 s (perf, x86-64-v3).
#include "windowed_moments.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <vector>

#include "../isa/isa.hpp"
#include "../isa/isa_target.hpp"

namespace fuselab::FUSELAB_ISA {
namespace {

using metrics_detail::PlaneView;
using metrics_detail::WindowedJob;

void loadRow(const PlaneView& p, int y, int x0, int count, double offset, double* __restrict dst)
{
    if (p.floats) {
        const float* __restrict src = p.floats + std::size_t(y) * p.stride + std::size_t(x0);
        for (int i = 0; i < count; ++i) dst[i] = double(src[i]) - offset;
    } else {
        const double* __restrict src = p.doubles + std::size_t(y) * p.stride + std::size_t(x0);
        for (int i = 0; i < count; ++i) dst[i] = src[i] - offset;
    }
}

void multiplyRows(const double* __restrict a, const double* __restrict b, int count, double* __restrict out)
{
    for (int x = 0; x < count; ++x) out[x] = a[x] * b[x];
}

// A kernel of the job. Templates below take the window size N; N = 0 is "any odd size".
struct Kernel {
    const double* taps = nullptr;
    bool box = false; ///< all ones: plain sums, vertical running sums
};

// out[x] = Σ_j k[j]·in[x + j]; the kernels are symmetric, so tap pairs share a multiply.
template <int N>
void filterRow(const double* __restrict in, const double* __restrict k, int n, int count, double* __restrict out)
{
    if constexpr (N == 0) {
        const int c = n / 2;
        for (int x = 0; x < count; ++x) {
            double acc = k[c] * in[x + c];
            for (int j = 0; j < c; ++j) acc += k[j] * (in[x + j] + in[x + n - 1 - j]);
            out[x] = acc;
        }
    } else {
        constexpr int c = N / 2;
        double kk[N];
        for (int j = 0; j < N; ++j) kk[j] = k[j];
        for (int x = 0; x < count; ++x) {
            double acc = kk[c] * in[x + c];
            for (int j = 0; j < c; ++j) acc += kk[j] * (in[x + j] + in[x + N - 1 - j]);
            out[x] = acc;
        }
    }
}

// Box row: v[x] = Σ_j in[x + j]; the window moves down one row, so acc += v − (the row that
// leaves, stored in `row`), then `row` keeps v for when it leaves in turn.
template <int N>
void boxRow(const double* __restrict in, int n, int count, bool leaving, double* __restrict row, double* __restrict acc)
{
    // The same pairing of taps as filterRow (it keeps the tap loop short enough to unroll).
    const int c = (N == 0 ? n : N) / 2;
    auto sum = [&](int x) {
        double v = in[x + c];
        for (int j = 0; j < c; ++j) v += in[x + j] + in[x + 2 * c - j];
        return v;
    };
    if (leaving) {
        for (int x = 0; x < count; ++x) {
            const double v = sum(x);
            acc[x] += v - row[x];
            row[x] = v;
        }
    } else {
        for (int x = 0; x < count; ++x) {
            const double v = sum(x);
            acc[x] += v;
            row[x] = v;
        }
    }
}

// out[x] = Σ_i k[i]·rows[i][x], the rows in window order.
template <int N>
void filterColumn(const double* const* rows, const double* __restrict k, int n, int count, double* __restrict out)
{
    if constexpr (N == 0) {
        const int c = n / 2;
        for (int x = 0; x < count; ++x) out[x] = k[c] * rows[c][x];
        for (int i = 0; i < c; ++i) {
            const double* __restrict lo = rows[i];
            const double* __restrict hi = rows[n - 1 - i];
            for (int x = 0; x < count; ++x) out[x] += k[i] * (lo[x] + hi[x]);
        }
    } else {
        constexpr int c = N / 2;
        double kk[N];
        const double* r[N];
        for (int i = 0; i < N; ++i) {
            kk[i] = k[i];
            r[i] = rows[i];
        }
#pragma GCC ivdep
        for (int x = 0; x < count; ++x) {
            double acc = kk[c] * r[c][x];
            for (int i = 0; i < c; ++i) acc += kk[i] * (r[i][x] + r[N - 1 - i][x]);
            out[x] = acc;
        }
    }
}

template <int N>
void runTiles(const WindowedJob& job, int tileW, const metrics_detail::WindowRowSink& sink, const ProgressSink* cancel)
{
    const int n = N == 0 ? int(job.kernels.front().size()) : N;
    const int width = job.planes.front().width, height = job.planes.front().height;
    const int outW = width - n + 1, outH = height - n + 1;
    if (outW <= 0 || outH <= 0) return;
    const int quantities = int(job.products.size()), planes = int(job.planes.size());
    // Bands tall enough that the n−1 lead-in rows of each tile cost little (≈ 8 % at 128).
    const int bandH = std::min(outH, 128);
    const int tilesX = (outW + tileW - 1) / tileW, tilesY = (outH + bandH - 1) / bandH;

    std::vector<Kernel> kernels;
    for (const std::vector<double>& k : job.kernels)
        kernels.push_back({k.data(), std::all_of(k.begin(), k.end(), [](double v) { return v == 1.0; })});
    // Products are computed once per input row and shared by every quantity that filters them.
    std::vector<std::pair<int, int>> sources; // (a, b) with b ≥ 0
    std::vector<int> sourceOf(std::size_t(quantities), -1);
    for (int q = 0; q < quantities; ++q) {
        const metrics_detail::WindowProduct& wp = job.products[std::size_t(q)];
        if (wp.b < 0) continue;
        const std::pair<int, int> key{std::min(wp.a, wp.b), std::max(wp.a, wp.b)};
        auto it = std::find(sources.begin(), sources.end(), key);
        sourceOf[std::size_t(q)] = int(it - sources.begin());
        if (it == sources.end()) sources.push_back(key);
    }

    parallelFor(0, tilesX * tilesY, 1, [&](int t0, int t1) {
        const int inW = tileW + n - 1;
        const std::size_t tw0 = std::size_t(tileW);
        std::vector<double> ring(std::size_t(n) * std::size_t(quantities) * tw0);
        std::vector<double> planeRows(std::size_t(planes) * std::size_t(inW));
        std::vector<double> products(std::max<std::size_t>(sources.size(), 1) * std::size_t(inW));
        std::vector<double> out(std::size_t(quantities) * tw0);
        std::vector<const double*> outPtrs(static_cast<std::size_t>(quantities));
        std::vector<const double*> windowRows(static_cast<std::size_t>(n));
        for (int q = 0; q < quantities; ++q) outPtrs[std::size_t(q)] = out.data() + std::size_t(q) * tw0;
        auto ringRow = [&](int slot, int q) {
            return ring.data() + (std::size_t(slot) * std::size_t(quantities) + std::size_t(q)) * tw0;
        };

        for (int t = t0; t < t1; ++t) {
            if (cancel && cancel->isCancelled()) throw Cancelled();
            const int x0 = (t % tilesX) * tileW, y0 = (t / tilesX) * bandH;
            const int tw = std::min(tileW, outW - x0), th = std::min(bandH, outH - y0);
            const int rowCount = tw + n - 1;
            for (int q = 0; q < quantities; ++q)
                if (kernels[std::size_t(job.products[std::size_t(q)].kernel)].box) std::fill_n(out.data() + std::size_t(q) * tw0, tw, 0.0);
            for (int r = 0; r < th + n - 1; ++r) {
                const int slot = r % n;
                for (int p = 0; p < planes; ++p)
                    loadRow(job.planes[std::size_t(p)], y0 + r, x0, rowCount, job.offset,
                            planeRows.data() + std::size_t(p) * std::size_t(inW));
                for (std::size_t s = 0; s < sources.size(); ++s)
                    multiplyRows(planeRows.data() + std::size_t(sources[s].first) * std::size_t(inW),
                                 planeRows.data() + std::size_t(sources[s].second) * std::size_t(inW), rowCount,
                                 products.data() + s * std::size_t(inW));
                for (int q = 0; q < quantities; ++q) {
                    const metrics_detail::WindowProduct& wp = job.products[std::size_t(q)];
                    const double* src = sourceOf[std::size_t(q)] >= 0
                                            ? products.data() + std::size_t(sourceOf[std::size_t(q)]) * std::size_t(inW)
                                            : planeRows.data() + std::size_t(wp.a) * std::size_t(inW);
                    const Kernel& k = kernels[std::size_t(wp.kernel)];
                    if (k.box) boxRow<N>(src, n, tw, r >= n, ringRow(slot, q), out.data() + std::size_t(q) * tw0);
                    else filterRow<N>(src, k.taps, n, tw, ringRow(slot, q));
                }
                if (r < n - 1) continue;
                const int first = r - n + 1; // window rows first … r of this tile
                for (int q = 0; q < quantities; ++q) {
                    const Kernel& k = kernels[std::size_t(job.products[std::size_t(q)].kernel)];
                    if (k.box) continue; // its running sum is already in `out`
                    for (int i = 0; i < n; ++i) windowRows[std::size_t(i)] = ringRow((first + i) % n, q);
                    filterColumn<N>(windowRows.data(), k.taps, n, tw, out.data() + std::size_t(q) * tw0);
                }
                sink(y0 + first, x0, tw, outPtrs.data());
            }
        }
    });
}

} // namespace

void forEachValidWindowImpl(const WindowedJob& job, int tileW, const metrics_detail::WindowRowSink& sink,
                            const ProgressSink* cancel)
{
    switch (job.kernels.front().size()) {
    case 3: return runTiles<3>(job, tileW, sink, cancel);
    case 5: return runTiles<5>(job, tileW, sink, cancel);
    case 9: return runTiles<9>(job, tileW, sink, cancel);
    case 11: return runTiles<11>(job, tileW, sink, cancel);
    case 17: return runTiles<17>(job, tileW, sink, cancel);
    default: return runTiles<0>(job, tileW, sink, cancel);
    }
}

} // namespace fuselab::FUSELAB_ISA
