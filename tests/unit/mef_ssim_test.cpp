// MEF-SSIM: the fast separable implementation against a direct transcription of the authors'
// mef_ssim.m / mef_ms_ssim.m (per window, per pixel, in double), hand-derivable cases,
// monotonicity, sizes, and the vectorised elementary functions it relies on.
#include "test_support.hpp"

#include "../../core/src/metrics/elementary.hpp"
#include "../../core/src/metrics/mef_ssim_kernel.hpp"
#include "../../core/src/metrics/windowed_moments.hpp"
#include "../../core/src/isa/isa_choice.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/mertens.hpp"
#include "fuselab/metrics.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/base/random.hpp"
#include "fuselab/base/synthetic.hpp"

#include <cfloat>
#include <mutex>
#include <cmath>

using namespace fuselab;
using namespace fuselab::test;

namespace {

// ---- a literal, slow MEF-SSIM: one window at a time, as mef_ssim.m ----------------------------

struct Plane {
    int w = 0, h = 0;
    std::vector<double> v;
    double at(int x, int y) const { return v[std::size_t(y * w + x)]; }
};

Plane planeOf(const Image& grey)
{
    Plane p{grey.width(), grey.height(), {}};
    for (int y = 0; y < p.h; ++y)
        for (int x = 0; x < p.w; ++x) p.v.push_back(grey.at(x, y));
    return p;
}

// imfilter(ones(2)/4, 'symmetric', 'same') then (1:2:end, 1:2:end).
Plane downsample(const Plane& p)
{
    Plane d{(p.w + 1) / 2, (p.h + 1) / 2, {}};
    for (int y = 0; y < d.h; ++y)
        for (int x = 0; x < d.w; ++x) {
            const int x1 = std::min(2 * x + 1, p.w - 1), y1 = std::min(2 * y + 1, p.h - 1);
            d.v.push_back(0.25 * p.at(2 * x, 2 * y) + 0.25 * p.at(x1, 2 * y) + 0.25 * p.at(2 * x, y1) + 0.25 * p.at(x1, y1));
        }
    return d;
}

struct SlowResult {
    double score = 0.0;
    std::vector<double> map;
};

SlowResult slowMefSsim(const std::vector<Plane>& seq, const Plane& f)
{
    const int ws = 11, bd = 5, K = int(seq.size());
    const double eps = DBL_EPSILON, C = (0.03 * 255) * (0.03 * 255);
    double window[11][11], wsum = 0.0;
    for (int i = 0; i < ws; ++i)
        for (int j = 0; j < ws; ++j) wsum += window[i][j] = std::exp(-double((i - bd) * (i - bd) + (j - bd) * (j - bd)) / (2 * 1.5 * 1.5));
    for (auto& row : window)
        for (double& v : row) v /= wsum;
    const int ow = f.w - 2 * bd, oh = f.h - 2 * bd;
    SlowResult r;
    for (int y = 0; y < oh; ++y)
        for (int x = 0; x < ow; ++x) {
            const std::size_t frameCount = std::size_t(K);
            std::vector<double> mu(frameCount), ed(frameCount), w(frameCount);
            // filter2(ones(11)/121, img, 'valid') and the same of img.²
            for (int k = 0; k < K; ++k) {
                double s = 0.0, s2 = 0.0;
                for (int i = 0; i < ws; ++i)
                    for (int j = 0; j < ws; ++j) {
                        const double v = seq[std::size_t(k)].at(x + j, y + i);
                        s += v * (1.0 / 121.0);
                        s2 += v * v * (1.0 / 121.0);
                    }
                mu[std::size_t(k)] = s;
                ed[std::size_t(k)] = std::sqrt(std::max(121.0 * (s2 - s * s), 0.0)) + 0.001;
            }
            double den = 0.0, sumMean = 0.0, numSq = 0.0;
            for (int k = 0; k < K; ++k) {
                double n2 = 0.0;
                for (int i = 0; i < ws; ++i)
                    for (int j = 0; j < ws; ++j) {
                        const double d = seq[std::size_t(k)].at(x + j, y + i) - mu[std::size_t(k)];
                        n2 += d * d;
                    }
                den += std::sqrt(n2);
            }
            for (int i = 0; i < ws; ++i)
                for (int j = 0; j < ws; ++j)
                    for (int k = 0; k < K; ++k) sumMean += seq[std::size_t(k)].at(x + j, y + i) / 121.0;
            for (int i = 0; i < ws; ++i)
                for (int j = 0; j < ws; ++j) {
                    double s = 0.0;
                    for (int k = 0; k < K; ++k) s += seq[std::size_t(k)].at(x + j, y + i);
                    numSq += (s - sumMean) * (s - sumMean);
                }
            double R = (std::sqrt(numSq) + eps) / (den + eps);
            if (R > 1) R = 1 - eps;
            double p = std::tan(M_PI / 2 * R);
            if (p > 10) p = 10;
            double wTotal = 0.0, maxEd = 0.0;
            for (int k = 0; k < K; ++k) {
                w[std::size_t(k)] = std::pow(ed[std::size_t(k)] / ws, p) + eps;
                wTotal += w[std::size_t(k)];
                maxEd = std::max(maxEd, ed[std::size_t(k)]);
            }
            double rb[11][11] = {}, rNorm = 0.0;
            for (int i = 0; i < ws; ++i)
                for (int j = 0; j < ws; ++j) {
                    for (int k = 0; k < K; ++k)
                        rb[i][j] += w[std::size_t(k)] / wTotal * (seq[std::size_t(k)].at(x + j, y + i) - mu[std::size_t(k)]) / ed[std::size_t(k)];
                    rNorm += rb[i][j] * rb[i][j];
                }
            rNorm = std::sqrt(rNorm);
            if (rNorm > 0)
                for (auto& row : rb)
                    for (double& v : row) v = v / rNorm * maxEd;
            double mu1 = 0, mu2 = 0;
            for (int i = 0; i < ws; ++i)
                for (int j = 0; j < ws; ++j) {
                    mu1 += window[i][j] * rb[i][j];
                    mu2 += window[i][j] * f.at(x + j, y + i);
                }
            double s1 = 0, s2 = 0, s12 = 0;
            for (int i = 0; i < ws; ++i)
                for (int j = 0; j < ws; ++j) {
                    const double a = rb[i][j] - mu1, b = f.at(x + j, y + i) - mu2;
                    s1 += window[i][j] * a * a;
                    s2 += window[i][j] * b * b;
                    s12 += window[i][j] * a * b;
                }
            r.map.push_back((2 * s12 + C) / (s1 + s2 + C));
        }
    for (double q : r.map) r.score += q;
    r.score /= double(r.map.size());
    return r;
}

// A synthetic scene exposed at `stops` (8-bit), its grey planes, and the Mertens fusion's grey.
struct Scene {
    ExposureStack stack;
    std::vector<Image> greys;
    Image fusedGrey;
};

Scene scene(int w, int h, std::vector<double> stops, std::uint64_t seed = 1)
{
    Scene s;
    const Image radiance = makeSyntheticScene({"interior", w, h, seed});
    ExposureSimulation sim;
    sim.stops = std::move(stops);
    sim.exposureScale = autoExposureScale(radiance);
    for (const SimulatedFrame& f : exposeScene(radiance, sim)) {
        StackFrame frame;
        frame.path = "synthetic";
        frame.pixels = f.pixels;
        frame.exposure.stops = f.stops;
        s.stack.frames.push_back(frame);
        s.greys.push_back(metricGrey(f.pixels));
    }
    NullProgress p;
    s.fusedGrey = metricGrey(*fuseMertens(s.stack, MertensParams{}, FusionOptions{}, p).fused.asFloat());
    return s;
}

Image withNoise(const Image& grey, double sigma, std::uint64_t seed)
{
    Random rng(seed);
    Image out = grey.clone();
    for (int y = 0; y < out.height(); ++y)
        for (int x = 0; x < out.width(); ++x)
            out.at(x, y) = float(std::clamp(std::round(double(out.at(x, y)) + sigma * rng.normal()), 0.0, 255.0));
    return out;
}

MefSsimResult fast(const Image& fused, const std::vector<Image>& sources, int levels = 3)
{
    MefSsimParams p;
    p.levels = levels;
    NullProgress progress;
    return mefSsimGrey(fused, sources, p, progress);
}

} // namespace

TEST(MefSsim, SeparableFormMatchesTheDirectReferenceTo1e6)
{
    // 64×48: 54×38 windows; the +2 EV frame clips the window to flat 255 and the −3 EV frame
    // crushes shadows, so flat windows (c_k = 0.001) are exercised as well as textured ones.
    for (int frames : {1, 3, 5}) {
        std::vector<double> stops = {-3.0, 0.0, 2.0, -1.0, 1.0};
        stops.resize(std::size_t(frames));
        const Scene s = scene(64, 48, stops, 2);
        std::vector<Plane> seq;
        for (const Image& g : s.greys) seq.push_back(planeOf(g));
        const SlowResult slow = slowMefSsim(seq, planeOf(s.fusedGrey));
        const MefSsimResult r = fast(s.fusedGrey, s.greys, 3);
        ASSERT_EQ(r.maps.front().width(), 54);
        ASSERT_EQ(r.maps.front().height(), 38);
        double worst = 0.0;
        for (int y = 0; y < 38; ++y)
            for (int x = 0; x < 54; ++x) worst = std::max(worst, std::fabs(double(r.maps.front().at(x, y)) - slow.map[std::size_t(y * 54 + x)]));
        EXPECT_LT(worst, 1e-6) << frames << " frames"; // the map is stored as float
        EXPECT_NEAR(r.singleScale, slow.score, 1e-9) << frames << " frames";

        // Multi-scale: the reference's per-scale scores on its own 2×2-mean pyramid, Π Q_l^(w_l/Σw).
        const double weights[3] = {0.0448, 0.2856, 0.3001}, total = weights[0] + weights[1] + weights[2];
        std::vector<Plane> level = seq;
        Plane fl = planeOf(s.fusedGrey);
        double product = 1.0;
        for (int l = 0; l < 3; ++l) {
            const double q = slowMefSsim(level, fl).score;
            EXPECT_NEAR(r.levelScores[std::size_t(l)], q, 1e-9) << "scale " << l + 1;
            product *= std::pow(q, weights[l] / total);
            for (Plane& p : level) p = downsample(p);
            fl = downsample(fl);
        }
        EXPECT_NEAR(r.score, product, 1e-9) << frames << " frames";
    }
}

TEST(MefSsim, ConstantImagesScoreExactlyOne)
{
    // Every window of the fused image is flat, so σ_f = 0 and, whatever the desired patch,
    // q = (2σ_rf + C)/(σ_r² + σ_f² + C) with σ_rf = 0 and σ_r = 0 (all sources flat too): C/C = 1.
    Image a(48, 48, 1), b(48, 48, 1), c(48, 48, 1), f(48, 48, 1);
    a.fill(30);
    b.fill(120);
    c.fill(240);
    f.fill(100);
    const MefSsimResult r = fast(f, {a, b, c});
    EXPECT_EQ(r.singleScale, 1.0);
    EXPECT_EQ(r.score, 1.0);
}

TEST(MefSsim, StructuresThatCancelExactlyGiveAFlatDesiredPatch)
{
    // Two frames whose variations are exact negatives with equal contrast (1 grey level, as in
    // clipped sky on merianos-flowers) and a flat third: R = (0 + eps)/(2‖y‖ + eps), p ≈ 0, equal
    // weights, so s = Σ w_k (x_k − μ_k)/c_k = 0 exactly and the desired patch is flat. Then
    // σ_r = σ_rf = 0 and q = C/(σ_f² + C) with σ_f² the Gaussian variance of the fused window.
    // (Before the rule, rounding left in ‖s‖ was scaled up to the largest contrast: q was 0.0009.)
    Image a(11, 11, 1), b(11, 11, 1), c(11, 11, 1), f(11, 11, 1);
    c.fill(255);
    for (int y = 0; y < 11; ++y)
        for (int x = 0; x < 11; ++x) {
            const int step = (x + 2 * y) % 7 == 0 ? 1 : 0;
            a.at(x, y) = float(183 + step);
            b.at(x, y) = float(254 - step);
            f.at(x, y) = float(233 + (x * y) % 3);
        }
    double g[11], gs = 0.0;
    for (int i = 0; i < 11; ++i) gs += g[i] = std::exp(-double((i - 5) * (i - 5)) / (2.0 * 1.5 * 1.5));
    double m = 0.0, m2 = 0.0;
    for (int y = 0; y < 11; ++y)
        for (int x = 0; x < 11; ++x) {
            const double w = g[x] * g[y] / (gs * gs), v = f.at(x, y);
            m += w * v;
            m2 += w * v * v;
        }
    const double cc = (0.03 * 255) * (0.03 * 255);
    const MefSsimResult r = fast(f, {a, b, c}, 1);
    EXPECT_NEAR(r.singleScale, cc / (m2 - m * m + cc), 1e-9);
}

TEST(MefSsim, FusedEqualToEverySourceScoresOne)
{
    // All K sources equal x and f = x: R = K‖y‖/(K‖y‖) = 1, so p = 10 and the weights are equal;
    // the desired patch is y·c/‖y‖ with c = ‖y‖ + 0.001, i.e. f's structure scaled by 1 + δ,
    // δ = 0.001/‖y‖ ≤ 0.001 (‖y‖ ≥ √(120/121) for integer grey levels). Then
    // q = (2σ²(1+δ) + C)/(σ²(1+δ)² + σ² + C) ≥ 1 − δ²/2 > 1 − 1e-6; flat windows give exactly 1.
    const Scene s = scene(96, 64, {0.0});
    const Image& x = s.greys.front();
    const MefSsimResult r = fast(x, {x, x, x});
    EXPECT_GT(r.singleScale, 1.0 - 1e-6);
    EXPECT_LE(r.singleScale, 1.0 + 1e-12);
    EXPECT_GT(r.score, 1.0 - 1e-6);
}

TEST(MefSsim, NoiseLowersTheScoreMonotonically)
{
    const Scene s = scene(128, 96, {-2.0, 0.0, 2.0});
    double last = fast(s.fusedGrey, s.greys).score;
    for (double sigma : {2.0, 5.0, 10.0, 20.0}) {
        const MefSsimResult r = fast(withNoise(s.fusedGrey, sigma, 3), s.greys);
        EXPECT_LT(r.score, last) << "σ " << sigma;
        EXPECT_LT(r.singleScale, 1.0);
        last = r.score;
    }
    EXPECT_LT(last, 0.9); // 0.849 at σ = 20 grey levels
}

TEST(MefSsim, SizesAndLevels)
{
    EXPECT_EQ(mefSsimLevelsThatFit(44, 44), 3);
    EXPECT_EQ(mefSsimLevelsThatFit(43, 100), 2);
    EXPECT_EQ(mefSsimLevelsThatFit(10, 100), 0);
    Image small(10, 12, 1), mid(40, 40, 1);
    try {
        fast(small, {small, small}, 1);
        ADD_FAILURE() << "a 10x12 image was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("smaller than the 11x11 window"), std::string::npos) << e.what();
    }
    try {
        fast(mid, {mid, mid}, 3);
        ADD_FAILURE() << "3 levels on 40x40 were accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("at least 44 px"), std::string::npos) << e.what();
    }
    EXPECT_NO_THROW(fast(mid, {mid, mid}, 2));
    EXPECT_THROW(fast(mid, {Image(40, 41, 1)}, 1), Error);
}

TEST(MefSsim, ResultsDoNotDependOnThreadsOrInstructionSet)
{
    const Scene s = scene(200, 150, {-2.0, 0.0, 2.0, 4.0});
    const int threads = workerThreads();
    setWorkerThreads(1);
    const MefSsimResult one = fast(s.fusedGrey, s.greys);
    setWorkerThreads(2);
    const MefSsimResult two = fast(s.fusedGrey, s.greys);
    setWorkerThreads(threads);
    EXPECT_EQ(one.score, two.score);
    EXPECT_EQ(one.singleScale, two.singleScale);

    // The per-window kernel, baseline and x86-64-v3 copies, on the same window sums.
    if (!useIsaV3()) GTEST_SKIP() << "this CPU has no x86-64-v3 (AVX2/FMA)";
    const metrics_detail::MefQuantityLayout layout = metrics_detail::mefQuantityLayout(4);
    metrics_detail::MefConstants c;
    c.capR = std::atan(10.0) / (M_PI / 2.0) + 1e-12;
    metrics_detail::WindowedJob job;
    for (const Image& g : s.greys) job.planes.push_back(metrics_detail::viewOf(g));
    job.planes.push_back(metrics_detail::viewOf(s.fusedGrey));
    job.offset = 128.0;
    job.kernels = {metrics_detail::boxSumKernel(11), metrics_detail::gaussianKernel(11, 1.5)};
    job.products.resize(std::size_t(layout.quantities()));
    for (int k = 0; k < 4; ++k) {
        job.products[std::size_t(layout.boxSum(k))] = {k, -1, 0};
        job.products[std::size_t(layout.gaussMean(k))] = {k, -1, 1};
        job.products[std::size_t(layout.gaussFusedProduct(k))] = {k, 4, 1};
    }
    for (int p = 0; p < layout.pairs; ++p) {
        job.products[std::size_t(layout.boxProduct(p))] = {layout.pairFirst[std::size_t(p)], layout.pairSecond[std::size_t(p)], 0};
        job.products[std::size_t(layout.gaussProduct(p))] = {layout.pairFirst[std::size_t(p)], layout.pairSecond[std::size_t(p)], 1};
    }
    job.products[std::size_t(layout.gaussFusedMean())] = {4, -1, 1};
    job.products[std::size_t(layout.gaussFusedSquare())] = {4, 4, 1};
    std::vector<float> mapBase(1024), mapV3(1024);
    double worst = 0.0;
    std::mutex guard;
    metrics_detail::forEachValidWindow(job, [&](int, int, int count, const double* const* rows) {
        std::vector<float> a(std::size_t(count) + 1), b(std::size_t(count) + 1);
        const double sa = isa_base::mefSsimSegment(layout, c, rows, count, a.data());
        const double sb = isa_v3::mefSsimSegment(layout, c, rows, count, b.data());
        std::lock_guard<std::mutex> lock(guard);
        worst = std::max(worst, std::fabs(sa - sb) / count);
    }, nullptr);
    EXPECT_LT(worst, 1e-12);
}

TEST(MefSsimElementary, VectorisableFunctionsMatchLibm)
{
    double exp = 0.0, log = 0.0, tan = 0.0;
    for (int i = 0; i <= 200000; ++i) {
        const double x = -100.0 + 150.0 * i / 200000.0; // p·ln(c/n) spans about −93 … 50
        exp = std::max(exp, std::fabs(metrics_detail::fastExp(x) - std::exp(x)) / std::exp(x));
        const double v = std::exp(-12.0 + 18.0 * i / 200000.0); // c/n spans 9e-5 … 130
        if (std::fabs(std::log(v)) > 1e-3)
            log = std::max(log, std::fabs(metrics_detail::fastLog(v) - std::log(v)) / std::fabs(std::log(v)));
        else
            log = std::max(log, std::fabs(metrics_detail::fastLog(v) - std::log(v)));
        const double t = 1.4712 * i / 200000.0;
        if (t > 0) tan = std::max(tan, std::fabs(metrics_detail::fastTan(t) - std::tan(t)) / std::tan(t));
    }
    EXPECT_LT(exp, 1e-15);
    EXPECT_LT(log, 1e-15);
    EXPECT_LT(tan, 5e-15);
}
