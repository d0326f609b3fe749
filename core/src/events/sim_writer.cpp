// Files of a simulated sequence (events_sim_writer.hpp).
#include "fuselab/events_sim_writer.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/events_io.hpp"
#include "fuselab/io.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>

namespace fuselab {
namespace {

std::string numbered(const std::string& dir, const char* stem, std::size_t k, const char* ext)
{
    char name[64];
    std::snprintf(name, sizeof name, "%s_%04zu.%s", stem, k, ext);
    return dir + "/" + name;
}

const char* motionName(SimMotion m)
{
    switch (m) {
    case SimMotion::Camera: return "camera";
    case SimMotion::Object: return "object";
    case SimMotion::None: return "none";
    }
    return "none";
}

} // namespace

EventSequenceFiles writeEventSequence(const EventSequence& seq, const EventSequenceOptions& o, const std::string& outDir,
                                      const std::string& eventsFormat, ProgressSink& progress)
{
    if (eventsFormat != "h5" && eventsFormat != "txt") throw Error("events format must be h5 or txt (got '" + eventsFormat + "')");
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(outDir + "/frames", ec);
    if (!ec) fs::create_directories(outDir + "/truth", ec);
    if (ec) throw Error(outDir, "cannot create the folder: " + ec.message());

    EventSequenceFiles files;
    const std::size_t n = seq.frames.size();
    for (std::size_t k = 0; k < n; ++k) {
        progress.checkCancelled();
        files.framePaths.push_back(numbered(outDir + "/frames", "frame", k, "png"));
        WriteOptions png;
        png.bitDepth = seq.frames[k].bitDepth();
        writeImage(files.framePaths.back(), seq.frames[k], png);
        files.radiancePaths.push_back(numbered(outDir + "/truth", "radiance", k, "exr"));
        WriteOptions exr;
        exr.exrType = ExrPixelType::Float;
        writeImage(files.radiancePaths.back(), seq.radiance[k], exr);
        progress.report(0.8 * double(k + 1) / double(n), "frames and radiance");
    }
    if (eventsFormat == "h5") {
        files.eventsPath = outDir + "/events.h5";
        std::vector<Hdf5Frame> frames;
        for (std::size_t k = 0; k < n; ++k) frames.push_back({seq.frameTimesUs[k], seq.frames[k]});
        writeEventsHdf5(files.eventsPath, seq.events, frames);
    } else {
        files.eventsPath = outDir + "/events.txt";
        writeEventsText(files.eventsPath, seq.events);
    }
    progress.report(0.95, "events");

    const EventStats stats = computeEventStats(EventSpan(seq.events.events));
    nlohmann::json truth;
    truth["scene"] = {{"name", o.scene.scene}, {"width", o.scene.widthPx}, {"height", o.scene.heightPx}, {"seed", o.scene.seed}};
    truth["frames"] = o.frames;
    truth["frame_interval_us"] = o.frameIntervalUs;
    truth["substeps"] = o.substeps;
    truth["motion"] = motionName(o.motion);
    truth["motion_px"] = o.motionPx;
    truth["brightness_stops"] = o.brightnessStops;
    truth["exposure_scale"] = seq.exposureScale;
    truth["camera"] = {{"stops", o.camera.stops.empty() ? 0.0 : o.camera.stops.front()},
                       {"noise", o.camera.noise.enabled},
                       {"bit_depth", o.camera.bitDepth},
                       {"seed", o.camera.seed}};
    truth["events"] = {{"contrast_pos", o.events.contrastPos},
                       {"contrast_neg", o.events.contrastNeg},
                       {"threshold_sigma", o.events.thresholdSigma},
                       {"refractory_us", o.events.refractoryUs},
                       {"noise_rate_hz", o.events.noiseRateHz},
                       {"epsilon", o.events.epsilon},
                       {"seed", o.events.seed},
                       {"count", stats.count},
                       {"positive", stats.positive},
                       {"negative", stats.negative},
                       {"refractory_dropped", seq.counts.refractoryDropped},
                       {"noise_events", seq.counts.noise},
                       {"file", fs::path(files.eventsPath).filename().string()}};
    nlohmann::json frames = nlohmann::json::array();
    for (std::size_t k = 0; k < n; ++k)
        frames.push_back({{"t_us", seq.frameTimesUs[k]},
                          {"frame", "frames/" + fs::path(files.framePaths[k]).filename().string()},
                          {"radiance", "truth/" + fs::path(files.radiancePaths[k]).filename().string()},
                          {"shift_x_px", seq.shiftXPx[k]},
                          {"shift_y_px", seq.shiftYPx[k]}});
    truth["frame_list"] = frames;
    truth["model"] = "L = log(luminance(radiance) + epsilon), linear in time between scene samples; an event at each "
                     "crossing of the pixel's reference +C+/-C-; frames = exposeScene(radiance, exposure_scale)";
    files.truthPath = outDir + "/truth/truth.json";
    writeFileAtomically(files.truthPath, truth.dump(2) + "\n");
    progress.report(1.0, "truth");
    return files;
}

} // namespace fuselab
