// Simple adjustments: exposure and gamma on linear light.
#include "builtin_list.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/param_binding.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fuselab {
namespace {

struct ExposureGammaSettings {
    double exposureStops = 0.0; ///< 2^stops on linear light
    double gamma = 1.0;         ///< 1 = unchanged
};

const ParamBinding<ExposureGammaSettings>& exposureGammaBinding()
{
    static const ParamBinding<ExposureGammaSettings> binding = [] {
        ParamBinding<ExposureGammaSettings> b;
        b.number("exposure_stops", "Exposure", -20.0, 20.0, &ExposureGammaSettings::exposureStops)
            .withUnit("stops").withStep(0.1).withSoftRange(-8.0, 8.0)
            .withTooltip("Multiplies linear light by 2^stops (+1 = twice as bright).");
        b.number("gamma", "Gamma", 0.1, 10.0, &ExposureGammaSettings::gamma)
            .withStep(0.01).withSoftRange(0.3, 3.0).withLogScale()
            .withTooltip("Raises the exposed linear values to 1/gamma (1 = unchanged).");
        return b;
    }();
    return binding;
}

class ExposureGammaOperator final : public Operator, public HasParamBinding {
public:
    OperatorInfo info() const override
    {
        return {"exposure", "Exposure and gamma", category::adjust, 1,
                "Scales linear light by 2^stops, then applies a gamma to the result.", ""};
    }
    std::vector<ParamSpec> params() const override { return exposureGammaBinding().specs(); }
    std::vector<const ParamBindingBase*> paramBindings() const override { return {&exposureGammaBinding()}; }
    InputKind inputKind() const override { return InputKind::Image; }

    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        Image img = withEncoding(input.images.front(), ColourEncoding::Linear).clone();
        const ExposureGammaSettings settings = exposureGammaBinding().read(values);
        const float gain = float(std::exp2(settings.exposureStops));
        const float invGamma = float(1.0 / settings.gamma);
        const int colourChannels = img.channels() == 4 ? 3 : img.channels();
        parallelFor(0, img.height(), 16, [&](int y0, int y1) {
            for (int y = y0; y < y1; ++y) {
                float* p = img.row(y);
                for (int x = 0; x < img.width(); ++x)
                    for (int c = 0; c < colourChannels; ++c) {
                        float& v = p[x * img.channels() + c];
                        v *= gain;
                        if (invGamma != 1.0f) v = v > 0.0f ? std::pow(v, invGamma) : 0.0f;
                        // Large radiance to a small gamma overflows float: saturate instead.
                        v = std::min(v, std::numeric_limits<float>::max());
                    }
            }
        });
        progress.report(1.0, "done");
        OperatorOutput out;
        out.image = img;
        return out;
    }
};

} // namespace

std::shared_ptr<const Operator> makeExposureGammaOperator()
{
    return std::make_shared<ExposureGammaOperator>();
}

} // namespace fuselab
