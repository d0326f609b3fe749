// Alignment operators: median threshold bitmap translation and homography.
#include "builtin_list.hpp"

#include "fuselab/align.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/param_binding.hpp"

namespace fuselab {
namespace {

constexpr const char* kWardReference =
    "Ward 2003, Fast, robust image registration for compositing high dynamic range photographs from hand-held exposures";

// The parameters both alignments share, bound to AlignParams (the specs' defaults are its own).
void bindBorder(ParamBinding<AlignParams>& b)
{
    b.choice("border", "Uncovered border",
             std::vector<std::pair<InvalidBorder, ParamChoice>>{{InvalidBorder::Crop, {"crop", "Crop to the common area"}},
                                                               {InvalidBorder::Mark, {"mark", "Keep size, mark"}}},
             &AlignParams::border)
        .withTooltip("crop: every frame is cut to the largest rectangle all aligned frames cover; mark: sizes stay, "
                     "pixels a frame does not cover are filled from its edge and reported in the valid_mask extra.");
}

void bindReference(ParamBinding<AlignParams>& b)
{
    b.integer("reference_index", "Reference frame", -1, 63, &AlignParams::referenceIndex)
        .withTooltip("Stack index (0-based, in stack order) of the frame the others are aligned to; -1 picks the median "
                     "exposure (SPEC 1b), the frame least likely to be clipped or noisy.");
}

void bindExclude(ParamBinding<AlignParams>& b)
{
    b.integer("exclude_range", "Exclusion range", 0, 64, &AlignParams::excludeRange)
        .withUnit("levels")
        .withTooltip("Grey levels (of 255) around each image's median that are left out of the bitmap comparison because "
                     "noise flips them; 4 is Ward's default.")
        .withReference(kWardReference);
}

const ParamBinding<AlignParams>& mtbBinding()
{
    static const ParamBinding<AlignParams> binding = [] {
        ParamBinding<AlignParams> b;
        b.integer("max_shift_px", "Maximum shift", 0, 512, &AlignParams::maxShiftPx)
            .withUnit("px").withSoftRange(0, 256)
            .withTooltip("Largest shift searched per axis, in full-resolution pixels; 64 is Ward's default "
                         "(6 pyramid levels).")
            .withReference(kWardReference);
        bindExclude(b);
        bindBorder(b);
        bindReference(b);
        return b;
    }();
    return binding;
}

const ParamBinding<AlignParams>& homographyBinding()
{
    static const ParamBinding<AlignParams> binding = [] {
        ParamBinding<AlignParams> b;
        b.integer("analysis_long_side_px", "Analysis size", 0, 16384, &AlignParams::analysisLongSidePx)
            .withUnit("px").withSoftRange(256, 4096)
            .withTooltip("The homography is estimated on a reduced copy with this long side (0 = full size), then "
                         "scaled up; 1536 keeps a 24 MP frame's estimate under a second while errors stay sub-pixel.");
        b.flag("ecc_refine", "ECC refinement", &AlignParams::eccRefine)
            .withTooltip("Refines the feature homography by maximising the enhanced correlation coefficient "
                         "(sub-pixel); off keeps the RANSAC estimate alone.")
            .withReference("Evangelidis & Psarakis 2008, Parametric image alignment using enhanced correlation coefficient maximization");
        b.integer("min_inliers", "Minimum inliers", 4, 1000, &AlignParams::minFeatureInliers)
            .withSoftRange(4, 200)
            .withTooltip("Feature matches that must agree on the homography before it is trusted; with fewer, "
                         "ECC alone must register the frame from the bitmap shift.");
        b.integer("max_shift_px", "Maximum first-guess shift", 0, 512, &AlignParams::maxShiftPx)
            .withUnit("px").withSoftRange(0, 256)
            .withTooltip("Range of the median-threshold-bitmap translation that seeds the estimate, in "
                         "full-resolution pixels (Ward's default 64).");
        bindExclude(b);
        bindBorder(b);
        bindReference(b);
        return b;
    }();
    return binding;
}

OperatorOutput alignmentOutput(const AlignmentResult& result)
{
    OperatorOutput out;
    out.image = result.aligned.frames[std::size_t(result.referenceIndex)].pixels.toFloat();
    for (std::size_t k = 0; k < result.aligned.size(); ++k) {
        out.extras.push_back({convention::alignedFrameExtra(k), result.aligned.frames[k].pixels.toFloat()});
        const FrameTransform& t = result.transforms[k];
        out.scalars["dx_" + std::to_string(k)] = t.dxPx;
        out.scalars["dy_" + std::to_string(k)] = t.dyPx;
        out.scalars["rotation_deg_" + std::to_string(k)] = t.rotationDeg;
    }
    if (!result.validMask.empty()) out.extras.push_back({"valid_mask", result.validMask});
    out.scalars["reference_index"] = result.referenceIndex;
    out.scalars["valid_x"] = result.validRect.x;
    out.scalars["valid_y"] = result.validRect.y;
    out.scalars["valid_width"] = result.validRect.width;
    out.scalars["valid_height"] = result.validRect.height;
    return out;
}

class AlignMtbOperator final : public Operator, public HasParamBinding {
public:
    OperatorInfo info() const override
    {
        return {"align-mtb", "Align: median threshold bitmaps", category::alignment, 1,
                "Finds each frame's whole-pixel shift against the reference with exposure-independent median "
                "threshold bitmaps and shifts the frames into register.",
                kWardReference};
    }
    std::vector<ParamSpec> params() const override { return mtbBinding().specs(); }
    std::vector<const ParamBindingBase*> paramBindings() const override { return {&mtbBinding()}; }
    InputKind inputKind() const override { return InputKind::Stack; }

    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        AlignParams p = mtbBinding().read(values);
        p.method = AlignMethod::Mtb;
        return alignmentOutput(alignStack(*input.stack, p, progress));
    }
};

class AlignHomographyOperator final : public Operator, public HasParamBinding {
public:
    OperatorInfo info() const override
    {
        return {"align-homography", "Align: homography", category::alignment, 1,
                "Registers hand-held frames with rotation and perspective: ORB features and RANSAC on exposure-normalised "
                "proxies, refined by ECC, then resamples them bilinearly into the reference geometry.",
                "Rublee et al. 2011 (ORB); Fischler & Bolles 1981 (RANSAC); Evangelidis & Psarakis 2008 (ECC)"};
    }
    std::vector<ParamSpec> params() const override { return homographyBinding().specs(); }
    std::vector<const ParamBindingBase*> paramBindings() const override { return {&homographyBinding()}; }
    InputKind inputKind() const override { return InputKind::Stack; }

    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        AlignParams p = homographyBinding().read(values);
        p.method = AlignMethod::Homography;
        return alignmentOutput(alignStack(*input.stack, p, progress));
    }
};

} // namespace

std::shared_ptr<const Operator> makeAlignMtbOperator()
{
    return std::make_shared<AlignMtbOperator>();
}

std::shared_ptr<const Operator> makeAlignHomographyOperator()
{
    return std::make_shared<AlignHomographyOperator>();
}

} // namespace fuselab
