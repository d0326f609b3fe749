// Reading a stack as code values: validation, binning to a level count, sample grids.
#include "merge_internal.hpp"

#include "fuselab/base/error.hpp"

#include <algorithm>
#include <cmath>

namespace fuselab::merge_detail {

int colourChannels(int channels)
{
    return channels >= 3 ? 3 : 1;
}

void validateFrames(const ExposureStack& stack, std::size_t minFrames, const std::string& what)
{
    if (stack.size() < minFrames)
        throw Error(what + " needs at least " + std::to_string(minFrames) + " frame" + (minFrames == 1 ? "" : "s") +
                    " (got " + std::to_string(stack.size()) + ")");
    const StackFrame& first = stack.frames.front();
    if (first.pixels.empty()) throw Error(first.path, "empty frame");
    for (const StackFrame& f : stack.frames) {
        if (f.pixels.width() != first.pixels.width() || f.pixels.height() != first.pixels.height())
            throw Error(f.path, "size " + std::to_string(f.pixels.width()) + "x" + std::to_string(f.pixels.height()) +
                                    " differs from the first frame's " + std::to_string(first.pixels.width()) + "x" +
                                    std::to_string(first.pixels.height()));
        if (f.pixels.channels() != first.pixels.channels())
            throw Error(f.path, std::to_string(f.pixels.channels()) + " channels where the first frame has " +
                                    std::to_string(first.pixels.channels()));
    }
}

int binnedCode(const SampleImage& image, int x, int y, int c, int levels)
{
    if (const Image8* p8 = image.as8()) return binnedCodeOf(RowSampleType::U8, p8->at(x, y, c), levels);
    if (const Image16* p16 = image.as16()) return binnedCodeOf(RowSampleType::U16, p16->at(x, y, c), levels);
    return binnedCodeOf(RowSampleType::Float, image.asFloat()->at(x, y, c), levels);
}

int binnedCodeOf(RowSampleType type, double stored, int levels)
{
    if (type == RowSampleType::U8) {
        const int code = int(stored);
        return levels == 256 ? code : int(std::lround(code * double(levels - 1) / 255.0));
    }
    const double v = type == RowSampleType::U16 ? stored / 65535.0 : stored;
    if (!(v > 0.0)) return 0; // also NaN
    return int(std::lround(std::min(v, 1.0) * double(levels - 1)));
}

std::vector<std::pair<int, int>> debevecSamplePixels(int widthPx, int heightPx, int samples)
{
    return regularGrid(widthPx, heightPx, samples);
}

// Regular subsample of at most maxPixels pixels (every s-th pixel on both axes).
std::vector<std::pair<int, int>> robertsonSamplePixels(int width, int height, int maxPixels)
{
    const double pixels = double(width) * double(height);
    const int step = std::max(1, int(std::ceil(std::sqrt(pixels / std::max(1, maxPixels)))));
    std::vector<std::pair<int, int>> points;
    for (int y = step / 2; y < height; y += step)
        for (int x = step / 2; x < width; x += step) points.emplace_back(x, y);
    return points;
}

std::vector<std::pair<int, int>> regularGrid(int widthPx, int heightPx, int count)
{
    // Cells shaped like the image so the grid covers both axes evenly (as OpenCV's
    // CalibrateDebevec does): nx/ny ≈ width/height, nx·ny ≈ count.
    const int nx = std::clamp(int(std::lround(std::sqrt(double(count) * widthPx / heightPx))), 1, widthPx);
    const int ny = std::clamp(int(std::lround(double(count) / nx)), 1, heightPx);
    std::vector<std::pair<int, int>> points;
    points.reserve(std::size_t(nx) * std::size_t(ny));
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i)
            points.emplace_back(int((i + 0.5) * widthPx / nx), int((j + 0.5) * heightPx / ny));
    return points;
}

std::vector<double> weightTable(MergeWeighting weighting, int codes)
{
    std::vector<double> w(static_cast<std::size_t>(codes));
    for (int z = 0; z < codes; ++z) w[std::size_t(z)] = mergeWeight(weighting, double(z) / double(codes - 1));
    return w;
}

} // namespace fuselab::merge_detail
