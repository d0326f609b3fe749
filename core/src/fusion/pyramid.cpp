#include "fuselab/pyramid.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"
#include "dispatch.hpp"
#include "planar_pyramid.hpp"

#include <algorithm>
#include <vector>

namespace fuselab {


Image pyramidDown(const Image& fine)
{
    isa_base::detail::Planes coarse;
    for (const Image& p : isa_base::detail::splitPlanes(fine).planes) coarse.planes.push_back(isa_base::detail::downPlane(p));
    return isa_base::detail::mergePlanes(coarse, fine.encoding());
}

Image pyramidUp(const Image& coarse, int fineWidthPx, int fineHeightPx)
{
    if ((fineWidthPx + 1) / 2 != coarse.width() || (fineHeightPx + 1) / 2 != coarse.height())
        throw Error("pyramidUp: a " + std::to_string(coarse.width()) + "x" + std::to_string(coarse.height()) +
                    " level cannot expand to " + std::to_string(fineWidthPx) + "x" + std::to_string(fineHeightPx));
    isa_base::detail::Planes fine;
    for (const Image& p : isa_base::detail::splitPlanes(coarse).planes) fine.planes.push_back(isa_base::detail::upPlane(p, fineWidthPx, fineHeightPx));
    return isa_base::detail::mergePlanes(fine, coarse.encoding());
}

std::vector<Image> gaussianPyramid(const Image& image, int levels)
{
    if (levels < 1) throw Error("a pyramid needs at least one level");
    std::vector<Image> pyr{image};
    for (int j = 1; j < levels; ++j) pyr.push_back(pyramidDown(pyr.back()));
    return pyr;
}

std::vector<Image> laplacianPyramid(const Image& image, int levels)
{
    std::vector<Image> pyr = gaussianPyramid(image, levels);
    for (int j = 0; j + 1 < levels; ++j) {
        const Image up = pyramidUp(pyr[std::size_t(j) + 1], pyr[std::size_t(j)].width(), pyr[std::size_t(j)].height());
        Image detail = pyr[std::size_t(j)].clone();
        const std::size_t n = std::size_t(detail.width()) * detail.channels();
        for (int y = 0; y < detail.height(); ++y) {
            float* d = detail.row(y);
            const float* u = up.row(y);
            for (std::size_t i = 0; i < n; ++i) d[i] -= u[i];
        }
        pyr[std::size_t(j)] = detail;
    }
    return pyr;
}

Image collapseLaplacianPyramid(const std::vector<Image>& laplacian)
{
    if (laplacian.empty()) throw Error("cannot collapse an empty pyramid");
    Image acc = laplacian.back().clone();
    for (std::size_t j = laplacian.size() - 1; j-- > 0;) {
        Image up = pyramidUp(acc, laplacian[j].width(), laplacian[j].height());
        const std::size_t n = std::size_t(up.width()) * up.channels();
        for (int y = 0; y < up.height(); ++y) {
            float* u = up.row(y);
            const float* l = laplacian[j].row(y);
            for (std::size_t i = 0; i < n; ++i) u[i] += l[i];
        }
        acc = up;
    }
    return acc;
}

Image pyramidBlend(const std::vector<Image>& images, const std::vector<Image>& weights, int levels)
{
    if (images.empty() || images.size() != weights.size()) throw Error("pyramidBlend needs one weight map per image");
    for (std::size_t f = 0; f < images.size(); ++f) {
        if (images[f].width() != images[0].width() || images[f].height() != images[0].height() ||
            images[f].channels() != images[0].channels())
            throw Error("pyramidBlend: images differ in size or channels");
        if (weights[f].width() != images[0].width() || weights[f].height() != images[0].height() || weights[f].channels() != 1)
            throw Error("pyramidBlend: weight maps must be 1-channel and as large as the images");
    }
    if (levels < 1) throw Error("pyramidBlend needs at least one level");
    const int usable = std::min(levels, autoPyramidLevels(images.front().width(), images.front().height(), 1));
    FUSELAB_DISPATCH(return, pyramidBlendImpl(images, weights, usable));
}

} // namespace fuselab
