// Quality metrics (SPEC §4) against values derived by hand, analytic values and invariances.
#include "test_support.hpp"

#include "fuselab/builtin_operators.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/metrics.hpp"
#include "fuselab/base/random.hpp"

#include <cmath>
#include <limits>

using namespace fuselab;
using namespace fuselab::test;

namespace {

Image greyFrom(int w, int h, const std::vector<float>& values)
{
    Image img(w, h, 1);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) img.at(x, y) = values[std::size_t(y * w + x)];
    return img;
}

Image constantGrey(int w, int h, float v)
{
    Image img(w, h, 1);
    img.fill(v);
    return img;
}

// Integer grey texture in [lo, hi], deterministic.
Image textureGrey(int w, int h, std::uint64_t seed, int lo = 20, int hi = 235)
{
    const Image p = makePattern(w, h, 1, seed);
    Image g(w, h, 1);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) g.at(x, y) = std::round(float(lo) + p.at(x, y) * float(hi - lo));
    return g;
}

// Adds zero-mean Gaussian noise of σ grey levels, then rounds and clips to [0,255].
Image withNoise(const Image& grey, double sigma, std::uint64_t seed)
{
    Random rng(seed);
    Image out = grey.clone();
    for (int y = 0; y < out.height(); ++y)
        for (int x = 0; x < out.width(); ++x)
            out.at(x, y) = float(std::clamp(std::round(double(out.at(x, y)) + sigma * rng.normal()), 0.0, 255.0));
    return out;
}

// The 2×3 array used by several hand derivations below:
//   row 0: 0 1 3
//   row 1: 2 2 2
Image smallArray()
{
    return greyFrom(3, 2, {0, 1, 3, 2, 2, 2});
}

} // namespace

// ---- grey planes -------------------------------------------------------------------------

TEST(MetricGrey, MatchesMatlabRgb2grayOnEveryColour)
{
    // grey = round(0.298936021293775 R + 0.587043074451121 G + 0.114020904255103 B). The fast
    // rounding (v + 0.5, truncated) equals round() unless a sum lies within 2^-53 below a half;
    // no 8-bit colour comes within 1e-6 of a half, so the evaluation order cannot matter either.
    double closestToHalf = 1.0;
    for (int r = 0; r < 256; ++r) {
        Image8 rgb(256, 256, 3, ColourEncoding::Srgb);
        for (int g = 0; g < 256; ++g)
            for (int b = 0; b < 256; ++b) {
                rgb.at(b, g, 0) = std::uint8_t(r);
                rgb.at(b, g, 1) = std::uint8_t(g);
                rgb.at(b, g, 2) = std::uint8_t(b);
            }
        const Image grey = metricGrey(SampleImage(rgb));
        for (int g = 0; g < 256; ++g)
            for (int b = 0; b < 256; ++b) {
                const double v = 0.298936021293775 * r + 0.587043074451121 * g + 0.114020904255103 * b;
                closestToHalf = std::min(closestToHalf, std::fabs(v - std::floor(v) - 0.5));
                ASSERT_EQ(grey.at(b, g), float(std::round(v))) << r << "," << g << "," << b;
            }
    }
    EXPECT_GT(closestToHalf, 1e-6);
}

TEST(MetricGrey, FloatAndIntegerPathsAgreeAndHandValues)
{
    Image8 rgb(5, 1, 3, ColourEncoding::Srgb);
    const std::uint8_t px[5][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}, {128, 128, 128}};
    for (int x = 0; x < 5; ++x)
        for (int c = 0; c < 3; ++c) rgb.at(x, 0, c) = px[x][c];
    const Image fromCodes = metricGrey(SampleImage(rgb));
    const Image fromFloat = metricGrey(SampleImage(rgb).toFloat());
    // 255·0.29894 = 76.229 → 76; 255·0.58704 = 149.696 → 150; 255·0.11402 = 29.075 → 29;
    // white: 254.99999999999974 → 255; grey 128: 127.99999999999987 → 128.
    const float expected[5] = {76, 150, 29, 255, 128};
    for (int x = 0; x < 5; ++x) {
        EXPECT_EQ(fromCodes.at(x, 0), expected[x]);
        EXPECT_EQ(fromFloat.at(x, 0), expected[x]);
    }
    // 16-bit codes map to round(code/257): 65535 → 255, 257·100 → 100.
    Image16 wide(2, 1, 1, ColourEncoding::Srgb);
    wide.at(0, 0) = 65535;
    wide.at(1, 0) = 25700;
    const Image g16 = metricGrey(SampleImage(wide));
    EXPECT_EQ(g16.at(0, 0), 255.0f);
    EXPECT_EQ(g16.at(1, 0), 100.0f);
    // Out-of-range and NaN floats clip (NaN to black) instead of poisoning the metrics.
    Image odd(3, 1, 1, ColourEncoding::Srgb);
    odd.at(0, 0) = -0.5f;
    odd.at(1, 0) = 7.0f;
    odd.at(2, 0) = std::numeric_limits<float>::quiet_NaN();
    const Image gOdd = metricGrey(odd);
    EXPECT_EQ(gOdd.at(0, 0), 0.0f);
    EXPECT_EQ(gOdd.at(1, 0), 255.0f);
    EXPECT_EQ(gOdd.at(2, 0), 0.0f);
    EXPECT_THROW(metricGrey(Image(4, 4, 2)), Error);
}

TEST(MetricGrey, DownsampleIsAMean2x2WithEdgeRepeat)
{
    // 3×3 → 2×2: [0 1 2; 3 4 5; 6 7 8]: (0+1+3+4)/4 = 2, (2+2+5+5)/4 = 3.5,
    // (6+7+6+7)/4 = 6.5, (8+8+8+8)/4 = 8 (MATLAB 'symmetric' repeats the edge).
    const Image d = downsampleMean2x2(greyFrom(3, 3, {0, 1, 2, 3, 4, 5, 6, 7, 8}));
    ASSERT_EQ(d.width(), 2);
    ASSERT_EQ(d.height(), 2);
    EXPECT_EQ(d.at(0, 0), 2.0f);
    EXPECT_EQ(d.at(1, 0), 3.5f);
    EXPECT_EQ(d.at(0, 1), 6.5f);
    EXPECT_EQ(d.at(1, 1), 8.0f);
}

// ---- single-image statistics ----------------------------------------------------------------

TEST(Statistics, SpatialFrequencyByHandAndOnACheckerboard)
{
    // Small array: horizontal differences 1, 2 | 0, 0 → Σ² = 5 over 2·2 → RF² = 1.25;
    // vertical differences 2, 1, −1 → Σ² = 6 over 1·3 → CF² = 2; SF = sqrt(3.25).
    const SpatialFrequency sf = spatialFrequency(smallArray());
    EXPECT_DOUBLE_EQ(sf.rowFrequency, std::sqrt(1.25));
    EXPECT_DOUBLE_EQ(sf.columnFrequency, std::sqrt(2.0));
    EXPECT_DOUBLE_EQ(sf.spatialFrequency, std::sqrt(3.25));
    // A 0/255 checkerboard: every neighbour differs by 255, so RF = CF = 255, SF = 255·√2.
    Image board(64, 48, 1);
    for (int y = 0; y < 48; ++y)
        for (int x = 0; x < 64; ++x) board.at(x, y) = ((x + y) % 2) ? 255.0f : 0.0f;
    const SpatialFrequency b = spatialFrequency(board);
    EXPECT_DOUBLE_EQ(b.rowFrequency, 255.0);
    EXPECT_DOUBLE_EQ(b.columnFrequency, 255.0);
    EXPECT_NEAR(b.spatialFrequency, 360.62445840513925, 1e-9);
    EXPECT_DOUBLE_EQ(spatialFrequency(constantGrey(9, 9, 77)).spatialFrequency, 0.0);
}

TEST(Statistics, EntropyIsExactForKnownHistograms)
{
    // Every level of 256 once: p = 1/256 each, H = 8 bits exactly.
    std::vector<float> ramp(256);
    for (int i = 0; i < 256; ++i) ramp[std::size_t(i)] = float(i);
    EXPECT_DOUBLE_EQ(entropyBits(greyFrom(16, 16, ramp)), 8.0);
    // Small array: p(0) = p(1) = p(3) = 1/6, p(2) = 1/2 → H = ½·log2 6 + ½ = 1.79248…
    EXPECT_NEAR(entropyBits(smallArray()), 0.5 * std::log2(6.0) + 0.5, 1e-12);
    EXPECT_DOUBLE_EQ(entropyBits(constantGrey(7, 5, 200)), 0.0);
    EXPECT_DOUBLE_EQ(entropyBits(greyFrom(2, 1, {0, 255})), 1.0);
}

TEST(Statistics, StandardDeviationByHand)
{
    // Small array: mean 10/6; Σ(x − μ)² = (25 + 4 + 16 + 3·1)/9 = 48/9; /6 → 8/9.
    EXPECT_NEAR(standardDeviation(smallArray()), std::sqrt(8.0 / 9.0), 1e-12);
    EXPECT_DOUBLE_EQ(standardDeviation(constantGrey(4, 4, 9)), 0.0);
}

TEST(Statistics, AverageGradientByHand)
{
    // Forward: pixels (0,0) and (1,0): (gx, gy) = (1, 2) and (2, 1), each sqrt(5/2);
    // their sum over (W−1)(H−1) = 2 is sqrt(2.5).
    EXPECT_NEAR(averageGradient(smallArray(), GradientDifferences::Forward), std::sqrt(2.5), 1e-12);
    // Central (MATLAB gradient): gx row 0 = 1, 1.5, 2; row 1 = 0, 0, 0; gy (two rows: one-sided)
    // = 2, 1, −1 in both rows. Σ sqrt((gx²+gy²)/2) = √2.5 + √1.625 + √2.5 + √2 + √0.5 + √0.5; /2.
    const double central = (2.0 * std::sqrt(2.5) + std::sqrt(1.625) + std::sqrt(2.0) + 2.0 * std::sqrt(0.5)) / 2.0;
    EXPECT_NEAR(averageGradient(smallArray(), GradientDifferences::Central), central, 1e-12);
    EXPECT_THROW(averageGradient(constantGrey(1, 5, 0)), Error);
}

// ---- information measures -------------------------------------------------------------------

TEST(Information, MutualInformationByHand)
{
    // A = [0 0 1 1], B = [0 1 0 1]: the joint histogram is uniform over 4 cells, so A and B are
    // independent: I = 1 + 1 − 2 = 0. A with itself: I = H(A) = 1 bit.
    const Image a = greyFrom(2, 2, {0, 0, 1, 1}), b = greyFrom(2, 2, {0, 1, 0, 1});
    EXPECT_NEAR(mutualInformationBits(a, b), 0.0, 1e-15);
    EXPECT_DOUBLE_EQ(mutualInformationBits(a, a), 1.0);
    // Any image with itself: I(X;X) = H(X).
    const Image t = textureGrey(96, 64, 3);
    EXPECT_NEAR(mutualInformationBits(t, t), entropyBits(t), 1e-12);
    EXPECT_GT(entropyBits(t), 5.0);
    // With a constant: nothing shared.
    EXPECT_NEAR(mutualInformationBits(t, constantGrey(96, 64, 10)), 0.0, 1e-12);
    // Fusion MI sums over sources; NMI of F = the only source is 2H/(H + H) = 1.
    EXPECT_NEAR(fusionMutualInformation(t, {t, t}), 2.0 * entropyBits(t), 1e-12);
    EXPECT_NEAR(fusionNormalisedMutualInformation(t, {t}), 1.0, 1e-12);
    EXPECT_NEAR(fusionNormalisedMutualInformation(t, {t, t}), 2.0, 1e-12);
    // Constant source and constant fused: H = 0, the NMI term counts 0 (no NaN).
    const Image c = constantGrey(8, 8, 0);
    EXPECT_EQ(fusionNormalisedMutualInformation(c, {c}), 0.0);
}

// ---- PSNR -------------------------------------------------------------------------------------

TEST(Psnr, HandValues)
{
    // Normalised images 0.1 apart everywhere: MSE = 0.01, PSNR = 10·log10(1/0.01) = 20 dB.
    Image a(8, 6, 3), b(8, 6, 3);
    a.fill(0.5f);
    b.fill(0.6f);
    EXPECT_NEAR(psnrDb(a, b), 20.0, 1e-5); // float 0.1 is not exact: 1e-5 dB
    // 8-bit codes one apart in every sample: MSE = (1/255)² → 20·log10(255) = 48.1308 dB,
    // the same as 10·log10(255²/1) on codes.
    Image8 c8(4, 4, 3, ColourEncoding::Srgb), d8(4, 4, 3, ColourEncoding::Srgb);
    c8.fill(100);
    d8.fill(101);
    EXPECT_NEAR(psnrDb(SampleImage(c8), SampleImage(d8)), 20.0 * std::log10(255.0), 1e-12);
    // Through float samples (code/255 rounded to float) the same comparison is off by ~5e-7 dB.
    EXPECT_NEAR(psnrDb(SampleImage(c8).toFloat(), SampleImage(d8).toFloat()), 20.0 * std::log10(255.0), 1e-5);
    // 16-bit against 8-bit: compared normalised, 65535 ≡ 255.
    Image16 e16(4, 4, 3, ColourEncoding::Srgb);
    e16.fill(101 * 257);
    EXPECT_NEAR(psnrDb(SampleImage(c8), SampleImage(e16)), 20.0 * std::log10(255.0), 1e-12);
    EXPECT_TRUE(std::isinf(psnrDb(a, a)));
    EXPECT_THROW(psnrDb(a, Image(8, 6, 1)), Error);
}

TEST(Psnr, MuLawByHandAndScaleInvariance)
{
    // Reference 4 everywhere (normalised to 1), test 2 (to 0.5): T(1) = 1,
    // T(0.5) = ln(1 + 2500)/ln(5001); PSNR = −20·log10(1 − T(0.5)).
    Image ref(6, 4, 3, ColourEncoding::Linear), test(6, 4, 3, ColourEncoding::Linear);
    ref.fill(4.0f);
    test.fill(2.0f);
    const double t = std::log1p(2500.0) / std::log1p(5000.0);
    EXPECT_NEAR(psnrMuDb(test, ref), -20.0 * std::log10(1.0 - t), 1e-9);
    // Normalising by the reference's maximum makes it independent of the exposure scale.
    Image ref2 = ref.clone(), test2 = test.clone();
    ref2.at(0, 0, 0) = 8.0f;
    Image ref3 = ref2.clone(), test3 = test2.clone();
    for (Image* img : {&ref3, &test3})
        for (int y = 0; y < img->height(); ++y)
            for (int x = 0; x < img->width() * 3; ++x) img->row(y)[x] *= 64.0f;
    EXPECT_NEAR(psnrMuDb(test2, ref2), psnrMuDb(test3, ref3), 1e-9);
    Image black(6, 4, 3, ColourEncoding::Linear);
    EXPECT_THROW(psnrMuDb(test, black), Error);
}

// ---- SSIM ---------------------------------------------------------------------------------------

TEST(Ssim, IdenticalAndConstantImages)
{
    const Image t = textureGrey(64, 48, 5);
    EXPECT_NEAR(ssimGrey(t, t, {}).ssim, 1.0, 1e-12);
    // Constants a = 100, b = 120: σ = 0, so SSIM = (2ab + C1)/(a² + b² + C1) · C2/C2
    // with C1 = (0.01·255)² = 6.5025: 24006.5025 / 24406.5025.
    EXPECT_NEAR(ssimGrey(constantGrey(20, 20, 100), constantGrey(20, 20, 120), {}).ssim, 24006.5025 / 24406.5025, 1e-12);
    EXPECT_THROW(ssimGrey(constantGrey(10, 30, 0), constantGrey(10, 30, 0), {}), Error);
}

TEST(Ssim, ShiftedCopyOfOneWindowByHand)
{
    // One 11×11 window, x = 100 + 20·(row is odd), y = x + 10. Variances and covariance are
    // equal, so the cs term is 1; the Gaussian mean of x is μ = 100 + 20·Σ_{odd i} g_i (the
    // window is separable and sums to 1), and SSIM = (2μ(μ+10) + C1)/(μ² + (μ+10)² + C1).
    Image x(11, 11, 1), y(11, 11, 1);
    for (int r = 0; r < 11; ++r)
        for (int c = 0; c < 11; ++c) {
            x.at(c, r) = 100.0f + (r % 2 ? 20.0f : 0.0f);
            y.at(c, r) = x.at(c, r) + 10.0f;
        }
    double g[11], sum = 0.0;
    for (int i = 0; i < 11; ++i) sum += g[i] = std::exp(-double((i - 5) * (i - 5)) / (2.0 * 1.5 * 1.5));
    double odd = 0.0;
    for (int i = 1; i < 11; i += 2) odd += g[i] / sum;
    const double mu = 100.0 + 20.0 * odd, c1 = 6.5025;
    const SsimResult r = ssimGrey(y, x, {}, true);
    EXPECT_NEAR(r.ssim, (2.0 * mu * (mu + 10.0) + c1) / (mu * mu + (mu + 10.0) * (mu + 10.0) + c1), 1e-12);
    EXPECT_NEAR(r.contrastStructure, 1.0, 1e-12);
    ASSERT_EQ(r.map.width(), 1);
    ASSERT_EQ(r.map.height(), 1);
}

TEST(Ssim, NoiseLowersSsimAndMsSsimMonotonically)
{
    const Image t = textureGrey(192, 180, 7);
    double lastSsim = 1.0 + 1e-12, lastMs = 1.0 + 1e-12;
    EXPECT_NEAR(msSsimGrey(t, t, {}), 1.0, 1e-12);
    for (double sigma : {2.0, 5.0, 10.0, 20.0}) {
        const Image noisy = withNoise(t, sigma, 11);
        const double s = ssimGrey(noisy, t, {}).ssim, ms = msSsimGrey(noisy, t, {});
        EXPECT_LT(s, lastSsim) << "σ " << sigma;
        EXPECT_LT(ms, lastMs) << "σ " << sigma;
        lastSsim = s;
        lastMs = ms;
    }
    EXPECT_LT(lastSsim, 0.6);
    // Five scales need a shorter side of 11·16 = 176 px.
    EXPECT_EQ(msSsimLevelsThatFit(192, 175), 4);
    EXPECT_THROW(msSsimGrey(textureGrey(175, 175, 1), textureGrey(175, 175, 2), {}), Error);
}

// ---- Qabf -----------------------------------------------------------------------------------------

TEST(Qabf, FusedEqualToTheSourceReachesTheDocumentedMaximum)
{
    // F = A: G = 1 and A = 1 at every pixel, so Q = Tg/(1+e^{kg(1−Dg)}) · Ta/(1+e^{ka(1−Da)})
    // = 0.9994/(1+e^−7.5) · 0.9879/(1+e^−4.4) = 0.97479362…, whatever the weights.
    const double maximum = 0.9994 / (1.0 + std::exp(-7.5)) * (0.9879 / (1.0 + std::exp(-4.4)));
    EXPECT_NEAR(maximum, 0.9747936249694976, 1e-15);
    const Image t = textureGrey(80, 60, 9);
    Image map;
    EXPECT_NEAR(qabf(t, {t}, {}, &map), maximum, 1e-12);
    EXPECT_NEAR(qabf(t, {t, t}), maximum, 1e-12);
    EXPECT_NEAR(map.at(40, 30), maximum, 1e-6);
    // Where source and fused have equal strength the ratio is 1 — also where both are 0. With
    // unit weights (L = 0) a flat image therefore scores the maximum, not Q(G = 0) ≈ 5.5e-4.
    QabfParams unitWeights;
    unitWeights.weightExponent = 0.0;
    const Image black = constantGrey(30, 20, 0), grey = constantGrey(30, 20, 100);
    EXPECT_NEAR(qabf(black, {black}, unitWeights), maximum, 1e-12);
    EXPECT_NEAR(qabf(grey, {grey}, unitWeights), maximum, 1e-12);
    // With edge-strength weights an all-black pair has no weight at all: defined as 0.
    EXPECT_EQ(qabf(black, {black}), 0.0);
    // A fused image that lost every edge keeps little: G = 0 gives Q ≈ 5.5e-4 inside. What it
    // keeps comes from the borders, where the zero padding of filter2 'same' makes strong edges
    // in both images (the reference's own behaviour); on 80×60 they carry about 40 % of the weight.
    EXPECT_LT(qabf(constantGrey(80, 60, 128), {t}), 0.5 * maximum);
}

// ---- VIF --------------------------------------------------------------------------------------------

TEST(Vif, IdentityAndNoise)
{
    // VIF(A, A): g = 1 and σv² clamps to 1e-10, so every term is log10(1 + σ²/(2 + 1e-10)) against
    // log10(1 + σ²/2): 1 to within 1e-9.
    const Image t = textureGrey(96, 80, 13);
    EXPECT_NEAR(vifp(t, t), 1.0, 1e-9);
    EXPECT_NEAR(fusionVif(t, {t, t}), 2.0, 2e-9);
    double last = 1.0;
    for (double sigma : {3.0, 8.0, 20.0}) {
        const double v = vifp(t, withNoise(t, sigma, 5));
        EXPECT_LT(v, last) << "σ " << sigma;
        last = v;
    }
    // A reference without local variance carries no information: 0, not 0/0.
    EXPECT_EQ(vifp(constantGrey(40, 40, 50), t.view({0, 0, 40, 40}).clone()), 0.0);
    EXPECT_THROW(vifp(constantGrey(16, 40, 0), constantGrey(16, 40, 0)), Error);
}

// ---- robustness -------------------------------------------------------------------------------------

TEST(Metrics, NoNaNOnBlackWhiteAndFlatInputs)
{
    for (float level : {0.0f, 255.0f, 97.0f}) {
        const Image flat = constantGrey(64, 48, level);
        const std::vector<Image> sources = {flat, constantGrey(64, 48, 255.0f - level)};
        NullProgress p;
        const MefSsimResult m = mefSsimGrey(flat, sources, {}, p);
        for (double v : {m.score, m.singleScale, ssimGrey(flat, flat, {}).ssim, spatialFrequency(flat).spatialFrequency,
                         entropyBits(flat), standardDeviation(flat), averageGradient(flat),
                         fusionMutualInformation(flat, sources), fusionNormalisedMutualInformation(flat, sources),
                         qabf(flat, sources), fusionVif(flat, sources)})
            EXPECT_TRUE(std::isfinite(v)) << "level " << level;
        // Every window is flat in the fused image: q = C/(0 + C) = 1.
        EXPECT_DOUBLE_EQ(m.singleScale, 1.0);
    }
}

TEST(Metrics, SuiteReturnsEveryKeyInOrderAndSaysWhatItSkipped)
{
    // 60×40 with 3 frames: every no-reference metric except the 3-scale MEF-SSIM (44 px).
    ExposureStack stack;
    for (int k = 0; k < 3; ++k) {
        Image8 px(60, 40, 3, ColourEncoding::Srgb);
        for (int y = 0; y < 40; ++y)
            for (int x = 0; x < 60; ++x)
                for (int c = 0; c < 3; ++c) px.at(x, y, c) = std::uint8_t(std::clamp(40 * k + (x * 7 + y * 3 + c) % 90, 0, 255));
        stack.frames.push_back({"frame" + std::to_string(k), SampleImage(px), {}, {}, {}});
    }
    NullProgress p;
    const SampleImage fused = stack.frames[1].pixels;
    const std::vector<MetricValue> v = computeFusionMetrics(fused, stack, nullptr, {}, p);
    ASSERT_EQ(v.size(), fusionMetricKeys().size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        EXPECT_EQ(v[i].key, fusionMetricKeys()[i]);
        if (v[i].key == "mef_ssim") {
            EXPECT_FALSE(v[i].value);
            EXPECT_NE(v[i].note.find("44 px"), std::string::npos) << v[i].note;
        } else {
            ASSERT_TRUE(v[i].value) << v[i].key;
            EXPECT_TRUE(std::isfinite(*v[i].value)) << v[i].key;
        }
    }
    // The fused image is one of the sources: NMI ≥ its own term 2H/(H + H) = 1.
    EXPECT_GE(v[7].value.value(), 1.0);
    // With a reference equal to the fused image: PSNR +∞, SSIM 1, MS-SSIM not defined at 40 px.
    const std::vector<MetricValue> r = computeFusionMetrics(fused, stack, &fused, {}, p);
    ASSERT_EQ(r.size(), fusionMetricKeys().size() + 3);
    EXPECT_EQ(r[10].key, "psnr");
    EXPECT_TRUE(std::isinf(r[10].value.value()));
    EXPECT_EQ(r[11].key, "ssim");
    EXPECT_NEAR(r[11].value.value(), 1.0, 1e-12);
    EXPECT_EQ(r[12].key, "ms_ssim");
    EXPECT_FALSE(r[12].value);
    const SampleImage wrong(Image8(61, 40, 3));
    EXPECT_THROW(computeFusionMetrics(wrong, stack, nullptr, {}, p), Error);
}

TEST(Metrics, OperatorsUseAnExplicitReferenceOrFallBackToTheFrames)
{
    OperatorRegistry registry;
    registerBuiltinOperators(registry);
    EXPECT_EQ(registry.inCategory(category::metric).size(), 11u);
    ExposureStack stack;
    for (int k = 0; k < 2; ++k) {
        Image8 px(64, 48, 3, ColourEncoding::Srgb);
        const Image t = textureGrey(64, 48, std::uint64_t(k + 1));
        for (int y = 0; y < 48; ++y)
            for (int x = 0; x < 64; ++x)
                for (int c = 0; c < 3; ++c) px.at(x, y, c) = std::uint8_t(t.at(x, y));
        stack.frames.push_back({"frame" + std::to_string(k), SampleImage(px), {}, {}, {}});
    }
    const Image fused = stack.frames[0].pixels.toFloat(), other = stack.frames[1].pixels.toFloat();
    NullProgress p;
    // Explicit reference (images[1]): SSIM against it; a map the size of the image.
    OperatorInput in;
    in.stack = &stack;
    in.images = {fused, other};
    const OperatorOutput withRef = runOperator(registry.get("metric-ssim"), in, {}, p);
    EXPECT_NEAR(withRef.scalars.at("ssim"), ssimGrey(metricGrey(fused), metricGrey(other), {}).ssim, 1e-12);
    EXPECT_EQ(withRef.image.width(), 64);
    EXPECT_EQ(withRef.image.height(), 48);
    // No reference: the mean over the frames, (1 + SSIM(fused, other)) / 2, with a note.
    in.images = {fused};
    const OperatorOutput fallback = runOperator(registry.get("metric-ssim"), in, {}, p);
    EXPECT_NEAR(fallback.scalars.at("ssim"), (1.0 + withRef.scalars.at("ssim")) / 2.0, 1e-12);
    EXPECT_FALSE(fallback.notes.empty());
    // PSNR-μ appears for a linear (HDR) reference only.
    Image hdr = fused.clone();
    hdr.setEncoding(ColourEncoding::Linear);
    in.images = {fused, hdr};
    EXPECT_EQ(runOperator(registry.get("metric-psnr"), in, {}, p).scalars.count("psnr_mu"), 1u);
    in.images = {fused, other};
    EXPECT_EQ(runOperator(registry.get("metric-psnr"), in, {}, p).scalars.count("psnr_mu"), 0u);
    // MEF-SSIM: the image is 48 px high, enough for 3 scales (44 px); its map lies over the image.
    in.images = {fused};
    const OperatorOutput mef = runOperator(registry.get("metric-mef-ssim"), in, {}, p);
    EXPECT_EQ(mef.scalars.count("mef_ssim"), 1u);
    EXPECT_EQ(mef.image.width(), 64);
}
