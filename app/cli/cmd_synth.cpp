// fuselab-cli synth: a bracketed LDR stack of a scene with known radiance and response.
#include "cli_support.hpp"
#include "command.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/synth_writer.hpp"

#include <cstdio>
#include <ctime>

namespace fuselab::cli {
namespace {

CameraResponse responseFromOption(const std::string& name, double gamma, double contrast, double mid)
{
    if (name == "linear") return CameraResponse::linear();
    if (name == "gamma") return CameraResponse::gamma(gamma);
    if (name == "srgb") return CameraResponse::srgb();
    if (name == "scurve") return CameraResponse::sCurve(contrast, mid);
    if (name.size() > 4 && name.substr(name.size() - 4) == ".csv") return readResponseCsv(name);
    throw UsageError("--response must be linear, gamma, srgb, scurve or a FILE.csv (got '" + name + "')");
}

class SynthCommand final : public Command {
public:
    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand("synth", "Write a synthetic bracketed stack with its true radiance (EXR) and response (CSV)");
        auto* scene = sub->add_option("--scene", m_scene, "Procedural scene: interior, ramp, patches")->capture_default_str();
        sub->add_option("--from-exr", m_fromExr, "Use the radiance of this OpenEXR file instead of a procedural scene")->excludes(scene);
        sub->add_option("--exposures", m_exposures, "Number of frames, centred on 0 stops")->capture_default_str()->check(CLI::Range(1, 64));
        sub->add_option("--ev-step", m_evStep, "Spacing between frames in stops")->capture_default_str();
        sub->add_option("--response", m_response, "Camera response: linear, gamma, srgb, scurve or FILE.csv")->capture_default_str();
        sub->add_option("--gamma", m_gamma, "Gamma of --response gamma")->capture_default_str();
        sub->add_option("--scurve-contrast", m_contrast, "Contrast of --response scurve")->capture_default_str();
        sub->add_option("--scurve-mid", m_mid, "Exposure mapped to mid scale by --response scurve")->capture_default_str();
        sub->add_flag("--noise", m_noise, "Add sensor noise (Poisson shot noise and Gaussian read noise)");
        sub->add_option("--full-well", m_fullWell, "Electrons at saturation (shot noise)")->capture_default_str();
        sub->add_option("--read-noise", m_readNoise, "Read noise in electrons (standard deviation)")->capture_default_str();
        sub->add_option("--misalign", m_misalign, "Largest random shift per axis in pixels (the median frame stays put)")->capture_default_str();
        sub->add_option("--seed", m_seed, "Random seed (scene layout, noise, shifts)")->capture_default_str();
        sub->add_option("--size", m_size, "Width x height of a procedural scene, e.g. 1024x768")->capture_default_str();
        sub->add_option("--bit-depth", m_bitDepth, "8 or 16")->capture_default_str()->check(CLI::IsMember({8, 16}));
        sub->add_option("--format", m_format, "png, tif or jpg")->capture_default_str()->check(CLI::IsMember({"png", "tif", "jpg"}));
        sub->add_option("--moving-object", m_objectRadius,
                        "Add an opaque textured object crossing the scene, of this radius (fraction of the short side, e.g. "
                        "0.1); truth/ then holds the ghost-free radiance and frames")
            ->check(CLI::Range(0.01, 0.5));
        sub->add_option("--object-step", m_objectStep, "--moving-object: its displacement from one frame to the next, px")
            ->capture_default_str();
        sub->add_option("--capture-start", m_captureStart,
                        "Give the frames EXIF capture times as auto-bracketing would, the first at this time "
                        "(YYYY-MM-DDTHH:MM:SS), each next one 0.2 s after the previous exposure ends");
        sub->add_option("-o,--output", m_outDir, "Output folder (created when missing)")->required();
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        applyThreads(m_common);
        SynthRequest request;
        request.command = commandLine();
        request.scene.scene = m_scene;
        request.scene.seed = m_seed;
        int w = 0, h = 0;
        char extra = 0;
        if (std::sscanf(m_size.c_str(), "%dx%d%c", &w, &h, &extra) != 2 || w < 8 || h < 8 || w > 20000 || h > 20000)
            throw UsageError("--size must be WIDTHxHEIGHT with each side in 8..20000 (got '" + m_size + "')");
        request.scene.widthPx = w;
        request.scene.heightPx = h;
        request.fromExr = m_fromExr;
        request.exposures = m_exposures;
        if (!m_captureStart.empty()) {
            std::tm tm{};
            char tail = 0;
            if (std::sscanf(m_captureStart.c_str(), "%d-%d-%dT%d:%d:%d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                            &tm.tm_sec, &tail) != 6 || tm.tm_year < 1900 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31)
                throw UsageError("--capture-start must be YYYY-MM-DDTHH:MM:SS (got '" + m_captureStart + "')");
            tm.tm_year -= 1900;
            tm.tm_mon -= 1;
            request.captureStartS = double(timegm(&tm));
        }
        request.evStepStops = m_evStep;
        request.format = m_format;
        try {
            request.camera.response = responseFromOption(m_response, m_gamma, m_contrast, m_mid);
        } catch (const UsageError&) {
            throw;
        }
        request.camera.noise.enabled = m_noise;
        request.camera.noise.fullWellElectrons = m_fullWell;
        request.camera.noise.readNoiseElectrons = m_readNoise;
        request.camera.misalignPx = m_misalign;
        request.camera.seed = m_seed;
        request.camera.bitDepth = m_bitDepth;
        if (m_objectRadius > 0.0) {
            request.movingObject = true;
            request.object.radiusFraction = m_objectRadius;
            request.object.stepXPx = m_objectStep;
            request.object.seed = m_seed;
        }
        if (m_misalign < 0 || m_misalign > 500) throw UsageError("--misalign must be in 0..500 px");

        ConsoleProgress progress("synth", m_common.quiet);
        const SynthResult result = writeSyntheticStack(request, m_outDir, progress);
        progress.finish();
        for (const std::string& f : result.framePaths) std::printf("%s\n", f.c_str());
        std::printf("%s\n%s\n%s\n", result.radiancePath.c_str(), result.responsePath.c_str(), result.truthPath.c_str());
        return kSuccess;
    }

private:
    std::string m_scene = "interior";
    std::string m_fromExr;
    int m_exposures = 5;
    double m_evStep = 2.0;
    std::string m_response = "srgb";
    double m_gamma = 2.2, m_contrast = 1.6, m_mid = 0.18;
    bool m_noise = false;
    double m_fullWell = 20000.0, m_readNoise = 4.0;
    double m_misalign = 0.0;
    double m_objectRadius = 0.0; ///< 0 = no moving object
    double m_objectStep = 48.0;
    std::uint64_t m_seed = 1;
    std::string m_size = "960x640";
    int m_bitDepth = 8;
    std::string m_format = "png";
    std::string m_outDir;
    std::string m_captureStart;
    CommonOptions m_common;
};

} // namespace

std::unique_ptr<Command> makeSynthCommand()
{
    return std::make_unique<SynthCommand>();
}

} // namespace fuselab::cli
