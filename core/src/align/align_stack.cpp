// alignStack: estimate each frame's transform to the reference, then crop or mark the
// border and resample every frame into the reference geometry.
#include "fuselab/align.hpp"

#include "frame_warp.hpp"
#include "grey_levels.hpp"
#include "homography.hpp"
#include "mtb.hpp"

#include "fuselab/deghost.hpp"
#include "fuselab/base/error.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace fuselab {

std::string_view toString(AlignMethod method)
{
    switch (method) {
    case AlignMethod::None: return "none";
    case AlignMethod::Mtb: return "mtb";
    case AlignMethod::Homography: return "homography";
    }
    return "unknown";
}

AlignMethod alignMethodFromString(const std::string& name)
{
    if (name == "none") return AlignMethod::None;
    if (name == "mtb") return AlignMethod::Mtb;
    if (name == "homography") return AlignMethod::Homography;
    throw Error("unknown alignment method '" + name + "' (expected none, mtb or homography)");
}

namespace {

constexpr double kRadToDeg = 57.29577951308232;

FrameTransform describeTransform(const cv::Matx33d& H)
{
    const cv::Matx33d n = H * (1.0 / H(2, 2));
    FrameTransform t;
    for (int i = 0; i < 9; ++i) t.homography[std::size_t(i)] = n.val[i];
    t.dxPx = n(0, 2);
    t.dyPx = n(1, 2);
    t.rotationDeg = std::atan2(n(1, 0) - n(0, 1), n(0, 0) + n(1, 1)) * kRadToDeg;
    return t;
}

void checkFrames(const ExposureStack& stack)
{
    if (stack.frames.empty()) throw Error("cannot align an empty stack");
    const StackFrame& first = stack.frames.front();
    for (const StackFrame& f : stack.frames) {
        if (f.pixels.empty()) throw Error(f.path, "has no pixels");
        if (f.pixels.width() != first.pixels.width() || f.pixels.height() != first.pixels.height() ||
            f.pixels.channels() != first.pixels.channels())
            throw Error(f.path, "size or channel count differs from " + first.path + "; every frame of a stack must match");
    }
}

std::vector<cv::Matx33d> estimateMtb(const ExposureStack& stack, int reference, const AlignParams& params, ProgressSink& progress)
{
    const int w = stack.width(), h = stack.height();
    const int maxShift = std::max(params.maxShiftPx, 0);
    const int levels = align::mtbLevelCount(w, h, maxShift);
    const align::MtbPyramid refPyramid(align::greyLevels(stack.frames[std::size_t(reference)].pixels), levels, params.excludeRange);
    std::vector<cv::Matx33d> transforms(stack.size(), cv::Matx33d::eye());
    for (std::size_t k = 0; k < stack.size(); ++k) {
        if (int(k) == reference) continue;
        const align::MtbPyramid framePyramid(align::greyLevels(stack.frames[k].pixels), levels, params.excludeRange);
        const cv::Point s = align::mtbShift(refPyramid, framePyramid, maxShift);
        transforms[k] = cv::Matx33d(1, 0, s.x, 0, 1, s.y, 0, 0, 1);
        progress.report(0.7 * double(k + 1) / double(stack.size()), "median threshold bitmaps");
        progress.checkCancelled();
    }
    return transforms;
}

std::vector<cv::Matx33d> estimateHomographies(const ExposureStack& stack, int reference, const AlignParams& params,
                                              ProgressSink& progress)
{
    const int w = stack.width(), h = stack.height();
    const double scale = align::proxyScale(w, h, params.analysisLongSidePx);
    const cv::Mat refProxy = align::proxyGrey(stack.frames[std::size_t(reference)].pixels, params.analysisLongSidePx);
    const double sx = double(refProxy.cols) / w, sy = double(refProxy.rows) / h;
    align::HomographyOptions options;
    options.mtbMaxShiftPx = std::max(1, int(std::ceil(std::max(params.maxShiftPx, 0) * scale)));
    options.excludeRange = params.excludeRange;
    options.minInliers = params.minFeatureInliers;
    options.eccRefine = params.eccRefine;
    std::vector<cv::Matx33d> transforms(stack.size(), cv::Matx33d::eye());
    for (std::size_t k = 0; k < stack.size(); ++k) {
        if (int(k) == reference) continue;
        const StackFrame& frame = stack.frames[k];
        try {
            const cv::Mat proxy = align::proxyGrey(frame.pixels, params.analysisLongSidePx);
            const align::HomographyEstimate est = align::estimateHomography(refProxy, proxy, options);
            transforms[k] = scale < 1.0 ? align::scaleHomographyToFull(est.frameFromReference, sx, sy) : est.frameFromReference;
        } catch (const Error& e) {
            throw e.withFile(frame.path);
        } catch (const cv::Exception& e) {
            throw Error(frame.path, "cannot be registered: " + std::string(e.err));
        }
        progress.report(0.7 * double(k + 1) / double(stack.size()), "homography");
        progress.checkCancelled();
    }
    return transforms;
}

} // namespace

AlignmentResult alignStack(const ExposureStack& stack, const AlignParams& params, ProgressSink& progress)
{
    progress.checkCancelled();
    checkFrames(stack);
    const int n = int(stack.size());
    const int reference = params.referenceIndex >= 0 ? params.referenceIndex : defaultReferenceIndex(stack);
    if (reference >= n)
        throw Error("reference index " + std::to_string(reference) + " is outside the stack's " + std::to_string(n) + " frames");
    const int w = stack.width(), h = stack.height();

    std::vector<cv::Matx33d> transforms(stack.size(), cv::Matx33d::eye());
    if (params.method == AlignMethod::Mtb) transforms = estimateMtb(stack, reference, params, progress);
    else if (params.method == AlignMethod::Homography) transforms = estimateHomographies(stack, reference, params, progress);

    AlignmentResult result;
    result.referenceIndex = reference;
    std::vector<align::RowSpan> common(static_cast<std::size_t>(h), align::RowSpan{0, w - 1});
    for (std::size_t k = 0; k < stack.size(); ++k) {
        result.transforms.push_back(describeTransform(transforms[k]));
        if (int(k) == reference) continue;
        align::intersectSpans(common, align::coveredSpans(transforms[k], w, h));
        if (std::all_of(common.begin(), common.end(), [](const align::RowSpan& s) { return s.empty(); }))
            throw Error(stack.frames[k].path, "once aligned, it shares no area with the frames before it");
    }
    result.validRect = align::largestRectangle(common);

    const PixelRect outRect = params.border == InvalidBorder::Crop ? result.validRect : PixelRect{0, 0, w, h};
    if (params.border == InvalidBorder::Mark) result.validMask = align::spanMask(common, w);
    for (std::size_t k = 0; k < stack.size(); ++k) {
        StackFrame frame = stack.frames[k];
        frame.pixels = align::resampleFrame(stack.frames[k].pixels, transforms[k], outRect);
        result.aligned.frames.push_back(std::move(frame));
        progress.report(0.7 + 0.3 * double(k + 1) / double(stack.size()), "resampling");
        progress.checkCancelled();
    }
    return result;
}

} // namespace fuselab
