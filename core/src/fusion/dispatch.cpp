#include "dispatch.hpp"

#include "fuselab/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace fuselab {

bool useIsaV3()
{
#ifdef FUSELAB_HAVE_ISA_V3
    static const bool supported = [] {
        const char* forced = std::getenv("FUSELAB_ISA");
        if (forced && std::strcmp(forced, "base") == 0) return false;
        __builtin_cpu_init();
        return __builtin_cpu_supports("x86-64-v3") != 0;
    }();
    return supported;
#else
    return false;
#endif
}

namespace {
void validate(const ExposureStack& stack, const MertensParams& p)
{
    if (stack.frames.empty()) throw Error("exposure fusion needs at least one frame");
    const int w = stack.width(), h = stack.height(), ch = stack.channels();
    for (const StackFrame& f : stack.frames)
        if (f.pixels.width() != w || f.pixels.height() != h || f.pixels.channels() != ch)
            throw Error(f.path, "differs in size or channels from the first frame of the stack");
    if (ch == 2) throw Error("two-channel images cannot be fused");
    auto nonNegative = [](double v) { return std::isfinite(v) && v >= 0.0; };
    if (!nonNegative(p.contrastExponent) || !nonNegative(p.saturationExponent) || !nonNegative(p.exposednessExponent))
        throw Error("fusion weight exponents must be finite and ≥ 0");
    if (!(p.sigma > 0.0) || !(p.optimum >= 0.0 && p.optimum <= 1.0)) throw Error("fusion needs σ > 0 and an optimum in [0,1]");
    if (p.levels < 0) throw Error("pyramid levels must be ≥ 0 (0 = automatic)");
    if (!(p.qualityFloor >= 0.0) || p.qualityFloor > 1.0) throw Error("the quality floor must be in [0, 1]");
}
} // namespace

int mertensPyramidLevels(int widthPx, int heightPx)
{
    // OpenCV computes int(log(min)/log(2)) in float; an integer log2 gives the same count
    // without the rounding risk at exact powers of two.
    int shortSide = std::max(1, std::min(widthPx, heightPx));
    int levels = 1;
    while (shortSide >= 2) {
        shortSide /= 2;
        ++levels;
    }
    return levels;
}

FusionResult fuseMertens(const ExposureStack& stack, const MertensParams& params, const FusionOptions& options, ProgressSink& progress)
{
    validate(stack, params);
    progress.checkCancelled();
    FUSELAB_DISPATCH(return, fuseMertensImpl(stack, params, options, progress));
}

} // namespace fuselab
