// OpenCV's MergeMertens as the reference for our exposure fusion, on an 8-bit stack.
// Header-only: only the test binaries that link OpenCV's photo module include it.
#pragma once

#include "fuselab/base/exposure.hpp"
#include "fuselab/base/image.hpp"

#include <opencv2/photo.hpp>

#include <algorithm>
#include <vector>

namespace fuselab::test {

/// MergeMertens(wc, ws, we) of an 8-bit RGB stack, as a float RGB image. The frames are handed
/// over in R, G, B order: MergeMertens converts with RGB2GRAY whatever the order, so both sides
/// use the Rec. 601 grey the paper's contrast uses (a BGR hand-over would weigh blue as red).
inline Image mergeMertensReference(const ExposureStack& stack, float wc = 1.0f, float ws = 1.0f, float we = 1.0f)
{
    std::vector<cv::Mat> frames;
    for (const StackFrame& f : stack.frames) {
        const Image8& px = *f.pixels.as8();
        cv::Mat m(px.height(), px.width(), CV_8UC3);
        for (int y = 0; y < px.height(); ++y) std::copy(px.row(y), px.row(y) + px.width() * 3, m.ptr<std::uint8_t>(y));
        frames.push_back(m);
    }
    cv::Mat fused;
    cv::createMergeMertens(wc, ws, we)->process(frames, fused);
    Image out(fused.cols, fused.rows, 3, ColourEncoding::Srgb);
    for (int y = 0; y < fused.rows; ++y) std::copy(fused.ptr<float>(y), fused.ptr<float>(y) + fused.cols * 3, out.row(y));
    return out;
}

} // namespace fuselab::test
