// Single-image statistics of a grey plane: spatial frequency, entropy, standard deviation,
// average gradient.
#include "fuselab/metrics.hpp"
#include "histogram_entropy.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace fuselab {
namespace {

void checkGrey(const Image& grey, int minSide, const char* what)
{
    if (grey.channels() != 1) throw Error(std::string("internal: ") + what + " needs a grey plane");
    if (grey.width() < minSide || grey.height() < minSide)
        throw Error(std::string(what) + ": the image (" + std::to_string(grey.width()) + "x" + std::to_string(grey.height()) +
                    ") must be at least " + std::to_string(minSide) + "x" + std::to_string(minSide));
}

// Σ over rows of f(y), each row's sum computed in parallel and added in row order.
template <typename RowSum>
double sumRows(int rows, RowSum rowSum)
{
    std::vector<double> sums(std::size_t(std::max(rows, 0)), 0.0);
    parallelFor(0, rows, 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) sums[std::size_t(y)] = rowSum(y);
    });
    double total = 0.0;
    for (double s : sums) total += s;
    return total;
}

} // namespace

SpatialFrequency spatialFrequency(const Image& grey)
{
    checkGrey(grey, 2, "spatial frequency");
    const int w = grey.width(), h = grey.height();
    const double horizontal = sumRows(h, [&](int y) {
        const float* p = grey.row(y);
        double s = 0.0;
        for (int x = 1; x < w; ++x) {
            const double d = double(p[x]) - double(p[x - 1]);
            s += d * d;
        }
        return s;
    });
    const double vertical = sumRows(h - 1, [&](int y) {
        const float* a = grey.row(y);
        const float* b = grey.row(y + 1);
        double s = 0.0;
        for (int x = 0; x < w; ++x) {
            const double d = double(b[x]) - double(a[x]);
            s += d * d;
        }
        return s;
    });
    SpatialFrequency sf;
    sf.rowFrequency = std::sqrt(horizontal / (double(h) * double(w - 1)));
    sf.columnFrequency = std::sqrt(vertical / (double(h - 1) * double(w)));
    sf.spatialFrequency = std::sqrt(sf.rowFrequency * sf.rowFrequency + sf.columnFrequency * sf.columnFrequency);
    return sf;
}

double entropyBits(const Image& grey)
{
    checkGrey(grey, 1, "entropy");
    std::array<double, 256> histogram{};
    for (int y = 0; y < grey.height(); ++y) {
        const float* p = grey.row(y);
        for (int x = 0; x < grey.width(); ++x) histogram[std::size_t(std::clamp(int(std::lround(p[x])), 0, 255))] += 1.0;
    }
    return metrics_detail::entropyBits(histogram, double(grey.pixelCount()));
}

double standardDeviation(const Image& grey)
{
    checkGrey(grey, 1, "standard deviation");
    const int w = grey.width();
    const double count = double(grey.pixelCount());
    const double mean = sumRows(grey.height(), [&](int y) {
                            const float* p = grey.row(y);
                            double s = 0.0;
                            for (int x = 0; x < w; ++x) s += p[x];
                            return s;
                        }) / count;
    const double squares = sumRows(grey.height(), [&](int y) {
        const float* p = grey.row(y);
        double s = 0.0;
        for (int x = 0; x < w; ++x) s += (double(p[x]) - mean) * (double(p[x]) - mean);
        return s;
    });
    return std::sqrt(squares / count);
}

double averageGradient(const Image& grey, GradientDifferences differences)
{
    checkGrey(grey, 2, "average gradient");
    const int w = grey.width(), h = grey.height();
    const double normaliser = double(w - 1) * double(h - 1);
    if (differences == GradientDifferences::Forward) {
        return sumRows(h - 1, [&](int y) {
                   const float* p = grey.row(y);
                   const float* below = grey.row(y + 1);
                   double s = 0.0;
                   for (int x = 0; x + 1 < w; ++x) {
                       const double gx = double(p[x + 1]) - double(p[x]), gy = double(below[x]) - double(p[x]);
                       s += std::sqrt((gx * gx + gy * gy) / 2.0);
                   }
                   return s;
               }) /
               normaliser;
    }
    // MATLAB gradient(): (f[i+1] − f[i−1])/2 inside, one-sided differences at the borders.
    return sumRows(h, [&](int y) {
               const float* p = grey.row(y);
               const float* up = grey.row(std::max(y - 1, 0));
               const float* down = grey.row(std::min(y + 1, h - 1));
               const double yStep = (y == 0 || y == h - 1) ? 1.0 : 2.0;
               double s = 0.0;
               for (int x = 0; x < w; ++x) {
                   const int left = std::max(x - 1, 0), right = std::min(x + 1, w - 1);
                   const double gx = (double(p[right]) - double(p[left])) / double(right - left);
                   const double gy = (double(down[x]) - double(up[x])) / yStep;
                   s += std::sqrt((gx * gx + gy * gy) / 2.0);
               }
               return s;
           }) /
           normaliser;
}

} // namespace fuselab
