// Private: zero-copy views between our image buffers and cv::Mat, for calling OpenCV
// inside core sources. Channel ORDER is not touched (ours is RGB, OpenCV assumes BGR), so
// use these only where the order does not matter or is handled by the caller.
#pragma once

#include "fuselab/base/image.hpp"

#include <opencv2/core.hpp>

#include <cstdint>
#include <type_traits>

namespace fuselab::detail {

template <typename T>
constexpr int cvDepthOf()
{
    if constexpr (std::is_same_v<T, std::uint8_t>) return CV_8U;
    else if constexpr (std::is_same_v<T, std::uint16_t>) return CV_16U;
    else return CV_32F;
}

/// A cv::Mat header over the image's pixels (shares them; the image must outlive it).
template <typename T>
cv::Mat asMat(const ImageBuffer<T>& img)
{
    return cv::Mat(img.height(), img.width(), CV_MAKETYPE(cvDepthOf<T>(), img.channels()), const_cast<T*>(img.data()),
                   img.rowStrideSamples() * sizeof(T));
}

/// Copies a continuous or strided cv::Mat of matching depth into a new image buffer.
template <typename T>
ImageBuffer<T> fromMat(const cv::Mat& m, ColourEncoding encoding)
{
    ImageBuffer<T> out = ImageBuffer<T>::uninitialised(m.cols, m.rows, m.channels(), encoding);
    cv::Mat view = asMat(out);
    m.copyTo(view);
    return out;
}

} // namespace fuselab::detail
