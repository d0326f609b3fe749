#include "pyramid_torch.hpp"
#include "fuselab/base/pyramid_geometry.hpp"

#include "fuselab/base/error.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <vector>

namespace fuselab::learn::detail {
namespace {

at::Tensor indexTensor(const std::vector<std::int64_t>& idx, const at::Tensor& like)
{
    return at::tensor(idx, at::TensorOptions().dtype(at::kLong)).to(like.device());
}

// [1 4 6 4 1] (unnormalised) along dim, keeping every second sample.
at::Tensor downAlong(const at::Tensor& x, int dim)
{
    const int n = int(x.size(dim));
    const int nc = (n + 1) / 2;
    std::vector<std::int64_t> idx;
    for (int j = -2; j < n + 2; ++j) idx.push_back(reflect101(j, n));
    const at::Tensor p = x.index_select(dim, indexTensor(idx, x));
    auto tap = [&](int t) { return p.slice(dim, t, t + 2 * (nc - 1) + 1, 2); };
    return (tap(0) + tap(4)) + 4.0 * (tap(1) + tap(3)) + 6.0 * tap(2);
}

at::Tensor upAlong(const at::Tensor& c, int dim, std::int64_t fine)
{
    const int nc = int(c.size(dim));
    std::vector<std::int64_t> idx;
    for (int j = -1; j <= nc; ++j) idx.push_back(coarseNeighbour(j, int(fine)));
    const at::Tensor p = c.index_select(dim, indexTensor(idx, c));
    const at::Tensor prev = p.slice(dim, 0, nc), here = p.slice(dim, 1, nc + 1), next = p.slice(dim, 2, nc + 2);
    const at::Tensor even = ((prev + next) + 6.0 * here) * 0.125;
    const at::Tensor odd = (here + next) * 0.5;
    std::vector<std::int64_t> shape(c.sizes().begin(), c.sizes().end());
    shape[std::size_t(dim)] = 2 * nc;
    return at::stack({even, odd}, dim + 1).reshape(shape).narrow(dim, 0, fine);
}

} // namespace

at::Tensor pyramidDown(const at::Tensor& fine)
{
    return downAlong(downAlong(fine, 2), 3) * (1.0 / 256.0);
}

at::Tensor pyramidUp(const at::Tensor& coarse, std::int64_t fineHeight, std::int64_t fineWidth)
{
    if ((fineHeight + 1) / 2 != coarse.size(2) || (fineWidth + 1) / 2 != coarse.size(3))
        throw Error("pyramidUp: level sizes do not match");
    return upAlong(upAlong(coarse, 2, fineHeight), 3, fineWidth);
}

at::Tensor laplacianBlend(const at::Tensor& images, const at::Tensor& weights, int levels)
{
    if (images.dim() != 5 || weights.dim() != 5 || weights.size(2) != 1 || images.size(0) != weights.size(0) ||
        images.size(1) != weights.size(1) || images.size(3) != weights.size(3) || images.size(4) != weights.size(4))
        throw Error("laplacianBlend: images [N,K,C,H,W] and weights [N,K,1,H,W] expected");
    if (levels < 1) throw Error("laplacianBlend needs at least one level");
    const std::int64_t n = images.size(0), k = images.size(1), c = images.size(2);
    const int usable = std::min(levels, autoPyramidLevels(int(images.size(4)), int(images.size(3)), 1));
    at::Tensor g = images.reshape({n * k, c, images.size(3), images.size(4)});
    at::Tensor w = weights.reshape({n * k, 1, images.size(3), images.size(4)});
    std::vector<at::Tensor> blended;
    for (int j = 0; j < usable; ++j) {
        if (j + 1 < usable) {
            const at::Tensor gNext = pyramidDown(g);
            const at::Tensor detail = g - pyramidUp(gNext, g.size(2), g.size(3));
            blended.push_back((detail * w).reshape({n, k, c, g.size(2), g.size(3)}).sum(1));
            g = gNext;
            w = pyramidDown(w);
        } else {
            blended.push_back((g * w).reshape({n, k, c, g.size(2), g.size(3)}).sum(1));
        }
    }
    at::Tensor acc = blended.back();
    for (int j = usable - 2; j >= 0; --j) acc = pyramidUp(acc, blended[std::size_t(j)].size(2), blended[std::size_t(j)].size(3)) + blended[std::size_t(j)];
    return acc;
}

} // namespace fuselab::learn::detail
