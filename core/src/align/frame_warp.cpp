// Coverage of warped frames, the common valid rectangle, and resampling.
#include "frame_warp.hpp"

#include "grey_levels.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace fuselab::align {
namespace {

// Pixel coordinates are tested with this slack, so a whole-pixel shift that lands exactly
// on the frame's last column counts as inside despite rounding in H.
constexpr double kEdgeSlackPx = 1e-4;

// Narrows [lo, hi] to the x with a·x + b ≥ 0.
void keepNonNegative(double a, double b, double& lo, double& hi)
{
    if (a > 0.0) lo = std::max(lo, -b / a);
    else if (a < 0.0) hi = std::min(hi, -b / a);
    else if (b < 0.0) hi = lo - 1.0; // never true along this row
}

} // namespace

std::vector<RowSpan> coveredSpans(const cv::Matx33d& H, int widthPx, int heightPx)
{
    std::vector<RowSpan> spans(static_cast<std::size_t>(heightPx));
    const double maxU = widthPx - 1 + kEdgeSlackPx, maxV = heightPx - 1 + kEdgeSlackPx;
    for (int y = 0; y < heightPx; ++y) {
        // Along the row: u·w = a x + b, v·w = c x + d, w = e x + f.
        const double a = H(0, 0), b = H(0, 1) * y + H(0, 2);
        const double c = H(1, 0), d = H(1, 1) * y + H(1, 2);
        const double e = H(2, 0), f = H(2, 1) * y + H(2, 2);
        double lo = 0.0, hi = widthPx - 1.0;
        keepNonNegative(e, f - 1e-12, lo, hi);                               // w > 0
        keepNonNegative(a + kEdgeSlackPx * e, b + kEdgeSlackPx * f, lo, hi); // u ≥ −slack
        keepNonNegative(maxU * e - a, maxU * f - b, lo, hi);                 // u ≤ w − 1 + slack
        keepNonNegative(c + kEdgeSlackPx * e, d + kEdgeSlackPx * f, lo, hi); // v ≥ −slack
        keepNonNegative(maxV * e - c, maxV * f - d, lo, hi);                 // v ≤ h − 1 + slack
        RowSpan& s = spans[std::size_t(y)];
        if (lo <= hi) {
            s.first = int(std::ceil(lo - 1e-9));
            s.last = int(std::floor(hi + 1e-9));
            s.first = std::max(s.first, 0);
            s.last = std::min(s.last, widthPx - 1);
        }
    }
    return spans;
}

void intersectSpans(std::vector<RowSpan>& accumulated, const std::vector<RowSpan>& other)
{
    for (std::size_t y = 0; y < accumulated.size() && y < other.size(); ++y) {
        accumulated[y].first = std::max(accumulated[y].first, other[y].first);
        accumulated[y].last = std::min(accumulated[y].last, other[y].last);
    }
}

PixelRect largestRectangle(const std::vector<RowSpan>& spans)
{
    PixelRect best{0, 0, 0, 0};
    long long bestArea = 0;
    const int rows = int(spans.size());
    long long widest = 0;
    for (const RowSpan& s : spans) widest = std::max<long long>(widest, s.last - s.first + 1);
    for (int top = 0; top < rows; ++top) {
        // Rectangles starting here or lower cannot beat the best any more.
        if ((long long)(rows - top) * widest <= bestArea) break;
        int first = std::numeric_limits<int>::min(), last = std::numeric_limits<int>::max();
        for (int bottom = top; bottom < rows; ++bottom) {
            first = std::max(first, spans[std::size_t(bottom)].first);
            last = std::min(last, spans[std::size_t(bottom)].last);
            if (first > last) break;
            const long long area = (long long)(last - first + 1) * (bottom - top + 1);
            if (area > bestArea) {
                bestArea = area;
                best = {first, top, last - first + 1, bottom - top + 1};
            }
        }
    }
    return best;
}

Image spanMask(const std::vector<RowSpan>& spans, int widthPx)
{
    Image mask(widthPx, int(spans.size()), 1, ColourEncoding::Linear);
    for (std::size_t y = 0; y < spans.size(); ++y) {
        const RowSpan& s = spans[y];
        if (!s.empty()) std::fill(mask.row(int(y)) + s.first, mask.row(int(y)) + s.last + 1, 1.0f);
    }
    return mask;
}

bool isIntegerTranslation(const cv::Matx33d& H, int& dxPx, int& dyPx)
{
    constexpr double tol = 1e-9;
    if (std::fabs(H(0, 0) - 1.0) > tol || std::fabs(H(1, 1) - 1.0) > tol || std::fabs(H(0, 1)) > tol ||
        std::fabs(H(1, 0)) > tol || std::fabs(H(2, 0)) > tol || std::fabs(H(2, 1)) > tol || std::fabs(H(2, 2) - 1.0) > tol)
        return false;
    const double dx = std::round(H(0, 2)), dy = std::round(H(1, 2));
    if (std::fabs(H(0, 2) - dx) > tol || std::fabs(H(1, 2) - dy) > tol) return false;
    dxPx = int(dx);
    dyPx = int(dy);
    return true;
}

namespace {

template <typename T>
ImageBuffer<T> copyShifted(const ImageBuffer<T>& src, int dx, int dy, const PixelRect& rect)
{
    const int w = src.width(), h = src.height(), ch = src.channels();
    // Fully inside: share the pixels (a view), no copy at all.
    if (rect.x + dx >= 0 && rect.y + dy >= 0 && rect.x + dx + rect.width <= w && rect.y + dy + rect.height <= h)
        return src.view({rect.x + dx, rect.y + dy, rect.width, rect.height});
    ImageBuffer<T> out = ImageBuffer<T>::uninitialised(rect.width, rect.height, ch, src.encoding());
    parallelFor(0, rect.height, 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const T* s = src.row(std::clamp(y + rect.y + dy, 0, h - 1));
            T* d = out.row(y);
            for (int x = 0; x < rect.width; ++x) {
                const int sx = std::clamp(x + rect.x + dx, 0, w - 1);
                std::memcpy(d + std::size_t(x) * ch, s + std::size_t(sx) * ch, sizeof(T) * ch);
            }
        }
    });
    return out;
}

template <typename T>
SampleImage warpTyped(const ImageBuffer<T>& src, const SampleImage& frame, const cv::Matx33d& map, const PixelRect& rect)
{
    ImageBuffer<T> out = ImageBuffer<T>::uninitialised(rect.width, rect.height, src.channels(), src.encoding());
    cv::Mat dst(rect.height, rect.width, wrapPixels(frame).type(), out.data(), out.rowStrideSamples() * sizeof(T));
    cv::warpPerspective(wrapPixels(frame), dst, cv::Mat(map), dst.size(), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP,
                        cv::BORDER_REPLICATE);
    return SampleImage(out);
}

} // namespace

SampleImage resampleFrame(const SampleImage& frame, const cv::Matx33d& H, const PixelRect& rect)
{
    int dx = 0, dy = 0;
    if (isIntegerTranslation(H, dx, dy)) {
        if (const Image8* p8 = frame.as8()) return SampleImage(copyShifted(*p8, dx, dy, rect));
        if (const Image16* p16 = frame.as16()) return SampleImage(copyShifted(*p16, dx, dy, rect));
        return SampleImage(copyShifted(*frame.asFloat(), dx, dy, rect));
    }
    // out(x, y) = frame(H·(x + rect.x, y + rect.y)): fold the offset into the map.
    const cv::Matx33d offset(1, 0, rect.x, 0, 1, rect.y, 0, 0, 1);
    const cv::Matx33d map = H * offset;
    if (const Image8* p8 = frame.as8()) return warpTyped(*p8, frame, map, rect);
    if (const Image16* p16 = frame.as16()) return warpTyped(*p16, frame, map, rect);
    return warpTyped(*frame.asFloat(), frame, map, rect);
}

} // namespace fuselab::align
