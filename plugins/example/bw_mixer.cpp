// An example FuseLab plugin: a black-and-white channel mixer.
//
// grey = r·R + g·G + b·B on linear light (weights divided by their sum when `normalise` is on,
// so a neutral grey keeps its brightness). The defaults are the Rec. 709 luminance weights,
// a neutral conversion; raising red darkens blue skies like a red filter on black-and-white film.
//
// Everything a plugin needs: an Operator subclass (info, params, inputKind, run), a register
// function, and the FUSELAB_PLUGIN line that exports it. Only FuseLab's public headers are used.
#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/plugin_api.hpp"

#include <cmath>
#include <memory>
#include <string>

namespace {

using namespace fuselab;

class BlackAndWhiteMixer final : public Operator {
public:
    OperatorInfo info() const override
    {
        return {"example-bw-mixer", "Black-and-white mixer (example plugin)", category::adjust, 1,
                "Turns a colour image into grey as a weighted sum of its red, green and blue light.",
                "ITU-R BT.709 luminance weights (defaults)"};
    }

    std::vector<ParamSpec> params() const override
    {
        return {
            ParamSpec::number("red", "Red", -2.0, 2.0, 0.2126)
                .withStep(0.01)
                .withTooltip("Weight of the red light. Default 0.2126, the Rec. 709 luminance weight.")
                .withReference("ITU-R BT.709"),
            ParamSpec::number("green", "Green", -2.0, 2.0, 0.7152)
                .withStep(0.01)
                .withTooltip("Weight of the green light. Default 0.7152, the Rec. 709 luminance weight.")
                .withReference("ITU-R BT.709"),
            ParamSpec::number("blue", "Blue", -2.0, 2.0, 0.0722)
                .withStep(0.01)
                .withTooltip("Weight of the blue light. Default 0.0722, the Rec. 709 luminance weight.")
                .withReference("ITU-R BT.709"),
            ParamSpec::flag("normalise", "Keep brightness", true)
                .withTooltip("Divide the weights by their sum so that a neutral grey stays the same grey (ignored when "
                             "they sum to 0). On by default."),
        };
    }

    InputKind inputKind() const override { return InputKind::Image; }

    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        const Image& source = input.images.front();
        if (source.channels() < 3)
            throw Error("the black-and-white mixer needs a colour image; this one has " +
                        std::to_string(source.channels()) + " channel(s)");
        double r = values.number("red"), g = values.number("green"), b = values.number("blue");
        const double sum = r + g + b;
        if (values.flag("normalise") && std::fabs(sum) > 1e-9) {
            r /= sum;
            g /= sum;
            b /= sum;
        }
        // Mix light, not code values: an sRGB photograph is decoded first.
        const Image linear = withEncoding(source, ColourEncoding::Linear);
        Image grey = Image::uninitialised(linear.width(), linear.height(), 1, ColourEncoding::Linear);
        const int channels = linear.channels();
        parallelFor(0, linear.height(), 32, [&](int y0, int y1) {
            for (int y = y0; y < y1; ++y) {
                const float* p = linear.row(y);
                float* dst = grey.row(y);
                for (int x = 0; x < linear.width(); ++x) {
                    const float* px = p + std::size_t(x) * std::size_t(channels);
                    const double v = r * px[0] + g * px[1] + b * px[2];
                    // Negative weights can ask for negative light: black instead (NaN too).
                    dst[x] = v > 0.0 ? float(std::fmin(v, 3.0e38)) : 0.0f;
                }
            }
        });
        progress.report(1.0, "mix");
        OperatorOutput out;
        out.image = grey;
        return out;
    }
};

void registerExampleOperators(OperatorRegistry& registry)
{
    registry.add(std::make_shared<BlackAndWhiteMixer>());
}

} // namespace

FUSELAB_PLUGIN("example", "1.0", "An example plugin: a black-and-white channel mixer", registerExampleOperators)
