#include "fuselab/deghost_params.hpp"

#include "fuselab/error.hpp"

namespace fuselab {

std::vector<ParamSpec> deghostParamSpecs()
{
    return {
        ParamSpec::flag("deghost", "Deghost", false)
            .withTooltip("Detect what moved between frames (against the reference exposure, after exposure normalisation) "
                         "and take those regions from the reference frame only.")
            .withReference("SPEC §1b"),
        ParamSpec::integer("deghost_reference", "Reference frame", -1, 63, -1)
            .withTooltip("Frame whose content is kept where things moved, counted in exposure order from the darkest (0); "
                         "−1 = the middle exposure.")
            .enabledWhen("deghost"),
        ParamSpec::number("deghost_tolerance", "Motion tolerance", 1.0, 64.0, 12.0)
            .withUnit("levels").withStep(1.0).withSoftRange(2.0, 40.0)
            .withTooltip("How far (in grey levels of 255) a frame may stray from the band its exposure maps the reference "
                         "to before a pixel counts as moving. Smaller finds more motion and more false alarms.")
            .enabledWhen("deghost"),
    };
}

std::optional<MotionMask> motionMaskFromValues(const ExposureStack& stack, const ParamValues& values, ProgressSink& progress)
{
    if (!values.flag("deghost")) return std::nullopt;
    DeghostParams p;
    p.referenceIndex = int(values.integer("deghost_reference"));
    if (p.referenceIndex >= int(stack.size()))
        throw Error("deghost reference " + std::to_string(p.referenceIndex) + " is beyond the stack's " + std::to_string(stack.size()) +
                    " frames");
    if (p.referenceIndex >= 0 && stack.hasExposures()) {
        // Counted in exposure order: map to the stack's own order.
        const std::vector<int> order = framesDarkestFirst(stack);
        p.referenceIndex = order[std::size_t(p.referenceIndex)];
    }
    p.toleranceLevels = values.number("deghost_tolerance");
    return detectMotion(stack, p, progress);
}

} // namespace fuselab
