// Qabf, the gradient-based fusion metric of Xydeas & Petrović (2000), for N sources.
#include "fuselab/metrics.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace fuselab {
namespace {

constexpr double kHalfPi = M_PI / 2.0;

struct EdgeRow {
    std::vector<double> strengthSq; ///< sx² + sy² (integers on integer grey: compared exactly)
    std::vector<double> strength;
    std::vector<double> angle;
};

// Sobel on row y with zero padding outside the image (MATLAB filter2(…, 'same')):
// sx = [-1 0 1; -2 0 2; -1 0 1] and sy = [-1 -2 -1; 0 0 0; 1 2 1], both as correlations.
void sobelRow(const Image& grey, int y, EdgeRow& out)
{
    const int w = grey.width(), h = grey.height();
    static const float* const kNone = nullptr;
    const float* up = y > 0 ? grey.row(y - 1) : kNone;
    const float* mid = grey.row(y);
    const float* down = y + 1 < h ? grey.row(y + 1) : kNone;
    auto at = [&](const float* r, int x) { return (r && x >= 0 && x < w) ? double(r[x]) : 0.0; };
    for (int x = 0; x < w; ++x) {
        const double sx = (at(up, x + 1) + 2.0 * at(mid, x + 1) + at(down, x + 1)) - (at(up, x - 1) + 2.0 * at(mid, x - 1) + at(down, x - 1));
        const double sy = (at(down, x - 1) + 2.0 * at(down, x) + at(down, x + 1)) - (at(up, x - 1) + 2.0 * at(up, x) + at(up, x + 1));
        const double sq = sx * sx + sy * sy;
        out.strengthSq[std::size_t(x)] = sq;
        out.strength[std::size_t(x)] = std::sqrt(sq);
        // Orientation modulo π: a vertical edge (sx = 0) is ±π/2, either sign; no edge is 0.
        out.angle[std::size_t(x)] = sx != 0.0 ? std::atan(sy / sx) : (sy != 0.0 ? kHalfPi : 0.0);
    }
}

} // namespace

double qabf(const Image& fusedGrey, const std::vector<Image>& sourceGreys, const QabfParams& p, Image* map)
{
    if (sourceGreys.empty()) throw Error("Qabf needs at least one source image");
    if (fusedGrey.channels() != 1) throw Error("internal: Qabf needs grey planes");
    for (const Image& s : sourceGreys)
        if (s.width() != fusedGrey.width() || s.height() != fusedGrey.height() || s.channels() != 1)
            throw Error("Qabf: a source is " + std::to_string(s.width()) + "x" + std::to_string(s.height()) + " but the fused image is " +
                        std::to_string(fusedGrey.width()) + "x" + std::to_string(fusedGrey.height()));
    if (!std::isfinite(p.tg + p.kg + p.dg + p.ta + p.ka + p.da + p.weightExponent)) throw Error("Qabf: non-finite constant");
    const int w = fusedGrey.width(), h = fusedGrey.height();
    if (map) *map = Image::uninitialised(w, h, 1);
    std::vector<double> numerators(std::size_t(h), 0.0), denominators(std::size_t(h), 0.0);

    parallelFor(0, h, 8, [&](int y0, int y1) {
        EdgeRow fused{std::vector<double>(std::size_t(w)), std::vector<double>(std::size_t(w)), std::vector<double>(std::size_t(w))};
        EdgeRow source = fused;
        std::vector<double> pixelNum(static_cast<std::size_t>(w)), pixelDen(static_cast<std::size_t>(w));
        for (int y = y0; y < y1; ++y) {
            sobelRow(fusedGrey, y, fused);
            std::fill(pixelNum.begin(), pixelNum.end(), 0.0);
            std::fill(pixelDen.begin(), pixelDen.end(), 0.0);
            for (const Image& s : sourceGreys) {
                sobelRow(s, y, source);
                for (int x = 0; x < w; ++x) {
                    const double gA = source.strength[std::size_t(x)], gF = fused.strength[std::size_t(x)];
                    const double sqA = source.strengthSq[std::size_t(x)], sqF = fused.strengthSq[std::size_t(x)];
                    // Relative strength: the smaller over the larger; exactly 1 where they are equal.
                    const double G = sqA > sqF ? gF / gA : (sqA < sqF ? gA / gF : 1.0);
                    const double A = std::fabs(std::fabs(source.angle[std::size_t(x)] - fused.angle[std::size_t(x)]) - kHalfPi) / kHalfPi;
                    const double qg = p.tg / (1.0 + std::exp(p.kg * (G - p.dg)));
                    const double qa = p.ta / (1.0 + std::exp(p.ka * (A - p.da)));
                    const double weight = p.weightExponent == 1.0 ? gA : std::pow(gA, p.weightExponent);
                    pixelNum[std::size_t(x)] += qg * qa * weight;
                    pixelDen[std::size_t(x)] += weight;
                }
            }
            double rowNum = 0.0, rowDen = 0.0;
            float* mapRow = map ? map->row(y) : nullptr;
            for (int x = 0; x < w; ++x) {
                rowNum += pixelNum[std::size_t(x)];
                rowDen += pixelDen[std::size_t(x)];
                if (mapRow) mapRow[x] = pixelDen[std::size_t(x)] > 0.0 ? float(pixelNum[std::size_t(x)] / pixelDen[std::size_t(x)]) : 0.0f;
            }
            numerators[std::size_t(y)] = rowNum;
            denominators[std::size_t(y)] = rowDen;
        }
    });
    double num = 0.0, den = 0.0;
    for (int y = 0; y < h; ++y) {
        num += numerators[std::size_t(y)];
        den += denominators[std::size_t(y)];
    }
    return den > 0.0 ? num / den : 0.0;
}

} // namespace fuselab
