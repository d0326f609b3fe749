#include "collage_scene.hpp"

#include "fuselab/base/parallel.hpp"
#include "fuselab/base/random.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace fuselab::learn::detail {
namespace {

float hashUnit(int ix, int iy, std::uint32_t seed)
{
    std::uint32_t h = std::uint32_t(ix) * 0x27d4eb2du ^ std::uint32_t(iy) * 0x165667b1u ^ seed * 0x9e3779b9u;
    h ^= h >> 15;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return float(h & 0xffffffu) / float(0x1000000);
}

// Smooth value noise in [0,1) at lattice frequency 1.
float valueNoise(float x, float y, std::uint32_t seed)
{
    const float fx = std::floor(x), fy = std::floor(y);
    const int ix = int(fx), iy = int(fy);
    float tx = x - fx, ty = y - fy;
    tx = tx * tx * (3.0f - 2.0f * tx);
    ty = ty * ty * (3.0f - 2.0f * ty);
    const float a = hashUnit(ix, iy, seed), b = hashUnit(ix + 1, iy, seed);
    const float c = hashUnit(ix, iy + 1, seed), d = hashUnit(ix + 1, iy + 1, seed);
    const float top = a + (b - a) * tx, bottom = c + (d - c) * tx;
    return top + (bottom - top) * ty;
}

struct Texture {
    float frequency = 10.0f; // cycles across the image width
    float amplitude = 0.0f;  // multiplicative, in stops
    float stripes = 0.0f;    // share of a stripe pattern (fabric, blinds, bricks)
    float angle = 0.0f;
    std::uint32_t seed = 0;

    float gain(float u, float v) const
    {
        if (amplitude == 0.0f) return 1.0f;
        const float n = valueNoise(u * frequency, v * frequency, seed) + 0.5f * valueNoise(u * frequency * 2.7f, v * frequency * 2.7f, seed + 1);
        const float s = 0.5f + 0.5f * std::sin(6.2831853f * frequency * (u * std::cos(angle) + v * std::sin(angle)));
        const float t = (1.0f - stripes) * (n / 1.5f) + stripes * s;
        return std::exp2(amplitude * (t - 0.5f));
    }
};

Texture drawTexture(Random& rng, float maxFrequency)
{
    Texture t;
    t.frequency = float(std::exp2(rng.uniform(2.0, std::log2(maxFrequency))));
    t.amplitude = float(rng.uniform(0.0, 1.0) < 0.2 ? 0.0 : rng.uniform(0.2, 2.5));
    t.stripes = float(rng.uniform() < 0.3 ? rng.uniform(0.3, 1.0) : 0.0);
    t.angle = float(rng.uniform(0.0, 3.1415926));
    t.seed = std::uint32_t(rng.nextU64());
    return t;
}

std::array<float, 3> drawTint(Random& rng, double saturation)
{
    std::array<float, 3> c;
    for (float& v : c) v = float(1.0 + saturation * rng.uniform(-1.0, 1.0));
    return c;
}

struct Shape {
    bool ellipse = false;
    float cx, cy, rx, ry, angle, softness;
    float stops;                // radiance level
    std::array<float, 3> tint;
    Texture texture;
    float shadeSlope = 0.0f;    // stops across the shape (lighting falloff)
};

struct Light {
    float cx, cy, radius, stops;
    std::array<float, 3> tint;
};

} // namespace

Image makeCollageScene(int w, int h, std::uint64_t seed)
{
    Random rng(seed ^ 0xC011A6Eull);
    const float aspect = float(w) / float(h);
    // Background: a shaded gradient (sky, wall, night), from deep shadow to bright.
    const float bgA = float(rng.uniform(-9.0, 2.0)), bgB = float(bgA + rng.uniform(-4.0, 4.0));
    const float bgAngle = float(rng.uniform(0.0, 6.2831853));
    const std::array<float, 3> bgTint = drawTint(rng, 0.35);
    const Texture bgTexture = drawTexture(rng, 300.0f);

    std::vector<Shape> shapes(static_cast<std::size_t>(4 + rng.nextU64() % 24));
    for (Shape& s : shapes) {
        s.ellipse = rng.uniform() < 0.4;
        s.cx = float(rng.uniform(-0.1, 1.1));
        s.cy = float(rng.uniform(-0.1, 1.1));
        s.rx = float(std::exp2(rng.uniform(-5.5, -1.0)));
        s.ry = float(s.rx * std::exp2(rng.uniform(-1.5, 1.5)));
        s.angle = float(rng.uniform(0.0, 3.1415926));
        s.softness = float(rng.uniform() < 0.7 ? 0.002 : rng.uniform(0.01, 0.1));
        s.stops = float(rng.uniform(-10.0, 5.0));
        s.tint = drawTint(rng, rng.uniform(0.0, 0.8));
        s.texture = drawTexture(rng, 600.0f);
        s.shadeSlope = float(rng.uniform(-3.0, 3.0));
    }
    std::vector<Light> lights(static_cast<std::size_t>(rng.nextU64() % 5));
    for (Light& l : lights) {
        l.cx = float(rng.uniform(0.0, 1.0));
        l.cy = float(rng.uniform(0.0, 1.0));
        l.radius = float(std::exp2(rng.uniform(-8.0, -4.0)));
        l.stops = float(rng.uniform(5.0, 11.0));
        l.tint = drawTint(rng, 0.3);
    }

    Image out(w, h, 3);
    parallelFor(0, h, 8, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            float* row = out.row(y);
            const float v = (float(y) + 0.5f) / float(h);
            for (int x = 0; x < w; ++x) {
                const float u = (float(x) + 0.5f) / float(w);
                const float t = 0.5f + (u - 0.5f) * std::cos(bgAngle) + (v - 0.5f) * std::sin(bgAngle);
                float level = std::exp2(bgA + (bgB - bgA) * t) * bgTexture.gain(u * aspect, v);
                std::array<float, 3> colour{level * bgTint[0], level * bgTint[1], level * bgTint[2]};
                for (const Shape& s : shapes) {
                    const float du = (u - s.cx) * aspect, dv = v - s.cy;
                    const float ca = std::cos(s.angle), sa = std::sin(s.angle);
                    const float pu = (du * ca + dv * sa) / (s.rx * aspect), pv = (-du * sa + dv * ca) / s.ry;
                    const float d = s.ellipse ? std::sqrt(pu * pu + pv * pv) : std::max(std::fabs(pu), std::fabs(pv));
                    if (d > 1.0f + s.softness / s.rx) continue;
                    const float cover = std::clamp((1.0f - d) * s.rx / std::max(s.softness, 1e-4f) + 0.5f, 0.0f, 1.0f);
                    if (cover <= 0.0f) continue;
                    const float l = std::exp2(s.stops + s.shadeSlope * 0.5f * pu) * s.texture.gain(u * aspect, v);
                    for (int c = 0; c < 3; ++c) colour[std::size_t(c)] += cover * (l * s.tint[std::size_t(c)] - colour[std::size_t(c)]);
                }
                for (const Light& l : lights) {
                    const float du = (u - l.cx) * aspect, dv = v - l.cy;
                    const float d = std::sqrt(du * du + dv * dv) / l.radius;
                    const float core = d < 1.0f ? 1.0f : 0.0f;
                    const float glow = 0.02f * std::exp(-d * 0.7f);
                    const float e = std::exp2(l.stops) * (core + glow);
                    for (int c = 0; c < 3; ++c) colour[std::size_t(c)] += e * l.tint[std::size_t(c)];
                }
                for (int c = 0; c < 3; ++c) row[x * 3 + c] = std::max(0.0f, colour[std::size_t(c)]);
            }
        }
    });
    return out;
}

} // namespace fuselab::learn::detail
