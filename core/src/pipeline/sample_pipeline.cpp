#include "fuselab/sample_pipeline.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/metrics.hpp"
#include "fuselab/sidecar.hpp"
#include "fuselab/stack_io.hpp"
#include "fuselab/synth_writer.hpp"

#include <filesystem>

namespace fuselab {
namespace {

// Runs one registered operator (if present) and writes its image with a sidecar.
bool runAndWrite(const OperatorRegistry& registry, const std::string& id, const OperatorInput& input, const ParamValues& values,
                 const std::string& path, const std::vector<std::string>& inputs, const std::string& command, ProgressSink& progress,
                 SampleReport& report, const std::string& what, Image* result = nullptr, WriteOptions write = {})
{
    const Operator* op = registry.find(id);
    if (!op) return false;
    const OperatorOutput out = runOperator(*op, input, values, progress);
    writeImage(path, out.image, write);
    Sidecar sidecar;
    sidecar.command = command;
    sidecar.operators.push_back({id, op->info().version, resolveParamValues(op->params(), values)});
    sidecar.inputFiles = inputs;
    sidecar.numbers = out.scalars;
    writeSidecar(path, sidecar);
    report.outputs.emplace_back(what, path);
    if (result) *result = out.image;
    return true;
}

} // namespace

SampleReport runSamplePipeline(const SampleOptions& options, const OperatorRegistry& registry, ProgressSink& progress)
{
    namespace fs = std::filesystem;
    SampleReport report;
    const fs::path out(options.outDir);

    // 1. The sample stack: the interior scene through an sRGB camera, 5 exposures 2 stops apart.
    SynthRequest request;
    request.scene = {"interior", options.widthPx, options.heightPx, 1};
    request.command = options.command;
    ProgressSpan synthSpan(progress, 0.0, 0.3);
    const SynthResult synth = writeSyntheticStack(request, (out / "stack").string(), synthSpan);
    report.outputs.emplace_back("stack (5 exposures, EXIF)", (out / "stack").string());
    report.outputs.emplace_back("true radiance", synth.radiancePath);

    StackLoadOptions load;
    const LoadedStack loaded = loadStack({(out / "stack").string()}, load);
    OperatorInput stackInput;
    stackInput.stack = &loaded.stack;

    // 2. Exposure fusion.
    ProgressSpan fuseSpan(progress, 0.3, 0.55);
    Image fused;
    runAndWrite(registry, "mertens", stackInput, {}, (out / "fused_mertens.png").string(), synth.framePaths, options.command, fuseSpan,
                report, "exposure fusion (Mertens)", &fused);

    // 3. Radiance merge and tone mapping, where those operators exist.
    ProgressSpan mergeSpan(progress, 0.55, 0.8);
    Image radiance, toneMapped;
    WriteOptions exr;
    exr.exrType = ExrPixelType::Half;
    if (runAndWrite(registry, "merge-debevec", stackInput, {}, (out / "radiance_debevec.exr").string(), synth.framePaths, options.command,
                    mergeSpan, report, "HDR merge (Debevec)", &radiance, exr)) {
        OperatorInput toneInput;
        toneInput.images.push_back(radiance);
        ProgressSpan toneSpan(progress, 0.8, 0.9);
        runAndWrite(registry, "tonemap-reinhard", toneInput, {}, (out / "tonemapped_reinhard.png").string(),
                    {(out / "radiance_debevec.exr").string()}, options.command, toneSpan, report, "tone mapped (Reinhard)",
                    &toneMapped);
    }

    // 4. Scores against the stack (no reference image exists for a fusion): MEF-SSIM first.
    ProgressSpan metricSpan(progress, 0.9, 1.0);
    auto score = [&](const std::string& what, const Image& image) {
        if (image.empty()) return;
        for (const MetricValue& m : computeFusionMetrics(SampleImage(image), loaded.stack, nullptr, {}, metricSpan))
            if (m.value && (m.key == "mef_ssim" || m.key == "qabf" || m.key == "spatial_frequency" || m.key == "entropy"))
                report.numbers.emplace_back(what + " " + m.key, *m.value);
    };
    score("fused", fused);
    score("tone-mapped", toneMapped);
    progress.report(1.0, "done");
    return report;
}

} // namespace fuselab
