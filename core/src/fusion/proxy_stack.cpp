#include "fuselab/base/error.hpp"
#include "fuselab/mertens.hpp"

#include "../io/cv_bridge.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace fuselab {

ExposureStack makeProxyStack(const ExposureStack& stack, int longSidePx)
{
    if (longSidePx < 8) throw Error("a proxy needs a long side of at least 8 px");
    ExposureStack proxy = stack;
    const int w = stack.width(), h = stack.height();
    const int longSide = std::max(w, h);
    if (longSide <= longSidePx) return proxy;
    const double scale = double(longSidePx) / double(longSide);
    const cv::Size size(std::max(1, int(std::lround(w * scale))), std::max(1, int(std::lround(h * scale))));
    for (StackFrame& f : proxy.frames) {
        const SampleImage& s = f.pixels;
        auto shrink = [&](const auto& img) {
            using T = typename std::decay_t<decltype(img)>::Sample;
            cv::Mat small;
            // Area averaging: every source pixel counts once, no aliasing of fine texture.
            cv::resize(detail::asMat(img), small, size, 0, 0, cv::INTER_AREA);
            return SampleImage(detail::fromMat<T>(small, img.encoding()));
        };
        if (const Image8* p8 = s.as8()) f.pixels = shrink(*p8);
        else if (const Image16* p16 = s.as16()) f.pixels = shrink(*p16);
        else f.pixels = shrink(*s.asFloat());
    }
    return proxy;
}

} // namespace fuselab
