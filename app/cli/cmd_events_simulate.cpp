// fuselab-cli events simulate [options] -o DIR: a synthetic frame+event sequence with truth.
#include "cli_support.hpp"
#include "events_commands.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/events_sim_writer.hpp"

#include <cstdio>

namespace fuselab::cli {
namespace {

class EventsSimulateCommand final : public Command {
public:
    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand("simulate", "Simulate an event camera (ESIM-style) next to a frame camera on a synthetic "
                                                       "HDR scene; writes LDR frames, events and the true radiance");
        sub->add_option("--scene", m_scene, "Procedural scene: interior, ramp, patches")->capture_default_str();
        sub->add_option("--size", m_size, "Width x height, e.g. 240x180")->capture_default_str();
        sub->add_option("--frames", m_frames, "Frames (the first at t = 0)")->capture_default_str()->check(CLI::Range(1, 10000));
        sub->add_option("--fps", m_fps, "Frames per second")->capture_default_str()->check(CLI::Range(0.01, 100000.0));
        sub->add_option("--substeps", m_substeps, "Scene samples per frame interval for the events")->capture_default_str()
            ->check(CLI::Range(1, 1000));
        sub->add_option("--motion", m_motion, "camera (smooth translation path), object (a disc crosses), none")
            ->capture_default_str()->check(CLI::IsMember({"camera", "object", "none"}));
        sub->add_option("--motion-px", m_motionPx, "Camera path amplitude / object travel per frame, in pixels")->capture_default_str();
        sub->add_option("--brightness-stops", m_brightness, "Radiance change over the sequence in stops")->capture_default_str();
        sub->add_option("--contrast-pos", m_cPos, "C+ threshold (log units)")->capture_default_str()->check(CLI::Range(0.01, 5.0));
        sub->add_option("--contrast-neg", m_cNeg, "C- threshold (log units)")->capture_default_str()->check(CLI::Range(0.01, 5.0));
        sub->add_option("--threshold-sigma", m_sigma, "Per-pixel Gaussian threshold mismatch (log units)")->capture_default_str()
            ->check(CLI::Range(0.0, 1.0));
        sub->add_option("--refractory-us", m_refractory, "Refractory period per pixel")->capture_default_str()->check(CLI::Range(0.0, 1e7));
        sub->add_option("--noise-rate-hz", m_noise, "Shot-noise events per pixel per second")->capture_default_str()->check(CLI::Range(0.0, 1e4));
        sub->add_flag("--frame-noise", m_frameNoise, "Sensor noise on the LDR frames (shot and read noise)");
        sub->add_option("--bit-depth", m_bitDepth, "LDR frame bit depth, 8 or 16")->capture_default_str()->check(CLI::IsMember({8, 16}));
        sub->add_option("--seed", m_seed, "Seed of the scene, the frame noise and the event noise")->capture_default_str();
        sub->add_option("--events-format", m_format, "h5 (events and frames in one HDF5 file) or txt")->capture_default_str()
            ->check(CLI::IsMember({"h5", "txt"}));
        sub->add_option("-o,--output", m_outDir, "Output folder (created when missing)")->required();
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        applyThreads(m_common);
        EventSequenceOptions o;
        int w = 0, h = 0;
        char extra = 0;
        if (std::sscanf(m_size.c_str(), "%dx%d%c", &w, &h, &extra) != 2 || w < 8 || h < 8 || w > 8192 || h > 8192)
            throw UsageError("--size must be WIDTHxHEIGHT with each side in 8..8192 (got '" + m_size + "')");
        o.scene = {m_scene, w, h, m_seed};
        o.frames = m_frames;
        o.frameIntervalUs = 1e6 / m_fps;
        o.substeps = m_substeps;
        o.motion = m_motion == "camera" ? SimMotion::Camera : m_motion == "object" ? SimMotion::Object : SimMotion::None;
        o.motionPx = m_motionPx;
        o.brightnessStops = m_brightness;
        o.camera.noise.enabled = m_frameNoise;
        o.camera.bitDepth = m_bitDepth;
        o.camera.seed = m_seed;
        o.events.contrastPos = m_cPos;
        o.events.contrastNeg = m_cNeg;
        o.events.thresholdSigma = m_sigma;
        o.events.refractoryUs = m_refractory;
        o.events.noiseRateHz = m_noise;
        o.events.seed = m_seed;

        ConsoleProgress progress("events simulate", m_common.quiet);
        progress.report(0.0, "simulating");
        const EventSequence seq = simulateEventSequence(o);
        const EventSequenceFiles files = writeEventSequence(seq, o, m_outDir, m_format, progress);
        progress.finish();
        std::printf("%s\n", files.eventsPath.c_str());
        for (const std::string& f : files.framePaths) std::printf("%s\n", f.c_str());
        for (const std::string& f : files.radiancePaths) std::printf("%s\n", f.c_str());
        std::printf("%s\n", files.truthPath.c_str());
        if (!m_common.quiet) std::fprintf(stderr, "%zu events, %zu frames\n", seq.events.events.size(), seq.frames.size());
        return kSuccess;
    }

private:
    std::string m_scene = "interior", m_size = "240x180", m_motion = "camera", m_format = "h5", m_outDir;
    int m_frames = 8, m_substeps = 8, m_bitDepth = 8;
    double m_fps = 30.0, m_motionPx = 6.0, m_brightness = 0.0;
    double m_cPos = 0.2, m_cNeg = 0.2, m_sigma = 0.0, m_refractory = 0.0, m_noise = 0.0;
    bool m_frameNoise = false;
    std::uint64_t m_seed = 1;
    CommonOptions m_common;
};

} // namespace

std::unique_ptr<Command> makeEventsSimulateCommand()
{
    return std::make_unique<EventsSimulateCommand>();
}

} // namespace fuselab::cli
