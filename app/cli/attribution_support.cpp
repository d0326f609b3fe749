#include "attribution_support.hpp"

#include "cli_support.hpp"
#include "learn_support.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/learn/learn_library.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace fuselab::cli {
namespace {

struct ColourStop {
    double t;
    float r, g, b; ///< display codes 0..255
};

// The viewer's overlay ramps (ui/heatmap.cpp), so a map looks the same in the CLI's PNG and
// the GUI: an inferno-like sequential ramp and a blue–white–red diverging one.
constexpr std::array<ColourStop, 6> kSequential = {{{0.0, 0, 0, 4}, {0.2, 66, 10, 104}, {0.4, 147, 38, 103}, {0.6, 221, 81, 58},
                                                    {0.8, 252, 165, 10}, {1.0, 252, 255, 164}}};
constexpr std::array<ColourStop, 3> kDiverging = {{{0.0, 49, 54, 149}, {0.5, 247, 247, 247}, {1.0, 165, 0, 38}}};

template <std::size_t N>
std::array<float, 3> ramp(const std::array<ColourStop, N>& stops, double t)
{
    t = std::clamp(t, 0.0, 1.0);
    for (std::size_t i = 1; i < N; ++i)
        if (t <= stops[i].t) {
            const ColourStop& a = stops[i - 1];
            const ColourStop& b = stops[i];
            const float u = float((t - a.t) / (b.t - a.t));
            return {(a.r + (b.r - a.r) * u) / 255.0f, (a.g + (b.g - a.g) * u) / 255.0f, (a.b + (b.b - a.b) * u) / 255.0f};
        }
    return {stops[N - 1].r / 255.0f, stops[N - 1].g / 255.0f, stops[N - 1].b / 255.0f};
}

// The q-quantile of the maps' finite samples (every pixel of every map; maps are one channel).
double quantile(const std::vector<Image>& maps, double q, bool absolute)
{
    std::vector<float> v;
    for (const Image& map : maps)
        for (int y = 0; y < map.height(); ++y)
            for (int x = 0; x < map.width(); ++x) {
                const float s = map.at(x, y, 0);
                if (std::isfinite(s)) v.push_back(absolute ? std::fabs(s) : s);
            }
    if (v.empty()) return 0.0;
    const std::size_t k = std::min(v.size() - 1, std::size_t(q * double(v.size() - 1)));
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(k), v.end());
    return double(v[k]);
}

} // namespace

void TargetOptions::attach(CLI::App& sub)
{
    sub.add_option("--target", target,
                   "What the attribution explains: rgb (mean of the fused output), luminance, red, green, blue, mef-ssim "
                   "(the output's MEF-SSIM against the stack), loss:l1, loss:sf, loss:mef-ssim (a training-loss term), "
                   "pixel:X,Y")
        ->capture_default_str();
    sub.add_option("--region", region, "X,Y,W,H: take the target's mean over this rectangle of the output (input pixels)");
    sub.add_option("--mask", mask, "An image of the inputs' size whose first channel weighs the output's pixels (a brush mask)");
}

PixelRect parseRegion(const std::string& text)
{
    int x = 0, y = 0, w = 0, h = 0;
    char extra = 0;
    if (std::sscanf(text.c_str(), "%d,%d,%d,%d%c", &x, &y, &w, &h, &extra) != 4 || x < 0 || y < 0 || w < 1 || h < 1)
        throw UsageError("--region must be X,Y,W,H with X, Y ≥ 0 and W, H ≥ 1 (got '" + text + "')");
    return {x, y, w, h};
}

learn::AttributionTarget TargetOptions::resolve() const
{
    learn::AttributionTarget t;
    try {
        t = learn::parseAttributionTarget(target);
    } catch (const Error& e) {
        throw UsageError(std::string("--target: ") + e.what());
    }
    const bool pixel = t.region == learn::TargetRegion::Pixel;
    if (!region.empty() && !mask.empty()) throw UsageError("give --region or --mask, not both");
    if ((!region.empty() || !mask.empty()) && (pixel || t.quantity == learn::TargetQuantity::LossTerm))
        throw UsageError("--region and --mask apply to rgb, luminance, red, green, blue and mef-ssim targets");
    if (!region.empty()) t = learn::AttributionTarget::rectangle(parseRegion(region), t.quantity);
    if (!mask.empty()) {
        const Image m = readImage(mask).pixels.toFloat();
        Image weights(m.width(), m.height(), 1, ColourEncoding::Linear);
        for (int y = 0; y < m.height(); ++y)
            for (int x = 0; x < m.width(); ++x) weights.at(x, y, 0) = m.at(x, y, 0);
        t = learn::AttributionTarget::masked(weights, t.quantity);
    }
    return t;
}

std::vector<std::string> attributionMethodIds()
{
    std::vector<std::string> ids;
    for (learn::AttributionMethod m : learn::attributionMethods()) ids.emplace_back(learn::toString(m));
    ids.emplace_back(learn::toString(learn::AttributionMethod::Random));
    return ids;
}

std::vector<learn::AttributionMethod> parseMethodList(const std::string& text)
{
    std::vector<learn::AttributionMethod> methods;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string id = text.substr(start, comma - start);
        try {
            const learn::AttributionMethod m = learn::parseAttributionMethod(id);
            if (std::find(methods.begin(), methods.end(), m) != methods.end()) throw UsageError("--methods names '" + id + "' twice");
            methods.push_back(m);
        } catch (const Error& e) {
            throw UsageError(std::string("--methods: ") + e.what());
        }
        start = comma + 1;
    }
    return methods;
}

void checkModelFile(const std::string& path)
{
    std::error_code ec;
    if (!path.empty() && !std::filesystem::is_regular_file(path, ec)) throw Error(path, "no such file");
}

std::unique_ptr<learn::FusionModel> loadAttributionModel(const std::string& path, std::string* usedPath)
{
    checkModelFile(path);
    const std::string file = path.empty() ? shippedModelPath() : path;
    if (usedPath) *usedPath = file;
    return learn::LearnLibrary::get().loadModel(file);
}

DisplayRange attributionDisplayRange(const std::vector<Image>& maps, bool isSigned)
{
    DisplayRange r;
    if (isSigned) {
        r.hi = quantile(maps, 0.99, true);
        r.lo = -r.hi;
    } else {
        r.lo = std::min(0.0, quantile(maps, 0.01, false));
        r.hi = quantile(maps, 0.99, false);
    }
    if (!(r.hi > r.lo)) r.hi = r.lo + 1e-12;
    return r;
}

Image colouredAttributionMap(const Image& map, bool isSigned, const DisplayRange& range)
{
    const double lo = range.lo, hi = range.hi;
    Image out(map.width(), map.height(), 3, ColourEncoding::Srgb);
    parallelFor(0, map.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y)
            for (int x = 0; x < map.width(); ++x) {
                const float v = map.at(x, y, 0);
                const double t = std::isfinite(v) ? (double(v) - lo) / (hi - lo) : 0.5;
                const std::array<float, 3> c = isSigned ? ramp(kDiverging, t) : ramp(kSequential, t);
                for (int ch = 0; ch < 3; ++ch) out.at(x, y, ch) = c[std::size_t(ch)];
            }
    });
    return out;
}

MapStatistics mapStatistics(const Image& map)
{
    MapStatistics s;
    bool first = true;
    for (int y = 0; y < map.height(); ++y)
        for (int x = 0; x < map.width(); ++x) {
            const double v = map.at(x, y, 0);
            s.sum += v;
            s.min = first ? v : std::min(s.min, v);
            s.max = first ? v : std::max(s.max, v);
            first = false;
        }
    return s;
}

} // namespace fuselab::cli
