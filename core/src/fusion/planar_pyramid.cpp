// Planar pyramid kernels (compiled once per instruction set; see isa.hpp).
#include "planar_pyramid.hpp"

#include "fuselab/base/parallel.hpp"
#include "pyramid_rows.hpp"

#include <algorithm>
#include <vector>

#include "../isa/isa_target.hpp"

namespace fuselab::FUSELAB_ISA {
namespace detail {

Planes splitPlanes(const Image& image)
{
    Planes p;
    const int ch = image.channels(), w = image.width();
    for (int c = 0; c < ch; ++c) p.planes.push_back(Image::uninitialised(w, image.height(), 1));
    parallelFor(0, image.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* src = image.row(y);
            for (int c = 0; c < ch; ++c) {
                float* dst = p.planes[std::size_t(c)].row(y);
                for (int x = 0; x < w; ++x) dst[x] = src[x * ch + c];
            }
        }
    });
    return p;
}

Image mergePlanes(const Planes& p, ColourEncoding encoding)
{
    const int ch = p.count(), w = p.width();
    Image out = Image::uninitialised(w, p.height(), ch, encoding);
    parallelFor(0, p.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            float* dst = out.row(y);
            for (int c = 0; c < ch; ++c) {
                const float* src = p.planes[std::size_t(c)].row(y);
                for (int x = 0; x < w; ++x) dst[x * ch + c] = src[x];
            }
        }
    });
    return out;
}

Image downPlane(const Image& fine)
{
    const int w = fine.width(), h = fine.height();
    Image coarse = Image::uninitialised((w + 1) / 2, (h + 1) / 2, 1, fine.encoding());
    parallelFor(0, coarse.height(), 8, [&](int y0, int y1) {
        std::vector<float> scratch(static_cast<std::size_t>(2 * w));
        for (int y = y0; y < y1; ++y) {
            const float* rows[5];
            for (int t = 0; t < 5; ++t) rows[t] = fine.row(reflect101(2 * y + t - 2, h));
            downsampleRow(rows, w, scratch.data(), coarse.row(y));
        }
    });
    return coarse;
}

Image upPlane(const Image& coarse, int fineWidth, int fineHeight)
{
    Image fine = Image::uninitialised(fineWidth, fineHeight, 1, coarse.encoding());
    parallelFor(0, fineHeight, 8, [&](int y0, int y1) {
        std::vector<float> scratch(static_cast<std::size_t>(coarse.width()));
        for (int y = y0; y < y1; ++y) {
            const UpsampleTaps t = upsampleTaps(y, fineHeight);
            upsampleRow(coarse.row(t.rows[0]), coarse.row(t.rows[1]), coarse.row(t.rows[2]), t.even, coarse.width(), fineWidth,
                        scratch.data(), fine.row(y));
        }
    });
    return fine;
}

std::vector<Planes> zeroPyramid(int widthPx, int heightPx, int planes, int levels)
{
    std::vector<Planes> pyr;
    int w = widthPx, h = heightPx;
    for (int j = 0; j < levels; ++j) {
        Planes level;
        for (int c = 0; c < planes; ++c) level.planes.push_back(Image(w, h, 1));
        pyr.push_back(std::move(level));
        w = (w + 1) / 2;
        h = (h + 1) / 2;
    }
    return pyr;
}

void accumulateBlend(const Planes& image, const Image& weight, std::vector<Planes>& acc)
{
    Planes g = image;
    Image wt = weight;
    const int levels = int(acc.size());
    for (int j = 0; j < levels; ++j) {
        Planes& out = acc[std::size_t(j)];
        const int w = g.width(), h = g.height();
        if (j == levels - 1) {
            parallelFor(0, h, 16, [&](int y0, int y1) {
                for (int y = y0; y < y1; ++y) {
                    const float* __restrict wr = wt.row(y);
                    for (int c = 0; c < g.count(); ++c) {
                        float* __restrict o = out.planes[std::size_t(c)].row(y);
                        const float* __restrict gr = g.planes[std::size_t(c)].row(y);
                        for (int x = 0; x < w; ++x) o[x] += wr[x] * gr[x];
                    }
                }
            });
            break;
        }
        Planes coarse;
        for (const Image& p : g.planes) coarse.planes.push_back(downPlane(p));
        const int cw = coarse.width();
        parallelFor(0, h, 8, [&](int y0, int y1) {
            std::vector<float> scratch(static_cast<std::size_t>(cw)), up(static_cast<std::size_t>(w));
            for (int y = y0; y < y1; ++y) {
                const UpsampleTaps t = upsampleTaps(y, h);
                const float* __restrict wr = wt.row(y);
                for (int c = 0; c < g.count(); ++c) {
                    const Image& cp = coarse.planes[std::size_t(c)];
                    upsampleRow(cp.row(t.rows[0]), cp.row(t.rows[1]), cp.row(t.rows[2]), t.even, cw, w, scratch.data(), up.data());
                    float* __restrict o = out.planes[std::size_t(c)].row(y);
                    const float* __restrict gr = g.planes[std::size_t(c)].row(y);
                    const float* __restrict u = up.data();
                    for (int x = 0; x < w; ++x) o[x] += wr[x] * (gr[x] - u[x]);
                }
            }
        });
        g = std::move(coarse);
        wt = downPlane(wt);
    }
}

Planes collapsePlanes(const std::vector<Planes>& acc)
{
    Planes result;
    for (const Image& p : acc.back().planes) result.planes.push_back(p.clone());
    for (std::size_t j = acc.size() - 1; j-- > 0;) {
        const Planes& fine = acc[j];
        Planes next;
        for (int c = 0; c < fine.count(); ++c) {
            Image up = upPlane(result.planes[std::size_t(c)], fine.width(), fine.height());
            const Image& f = fine.planes[std::size_t(c)];
            parallelFor(0, up.height(), 32, [&](int y0, int y1) {
                for (int y = y0; y < y1; ++y) {
                    float* __restrict u = up.row(y);
                    const float* __restrict fr = f.row(y);
                    for (int x = 0; x < up.width(); ++x) u[x] += fr[x];
                }
            });
            next.planes.push_back(up);
        }
        result = std::move(next);
    }
    return result;
}

} // namespace detail

Image pyramidBlendImpl(const std::vector<Image>& images, const std::vector<Image>& weights, int levels)
{
    const Image& first = images.front();
    std::vector<detail::Planes> acc = detail::zeroPyramid(first.width(), first.height(), first.channels(), levels);
    for (std::size_t k = 0; k < images.size(); ++k) detail::accumulateBlend(detail::splitPlanes(images[k]), weights[k], acc);
    return detail::mergePlanes(detail::collapsePlanes(acc), first.encoding());
}

} // namespace fuselab::FUSELAB_ISA
