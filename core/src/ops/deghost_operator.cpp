// The motion mask of SPEC §1b as an operator, with an overlay for viewing it.
#include "builtin_list.hpp"

#include "fuselab/deghost.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/param_binding.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>

namespace fuselab {
namespace {

// The motion mask's parameters, bound to DeghostParams (whose members hold the defaults).
const ParamBinding<DeghostParams>& motionMaskBinding()
{
    static const ParamBinding<DeghostParams> binding = [] {
        ParamBinding<DeghostParams> b;
        b.integer("reference_index", "Reference frame", -1, 63, &DeghostParams::referenceIndex)
            .withTooltip("Stack index (0-based) of the frame moving content is taken from; -1 picks the median "
                         "exposure (SPEC 1b).");
        b.number("tolerance_levels", "Tolerance", 0.0, 255.0, &DeghostParams::toleranceLevels)
            .withUnit("levels").withStep(1.0).withSoftRange(0.0, 64.0)
            .withTooltip("Levels (of 255) a pixel may lie beyond the mapped band before it counts as moving, widened "
                         "by the mapping's slope where it is steep; 12 tolerates sensor noise and JPEG artefacts in "
                         "typical brackets.");
        b.number("band_low", "Band lower quantile", 0.0, 0.5, &DeghostParams::bandLow)
            .withStep(0.01)
            .withTooltip("Lower quantile of the co-occurring levels that form the intensity mapping band; 0.1 "
                         "keeps the band right while up to 10 % of a level's pixels belong to moving content.");
        b.number("band_high", "Band upper quantile", 0.5, 1.0, &DeghostParams::bandHigh)
            .withStep(0.01)
            .withTooltip("Upper quantile of the band; 0.9 mirrors the lower one.");
        b.integer("opening_px", "Opening radius", 0, 64, &DeghostParams::openingPx)
            .withUnit("px").withSoftRange(0, 16)
            .withTooltip("Radius of the opening that removes isolated detections (noise), in full-resolution "
                         "pixels; 3 removes specks smaller than about 6 px.");
        b.integer("dilation_px", "Dilation radius", 0, 512, &DeghostParams::dilationPx)
            .withUnit("px").withSoftRange(0, 128)
            .withTooltip("How far the mask grows around detected motion, in full-resolution pixels; a few tens "
                         "(24) cover motion blur and soft object edges (SPEC 1b).");
        b.integer("feather_px", "Feather", 0, 256, &DeghostParams::featherPx)
            .withUnit("px").withSoftRange(0, 64)
            .withTooltip("Gaussian sigma that softens the mask edge so the switch to the reference is invisible, "
                         "in full-resolution pixels; 12 = half the default dilation.");
        b.integer("analysis_long_side_px", "Analysis size", 0, 16384, &DeghostParams::analysisLongSidePx)
            .withUnit("px").withSoftRange(256, 4096)
            .withTooltip("Detection runs on a reduced copy with this long side (0 = full size); 1024 keeps a 12 MP "
                         "stack well under a second.");
        b.integer("clipped_level", "Clipped level", 1, 255, &DeghostParams::clippedLevel)
            .withUnit("levels")
            .withTooltip("Reference grey levels at or above this are clipped; such pixels are judged from the "
                         "nearest darker frame that is well exposed there (SPEC 1b).");
        b.integer("black_level", "Black level", 0, 254, &DeghostParams::blackLevel)
            .withUnit("levels")
            .withTooltip("Reference grey levels at or below this are black; such pixels are judged from the "
                         "nearest brighter frame that is well exposed there (SPEC 1b).");
        b.flag("per_channel", "Per channel", &DeghostParams::perChannel)
            .withTooltip("Judges R, G and B separately, each through its own intensity mapping; off compares one "
                         "grey level (SPEC 1b's sketch), which flags saturated colours that clip in one channel first.");
        b.integer("min_moving_channels", "Channels that must move", 1, 3, &DeghostParams::minMovingChannels)
            .enabledWhen("per_channel")
            .withTooltip("With per-channel judging, a pixel moves when at least this many of R, G, B leave their "
                         "bands; 2 ignores single-channel effects (one channel clipping first, colour processing).");
        b.flag("dominant_cluster", "Dominant cluster band", &DeghostParams::dominantCluster)
            .withTooltip("Takes the band's quantiles within the cluster of co-occurring levels around the most "
                         "frequent one (gaps up to the tolerance), so an object holding many of a level's pixels "
                         "cannot widen the band over itself; off uses the plain quantile band.");
        return b;
    }();
    return binding;
}

class DeghostMaskOperator final : public Operator, public HasParamBinding {
public:
    OperatorInfo info() const override
    {
        return {"deghost-mask", "Motion mask (deghosting)", category::alignment, 1,
                "Marks where frames disagree with the reference exposure after mapping their grey levels through the "
                "joint-histogram intensity mapping; 1 = take the reference only.",
                "FuseLab SPEC 1b"};
    }
    std::vector<ParamSpec> params() const override { return motionMaskBinding().specs(); }
    std::vector<const ParamBindingBase*> paramBindings() const override { return {&motionMaskBinding()}; }
    InputKind inputKind() const override { return InputKind::Stack; }

    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        const DeghostParams p = motionMaskBinding().read(values);
        if (p.blackLevel >= p.clippedLevel)
            throw Error("black_level (" + std::to_string(p.blackLevel) + ") must be below clipped_level (" +
                        std::to_string(p.clippedLevel) + ")");
        const MotionMask motion = detectMotion(*input.stack, p, progress);

        OperatorOutput out;
        out.image = motion.mask;
        out.extras.push_back({"overlay", makeOverlay(input.stack->frames[std::size_t(motion.referenceIndex)].pixels, motion.mask)});
        out.scalars["moving_fraction"] = motion.movingFraction;
        out.scalars["reference_index"] = motion.referenceIndex;
        return out;
    }

private:
    // The reference with moving areas tinted red in proportion to the mask, for viewers.
    static Image makeOverlay(const SampleImage& reference, const Image& mask)
    {
        Image base = reference.toFloat();
        const int w = base.width(), ch = base.channels();
        Image overlay = Image::uninitialised(w, base.height(), 3, base.encoding());
        parallelFor(0, base.height(), 32, [&](int y0, int y1) {
            for (int y = y0; y < y1; ++y) {
                const float* src = base.row(y);
                const float* m = mask.row(y);
                float* dst = overlay.row(y);
                for (int x = 0; x < w; ++x) {
                    const float a = 0.5f * m[x];
                    for (int c = 0; c < 3; ++c) {
                        const float v = src[std::size_t(x) * ch + std::size_t(std::min(c, ch >= 3 ? c : 0))];
                        dst[std::size_t(x) * 3 + std::size_t(c)] = (1.0f - a) * v + a * (c == 0 ? 1.0f : 0.0f);
                    }
                }
            }
        });
        return overlay;
    }
};

} // namespace

std::shared_ptr<const Operator> makeDeghostMaskOperator()
{
    return std::make_shared<DeghostMaskOperator>();
}

} // namespace fuselab
