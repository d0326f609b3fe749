// Radiance merge operators: recover a response (Debevec, Robertson) or take a known one, then
// merge the stack into linear float radiance. Each also returns the response it used as the
// extra image "response" (256 × 1, ln X per code, one channel per colour) for plotting.
#include "builtin_list.hpp"

#include "fuselab/deghost_params.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/param_binding.hpp"
#include "fuselab/hdr_merge.hpp"
#include "fuselab/merge_operators.hpp"

#include "fuselab/io.hpp"

#include <cstdio>

namespace fuselab {
namespace {

const char* const kDebevecReference = "Debevec & Malik, Recovering high dynamic range radiance maps from photographs, SIGGRAPH 1997";
const char* const kRobertsonReference =
    "Robertson, Borman & Stevenson, Estimation-theoretic approach to dynamic range enhancement using multiple exposures, "
    "J. Electronic Imaging 12(2), 2003";

// The weighting parameter's choices and help. Debevec's is bound to DebevecParams::weighting;
// Robertson's and the known response's have no struct member (their default is the spec's).
std::vector<std::pair<MergeWeighting, ParamChoice>> weightingChoices()
{
    return {{MergeWeighting::Hat, {"hat", "Hat (Debevec)"}},
            {MergeWeighting::Gaussian, {"gaussian", "Gaussian (Robertson)"}},
            {MergeWeighting::Plateau, {"plateau", "Plateau"}}};
}

ParamSpec& describeWeighting(ParamSpec& spec, const std::string& why)
{
    return spec
        .withTooltip("How much each frame's code counts in the merge: hat = min(z, 255 − z), Robertson's Gaussian bump, "
                     "or a flat plateau 1 − (2v − 1)^12; all are zero at black and at clipping. " + why)
        .withReference("SPEC §2");
}

// The weighting of a merge that holds it in no struct member.
ParamSpec unboundWeighting(MergeWeighting byDefault, const std::string& why)
{
    std::vector<ParamChoice> choices;
    std::string defaultId;
    for (const auto& [w, c] : weightingChoices()) {
        choices.push_back(c);
        if (w == byDefault) defaultId = c.id;
    }
    ParamSpec spec = ParamSpec::choice("weighting", "Weighting", choices, defaultId);
    describeWeighting(spec, why);
    return spec;
}

// What every merge shares besides the weighting: the saturation check, bound to MergeParams.
const ParamBinding<MergeParams>& mergeParamBinding()
{
    static const ParamBinding<MergeParams> binding = [] {
        ParamBinding<MergeParams> b;
        b.flag("saturation_check", "Drop frames proven saturated", &MergeParams::saturationCheck)
            .withTooltip("Ignore, per pixel, a frame whose clipping level is half a stop or more below the light a darker "
                         "frame recorded there (its near-white code is JPEG ringing or noise). On by default: without it, "
                         "lamps clipped in the darkest frame come out speckled and dark-rimmed.");
        return b;
    }();
    return binding;
}

const ParamBinding<DebevecParams>& debevecParamBinding()
{
    static const ParamBinding<DebevecParams> binding = [] {
        ParamBinding<DebevecParams> b;
        b.integer("samples", "Sample pixels", 1, 100000, &DebevecParams::samples)
            .withSoftRange(20, 1000)
            .withTooltip("Pixels on a regular grid whose codes feed the least-squares fit; 70 is OpenCV's default.")
            .withReference("OpenCV CalibrateDebevec");
        b.number("lambda", "Smoothness λ", 0.0, 1000.0, &DebevecParams::lambda)
            .withStep(0.5).withSoftRange(0.0, 100.0)
            .withTooltip("Weight of the smoothness rows λ·w(z)·g''(z) against the data; 10 is OpenCV's default. "
                         "0 fits the data alone (uncovered codes are interpolated).")
            .withReference("Debevec & Malik 1997; OpenCV");
        b.integer("levels", "Code levels", 16, 1024, &DebevecParams::levels)
            .withSoftRange(64, 1024)
            .withTooltip("Number of code values the response is solved for; 256 matches 8-bit data, and 16-bit or "
                         "float frames are binned to this many levels.");
        describeWeighting(b.choice("weighting", "Weighting", weightingChoices(), &DebevecParams::weighting),
                          "Used for both the fit and the merge; the hat is the paper's.");
        return b;
    }();
    return binding;
}

const ParamBinding<RobertsonParams>& robertsonParamBinding()
{
    static const ParamBinding<RobertsonParams> binding = [] {
        ParamBinding<RobertsonParams> b;
        b.integer("iterations", "Max iterations", 1, 500, &RobertsonParams::maxIterations)
            .withSoftRange(1, 100)
            .withTooltip("Upper limit on the alternating updates of irradiance and response; 30 is OpenCV's default.")
            .withReference("OpenCV CalibrateRobertson");
        b.number("threshold", "Convergence threshold", 0.0, 1.0, &RobertsonParams::threshold)
            .withStep(0.001).withSoftRange(0.0, 0.1)
            .withTooltip("Stops when the mean change of the normalised response I(m) falls below this; 0.01 is "
                         "OpenCV's default.")
            .withReference("OpenCV CalibrateRobertson");
        b.integer("sample_pixels", "Sample pixels", 1000, 100000000, &RobertsonParams::maxSamplePixels)
            .withSoftRange(10000, 2000000).withLogScale()
            .withTooltip("Pixels (a regular subsample) used in each iteration; 200 000 keeps 12 MP stacks fast "
                         "while every code level is still seen many times.");
        b.unbound(unboundWeighting(MergeWeighting::Gaussian,
                                   "Only the merge uses it (the fit always uses Robertson's weight); the default is the paper's."));
        return b;
    }();
    return binding;
}

// The known response's parameters: no options struct (they make a CameraResponse), so their
// defaults are written here, once.
std::vector<ParamSpec> knownResponseSpecs()
{
    return {
        ParamSpec::choice("response", "Response", {{"linear", "Linear (raw data)"}, {"gamma", "Gamma"}, {"srgb", "sRGB"}}, "srgb")
            .withTooltip("The curve that turned light into the frames' codes; sRGB is what most cameras' JPEG and "
                         "PNG output assumes.")
            .withReference("IEC 61966-2-1 (sRGB)"),
        ParamSpec::number("gamma", "Gamma", 0.2, 5.0, 2.2)
            .withStep(0.05).withSoftRange(1.0, 3.0)
            .withTooltip("Codes are light^(1/gamma); 2.2 is the classic display gamma.")
            .enabledWhen("response=gamma"),
        unboundWeighting(MergeWeighting::Hat, "The hat is Debevec & Malik's."),
    };
}

// An operator's specs: its own, the merge's, then deghosting's (every merge can keep moving
// objects from one frame, deghost_params.hpp).
std::vector<ParamSpec> mergeOperatorSpecs(std::vector<ParamSpec> specs)
{
    for (const ParamSpec& s : mergeParamBinding().specs()) specs.push_back(s);
    for (const ParamSpec& s : deghostParamSpecs()) specs.push_back(s);
    return specs;
}

// Shared tail: refuse stacks without exposure data first (the error names the frame, --ev
// and --times), then merge and package the result.
const ExposureStack& stackWithExposures(const OperatorInput& input)
{
    if (!input.stack) throw Error("radiance merge needs an exposure stack");
    input.stack->relativeExposureTimes();
    return *input.stack;
}

// Deghosting comes first, before any response recovery: the fit then sees one consistent
// scene, not the moving object's codes at several places.
std::optional<DeghostOutcome> deghostFirst(const OperatorInput& input, const ParamValues& values, ProgressSink& progress)
{
    return deghostFromValues(stackWithExposures(input), values, input.deghostSources, progress);
}

OperatorOutput mergeAndPackage(const ExposureStack& stack, const CameraResponse& response, MergeWeighting weighting,
                               const ParamValues& values, const std::optional<DeghostOutcome>& deghosted, ProgressSink& progress)
{
    MergeParams mp = mergeParamsFromValues(values);
    mp.weighting = weighting;
    MergeStats stats;
    OperatorOutput out;
    if (deghosted) reportDeghost(*deghosted, out);
    out.image = mergeRadiance(stack, response, mp, progress, &stats);
    out.extras.push_back({"response", responseCurveImage(response, 256)});
    out.scalars["clipped_everywhere_fraction"] = stats.clippedEverywhereFraction;
    out.scalars["black_everywhere_fraction"] = stats.blackEverywhereFraction;
    if (stats.clippedEverywhereFraction > 0.001) {
        char note[160];
        std::snprintf(note, sizeof note,
                      "%.2f%% of samples are clipped in every frame: their radiance is a lower bound "
                      "(the darkest frame's brightest code)", 100.0 * stats.clippedEverywhereFraction);
        out.notes.push_back(note);
    }
    return out;
}

class DebevecMergeOperator final : public Operator, public HasParamBinding {
public:
    OperatorInfo info() const override
    {
        return {"merge-debevec", "HDR merge (Debevec)", category::merge, 1,
                "Recovers the camera response by Debevec & Malik's least squares and merges the stack into linear radiance.",
                kDebevecReference};
    }
    std::vector<ParamSpec> params() const override { return mergeOperatorSpecs(debevecParamBinding().specs()); }
    std::vector<const ParamBindingBase*> paramBindings() const override
    {
        return {&debevecParamBinding(), &mergeParamBinding(), &deghostParamBinding()};
    }
    InputKind inputKind() const override { return InputKind::Stack; }

    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        progress.checkCancelled();
        ProgressSpan deghostSpan(progress, 0.0, 0.2);
        const std::optional<DeghostOutcome> deghosted = deghostFirst(input, values, deghostSpan);
        const ExposureStack& stack = stackToUse(deghosted, *input.stack);
        const DebevecParams dp = debevecParamsFromValues(values);
        ResponseRecoveryReport report;
        ProgressSpan recovery(progress, 0.2, 0.4);
        const CameraResponse response = recoverResponseDebevec(stack, dp, recovery, &report);
        ProgressSpan merge(progress, 0.4, 1.0);
        OperatorOutput out = mergeAndPackage(stack, response, dp.weighting, values, deghosted, merge);
        out.scalars["samples_used"] = report.samplesUsed;
        out.scalars["fit_rms_ln"] = report.fitRmsLn;
        out.scalars["monotone_fixes"] = report.monotoneFixes;
        return out;
    }
};

class RobertsonMergeOperator final : public Operator, public HasParamBinding {
public:
    OperatorInfo info() const override
    {
        return {"merge-robertson", "HDR merge (Robertson)", category::merge, 1,
                "Recovers the camera response by Robertson et al.'s iterative estimation and merges the stack into linear radiance.",
                kRobertsonReference};
    }
    std::vector<ParamSpec> params() const override { return mergeOperatorSpecs(robertsonParamBinding().specs()); }
    std::vector<const ParamBindingBase*> paramBindings() const override
    {
        return {&robertsonParamBinding(), &mergeParamBinding(), &deghostParamBinding()};
    }
    InputKind inputKind() const override { return InputKind::Stack; }

    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        progress.checkCancelled();
        ProgressSpan deghostSpan(progress, 0.0, 0.2);
        const std::optional<DeghostOutcome> deghosted = deghostFirst(input, values, deghostSpan);
        const ExposureStack& stack = stackToUse(deghosted, *input.stack);
        const RobertsonParams rp = robertsonParamsFromValues(values);
        ResponseRecoveryReport report;
        ProgressSpan recovery(progress, 0.2, 0.5);
        const CameraResponse response = recoverResponseRobertson(stack, rp, recovery, &report);
        ProgressSpan merge(progress, 0.5, 1.0);
        OperatorOutput out = mergeAndPackage(stack, response, mergeWeightingFromString(values.choice("weighting")),
                                             values, deghosted, merge);
        out.scalars["iterations"] = report.iterations;
        out.scalars["converged"] = report.converged ? 1.0 : 0.0;
        out.scalars["final_change"] = report.finalChange;
        out.scalars["samples_used"] = report.samplesUsed;
        out.scalars["monotone_fixes"] = report.monotoneFixes;
        if (!report.converged)
            out.notes.push_back("Robertson recovery stopped at the iteration limit before the change fell below the threshold");
        return out;
    }
};

class KnownResponseMergeOperator final : public Operator, public HasParamBinding {
public:
    KnownResponseMergeOperator() = default;
    /// The same operator with a measured curve (a response CSV) instead of its `response` choice.
    KnownResponseMergeOperator(CameraResponse fromFile, std::string file) : m_fromFile(std::move(fromFile)), m_file(std::move(file)) {}

    OperatorInfo info() const override
    {
        return {"merge-response", "HDR merge (known response)", category::merge, 1,
                m_file.empty() ? "Merges the stack into linear radiance through a known camera response (linear, gamma or sRGB)."
                               : "Merges the stack into linear radiance through the camera response in " + m_file +
                                     " (its response and gamma parameters unused).",
                kDebevecReference};
    }
    std::vector<ParamSpec> params() const override { return mergeOperatorSpecs(knownResponseSpecs()); }
    std::vector<const ParamBindingBase*> paramBindings() const override { return {&mergeParamBinding(), &deghostParamBinding()}; }
    InputKind inputKind() const override { return InputKind::Stack; }

    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink& progress) const override
    {
        progress.checkCancelled();
        ProgressSpan deghostSpan(progress, 0.0, 0.2);
        const std::optional<DeghostOutcome> deghosted = deghostFirst(input, values, deghostSpan);
        const CameraResponse response = m_fromFile ? *m_fromFile : knownResponseFromValues(values);
        ProgressSpan merge(progress, 0.2, 1.0);
        return mergeAndPackage(stackToUse(deghosted, *input.stack), response, mergeWeightingFromString(values.choice("weighting")),
                               values, deghosted, merge);
    }

private:
    std::optional<CameraResponse> m_fromFile;
    std::string m_file;
};

} // namespace

std::shared_ptr<const Operator> makeMergeWithResponseFile(const std::string& csvPath)
{
    return std::make_shared<KnownResponseMergeOperator>(readResponseCsv(csvPath), csvPath);
}

DebevecParams debevecParamsFromValues(const ParamValues& values)
{
    return debevecParamBinding().read(values);
}

RobertsonParams robertsonParamsFromValues(const ParamValues& values)
{
    return robertsonParamBinding().read(values);
}

CameraResponse knownResponseFromValues(const ParamValues& values)
{
    const std::string& kind = values.choice("response");
    return kind == "linear" ? CameraResponse::linear() : kind == "gamma" ? CameraResponse::gamma(values.number("gamma")) : CameraResponse::srgb();
}

MergeParams mergeParamsFromValues(const ParamValues& values)
{
    MergeParams mp = mergeParamBinding().read(values);
    mp.weighting = mergeWeightingFromString(values.choice("weighting")); // each merge operator's own
    return mp;
}

std::shared_ptr<const Operator> makeDebevecMergeOperator()
{
    return std::make_shared<DebevecMergeOperator>();
}

std::shared_ptr<const Operator> makeRobertsonMergeOperator()
{
    return std::make_shared<RobertsonMergeOperator>();
}

std::shared_ptr<const Operator> makeKnownResponseMergeOperator()
{
    return std::make_shared<KnownResponseMergeOperator>();
}

} // namespace fuselab
