// The windowed-moments engine's entry point (instruction-set dispatch) and kernel helpers.
#include "windowed_moments.hpp"

#include "../isa/isa_choice.hpp"

#include "fuselab/base/error.hpp"

#include <algorithm>
#include <cmath>

namespace fuselab {
namespace isa_base {
void forEachValidWindowImpl(const metrics_detail::WindowedJob& job, int tileWidth, const metrics_detail::WindowRowSink& sink,
                            const ProgressSink* cancel);
}
#ifdef FUSELAB_HAVE_ISA_V3
namespace isa_v3 {
void forEachValidWindowImpl(const metrics_detail::WindowedJob& job, int tileWidth, const metrics_detail::WindowRowSink& sink,
                            const ProgressSink* cancel);
}
#endif

namespace metrics_detail {

PlaneView viewOf(const Image& plane)
{
    PlaneView v;
    v.floats = plane.data();
    v.stride = plane.rowStrideSamples();
    v.width = plane.width();
    v.height = plane.height();
    return v;
}

PlaneView viewOf(const DoublePlane& plane)
{
    PlaneView v;
    v.doubles = plane.samples.data();
    v.stride = std::size_t(plane.width);
    v.width = plane.width;
    v.height = plane.height;
    return v;
}

void forEachValidWindow(const WindowedJob& job, const WindowRowSink& sink, const ProgressSink* cancel)
{
    if (job.planes.empty() || job.kernels.empty() || job.products.empty()) throw Error("internal: empty windowed job");
    const std::size_t n = job.kernels.front().size();
    for (const auto& k : job.kernels)
        if (k.size() != n || n % 2 == 0) throw Error("internal: windowed kernels must share one odd length");
    for (const PlaneView& p : job.planes)
        if (p.width != job.planes.front().width || p.height != job.planes.front().height)
            throw Error("internal: windowed planes differ in size");
    const int tileWidth = validWindowTileWidth(job);
    FUSELAB_DISPATCH(return, forEachValidWindowImpl(job, tileWidth, sink, cancel));
}

int validWindowTileWidth(const WindowedJob& job)
{
    // Keeps the ring (n rows × quantities × tile width doubles) within about half of a 1 MB
    // L2 cache.
    constexpr std::size_t kRingBudgetBytes = 512 * 1024;
    const std::size_t n = job.kernels.front().size();
    const int outW = job.planes.front().width - int(n) + 1;
    const std::size_t perColumn = n * job.products.size() * sizeof(double);
    int tileW = int(std::clamp<std::size_t>(kRingBudgetBytes / std::max<std::size_t>(perColumn, 1), 32, 1024));
    tileW = (tileW + 7) / 8 * 8;
    return std::max(1, std::min(outW, tileW));
}

std::vector<double> gaussianKernel(int length, double sigmaPx)
{
    std::vector<double> k(static_cast<std::size_t>(length));
    const int c = length / 2;
    double sum = 0.0;
    for (int i = 0; i < length; ++i) {
        const double d = double(i - c);
        k[std::size_t(i)] = std::exp(-(d * d) / (2.0 * sigmaPx * sigmaPx));
        sum += k[std::size_t(i)];
    }
    for (double& v : k) v /= sum;
    return k;
}

std::vector<double> boxSumKernel(int length)
{
    return std::vector<double>(std::size_t(length), 1.0);
}

} // namespace metrics_detail
} // namespace fuselab
