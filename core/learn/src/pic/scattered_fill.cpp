#include "scattered_fill.hpp"

#include "fuselab/base/error.hpp"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

namespace fuselab::learn::detail {
namespace {

struct Point {
    int x, y;
};

// Triangle (v0, v1, v2) with orient > 0; n[i] is the triangle across the edge opposite v[i] (−1: hull).
struct Triangle {
    int v[3];
    int n[3];
};

inline std::int64_t orient(const Point& a, const Point& b, const Point& c)
{
    return std::int64_t(b.x - a.x) * std::int64_t(c.y - a.y) - std::int64_t(b.y - a.y) * std::int64_t(c.x - a.x);
}

// d strictly inside the circle through a, b, c (orient(a, b, c) > 0). Exact for coordinates
// below 2^30: the lifted terms are below 2^62 and the products fit 128 bits.
inline bool inCircle(const Point& a, const Point& b, const Point& c, const Point& d)
{
    const std::int64_t adx = a.x - d.x, ady = a.y - d.y, bdx = b.x - d.x, bdy = b.y - d.y, cdx = c.x - d.x, cdy = c.y - d.y;
    const __int128 ad = __int128(adx) * adx + __int128(ady) * ady;
    const __int128 bd = __int128(bdx) * bdx + __int128(bdy) * bdy;
    const __int128 cd = __int128(cdx) * cdx + __int128(cdy) * cdy;
    const __int128 det = ad * (__int128(bdx) * cdy - __int128(cdx) * bdy) + bd * (__int128(cdx) * ady - __int128(adx) * cdy) +
                         cd * (__int128(adx) * bdy - __int128(bdx) * ady);
    return det > 0;
}

class Triangulation {
public:
    // The rectangle (0,0)–(w−1,h−1) as two triangles (w, h ≥ 2).
    Triangulation(int width, int height, std::size_t expectedPoints)
    {
        m_points.reserve(expectedPoints + 4);
        m_triangles.reserve(2 * expectedPoints + 8);
        m_points = {{0, 0}, {width - 1, 0}, {width - 1, height - 1}, {0, height - 1}};
        m_triangles.push_back({{0, 1, 2}, {-1, 1, -1}});
        m_triangles.push_back({{0, 2, 3}, {-1, -1, 0}});
    }

    void insert(const Point& p)
    {
        const int t = locate(p);
        Triangle& tri = m_triangles[std::size_t(t)];
        std::int64_t o[3];
        int zeros = 0, onEdge = -1;
        for (int i = 0; i < 3; ++i) {
            o[i] = orient(m_points[std::size_t(tri.v[(i + 1) % 3])], m_points[std::size_t(tri.v[(i + 2) % 3])], p);
            if (o[i] == 0) {
                ++zeros;
                onEdge = i;
            }
        }
        if (zeros >= 2) return; // a vertex already
        const int id = int(m_points.size());
        m_points.push_back(p);
        if (zeros == 1) splitEdge(t, onEdge, id);
        else splitInterior(t, id);
    }

    const std::vector<Point>& points() const { return m_points; }
    const std::vector<Triangle>& triangles() const { return m_triangles; }

private:
    int locate(const Point& p)
    {
        int t = m_last;
        for (std::size_t guard = 0; guard < 4 * m_triangles.size() + 16; ++guard) {
            const Triangle& tri = m_triangles[std::size_t(t)];
            bool moved = false;
            const int start = int(m_turn++ % 3u);
            for (int j = 0; j < 3; ++j) {
                const int i = (start + j) % 3;
                if (orient(m_points[std::size_t(tri.v[(i + 1) % 3])], m_points[std::size_t(tri.v[(i + 2) % 3])], p) < 0) {
                    if (tri.n[i] < 0) throw Error("internal: a point left the triangulated image");
                    t = tri.n[i];
                    moved = true;
                    break;
                }
            }
            if (!moved) return t;
        }
        throw Error("internal: the triangulation walk did not end");
    }

    void relink(int t, int from, int to)
    {
        if (t < 0) return;
        for (int& n : m_triangles[std::size_t(t)].n)
            if (n == from) {
                n = to;
                return;
            }
    }

    void splitInterior(int t, int p)
    {
        const Triangle old = m_triangles[std::size_t(t)];
        const int a = old.v[0], b = old.v[1], c = old.v[2];
        const int na = old.n[0], nb = old.n[1], nc = old.n[2];
        const int t1 = int(m_triangles.size()), t2 = t1 + 1;
        m_triangles[std::size_t(t)] = {{a, b, p}, {t1, t2, nc}};
        m_triangles.push_back({{b, c, p}, {t2, t, na}});
        m_triangles.push_back({{c, a, p}, {t, t1, nb}});
        relink(na, t, t1);
        relink(nb, t, t2);
        m_last = t;
        legalize(t, 2);
        legalize(t1, 2);
        legalize(t2, 2);
    }

    void splitEdge(int t, int i, int p)
    {
        const Triangle old = m_triangles[std::size_t(t)];
        const int a = old.v[i], b = old.v[(i + 1) % 3], c = old.v[(i + 2) % 3];
        const int u = old.n[i], nb = old.n[(i + 1) % 3], nc = old.n[(i + 2) % 3];
        const int t2 = int(m_triangles.size());
        int u2 = -1;
        if (u >= 0) {
            const Triangle other = m_triangles[std::size_t(u)];
            int j = 0;
            while (other.v[j] == b || other.v[j] == c) ++j;
            const int d = other.v[j];
            const int ub = other.n[(j + 1) % 3], uc = other.n[(j + 2) % 3]; // across b–d and d–c
            u2 = t2 + 1;
            m_triangles.push_back({{a, p, c}, {u, nb, t}});
            m_triangles.push_back({{d, p, b}, {t, ub, u}});
            m_triangles[std::size_t(u)] = {{d, c, p}, {t2, u2, uc}};
            relink(ub, u, u2);
        } else {
            m_triangles.push_back({{a, p, c}, {-1, nb, t}});
        }
        m_triangles[std::size_t(t)] = {{a, b, p}, {u2, t2, nc}};
        relink(nb, t, t2);
        m_last = t;
        legalize(t, 2);
        legalize(t2, 1);
        if (u >= 0) {
            legalize(u, 2);
            legalize(u2, 1);
        }
    }

    // Lawson: flip the edge opposite the new point while the point across it lies inside the circumcircle.
    void legalize(int t0, int i0)
    {
        m_stack.emplace_back(t0, i0);
        while (!m_stack.empty()) {
            const auto [t, i] = m_stack.back();
            m_stack.pop_back();
            const Triangle tri = m_triangles[std::size_t(t)];
            const int o = tri.n[i];
            if (o < 0) continue;
            const int p = tri.v[i], e1 = tri.v[(i + 1) % 3], e2 = tri.v[(i + 2) % 3];
            const Triangle other = m_triangles[std::size_t(o)];
            int j = 0;
            while (other.v[j] == e1 || other.v[j] == e2) ++j;
            const int q = other.v[j];
            if (!inCircle(m_points[std::size_t(p)], m_points[std::size_t(e1)], m_points[std::size_t(e2)], m_points[std::size_t(q)]))
                continue;
            const int a = tri.n[(i + 1) % 3], b = tri.n[(i + 2) % 3];     // across e2–p, p–e1
            const int c = other.n[(j + 1) % 3], d = other.n[(j + 2) % 3]; // across e1–q, q–e2
            m_triangles[std::size_t(t)] = {{p, e1, q}, {c, o, b}};
            m_triangles[std::size_t(o)] = {{p, q, e2}, {d, a, t}};
            relink(c, o, t);
            relink(a, t, o);
            m_stack.emplace_back(t, 0);
            m_stack.emplace_back(o, 0);
        }
    }

    std::vector<Point> m_points;
    std::vector<Triangle> m_triangles;
    std::vector<std::pair<int, int>> m_stack;
    int m_last = 0;
    unsigned m_turn = 0;
};

std::uint64_t mortonCode(int x, int y)
{
    auto spread = [](std::uint64_t v) {
        v &= 0xffffffffull;
        v = (v | (v << 16)) & 0x0000ffff0000ffffull;
        v = (v | (v << 8)) & 0x00ff00ff00ff00ffull;
        v = (v | (v << 4)) & 0x0f0f0f0f0f0f0f0full;
        v = (v | (v << 2)) & 0x3333333333333333ull;
        v = (v | (v << 1)) & 0x5555555555555555ull;
        return v;
    };
    return spread(std::uint64_t(x)) | (spread(std::uint64_t(y)) << 1);
}

// One row or column: linear interpolation between kept samples (the ends are kept).
void fillLine(const float* planes, int channels, int n, std::size_t step, std::size_t planeSize, const std::uint8_t* keep, float* out)
{
    int previous = 0;
    for (int i = 1; i < n; ++i) {
        if (!keep[std::size_t(i) * step] && i != n - 1) continue;
        for (int j = previous + 1; j < i; ++j) {
            const double t = double(j - previous) / double(i - previous);
            for (int c = 0; c < channels; ++c) {
                const float* src = planes + std::size_t(c) * planeSize;
                out[std::size_t(c) * planeSize + std::size_t(j) * step] =
                    float((1.0 - t) * src[std::size_t(previous) * step] + t * src[std::size_t(i) * step]);
            }
        }
        previous = i;
    }
}

} // namespace

void fillFromKeptPixels(const float* planes, int channels, int width, int height, const std::uint8_t* keep, float* out)
{
    const std::size_t n = std::size_t(width) * std::size_t(height);
    std::memcpy(out, planes, sizeof(float) * n * std::size_t(channels));
    if (width < 1 || height < 1) return;
    if (width == 1 || height == 1) {
        fillLine(planes, channels, int(n), 1, n, keep, out);
        return;
    }
    std::vector<std::pair<std::uint64_t, int>> order;
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const bool corner = (x == 0 || x == width - 1) && (y == 0 || y == height - 1);
            if (keep[std::size_t(y) * width + x] && !corner) order.emplace_back(mortonCode(x, y), y * width + x);
        }
    if (order.size() + 4 >= n) return; // everything kept
    std::sort(order.begin(), order.end());
    Triangulation tri(width, height, order.size());
    for (const auto& [code, index] : order) tri.insert({index % width, index / width});

    std::vector<std::uint8_t> done(n, 0);
    const std::vector<Point>& pts = tri.points();
    for (const Triangle& t : tri.triangles()) {
        const Point a = pts[std::size_t(t.v[0])], b = pts[std::size_t(t.v[1])], c = pts[std::size_t(t.v[2])];
        const std::int64_t area = orient(a, b, c);
        if (area <= 0) continue;
        const int x0 = std::min({a.x, b.x, c.x}), x1 = std::max({a.x, b.x, c.x});
        const int y0 = std::min({a.y, b.y, c.y}), y1 = std::max({a.y, b.y, c.y});
        const std::size_t ia = std::size_t(a.y) * width + a.x, ib = std::size_t(b.y) * width + b.x, ic = std::size_t(c.y) * width + c.x;
        for (int y = y0; y <= y1; ++y)
            for (int x = x0; x <= x1; ++x) {
                const std::size_t i = std::size_t(y) * width + x;
                if (keep[i] || done[i]) continue;
                const Point p{x, y};
                const std::int64_t wa = orient(b, c, p), wb = orient(c, a, p), wc = orient(a, b, p);
                if (wa < 0 || wb < 0 || wc < 0) continue;
                const double inv = 1.0 / double(area);
                for (int ch = 0; ch < channels; ++ch) {
                    const float* src = planes + std::size_t(ch) * n;
                    out[std::size_t(ch) * n + i] = float((double(wa) * src[ia] + double(wb) * src[ib] + double(wc) * src[ic]) * inv);
                }
                done[i] = 1;
            }
    }
    // Anything the triangles missed (cannot happen with the corners kept) takes the channel mean.
    for (int ch = 0; ch < channels; ++ch) {
        const float* src = planes + std::size_t(ch) * n;
        double mean = 0.0;
        bool missing = false;
        for (std::size_t i = 0; i < n; ++i) {
            mean += src[i];
            missing = missing || (!keep[i] && !done[i]);
        }
        if (!missing) continue;
        mean /= double(n);
        for (std::size_t i = 0; i < n; ++i)
            if (!keep[i] && !done[i]) out[std::size_t(ch) * n + i] = float(mean);
    }
}

} // namespace fuselab::learn::detail
