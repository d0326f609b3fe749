#include "dispatch.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace fuselab {

void validateMertensParams(const MertensParams& p)
{
    auto nonNegative = [](double v) { return std::isfinite(v) && v >= 0.0; };
    if (!nonNegative(p.contrastExponent) || !nonNegative(p.saturationExponent) || !nonNegative(p.exposednessExponent))
        throw Error("fusion weight exponents must be finite and ≥ 0");
    if (!(p.sigma > 0.0) || !(p.optimum >= 0.0 && p.optimum <= 1.0)) throw Error("fusion needs σ > 0 and an optimum in [0,1]");
    if (p.levels < 0) throw Error("pyramid levels must be ≥ 0 (0 = automatic)");
    if (!(p.qualityFloor >= 0.0) || p.qualityFloor > 1.0) throw Error("the quality floor must be in [0, 1]");
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
    validateMertensParams(p);
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

// Mertens's measures are defined on display values (well-exposedness around 0.5 of the
// display range): frames that hold linear light — camera RAW developed linearly, linear EXR —
// go through the sRGB transfer curve first, in their own sample type.
SampleImage displayEncodedFrame(const SampleImage& frame)
{
    if (const Image16* p = frame.as16()) {
        static const std::vector<std::uint16_t> table = [] {
            std::vector<std::uint16_t> t(65536);
            for (std::size_t i = 0; i < t.size(); ++i) t[i] = std::uint16_t(std::lround(double(linearToSrgb(float(double(i) / 65535.0))) * 65535.0));
            return t;
        }();
        Image16 out = Image16::uninitialised(p->width(), p->height(), p->channels(), ColourEncoding::Srgb);
        for (int y = 0; y < p->height(); ++y) {
            const std::uint16_t* src = p->row(y);
            std::uint16_t* dst = out.row(y);
            for (int i = 0; i < p->width() * p->channels(); ++i) dst[i] = table[src[i]];
        }
        return SampleImage(out);
    }
    if (const Image8* p = frame.as8()) {
        std::uint8_t table[256];
        for (int i = 0; i < 256; ++i) table[i] = std::uint8_t(std::lround(linearToSrgb(float(i) / 255.0f) * 255.0f));
        Image8 out = Image8::uninitialised(p->width(), p->height(), p->channels(), ColourEncoding::Srgb);
        for (int y = 0; y < p->height(); ++y)
            for (int i = 0; i < p->width() * p->channels(); ++i) out.row(y)[i] = table[p->row(y)[i]];
        return SampleImage(out);
    }
    return SampleImage(withEncoding(*frame.asFloat(), ColourEncoding::Srgb));
}

FusionResult fuseMertens(const ExposureStack& stack, const MertensParams& params, const FusionOptions& options, ProgressSink& progress)
{
    validate(stack, params);
    progress.checkCancelled();
    const bool anyLinear = std::any_of(stack.frames.begin(), stack.frames.end(),
                                       [](const StackFrame& f) { return f.pixels.encoding() == ColourEncoding::Linear; });
    if (anyLinear) {
        ExposureStack displayed = stack;
        for (StackFrame& f : displayed.frames)
            if (f.pixels.encoding() == ColourEncoding::Linear) f.pixels = displayEncodedFrame(f.pixels);
        FUSELAB_DISPATCH(return, fuseMertensImpl(displayed, params, options, progress));
    }
    FUSELAB_DISPATCH(return, fuseMertensImpl(stack, params, options, progress));
}

} // namespace fuselab
