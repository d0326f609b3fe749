// Homography alignment against frames warped by a known homography before exposure.
#include "synthetic_stack.hpp"
#include "test_support.hpp"

#include "fuselab/align.hpp"
#include "fuselab/builtin_operators.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/synthetic.hpp"

#include <opencv2/imgproc.hpp>

#include <cmath>

using namespace fuselab;
using namespace fuselab::test;

namespace {

constexpr int kW = 512, kH = 384;
constexpr double kPi = 3.14159265358979323846;

// Frame content turned by angleDeg (clockwise on screen) about the image centre, then
// moved by (dx, dy): H maps reference pixel coordinates to the frame's.
cv::Matx33d rigidMotion(double angleDeg, double dx, double dy)
{
    const double a = angleDeg * kPi / 180.0, c = std::cos(a), s = std::sin(a);
    const double cx = (kW - 1) / 2.0, cy = (kH - 1) / 2.0;
    return cv::Matx33d(c, -s, cx - c * cx + s * cy + dx, s, c, cy - s * cx - c * cy + dy, 0, 0, 1);
}

// The scene as a camera moved by H sees it: frame(H·x) = scene(x).
Image warpScene(const Image& scene, const cv::Matx33d& H)
{
    cv::Mat src(scene.height(), scene.width(), CV_32FC3, const_cast<float*>(scene.data()), scene.rowStrideSamples() * sizeof(float));
    Image out(scene.width(), scene.height(), 3, scene.encoding());
    cv::Mat dst(out.height(), out.width(), CV_32FC3, out.data(), out.rowStrideSamples() * sizeof(float));
    cv::warpPerspective(src, dst, cv::Mat(H), dst.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT101);
    return out;
}

cv::Matx33d toMatx(const FrameTransform& t)
{
    cv::Matx33d m;
    for (int i = 0; i < 9; ++i) m.val[i] = t.homography[std::size_t(i)];
    return m;
}

// Largest distance between where two transforms send the points of a 17×13 grid that
// spans the whole reference image, corners included.
double maxReprojectionErrorPx(const cv::Matx33d& a, const cv::Matx33d& b)
{
    double worst = 0.0;
    for (int j = 0; j <= 12; ++j)
        for (int i = 0; i <= 16; ++i) {
            const cv::Vec3d p((kW - 1) * i / 16.0, (kH - 1) * j / 12.0, 1.0);
            const cv::Vec3d u = a * p, v = b * p;
            worst = std::max(worst, std::hypot(u[0] / u[2] - v[0] / v[2], u[1] / u[2] - v[1] / v[2]));
        }
    return worst;
}

struct WarpedStack {
    ExposureStack stack;
    std::vector<cv::Matx33d> truth;
};

WarpedStack warpedStack(const std::vector<cv::Matx33d>& truth, bool noise, std::uint64_t seed = 2)
{
    const Image scene = makeSyntheticScene({"interior", kW, kH, seed});
    ExposureSimulation sim;
    sim.stops = {-2.0, 0.0, 2.0};
    sim.exposureScale = autoExposureScale(scene);
    sim.noise.enabled = noise;
    sim.seed = seed;
    std::vector<Image> radiances;
    for (const cv::Matx33d& H : truth) radiances.push_back(warpScene(scene, H));
    return {stackOf(exposeEach(radiances, sim), "handheld"), truth};
}

AlignmentResult alignHomography(const ExposureStack& stack, InvalidBorder border = InvalidBorder::Crop)
{
    AlignParams p;
    p.method = AlignMethod::Homography;
    p.border = border;
    NullProgress progress;
    return alignStack(stack, p, progress);
}

} // namespace

TEST(AlignHomography, RecoversRotationAndTranslationWithinHalfAPixel)
{
    // −2 stops: turned 1.5° and moved (6.3, −4.2) px; +2 stops: −1° and (−3.7, 5.1) px.
    const std::vector<cv::Matx33d> truth = {rigidMotion(1.5, 6.3, -4.2), cv::Matx33d::eye(), rigidMotion(-1.0, -3.7, 5.1)};
    for (bool noise : {false, true}) {
        const WarpedStack w = warpedStack(truth, noise);
        const AlignmentResult r = alignHomography(w.stack);
        ASSERT_EQ(r.referenceIndex, 1);
        for (std::size_t k = 0; k < truth.size(); ++k) {
            const double err = maxReprojectionErrorPx(toMatx(r.transforms[k]), truth[k]);
            std::printf("[ homography ] noise %d frame %zu: max reprojection error %.3f px, rotation %.4f deg\n", int(noise), k, err,
                        r.transforms[k].rotationDeg);
            EXPECT_LE(err, 0.5) << "frame " << k << " noise " << noise;
        }
        EXPECT_NEAR(r.transforms[0].rotationDeg, 1.5, 0.05); // 0.05° ≈ 0.28 px at the corners
        EXPECT_NEAR(r.transforms[2].rotationDeg, -1.0, 0.05);
        EXPECT_EQ(r.transforms[1].rotationDeg, 0.0);
    }
}

TEST(AlignHomography, AlignedFramesMatchTheUnmovedExposures)
{
    const Image scene = makeSyntheticScene({"interior", kW, kH, 2});
    const std::vector<cv::Matx33d> truth = {rigidMotion(1.5, 6.3, -4.2), cv::Matx33d::eye(), rigidMotion(-1.0, -3.7, 5.1)};
    const WarpedStack w = warpedStack(truth, false);
    const AlignmentResult r = alignHomography(w.stack);
    // What the frames would have been without the hand's motion.
    ExposureSimulation sim;
    sim.stops = {-2.0, 0.0, 2.0};
    sim.exposureScale = autoExposureScale(scene);
    sim.seed = 2;
    const ExposureStack still = stackOf(exposeEach({scene, scene, scene}, sim));
    const PixelRect v = r.validRect;
    // Whole rectangle every frame covers: a 1.5° turn of a 512×384 frame loses about
    // 384·sin 1.5° ≈ 10 px on each side plus the shift.
    EXPECT_GE(v.width, kW - 60);
    EXPECT_GE(v.height, kH - 60);
    for (std::size_t k : {0u, 2u}) {
        const Image8& aligned = *r.aligned.frames[k].pixels.as8();
        const Image8& expected = *still.frames[k].pixels.as8();
        ASSERT_EQ(aligned.width(), v.width);
        // Compared after a Gaussian blur (σ 2 px): the two bilinear resamplings (making the
        // frame, aligning it) soften the 2–3 px wall stripes, which is not misregistration.
        auto blurred = [](const Image8& img, const PixelRect& r) {
            cv::Mat m(img.height(), img.width(), CV_8UC3, const_cast<std::uint8_t*>(img.data()), img.rowStrideSamples());
            cv::Mat f, out;
            m(cv::Rect(r.x, r.y, r.width, r.height)).convertTo(f, CV_32F);
            cv::GaussianBlur(f, out, cv::Size(0, 0), 2.0);
            return out;
        };
        const cv::Mat a = blurred(aligned, {0, 0, v.width, v.height}), e = blurred(expected, v);
        const cv::Mat raw = blurred(*w.stack.frames[k].pixels.as8(), v); // the frame as it came
        // The same comparison for the unmoved frame against itself moved by one pixel (in x
        // and in y): what a one-pixel misregistration costs on this scene.
        double sum = 0.0, sumShifted = 0.0, sumRaw = 0.0;
        long n = 0;
        for (int y = 8; y < v.height - 9; ++y)
            for (int x = 8; x < v.width - 9; ++x)
                for (int c = 0; c < 3; ++c) {
                    const float ev = e.at<cv::Vec3f>(y, x)[c];
                    sum += std::fabs(a.at<cv::Vec3f>(y, x)[c] - ev);
                    sumRaw += std::fabs(raw.at<cv::Vec3f>(y, x)[c] - ev);
                    sumShifted += 0.5 * (std::fabs(e.at<cv::Vec3f>(y, x + 1)[c] - ev) + std::fabs(e.at<cv::Vec3f>(y + 1, x)[c] - ev));
                    ++n;
                }
        const double meanAbs = sum / double(n), onePixel = sumShifted / double(n), unaligned = sumRaw / double(n);
        std::printf("[ homography ] frame %zu: mean |aligned − unmoved| %.3f levels; a 1 px shift costs %.3f, no alignment %.3f\n",
                    k, meanAbs, onePixel, unaligned);
        // What remains is mostly not geometry: the frame was made by interpolating radiance
        // and then exposing (clipping), the alignment interpolates codes, and the two differ
        // at the window's high-contrast edges. A wrong or inverted transform would cost many
        // pixels' worth.
        EXPECT_LT(meanAbs, 0.7 * onePixel) << "frame " << k;
        EXPECT_LT(meanAbs, 0.15 * unaligned) << "frame " << k;
    }
}

TEST(AlignHomography, IdentityStaysIdentity)
{
    const WarpedStack w = warpedStack({cv::Matx33d::eye(), cv::Matx33d::eye(), cv::Matx33d::eye()}, true, 5);
    const AlignmentResult r = alignHomography(w.stack, InvalidBorder::Mark);
    for (std::size_t k = 0; k < 3; ++k) {
        const double err = maxReprojectionErrorPx(toMatx(r.transforms[k]), cv::Matx33d::eye());
        std::printf("[ homography ] still frame %zu: max displacement %.4f px\n", k, err);
        EXPECT_LE(err, 0.25) << "frame " << k;
    }
    EXPECT_EQ(r.validMask.width(), kW);
}

TEST(AlignHomography, MarkMaskMatchesWhereTheTurnedFramesHaveData)
{
    const std::vector<cv::Matx33d> truth = {rigidMotion(1.5, 6.3, -4.2), cv::Matx33d::eye(), rigidMotion(-1.0, -3.7, 5.1)};
    const WarpedStack w = warpedStack(truth, false);
    const AlignmentResult r = alignHomography(w.stack, InvalidBorder::Mark);
    ASSERT_EQ(r.aligned.frames[0].pixels.width(), kW);
    // Away from the edge of coverage (1 px of slack for the estimate's error), the mask is
    // 1 exactly where every true transform lands inside the frame.
    long mismatches = 0, checked = 0;
    for (int y = 0; y < kH; ++y)
        for (int x = 0; x < kW; ++x) {
            double margin = 1e9;
            for (const cv::Matx33d& H : truth) {
                const cv::Vec3d u = H * cv::Vec3d(x, y, 1);
                margin = std::min({margin, u[0], u[1], kW - 1 - u[0], kH - 1 - u[1]});
            }
            if (std::fabs(margin) < 1.0) continue;
            ++checked;
            mismatches += (r.validMask.at(x, y) == 1.0f) != (margin > 0);
        }
    EXPECT_EQ(mismatches, 0);
    EXPECT_GT(checked, kW * kH * 9 / 10);
    // The largest rectangle lies inside the mask.
    const PixelRect v = r.validRect;
    for (int y = v.y; y < v.y + v.height; ++y)
        for (int x = v.x; x < v.x + v.width; ++x) ASSERT_EQ(r.validMask.at(x, y), 1.0f);
}

TEST(AlignHomography, AFrameWithoutStructureIsRefusedByName)
{
    WarpedStack w = warpedStack({cv::Matx33d::eye(), cv::Matx33d::eye(), cv::Matx33d::eye()}, false);
    Image8 flat(kW, kH, 3, ColourEncoding::Srgb);
    flat.fill(128);
    w.stack.frames[2].pixels = SampleImage(flat);
    try {
        alignHomography(w.stack);
        ADD_FAILURE() << "a flat frame was registered";
    } catch (const Error& e) {
        EXPECT_EQ(e.file(), "handheld_2.png");
        EXPECT_NE(e.problem().find("cannot be registered"), std::string::npos) << e.problem();
    }
    // A frame of another scene: nothing correlates.
    ExposureSimulation sim;
    const Image other = makeSyntheticScene({"patches", kW, kH, 3});
    sim.stops = {2.0};
    sim.exposureScale = autoExposureScale(other);
    w.stack.frames[2].pixels = exposeScene(other, sim).front().pixels;
    try {
        alignHomography(w.stack);
        ADD_FAILURE() << "a frame of another scene was registered";
    } catch (const Error& e) {
        EXPECT_EQ(e.file(), "handheld_2.png");
    }
}

TEST(AlignHomography, OperatorReportsTheTransform)
{
    const WarpedStack w = warpedStack({rigidMotion(1.5, 6.3, -4.2), cv::Matx33d::eye(), cv::Matx33d::eye()}, false);
    OperatorRegistry registry;
    registerBuiltinOperators(registry);
    OperatorInput in;
    in.stack = &w.stack;
    NullProgress progress;
    const OperatorOutput out = runOperator(registry.get("align-homography"), in, {}, progress);
    EXPECT_NEAR(out.scalars.at("rotation_deg_0"), 1.5, 0.05);
    const cv::Matx33d& t = w.truth[0];
    EXPECT_NEAR(out.scalars.at("dx_0"), t(0, 2), 0.5);
    EXPECT_NEAR(out.scalars.at("dy_0"), t(1, 2), 0.5);
    EXPECT_EQ(out.scalars.at("dx_1"), 0.0);
    ASSERT_EQ(out.extras.size(), 3u);
    EXPECT_EQ(out.image.width(), int(out.scalars.at("valid_width")));
}
