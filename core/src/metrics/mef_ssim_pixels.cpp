// MEF-SSIM's per-window arithmetic over a row segment, one quantity at a time across the
// segment (structure of arrays), so that every loop below vectorises — including exp, log
// and tan (elementary.hpp). The formulas and their derivation are in mef_ssim.cpp.
#include "mef_ssim_kernel.hpp"

#include "elementary.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <vector>

#include "../isa/isa.hpp"
#include "../isa/isa_target.hpp"

namespace fuselab::FUSELAB_ISA {

double mefSsimSegment(const metrics_detail::MefQuantityLayout& L, const metrics_detail::MefConstants& c,
                      const double* const* rows, int count, float* map)
{
    using metrics_detail::fastExp;
    using metrics_detail::fastLog;
    using metrics_detail::fastTan;
    constexpr double eps = DBL_EPSILON; // MATLAB's eps, as the reference adds it
    const int K = L.frames, P = L.pairs;
    const std::size_t n = std::size_t(count);
    const double N = c.windowPixels;
    // Divisions by constants become multiplications by their reciprocals (one extra rounding,
    // far below the 1e-6 the results are checked to; vector divisions are the slow part here).
    const double invN = 1.0 / N, invWindowPx = 1.0 / c.windowPx;

    // Scratch: M (P rows), ed, a/b, notFlat (K rows each), and 10 single rows.
    thread_local std::vector<double> scratch;
    scratch.resize(std::size_t(P + 3 * K + 10) * n);
    double* M = scratch.data();
    double* ed = M + std::size_t(P) * n;
    double* coef = ed + std::size_t(K) * n;
    double* notFlat = coef + std::size_t(K) * n;
    double* den = notFlat + std::size_t(K) * n;
    double* numSq = den + n;
    double* maxEd = numSq + n;
    double* power = maxEd + n;
    double* wSum = power + n;
    double* normSq = wSum + n;
    double* varR = normSq + n;
    double* covRF = varR + n;
    double* score = covRF + n;
    double* termEnergy = score + n;

    // Box statistics: M_kl = N·Q_kl − S_k·S_l, exact.
    for (int p = 0; p < P; ++p) {
        const double* __restrict Q = rows[L.boxProduct(p)];
        const double* __restrict Sk = rows[L.boxSum(L.pairFirst[std::size_t(p)])];
        const double* __restrict Sl = rows[L.boxSum(L.pairSecond[std::size_t(p)])];
        double* __restrict m = M + std::size_t(p) * n;
        for (std::size_t i = 0; i < n; ++i) m[i] = N * Q[i] - Sk[i] * Sl[i];
    }
    std::fill_n(den, n, 0.0);
    std::fill_n(numSq, n, 0.0);
    std::fill_n(maxEd, n, 0.0);
    const double signalOffset = c.signalOffset;
    for (int k = 0; k < K; ++k) {
        const std::size_t diagonal = std::size_t(L.pair(k, k));
        const double* __restrict m = M + diagonal * n;
        double* __restrict e = ed + std::size_t(k) * n;
        double* __restrict nf = notFlat + std::size_t(k) * n;
        double* __restrict d = den;
        double* __restrict mx = maxEd;
        for (std::size_t i = 0; i < n; ++i) {
            const double norm = std::sqrt(std::max(m[i] * invN, 0.0)); // ‖x_k − μ_k‖
            const double strength = norm + signalOffset;
            e[i] = strength;
            d[i] += norm;
            mx[i] = mx[i] > strength ? mx[i] : strength;
            nf[i] = m[i] > 0.0 ? 1.0 : 0.0;
        }
    }
    for (int p = 0; p < P; ++p) {
        const double twice = L.pairFirst[std::size_t(p)] == L.pairSecond[std::size_t(p)] ? 1.0 : 2.0;
        const double* __restrict m = M + std::size_t(p) * n;
        for (std::size_t i = 0; i < n; ++i) numSq[i] += twice * m[i];
    }
    // Structure consistency R and the exponent p = min(tan(πR/2), cap).
    for (std::size_t i = 0; i < n; ++i) {
        const double num = std::sqrt(std::max(numSq[i] * invN, 0.0));
        double R = (num + eps) / (den[i] + eps);
        R = R > 1.0 ? 1.0 - eps : R;
        const double t = fastTan(M_PI / 2.0 * R);
        power[i] = R < c.capR ? std::min(t, c.exponentCap) : c.exponentCap;
    }
    // Weights w_k = (c_k/n)^p + eps, and a_k = (w_k/Σw)/c_k.
    std::fill_n(wSum, n, 0.0);
    for (int k = 0; k < K; ++k) {
        const double* __restrict e = ed + std::size_t(k) * n;
        double* __restrict w = coef + std::size_t(k) * n;
        for (std::size_t i = 0; i < n; ++i) {
            w[i] = fastExp(power[i] * fastLog(e[i] * invWindowPx)) + eps;
            wSum[i] += w[i];
        }
    }
    for (std::size_t i = 0; i < n; ++i) wSum[i] = 1.0 / wSum[i];
    for (int k = 0; k < K; ++k) {
        const double* __restrict e = ed + std::size_t(k) * n;
        double* __restrict a = coef + std::size_t(k) * n;
        for (std::size_t i = 0; i < n; ++i) a[i] = a[i] * wSum[i] / e[i];
    }
    // ‖s‖² = Σ a_k a_l M_kl / N; b_k = a_k·maxEd/‖s‖ (0 for a frame flat in the window, whose
    // x_k − μ_k is exactly 0 and so contributes nothing to the patch).
    //
    // Where the weighted structures cancel — two frames whose variations are exact negatives of
    // each other with equal contrast, as in clipped, nearly flat sky — s is 0 in exact arithmetic
    // and only rounding is left (relative to its terms' energy Σ a_k² M_kk / N, below 1e-20 here).
    // The reference then scales that rounding noise up to the largest contrast, and the window's
    // score depends on how the arithmetic was ordered (its per-pixel loops, these moments and the
    // torch loss each gave another value: 0.9988, 0.0009, 1.02 on a window of merianos-flowers).
    // Below kCancelledStructure of the energy the desired patch is taken as flat, what the
    // formula gives exactly (the reference's own guard for ‖s‖ = 0).
    constexpr double kCancelledStructure = 1e-10;
    std::fill_n(normSq, n, 0.0);
    std::fill_n(termEnergy, n, 0.0);
    for (int p = 0; p < P; ++p) {
        const int k = L.pairFirst[std::size_t(p)], l = L.pairSecond[std::size_t(p)];
        const double twice = k == l ? 1.0 : 2.0;
        const double* __restrict m = M + std::size_t(p) * n;
        const double* __restrict ak = coef + std::size_t(k) * n;
        const double* __restrict al = coef + std::size_t(l) * n;
        for (std::size_t i = 0; i < n; ++i) normSq[i] += twice * ak[i] * al[i] * m[i];
        if (k == l)
            for (std::size_t i = 0; i < n; ++i) termEnergy[i] += ak[i] * ak[i] * m[i];
    }
    for (std::size_t i = 0; i < n; ++i) {
        const double s = normSq[i] * invN;
        const bool structure = s > kCancelledStructure * termEnergy[i] * invN;
        normSq[i] = structure ? maxEd[i] / std::sqrt(s) : 0.0; // now the scale maxEd/‖s‖
    }
    for (int k = 0; k < K; ++k) {
        double* __restrict b = coef + std::size_t(k) * n;
        const double* __restrict nf = notFlat + std::size_t(k) * n;
        for (std::size_t i = 0; i < n; ++i) b[i] = b[i] * normSq[i] * nf[i];
    }
    // Gaussian moments of the desired patch r = Σ b_k x_k + const and of the fused image.
    const double* __restrict mf = rows[L.gaussFusedMean()];
    std::fill_n(varR, n, 0.0);
    std::fill_n(covRF, n, 0.0);
    for (int k = 0; k < K; ++k) {
        const double* __restrict b = coef + std::size_t(k) * n;
        const double* __restrict mk = rows[L.gaussMean(k)];
        const double* __restrict gkf = rows[L.gaussFusedProduct(k)];
        for (std::size_t i = 0; i < n; ++i) covRF[i] += b[i] * (gkf[i] - mk[i] * mf[i]);
    }
    for (int p = 0; p < P; ++p) {
        const int k = L.pairFirst[std::size_t(p)], l = L.pairSecond[std::size_t(p)];
        const double twice = k == l ? 1.0 : 2.0;
        const double* __restrict bk = coef + std::size_t(k) * n;
        const double* __restrict bl = coef + std::size_t(l) * n;
        const double* __restrict mk = rows[L.gaussMean(k)];
        const double* __restrict ml = rows[L.gaussMean(l)];
        const double* __restrict g = rows[L.gaussProduct(p)];
        for (std::size_t i = 0; i < n; ++i) varR[i] += twice * bk[i] * bl[i] * (g[i] - mk[i] * ml[i]);
    }
    const double* __restrict gff = rows[L.gaussFusedSquare()];
    for (std::size_t i = 0; i < n; ++i) {
        const double varF = gff[i] - mf[i] * mf[i];
        score[i] = (2.0 * covRF[i] + c.c) / (varR[i] + varF + c.c);
        map[i] = float(score[i]);
    }
    double sum = 0.0; // in order: the same total whatever the vector width
    for (std::size_t i = 0; i < n; ++i) sum += score[i];
    return sum;
}

} // namespace fuselab::FUSELAB_ISA
