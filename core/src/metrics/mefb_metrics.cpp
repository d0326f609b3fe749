// The bench metrics as the MEFB toolkit's MATLAB computes them (mefb_metrics.hpp), and the MEFB
// flavour of the bench (bench.hpp, MetricFlavour::Mefb). Everything in double, as MATLAB.
#include "fuselab/mefb_metrics.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/metrics.hpp"
#include "histogram_entropy.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>

namespace fuselab {
namespace mefb {
namespace {

constexpr double kHalfPi = M_PI / 2.0;

// A plane of doubles, row-major (MATLAB's matrices, minus the column-major order).
struct Plane {
    int w = 0, h = 0;
    std::vector<double> v;
    Plane() = default;
    Plane(int width, int height) : w(width), h(height), v(std::size_t(width) * std::size_t(height), 0.0) {}
    double& at(int x, int y) { return v[std::size_t(y) * std::size_t(w) + std::size_t(x)]; }
    double at(int x, int y) const { return v[std::size_t(y) * std::size_t(w) + std::size_t(x)]; }
};

Plane toPlane(const Image& channel, double scale = 1.0)
{
    if (channel.channels() != 1) throw Error("internal: MEFB metrics take one channel at a time");
    Plane p(channel.width(), channel.height());
    for (int y = 0; y < p.h; ++y)
        for (int x = 0; x < p.w; ++x) p.at(x, y) = double(channel.at(x, y)) * scale;
    return p;
}

void checkSizes(const Image& fused, const std::vector<Image>& sources, const char* metric)
{
    if (sources.empty()) throw Error(std::string(metric) + " needs at least one source");
    for (const Image& s : sources)
        if (s.width() != fused.width() || s.height() != fused.height())
            throw Error(std::string(metric) + ": a source is " + std::to_string(s.width()) + "x" + std::to_string(s.height()) +
                        " but the fused image is " + std::to_string(fused.width()) + "x" + std::to_string(fused.height()));
}

// ---- Qabf ------------------------------------------------------------------------------

struct Edges {
    Plane g, a;
};

// conv2(p, h, 'same') with h1 = [1 2 1; 0 0 0; -1 -2 -1] (Sy) and h3 = [-1 0 1; -2 0 2; -1 0 1]
// (Sx): true convolution, zero outside the image — Sx = left − right, Sy = below − above (their
// signs matter together: α = atan(Sy/Sx) is compared between images).
Edges sobelEdges(const Plane& p)
{
    Edges e{Plane(p.w, p.h), Plane(p.w, p.h)};
    auto at = [&](int x, int y) { return x < 0 || y < 0 || x >= p.w || y >= p.h ? 0.0 : p.at(x, y); };
    static constexpr double wgt[3] = {1.0, 2.0, 1.0};
    for (int y = 0; y < p.h; ++y)
        for (int x = 0; x < p.w; ++x) {
            double sx = 0.0, sy = 0.0;
            for (int u = -1; u <= 1; ++u) {
                sx += wgt[u + 1] * (at(x - 1, y + u) - at(x + 1, y + u));
                sy += wgt[u + 1] * (at(x + u, y + 1) - at(x + u, y - 1));
            }
            e.g.at(x, y) = std::sqrt(sx * sx + sy * sy);
            e.a.at(x, y) = sx == 0.0 ? kHalfPi : std::atan(sy / sx);
        }
    return e;
}

// ---- VIF -------------------------------------------------------------------------------

// fspecial('gaussian', n, sigma) as its separable 1-D factor (the 2-D kernel is its outer
// product: exp(−(x²+y²)/2σ²)/Σ = g(x)·g(y) with g normalised).
std::vector<double> gaussian1d(int n, double sigma)
{
    std::vector<double> g(static_cast<std::size_t>(n));
    const double c = (n - 1) / 2.0;
    double sum = 0.0;
    for (int i = 0; i < n; ++i) sum += g[std::size_t(i)] = std::exp(-(i - c) * (i - c) / (2.0 * sigma * sigma));
    for (double& v : g) v /= sum;
    return g;
}

// filter2(win, p, 'valid') with the separable window.
Plane filterValid(const Plane& p, const std::vector<double>& g)
{
    const int n = int(g.size());
    if (p.w < n || p.h < n) return Plane(0, 0);
    Plane rows(p.w - n + 1, p.h), out(p.w - n + 1, p.h - n + 1);
    for (int y = 0; y < p.h; ++y)
        for (int x = 0; x < rows.w; ++x) {
            double s = 0.0;
            for (int k = 0; k < n; ++k) s += g[std::size_t(k)] * p.at(x + k, y);
            rows.at(x, y) = s;
        }
    for (int y = 0; y < out.h; ++y)
        for (int x = 0; x < out.w; ++x) {
            double s = 0.0;
            for (int k = 0; k < n; ++k) s += g[std::size_t(k)] * rows.at(x, y + k);
            out.at(x, y) = s;
        }
    return out;
}

Plane product(const Plane& a, const Plane& b)
{
    Plane out(a.w, a.h);
    for (std::size_t i = 0; i < a.v.size(); ++i) out.v[i] = a.v[i] * b.v[i];
    return out;
}

Plane decimate(const Plane& p)
{
    Plane out((p.w + 1) / 2, (p.h + 1) / 2);
    for (int y = 0; y < out.h; ++y)
        for (int x = 0; x < out.w; ++x) out.at(x, y) = p.at(2 * x, 2 * y);
    return out;
}

struct VifScale {
    Plane g, vid, vind;
};

// ComVidVindG of metricsVIF.m: per scale the gain map and the information maps.
std::array<VifScale, 4> comVidVindG(Plane ref, Plane dist, double sigmaNsq)
{
    std::array<VifScale, 4> out;
    for (int scale = 1; scale <= 4; ++scale) {
        const int n = (1 << (4 - scale + 1)) + 1;
        const std::vector<double> win = gaussian1d(n, n / 5.0);
        if (scale > 1) {
            ref = decimate(filterValid(ref, win));
            dist = decimate(filterValid(dist, win));
        }
        const Plane mu1 = filterValid(ref, win), mu2 = filterValid(dist, win);
        const Plane e11 = filterValid(product(ref, ref), win), e22 = filterValid(product(dist, dist), win),
                    e12 = filterValid(product(ref, dist), win);
        VifScale& s = out[std::size_t(scale - 1)];
        s.g = Plane(mu1.w, mu1.h);
        s.vid = Plane(mu1.w, mu1.h);
        s.vind = Plane(mu1.w, mu1.h);
        for (std::size_t i = 0; i < mu1.v.size(); ++i) {
            double s1 = e11.v[i] - mu1.v[i] * mu1.v[i], s2 = e22.v[i] - mu2.v[i] * mu2.v[i];
            const double s12 = e12.v[i] - mu1.v[i] * mu2.v[i];
            if (s1 < 0) s1 = 0;
            if (s2 < 0) s2 = 0;
            double g = s12 / (s1 + 1e-10);
            double sv = s2 - g * s12;
            if (s1 < 1e-10) {
                g = 0;
                sv = s2;
                s1 = 0;
            }
            if (s2 < 1e-10) {
                g = 0;
                sv = 0;
            }
            if (g < 0) {
                sv = s2;
                g = 0;
            }
            if (sv <= 1e-10) sv = 1e-10;
            s.g.v[i] = g;
            s.vid.v[i] = std::log10(1.0 + g * g * s1 / (sv + sigmaNsq));
            s.vind.v[i] = std::log10(1.0 + s1 / sigmaNsq);
        }
    }
    return out;
}

// ---- NMI -------------------------------------------------------------------------------

// normalize1: min–max stretch to 0..255, rounded; NaN-producing input (constant, non-zero)
// gives an empty plane.
std::optional<Plane> normalise1(const Image& channel)
{
    Plane p = toPlane(channel);
    const auto [lo, hi] = std::minmax_element(p.v.begin(), p.v.end());
    const double mn = *lo, mx = *hi;
    if (mx == 0.0 && mn == 0.0) return p;
    if (mx == mn) return std::nullopt;
    for (double& v : p.v) v = std::round((v - mn) / (mx - mn) * 255.0);
    return p;
}

} // namespace

double qabf(const Image& fused, const std::vector<Image>& sources)
{
    checkSizes(fused, sources, "Qabf");
    constexpr double tg = 0.9994, kg = -15.0, dg = 0.5, ta = 0.9879, ka = -22.0, da = 0.8;
    // 255·im2double of a double array: the codes times 255, as metricsQabf.m does.
    const Edges f = sobelEdges(toPlane(fused, 255.0));
    double numerator = 0.0, denominator = 0.0;
    for (const Image& source : sources) {
        const Edges s = sobelEdges(toPlane(source, 255.0));
        for (std::size_t i = 0; i < f.g.v.size(); ++i) {
            const double gA = s.g.v[i], gF = f.g.v[i];
            const double G = gA > gF ? gF / gA : gA == gF ? gF : gA / gF;
            const double A = 1.0 - std::fabs(s.a.v[i] - f.a.v[i]) / kHalfPi;
            const double q = tg / (1.0 + std::exp(kg * (G - dg))) * (ta / (1.0 + std::exp(ka * (A - da))));
            numerator += q * gA;
            denominator += gA;
        }
    }
    return denominator > 0.0 ? numerator / denominator : 0.0;
}

double vif(const Image& fused, const std::vector<Image>& sources)
{
    checkSizes(fused, sources, "VIF");
    if (fused.width() < 81 || fused.height() < 81)
        throw Error("VIF (MEFB) needs at least 81 x 81 pixels (its coarsest scale is empty below), not " + std::to_string(fused.width()) +
                    "x" + std::to_string(fused.height()));
    constexpr double sigmaNsq = 0.005 * 255.0 * 255.0, c = 1e-7;
    static constexpr double weights[4] = {1.0 / 2.15, 0.0, 0.15 / 2.15, 1.0 / 2.15};
    const Plane dist = toPlane(fused);
    std::vector<std::array<VifScale, 4>> perSource;
    for (const Image& s : sources) perSource.push_back(comVidVindG(toPlane(s), dist, sigmaNsq));
    double out = 0.0;
    for (std::size_t scale = 0; scale < 4; ++scale) {
        const std::size_t count = perSource.front()[scale].g.v.size();
        double num = 0.0, den = 0.0;
        for (std::size_t i = 0; i < count; ++i) {
            // M_G1 < M_G2 takes the first source, else the second; folded over N sources.
            std::size_t chosen = 0;
            for (std::size_t k = 1; k < perSource.size(); ++k)
                if (!(perSource[chosen][scale].g.v[i] < perSource[k][scale].g.v[i])) chosen = k;
            num += perSource[chosen][scale].vid.v[i] + c;
            den += perSource[chosen][scale].vind.v[i] + c;
        }
        out += weights[scale] * (num / den);
    }
    return out;
}

double nmi(const Image& fused, const std::vector<Image>& sources)
{
    checkSizes(fused, sources, "NMI");
    const std::optional<Plane> f = normalise1(fused);
    if (!f) return std::numeric_limits<double>::quiet_NaN();
    const double total = double(f->v.size());
    std::vector<double> histF(256, 0.0);
    for (double v : f->v) histF[std::size_t(v)] += 1.0;
    const double hF = metrics_detail::entropyBits(histF, total);
    double sum = 0.0;
    for (const Image& source : sources) {
        const std::optional<Plane> s = normalise1(source);
        if (!s) return std::numeric_limits<double>::quiet_NaN();
        std::vector<double> joint(256 * 256, 0.0), histS(256, 0.0);
        for (std::size_t i = 0; i < s->v.size(); ++i) {
            joint[std::size_t(s->v[i]) * 256 + std::size_t(f->v[i])] += 1.0;
            histS[std::size_t(s->v[i])] += 1.0;
        }
        const double hS = metrics_detail::entropyBits(histS, total), hJoint = metrics_detail::entropyBits(joint, total);
        sum += (hS + hF - hJoint) / (hS + hF);
    }
    return 2.0 * sum;
}

double entropy(const Image& fused)
{
    const Plane p = toPlane(fused);
    std::vector<double> hist(256, 0.0);
    for (double v : p.v) hist[std::size_t(std::clamp(std::floor(v), 0.0, 255.0))] += 1.0;
    return metrics_detail::entropyBits(hist, double(p.v.size()));
}

double spatialFrequency(const Image& fused)
{
    const Plane p = toPlane(fused);
    double rf = 0.0, cf = 0.0;
    for (int y = 0; y < p.h; ++y)
        for (int x = 0; x < p.w; ++x) {
            if (x > 0) rf += (p.at(x, y) - p.at(x - 1, y)) * (p.at(x, y) - p.at(x - 1, y));
            if (y > 0) cf += (p.at(x, y) - p.at(x, y - 1)) * (p.at(x, y) - p.at(x, y - 1));
        }
    const double mn = double(p.w) * double(p.h);
    return std::sqrt(rf / mn + cf / mn);
}

double standardDeviation(const Image& fused)
{
    const Plane p = toPlane(fused);
    double mean = 0.0;
    for (double v : p.v) mean += v;
    mean /= double(p.v.size());
    double sq = 0.0;
    for (double v : p.v) sq += (v - mean) * (v - mean);
    return std::sqrt(sq / double(p.v.size()));
}

double averageGradient(const Image& fused)
{
    const Plane p = toPlane(fused);
    if (p.w < 2 || p.h < 2) throw Error("AG (MEFB) needs at least 2 x 2 pixels");
    // MATLAB gradient(F, 1, 1): central differences inside, one-sided at the first and last.
    auto derivative = [](double before, double here, double after, bool first, bool last) {
        return first ? after - here : last ? here - before : (after - before) / 2.0;
    };
    double sum = 0.0;
    for (int y = 0; y < p.h; ++y)
        for (int x = 0; x < p.w; ++x) {
            const double gx = derivative(x > 0 ? p.at(x - 1, y) : 0.0, p.at(x, y), x + 1 < p.w ? p.at(x + 1, y) : 0.0, x == 0, x == p.w - 1);
            const double gy = derivative(y > 0 ? p.at(x, y - 1) : 0.0, p.at(x, y), y + 1 < p.h ? p.at(x, y + 1) : 0.0, y == 0, y == p.h - 1);
            sum += std::sqrt((gx * gx + gy * gy) / 2.0);
        }
    return sum / (double(p.w - 1) * double(p.h - 1));
}

Image channelCodes(const SampleImage& image, int channel)
{
    const int w = image.width(), h = image.height(), ch = image.channels();
    if (channel < 0 || channel >= ch) throw Error("internal: no channel " + std::to_string(channel));
    Image out(w, h, 1, ColourEncoding::Srgb);
    std::vector<float> row(std::size_t(w) * std::size_t(ch));
    const bool linear = image.isFloat() && image.encoding() == ColourEncoding::Linear;
    for (int y = 0; y < h; ++y) {
        if (const Image8* p = image.as8()) {
            for (int x = 0; x < w; ++x) out.at(x, y) = float(p->at(x, y, channel));
            continue;
        }
        image.rowToFloat(y, row.data());
        for (int x = 0; x < w; ++x) {
            float v = row[std::size_t(x) * std::size_t(ch) + std::size_t(channel)];
            if (linear) v = linearToSrgb(std::max(v, 0.0f));
            out.at(x, y) = std::round(std::clamp(v, 0.0f, 1.0f) * 255.0f);
        }
    }
    return out;
}

std::vector<double> benchMetrics(const SampleImage& fused, const ExposureStack& stack, ProgressSink& progress)
{
    if (stack.frames.empty()) throw Error("the MEFB metrics need the source images");
    for (const StackFrame& f : stack.frames)
        if (f.pixels.width() != fused.width() || f.pixels.height() != fused.height())
            throw Error(f.path, "is " + std::to_string(f.pixels.width()) + "x" + std::to_string(f.pixels.height()) +
                                    " but the fused image is " + std::to_string(fused.width()) + "x" + std::to_string(fused.height()));
    // MEF-SSIM: the authors' mef_ms_ssim on rgb2gray codes, which fuselab::mefSsim follows.
    ProgressSpan ssimSpan(progress, 0.0, 0.5);
    const MefSsimResult mef = mefSsim(fused, stack, MefSsimParams{}, ssimSpan);
    const int channels = std::min(fused.channels(), 3);
    double q = 0, v = 0, n = 0, en = 0, sf = 0, sd = 0, ag = 0;
    bool nmiFailed = false;
    for (int c = 0; c < channels; ++c) {
        progress.checkCancelled();
        progress.report(0.5 + 0.5 * double(c) / double(channels), "MEFB metrics");
        const Image f = mefb::channelCodes(fused, c);
        std::vector<Image> sources;
        for (const StackFrame& frame : stack.frames) sources.push_back(mefb::channelCodes(frame.pixels, std::min(c, frame.pixels.channels() - 1)));
        q += mefb::qabf(f, sources);
        v += mefb::vif(f, sources);
        const double channelNmi = mefb::nmi(f, sources);
        if (std::isnan(channelNmi)) nmiFailed = true;
        else n += channelNmi;
        en += mefb::entropy(f);
        sf += mefb::spatialFrequency(f);
        sd += mefb::standardDeviation(f);
        ag += mefb::averageGradient(f);
    }
    const double k = double(channels);
    // A metric MEFB's code fails on is recorded as 0 by its driver.
    return {mef.score, mef.singleScale, q / k, v / k, nmiFailed ? 0.0 : n / k, en / k, sf / k, sd / k, ag / k};
}

} // namespace mefb
} // namespace fuselab
