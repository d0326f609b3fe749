#include "fuselab/deghost_params.hpp"

#include "fuselab/base/error.hpp"

namespace fuselab {

const ParamBinding<DeghostParams>& deghostParamBinding()
{
    static const ParamBinding<DeghostParams> binding = [] {
        ParamBinding<DeghostParams> b;
        b.unbound(ParamSpec::flag("deghost", "Deghost", true))
            .withTooltip("Detect what moved between frames (against the reference exposure, after mapping each frame's "
                         "levels through its intensity mapping function) and show it there once: the moving regions of "
                         "every other frame are replaced by the reference's content mapped to that frame's exposure, so "
                         "the object keeps the fused tone. Where nothing moved the result is exactly plain fusion.")
            .withReference("SPEC §1b; Grosch 2006; Sen et al. 2012");
        b.integer("deghost_reference", "Reference frame", -1, 63, &DeghostParams::referenceIndex)
            .withTooltip("Frame whose content is kept where things moved, counted in exposure order from the darkest (0); "
                         "−1 = the middle exposure.")
            .enabledWhen("deghost");
        b.number("deghost_tolerance", "Motion tolerance", 1.0, 64.0, &DeghostParams::toleranceLevels)
            .withUnit("levels").withStep(1.0).withSoftRange(2.0, 40.0)
            .withTooltip("How far (in grey levels of 255) a frame may stray from the band its exposure maps the reference "
                         "to before a pixel counts as moving. Smaller finds more motion and more false alarms.")
            .enabledWhen("deghost");
        return b;
    }();
    return binding;
}

std::vector<ParamSpec> deghostParamSpecs()
{
    return deghostParamBinding().specs();
}

std::optional<DeghostOutcome> deghostFromValues(const ExposureStack& stack, const ParamValues& values, const Image8* painted,
                                                ProgressSink& progress)
{
    const bool automatic = values.flag("deghost");
    if (!automatic && !painted) return std::nullopt;
    DeghostParams p = deghostParamBinding().read(values);
    if (p.referenceIndex >= int(stack.size()))
        throw Error("deghost reference " + std::to_string(p.referenceIndex) + " is beyond the stack's " + std::to_string(stack.size()) +
                    " frames");
    if (p.referenceIndex >= 0 && stack.hasExposures()) {
        // Counted in exposure order: map to the stack's own order.
        const std::vector<int> order = framesDarkestFirst(stack);
        p.referenceIndex = order[std::size_t(p.referenceIndex)];
    }
    ProgressSpan detection(progress, 0.0, 0.6);
    MotionMask motion;
    if (automatic) {
        motion = detectMotion(stack, p, detection);
    } else {
        motion.referenceIndex = p.referenceIndex >= 0 ? p.referenceIndex : defaultReferenceIndex(stack);
        motion.mask = Image(stack.width(), stack.height(), 1, ColourEncoding::Linear);
    }
    ProgressSpan building(progress, 0.6, 1.0);
    return makeConsistentStack(stack, motion, painted, p, building);
}

void reportDeghost(const DeghostOutcome& outcome, OperatorOutput& out)
{
    out.extras.push_back({"motion_mask", outcome.motion.mask});
    out.scalars["moving_fraction"] = outcome.motion.movingFraction;
    for (std::size_t k = 0; k < outcome.pixelsFromFrame.size(); ++k)
        out.scalars["deghost_pixels_frame_" + std::to_string(k)] = double(outcome.pixelsFromFrame[k]);
}

} // namespace fuselab
