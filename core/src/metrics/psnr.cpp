// PSNR on all channels, and PSNR-μ for HDR images.
#include "fuselab/metrics.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace fuselab {
namespace {

void checkSameShape(const Image& a, const Image& b, const char* what)
{
    if (a.empty() || b.empty()) throw Error(std::string(what) + ": empty image");
    if (a.width() != b.width() || a.height() != b.height())
        throw Error(std::string(what) + ": the images differ in size (" + std::to_string(a.width()) + "x" +
                    std::to_string(a.height()) + " and " + std::to_string(b.width()) + "x" + std::to_string(b.height()) + ")");
    if (a.channels() != b.channels())
        throw Error(std::string(what) + ": the images differ in channels (" + std::to_string(a.channels()) + " and " +
                    std::to_string(b.channels()) + ")");
}

// Σ (t(a) − t(b))² over every sample, rows summed in a fixed order.
template <typename Transform>
double sumSquaredDifference(const Image& a, const Image& b, Transform t)
{
    const int h = a.height();
    const std::size_t rowSamples = std::size_t(a.width()) * std::size_t(a.channels());
    std::vector<double> rowSums(std::size_t(h), 0.0);
    parallelFor(0, h, 16, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* pa = a.row(y);
            const float* pb = b.row(y);
            double s = 0.0;
            for (std::size_t i = 0; i < rowSamples; ++i) {
                const double d = t(double(pa[i])) - t(double(pb[i]));
                s += d * d;
            }
            rowSums[std::size_t(y)] = s;
        }
    });
    double total = 0.0;
    for (double s : rowSums) total += s;
    return total;
}

double psnrFromMse(double mse, double peak)
{
    if (!std::isfinite(mse)) throw Error("PSNR: the images hold non-finite samples");
    if (mse <= 0.0) return std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(peak * peak / mse);
}

} // namespace

double meanSquaredError(const Image& test, const Image& reference)
{
    checkSameShape(test, reference, "PSNR");
    const double count = double(test.pixelCount()) * double(test.channels());
    return sumSquaredDifference(test, reference, [](double v) { return v; }) / count;
}

double psnrDb(const Image& test, const Image& reference, double peak)
{
    if (!(peak > 0.0)) throw Error("PSNR: the peak must be positive");
    return psnrFromMse(meanSquaredError(test, reference), peak);
}

double meanSquaredError(const SampleImage& test, const SampleImage& reference)
{
    if (test.empty() || reference.empty()) throw Error("PSNR: empty image");
    if (test.width() != reference.width() || test.height() != reference.height() || test.channels() != reference.channels())
        throw Error("PSNR: the images differ in size or channels (" + std::to_string(test.width()) + "x" +
                    std::to_string(test.height()) + "x" + std::to_string(test.channels()) + " and " +
                    std::to_string(reference.width()) + "x" + std::to_string(reference.height()) + "x" +
                    std::to_string(reference.channels()) + ")");
    const int h = test.height();
    const std::size_t n = std::size_t(test.width()) * std::size_t(test.channels());
    // Row of normalised samples in double: code / (2^bits − 1) exactly rounded once.
    auto load = [n](const SampleImage& img, int y, std::vector<double>& dst) {
        if (const Image8* p = img.as8()) {
            const std::uint8_t* r = p->row(y);
            for (std::size_t i = 0; i < n; ++i) dst[i] = double(r[i]) / 255.0;
        } else if (const Image16* p16 = img.as16()) {
            const std::uint16_t* r = p16->row(y);
            for (std::size_t i = 0; i < n; ++i) dst[i] = double(r[i]) / 65535.0;
        } else {
            const float* r = img.asFloat()->row(y);
            for (std::size_t i = 0; i < n; ++i) dst[i] = double(r[i]);
        }
    };
    std::vector<double> rowSums(std::size_t(h), 0.0);
    parallelFor(0, h, 16, [&](int y0, int y1) {
        std::vector<double> a(n), b(n);
        for (int y = y0; y < y1; ++y) {
            load(test, y, a);
            load(reference, y, b);
            double s = 0.0;
            for (std::size_t i = 0; i < n; ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
            rowSums[std::size_t(y)] = s;
        }
    });
    double total = 0.0;
    for (double s : rowSums) total += s;
    return total / (double(test.width()) * double(test.height()) * double(test.channels()));
}

double psnrDb(const SampleImage& test, const SampleImage& reference)
{
    return psnrFromMse(meanSquaredError(test, reference), 1.0);
}

double psnrMuDb(const Image& test, const Image& reference, double mu)
{
    checkSameShape(test, reference, "PSNR-μ");
    if (!(mu > 0.0)) throw Error("PSNR-μ: μ must be positive");
    float peak = 0.0f;
    for (int y = 0; y < reference.height(); ++y) {
        const float* p = reference.row(y);
        for (std::size_t i = 0; i < std::size_t(reference.width()) * std::size_t(reference.channels()); ++i)
            if (std::isfinite(p[i])) peak = std::max(peak, p[i]);
    }
    if (!(peak > 0.0f)) throw Error("PSNR-μ: the reference has no positive sample to normalise by");
    const double scale = 1.0 / double(peak), denominator = std::log1p(mu);
    auto muLaw = [=](double v) { return std::log1p(mu * std::max(v * scale, 0.0)) / denominator; };
    const double count = double(test.pixelCount()) * double(test.channels());
    return psnrFromMse(sumSquaredDifference(test, reference, muLaw) / count, 1.0);
}

} // namespace fuselab
