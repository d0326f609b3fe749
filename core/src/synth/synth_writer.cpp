#include "fuselab/synth_writer.hpp"

#include "../io/codecs.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/sidecar.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

namespace fuselab {

std::vector<double> centredStops(int count, double stepStops)
{
    if (count < 1 || count > 64) throw Error("the number of exposures must be 1..64");
    if (!(stepStops > 0.0) || stepStops > 10.0) throw Error("the EV step must be in (0, 10] stops");
    std::vector<double> stops;
    for (int k = 0; k < count; ++k) stops.push_back((double(k) - double(count - 1) / 2.0) * stepStops);
    return stops;
}

SynthResult writeSyntheticStack(const SynthRequest& request, const std::string& outDir, ProgressSink& progress)
{
    namespace fs = std::filesystem;
    if (request.format != "png" && request.format != "tif" && request.format != "jpg")
        throw Error("synthetic frames are written as png, tif or jpg (not '" + request.format + "')");
    if (request.format == "jpg" && request.camera.bitDepth != 8) throw Error("JPEG frames are 8-bit; use png or tif for 16-bit");
    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (!fs::is_directory(outDir)) throw Error(outDir, "cannot create the output folder" + (ec ? ": " + ec.message() : std::string()));

    progress.report(0.0, "scene");
    Image radiance;
    std::string sceneName;
    if (!request.fromExr.empty()) {
        LoadedImage loaded = readImage(request.fromExr);
        radiance = loaded.pixels.toFloat();
        if (radiance.channels() == 1) { // grey EXR → RGB
            Image rgb = Image::uninitialised(radiance.width(), radiance.height(), 3, ColourEncoding::Linear);
            for (int y = 0; y < radiance.height(); ++y)
                for (int x = 0; x < radiance.width(); ++x)
                    for (int c = 0; c < 3; ++c) rgb.at(x, y, c) = radiance.at(x, y, 0);
            radiance = rgb;
        } else if (radiance.channels() == 4) {
            Image rgb = Image::uninitialised(radiance.width(), radiance.height(), 3, ColourEncoding::Linear);
            for (int y = 0; y < radiance.height(); ++y)
                for (int x = 0; x < radiance.width(); ++x)
                    for (int c = 0; c < 3; ++c) rgb.at(x, y, c) = radiance.at(x, y, c);
            radiance = rgb;
        }
        // Negative radiance (from filtered renders) is not light; clamp it.
        for (int y = 0; y < radiance.height(); ++y) {
            float* p = radiance.row(y);
            for (int i = 0; i < radiance.width() * 3; ++i) p[i] = std::max(p[i], 0.0f);
        }
        sceneName = fs::path(request.fromExr).filename().string();
    } else {
        radiance = makeSyntheticScene(request.scene);
        sceneName = request.scene.scene;
    }
    progress.checkCancelled();

    ExposureSimulation sim = request.camera;
    sim.stops = centredStops(request.exposures, request.evStepStops);
    sim.exposureScale = autoExposureScale(radiance);
    std::vector<SimulatedFrame> frames, ghostFree;
    int referenceIndex = -1;
    if (request.movingObject) {
        MovingObjectStack moving = exposeMovingObject(radiance, sim, request.object);
        frames = std::move(moving.moving);
        ghostFree = std::move(moving.ghostFree);
        referenceIndex = moving.referenceIndex;
        radiance = moving.ghostFreeRadiance; // the truth a deghosted merge should give
    } else {
        frames = exposeScene(radiance, sim);
    }

    SynthResult result;
    nlohmann::json truth;
    truth["scene"] = sceneName;
    truth["seed"] = sim.seed;
    truth["width"] = radiance.width();
    truth["height"] = radiance.height();
    truth["response"] = sim.response.name();
    truth["bit_depth"] = sim.bitDepth;
    truth["exposure_scale"] = sim.exposureScale;
    truth["noise"] = {{"enabled", sim.noise.enabled}, {"full_well_electrons", sim.noise.fullWellElectrons},
                      {"read_noise_electrons", sim.noise.readNoiseElectrons}};
    truth["model"] = "code = round(response(clip(radiance(x - shift) * 2^stops * exposure_scale [+ noise], 0, 1)) * (2^bits - 1))";
    nlohmann::json frameList = nlohmann::json::array();
    std::ostringstream evText;
    evText.precision(10);

    // Auto-bracketing fires frame after frame: each starts this long after the previous one ends.
    constexpr double kFrameIntervalS = 0.2;
    double elapsedS = 0.0;
    for (std::size_t k = 0; k < frames.size(); ++k) {
        progress.checkCancelled();
        progress.report(0.1 + 0.8 * double(k) / double(frames.size()), "writing frames");
        const SimulatedFrame& f = frames[k];
        char name[64];
        std::snprintf(name, sizeof name, "exposure_%02zu.%s", k, request.format.c_str());
        const std::string path = (fs::path(outDir) / name).string();
        WriteOptions options;
        options.bitDepth = sim.bitDepth;
        options.jpegQuality = 98;
        ExifExposure exif;
        exif.exposureTimeS = request.baseExposureTimeS * std::exp2(f.stops);
        exif.fNumber = request.fNumber;
        exif.iso = request.iso;
        exif.exposureBiasEv = f.stops;
        options.exif = exif;
        writeImage(path, f.pixels, options);
        if (request.captureStartS) {
            detail::writeCaptureTime(path, *request.captureStartS + elapsedS);
            elapsedS += *exif.exposureTimeS + kFrameIntervalS;
        }
        Sidecar sidecar;
        sidecar.command = request.command;
        sidecar.notes["synthetic_scene"] = sceneName;
        sidecar.notes["response"] = sim.response.name();
        sidecar.numbers["stops"] = f.stops;
        sidecar.numbers["shift_x_px"] = f.shiftXPx;
        sidecar.numbers["shift_y_px"] = f.shiftYPx;
        if (!request.fromExr.empty()) sidecar.inputFiles.push_back(request.fromExr);
        writeSidecar(path, sidecar);
        result.framePaths.push_back(path);
        evText << f.stops << "\n";
        frameList.push_back({{"file", name}, {"stops", f.stops}, {"exposure_time_s", *exif.exposureTimeS},
                             {"shift_x_px", f.shiftXPx}, {"shift_y_px", f.shiftYPx}});
    }
    truth["frames"] = frameList;
    if (request.movingObject) {
        const MovingObject& o = request.object;
        truth["moving_object"] = {{"radius_fraction", o.radiusFraction}, {"start_x_fraction", o.startXFraction},
                                  {"start_y_fraction", o.startYFraction}, {"step_x_px", o.stepXPx}, {"step_y_px", o.stepYPx},
                                  {"radiance_gain", o.radianceGain}, {"seed", o.seed}, {"reference_index", referenceIndex},
                                  {"ghost_free_frames", "truth/ghost_free"}};
        const fs::path ghostDir = fs::path(outDir) / "truth" / "ghost_free";
        fs::create_directories(ghostDir, ec);
        for (std::size_t k = 0; k < ghostFree.size(); ++k) {
            char name[64];
            std::snprintf(name, sizeof name, "exposure_%02zu.%s", k, request.format.c_str());
            WriteOptions options;
            options.bitDepth = sim.bitDepth;
            options.jpegQuality = 98;
            writeImage((ghostDir / name).string(), ghostFree[k].pixels, options);
        }
        std::ostringstream ghostEv;
        ghostEv.precision(10);
        for (const SimulatedFrame& f : ghostFree) ghostEv << f.stops << "\n";
        writeFileAtomically((ghostDir / "ev.txt").string(), ghostEv.str());
    }

    progress.report(0.92, "ground truth");
    // Ground truth sits in truth/ so that DIR itself is a clean stack folder (frames + ev.txt).
    const fs::path truthDir = fs::path(outDir) / "truth";
    fs::create_directories(truthDir, ec);
    result.radiancePath = (truthDir / "radiance.exr").string();
    WriteOptions exrOptions;
    exrOptions.exrType = ExrPixelType::Float;
    writeImage(result.radiancePath, radiance, exrOptions);
    Sidecar radianceSidecar;
    radianceSidecar.command = request.command;
    radianceSidecar.notes["content"] = "true scene radiance (linear, relative)";
    writeSidecar(result.radiancePath, radianceSidecar);

    result.responsePath = (truthDir / "response.csv").string();
    writeResponseCsv(result.responsePath, sim.response);
    writeFileAtomically((fs::path(outDir) / "ev.txt").string(), evText.str());
    result.truthPath = (truthDir / "truth.json").string();
    writeFileAtomically(result.truthPath, truth.dump(2) + "\n");
    progress.report(1.0, "done");
    return result;
}

} // namespace fuselab
