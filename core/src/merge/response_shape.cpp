// Shaping recovered curves into valid responses (strictly increasing, normalised) and
// sampling any response as finite log-inverse tables.
#include "merge_internal.hpp"

#include "fuselab/base/error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fuselab::merge_detail {

int makeStrictlyIncreasing(std::vector<double>& g, const std::vector<double>& support, double minStepLn)
{
    const std::size_t n = g.size();
    if (n == 0) return 0;
    const std::vector<double> original = g;
    // A code without data still gets a little weight so it is pulled along with its
    // neighbours instead of dragging a well-measured block.
    double maxSupport = 0.0;
    for (double s : support) maxSupport = std::max(maxSupport, s);
    const double floorWeight = std::max(maxSupport, 1.0) * 1e-6;

    struct Block {
        double value, weight;
        std::size_t begin, count;
    };
    std::vector<Block> blocks;
    blocks.reserve(n);
    for (std::size_t z = 0; z < n; ++z) {
        const double v = std::isfinite(g[z]) ? g[z] : (blocks.empty() ? 0.0 : blocks.back().value);
        const double wz = (z < support.size() && std::isfinite(support[z]) ? std::max(support[z], 0.0) : 0.0) + floorWeight;
        blocks.push_back({v, wz, z, 1});
        while (blocks.size() >= 2 && blocks[blocks.size() - 2].value >= blocks.back().value) {
            Block top = blocks.back();
            blocks.pop_back();
            Block& below = blocks.back();
            below.value = (below.value * below.weight + top.value * top.weight) / (below.weight + top.weight);
            below.weight += top.weight;
            below.count += top.count;
        }
    }
    // Pooled runs become ramps centred on their mean, so the pooled codes stay distinguishable
    // without shifting the block as a whole.
    for (const Block& b : blocks)
        for (std::size_t k = 0; k < b.count; ++k)
            g[b.begin + k] = b.value + (double(k) - 0.5 * double(b.count - 1)) * minStepLn;
    for (std::size_t z = 1; z < n; ++z) g[z] = std::max(g[z], g[z - 1] + minStepLn);

    int moved = 0;
    for (std::size_t z = 0; z < n; ++z) moved += !(std::fabs(g[z] - original[z]) <= 1e-6);
    return moved;
}

CameraResponse responseFromLogCurves(const std::vector<std::vector<double>>& logCurves)
{
    if (logCurves.empty() || logCurves.front().size() < 2) throw Error("a recovered response needs at least two codes");
    const std::size_t levels = logCurves.front().size();
    const std::size_t mid = levels / 2;
    std::vector<double> pixelValues(levels);
    for (std::size_t z = 0; z < levels; ++z) pixelValues[z] = double(z) / double(levels - 1);
    std::vector<std::vector<double>> exposures;
    for (const std::vector<double>& g : logCurves) {
        std::vector<double> x(levels);
        for (std::size_t z = 0; z < levels; ++z) {
            // The clamp only guards the double range; curves from the solvers stay far inside.
            x[z] = std::exp(std::clamp(g[z] - g[mid], -700.0, 700.0));
            if (z > 0 && !(x[z] > x[z - 1])) x[z] = std::nextafter(x[z - 1], std::numeric_limits<double>::infinity());
        }
        exposures.push_back(std::move(x));
    }
    return CameraResponse::table(std::move(pixelValues), std::move(exposures));
}

CameraResponse responseFromCurveImage(const Image& curves)
{
    if (curves.empty() || curves.height() != 1 || curves.width() < 2)
        throw Error("a response curve image is a row of ln exposures, one per code");
    const int codes = curves.width();
    std::vector<double> values(static_cast<std::size_t>(codes));
    for (int z = 0; z < codes; ++z) values[std::size_t(z)] = double(z) / double(codes - 1);
    std::vector<std::vector<double>> exposures(static_cast<std::size_t>(curves.channels()));
    for (int c = 0; c < curves.channels(); ++c) {
        std::vector<double>& x = exposures[std::size_t(c)];
        for (int z = 0; z < codes; ++z) {
            double v = std::exp(double(curves.at(z, 0, c)));
            // The table format needs strictly increasing exposures; curves from the merge already are.
            if (z > 0 && !(v > x.back())) v = std::nextafter(x.back(), std::numeric_limits<double>::infinity());
            x.push_back(v);
        }
    }
    return CameraResponse::table(std::move(values), std::move(exposures));
}

} // namespace fuselab::merge_detail

namespace fuselab {

std::vector<double> logInverseResponse(const CameraResponse& response, int channel, int codes)
{
    if (codes < 2) throw Error("a response table needs at least two codes");
    std::vector<double> g(static_cast<std::size_t>(codes));
    for (int z = 0; z < codes; ++z) g[std::size_t(z)] = std::log(response.invert(double(z) / double(codes - 1), channel));
    // f⁻¹(0) = 0 for analytic curves: use half the exposure of the first code above black, the
    // convention of CameraResponse::sampled(), so "black" stays finite and below everything else.
    if (!std::isfinite(g[0])) g[0] = std::log(0.5) + g[1];
    // A pathological curve could still give −inf at code 1 (gamma of a huge exponent):
    // fall back to the smallest normal double, keeping the table ordered.
    const double floorLn = std::log(std::numeric_limits<double>::min());
    for (int z = 0; z < codes; ++z) {
        double& v = g[std::size_t(z)];
        if (!std::isfinite(v) || v < floorLn) v = floorLn;
        if (z > 0) v = std::max(v, g[std::size_t(z - 1)]);
    }
    return g;
}

Image responseCurveImage(const CameraResponse& response, int codes)
{
    Image img(codes, 1, 3, ColourEncoding::Linear);
    const int curves = response.kind() == CameraResponse::Kind::Table ? response.tableChannels() : 1;
    for (int c = 0; c < 3; ++c) {
        const std::vector<double> g = logInverseResponse(response, std::min(c, curves - 1), codes);
        for (int z = 0; z < codes; ++z) img.at(z, 0, c) = float(g[std::size_t(z)]);
    }
    return img;
}

CameraResponse responseFromCurveImage(const Image& curves)
{
    if (curves.empty() || curves.height() != 1 || curves.width() < 2)
        throw Error("a response curve image is a row of ln exposures, one per code");
    const int codes = curves.width();
    std::vector<double> values(static_cast<std::size_t>(codes));
    for (int z = 0; z < codes; ++z) values[std::size_t(z)] = double(z) / double(codes - 1);
    std::vector<std::vector<double>> exposures(static_cast<std::size_t>(curves.channels()));
    for (int c = 0; c < curves.channels(); ++c) {
        std::vector<double>& x = exposures[std::size_t(c)];
        for (int z = 0; z < codes; ++z) {
            double v = std::exp(double(curves.at(z, 0, c)));
            // The table format needs strictly increasing exposures; curves from the merge already are.
            if (z > 0 && !(v > x.back())) v = std::nextafter(x.back(), std::numeric_limits<double>::infinity());
            x.push_back(v);
        }
    }
    return CameraResponse::table(std::move(values), std::move(exposures));
}

} // namespace fuselab
