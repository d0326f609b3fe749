// Private: views of fuselab::Image as cv::Mat (no copy; the Mat shares the Image's pixels and
// must not outlive it). Channel order stays R,G,B — what OpenCV's photo module expects
// (its tone mappers convert with COLOR_RGB2GRAY).
#pragma once

#include "fuselab/base/image.hpp"

#include <opencv2/core.hpp>

namespace fuselab::tonemap_detail {

inline cv::Mat matView(Image& img)
{
    return cv::Mat(img.height(), img.width(), CV_32FC(img.channels()), img.data(),
                   img.rowStrideSamples() * sizeof(float));
}

inline cv::Mat matView(const Image& img)
{
    return matView(const_cast<Image&>(img)); // callers treat the view as read-only
}

} // namespace fuselab::tonemap_detail
