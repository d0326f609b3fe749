// Procedural HDR scenes with a known radiance (see synthetic.hpp for the catalogue).
#include "fuselab/base/synthetic.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/base/random.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace fuselab {
namespace {

using Rgb = std::array<float, 3>;

Rgb scale(const Rgb& c, float s) { return {c[0] * s, c[1] * s, c[2] * s}; }
Rgb mix(const Rgb& a, const Rgb& b, float t) { return {a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t}; }

// Lattice value noise in [0,1): hashed corners, smoothstep interpolation.
float hash2(int ix, int iy, std::uint32_t seed)
{
    std::uint32_t h = std::uint32_t(ix) * 0x8da6b343u ^ std::uint32_t(iy) * 0xd8163841u ^ seed * 0xcb1ab31fu;
    h ^= h >> 13;
    h *= 0x5bd1e995u;
    h ^= h >> 15;
    return float(h & 0xffffffu) / float(0x1000000);
}

float valueNoise(float x, float y, std::uint32_t seed)
{
    const float fx = std::floor(x), fy = std::floor(y);
    const int ix = int(fx), iy = int(fy);
    float tx = x - fx, ty = y - fy;
    tx = tx * tx * (3.0f - 2.0f * tx);
    ty = ty * ty * (3.0f - 2.0f * ty);
    const float a = hash2(ix, iy, seed), b = hash2(ix + 1, iy, seed);
    const float c = hash2(ix, iy + 1, seed), d = hash2(ix + 1, iy + 1, seed);
    return (a + (b - a) * tx) + ((c + (d - c) * tx) - (a + (b - a) * tx)) * ty;
}

float fractalNoise(float x, float y, std::uint32_t seed)
{
    return 0.5f * valueNoise(x, y, seed) + 0.3f * valueNoise(2.03f * x, 2.03f * y, seed + 17) +
           0.2f * valueNoise(4.11f * x, 4.11f * y, seed + 31);
}

// Linear reflectances of a colour chart (sRGB values of the classic 24 patches, decoded).
constexpr std::array<std::array<int, 3>, 24> kChartSrgb8 = {{
    {115, 82, 68}, {194, 150, 130}, {98, 122, 157}, {87, 108, 67}, {133, 128, 177}, {103, 189, 170},
    {214, 126, 44}, {80, 91, 166}, {193, 90, 99}, {94, 60, 108}, {157, 188, 64}, {224, 163, 46},
    {56, 61, 150}, {70, 148, 73}, {175, 54, 60}, {231, 199, 31}, {187, 86, 149}, {8, 133, 161},
    {243, 243, 242}, {200, 200, 200}, {160, 160, 160}, {122, 122, 121}, {85, 85, 85}, {52, 52, 52},
}};

struct InteriorLayout {
    float winL, winR, winT, winB;   // window rectangle (normalised)
    float sunU, sunV, sunRadius;    // sun disc centre and radius (fraction of width)
    float sunRadiance;
    Rgb skyTop, skyHorizon;
    float hillHeight;
    Rgb wall;
    float chartL, chartT, chartW, chartH;
    float tableL, tableR, tableTop;
    float stripeFreq, grainFreq;
    std::uint32_t noiseSeed;
};

InteriorLayout makeLayout(std::uint64_t seed)
{
    Random rng(seed * 0x9E3779B97F4A7C15ull + 12345);
    InteriorLayout l{};
    l.winL = float(rng.uniform(0.52, 0.60));
    l.winR = float(rng.uniform(0.86, 0.94));
    l.winT = float(rng.uniform(0.06, 0.12));
    l.winB = float(rng.uniform(0.50, 0.58));
    l.sunU = float(rng.uniform(l.winL + 0.06, l.winR - 0.06));
    l.sunV = float(rng.uniform(l.winT + 0.05, l.winT + 0.2));
    l.sunRadius = float(rng.uniform(0.018, 0.03));
    l.sunRadiance = float(rng.uniform(15000.0, 30000.0));
    const float blueness = float(rng.uniform(0.6, 1.0));
    // A daylight view about 4–5 stops above the lit wall, as through a real window: the
    // darkest frames of a ±4 EV bracket hold it, the middle ones clip it.
    l.skyTop = {float(2.5 * (1.0 - 0.5 * blueness)), float(3.8 - 0.8 * blueness), 6.5f};
    l.skyHorizon = {9.0f, 8.8f, float(rng.uniform(7.5, 8.5))};
    l.hillHeight = float(rng.uniform(0.12, 0.25));
    l.wall = {float(rng.uniform(0.55, 0.75)), float(rng.uniform(0.5, 0.7)), float(rng.uniform(0.4, 0.6))};
    l.chartL = float(rng.uniform(0.06, 0.12));
    l.chartT = float(rng.uniform(0.10, 0.16));
    l.chartW = float(rng.uniform(0.30, 0.36));
    l.chartH = l.chartW * 0.66f;
    l.tableL = float(rng.uniform(0.02, 0.10));
    l.tableR = float(rng.uniform(0.40, 0.50));
    l.tableTop = float(rng.uniform(0.60, 0.66));
    l.stripeFreq = float(rng.uniform(90.0, 140.0));
    l.grainFreq = float(rng.uniform(40.0, 70.0));
    l.noiseSeed = std::uint32_t(rng.nextU64());
    return l;
}

// Radiance of the interior scene at normalised (u, v) in an image of aspect w/h.
Rgb interiorRadiance(const InteriorLayout& l, float u, float v, float aspect)
{
    const std::uint32_t ns = l.noiseSeed;
    // Room light falls off away from the window.
    const float roomLight = 0.45f + 0.35f * std::exp(-std::pow((u - 0.5f * (l.winL + l.winR)) * 2.0f, 2.0f));
    const float floorLine = 0.74f;

    // Window: sky, sun, hills, mullions.
    if (u >= l.winL && u <= l.winR && v >= l.winT && v <= l.winB) {
        const float mullionU = 0.5f * (l.winL + l.winR), mullionV = 0.5f * (l.winT + l.winB);
        const float bar = 0.006f;
        if (std::fabs(u - mullionU) < bar || std::fabs(v - mullionV) < bar * aspect)
            return scale({0.30f, 0.20f, 0.12f}, 0.08f); // dark wooden bars, back-lit
        const float t = (v - l.winT) / (l.winB - l.winT);
        Rgb sky = mix(l.skyTop, l.skyHorizon, t);
        const float du = (u - l.sunU) * aspect, dv = v - l.sunV;
        const float d = std::sqrt(du * du + dv * dv) / aspect;
        if (d < l.sunRadius) return scale({1.0f, 0.96f, 0.88f}, l.sunRadiance);
        const float glow = 200.0f * std::exp(-std::pow(d / (2.5f * l.sunRadius), 2.0f));
        sky = {sky[0] + glow, sky[1] + glow * 0.95f, sky[2] + glow * 0.8f};
        const float hill = l.winB - (l.winB - l.winT) * l.hillHeight *
                                        (0.6f + 0.4f * fractalNoise(u * 12.0f, 0.5f, ns + 5));
        if (v > hill) {
            const float leaf = 0.7f + 0.6f * fractalNoise(u * 300.0f, v * 300.0f, ns + 7);
            return scale({1.1f, 2.3f, 0.8f}, leaf);
        }
        return sky;
    }
    // Window frame (painted white, lit by the room).
    const float frame = 0.015f;
    if (u >= l.winL - frame && u <= l.winR + frame && v >= l.winT - frame * aspect && v <= l.winB + frame * aspect)
        return scale({0.9f, 0.9f, 0.88f}, roomLight * 1.4f);

    // Colour chart on the wall, with a fine black grid between patches.
    if (u >= l.chartL && u < l.chartL + l.chartW && v >= l.chartT && v < l.chartT + l.chartH * aspect) {
        const float pu = (u - l.chartL) / l.chartW * 6.0f, pv = (v - l.chartT) / (l.chartH * aspect) * 4.0f;
        const int col = std::min(5, int(pu)), rowIdx = std::min(3, int(pv));
        const float fu = pu - float(col), fv = pv - float(rowIdx);
        if (fu < 0.08f || fu > 0.92f || fv < 0.08f || fv > 0.92f) return scale({0.03f, 0.03f, 0.03f}, roomLight);
        const auto& s = kChartSrgb8[std::size_t(rowIdx * 6 + col)];
        const float* lut = srgb8ToLinearTable();
        return scale({lut[s[0]], lut[s[1]], lut[s[2]]}, roomLight * 0.9f);
    }

    // Table top, its legs, and the deep shadow beneath it.
    if (u >= l.tableL && u <= l.tableR) {
        if (v >= l.tableTop && v < l.tableTop + 0.025f)
            return scale({0.35f, 0.18f, 0.08f}, roomLight * (0.8f + 0.4f * valueNoise(u * l.grainFreq, v * 8.0f, ns + 11)));
        const bool leg = (u - l.tableL < 0.015f) || (l.tableR - u < 0.015f);
        if (v >= l.tableTop + 0.025f && v < 0.95f) {
            if (leg) return scale({0.30f, 0.15f, 0.07f}, 0.05f);
            // Deep shadow: ~2^-10 of the wall, with a faint texture so it is not flat.
            const float weave = 0.75f + 0.5f * valueNoise(u * 400.0f, v * 400.0f, ns + 13);
            return scale({0.5f, 0.45f, 0.4f}, 0.003f * weave);
        }
    }

    // Floor: wood grain, with a sun patch thrown through the window.
    if (v >= floorLine) {
        const float grain = 0.75f + 0.25f * std::sin(l.grainFreq * 6.28318f * (u + 0.05f * fractalNoise(u * 8.0f, v * 40.0f, ns + 3)));
        Rgb wood = scale({0.45f, 0.27f, 0.14f}, grain * roomLight * 0.6f);
        const float shear = (v - floorLine) * 0.6f;
        if (u > l.winL + shear && u < l.winR + shear && v < floorLine + 0.18f)
            wood = scale(wood, 14.0f); // sunlit
        return wood;
    }

    // Wall: striped wallpaper with fine texture.
    const float stripes = 0.9f + 0.1f * std::sin(l.stripeFreq * 6.28318f * u);
    const float fine = 0.92f + 0.16f * valueNoise(u * 700.0f, v * 700.0f * aspect, ns + 1);
    return scale(l.wall, roomLight * stripes * fine);
}

Rgb rampRadiance(float u, float v)
{
    const float stops = -10.0f + 20.0f * u;
    const float radiance = std::exp2(stops);
    const int band = std::min(3, int(v * 4.0f));
    static constexpr std::array<Rgb, 4> tints = {{{1.0f, 1.0f, 1.0f}, {1.0f, 0.55f, 0.45f}, {0.5f, 1.0f, 0.55f}, {0.5f, 0.6f, 1.0f}}};
    return scale(tints[std::size_t(band)], radiance);
}

Rgb patchesRadiance(float u, float v)
{
    const int col = std::min(5, int(u * 6.0f)), rowIdx = std::min(5, int(v * 6.0f));
    const int k = std::min(32, rowIdx * 6 + col);
    const float fu = u * 6.0f - float(col), fv = v * 6.0f - float(rowIdx);
    if (fu < 0.05f || fu > 0.95f || fv < 0.05f || fv > 0.95f) return {0.01f, 0.01f, 0.01f};
    const float r = std::exp2(-8.0f + 0.5f * float(k));
    return {r, r, r};
}

} // namespace

std::vector<std::string> syntheticSceneNames()
{
    return {"interior", "ramp", "patches"};
}

Image makeSyntheticScene(const SceneOptions& options)
{
    if (options.widthPx < 8 || options.heightPx < 8)
        throw Error("synthetic scenes need at least 8x8 pixels (asked for " + std::to_string(options.widthPx) +
                    "x" + std::to_string(options.heightPx) + ")");
    const auto names = syntheticSceneNames();
    if (std::find(names.begin(), names.end(), options.scene) == names.end())
        throw Error("unknown synthetic scene '" + options.scene + "' (known: interior, ramp, patches)");

    Image out = Image::uninitialised(options.widthPx, options.heightPx, 3, ColourEncoding::Linear);
    const InteriorLayout layout = makeLayout(options.seed);
    const float aspect = float(options.widthPx) / float(options.heightPx);
    parallelFor(0, options.heightPx, 8, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            float* row = out.row(y);
            const float v = (float(y) + 0.5f) / float(options.heightPx);
            for (int x = 0; x < options.widthPx; ++x) {
                const float u = (float(x) + 0.5f) / float(options.widthPx);
                Rgb c;
                if (options.scene == "ramp") c = rampRadiance(u, v);
                else if (options.scene == "patches") c = patchesRadiance(u, v);
                else c = interiorRadiance(layout, u, v, aspect);
                row[3 * x + 0] = c[0];
                row[3 * x + 1] = c[1];
                row[3 * x + 2] = c[2];
            }
        }
    });
    return out;
}

} // namespace fuselab
