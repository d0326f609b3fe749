// Writing a synthetic bracketed stack with its ground truth to a folder.
#pragma once

#include "fuselab/base/progress.hpp"
#include "fuselab/base/synthetic.hpp"

#include <optional>
#include <string>
#include <vector>

namespace fuselab {

struct SynthRequest {
    SceneOptions scene;          ///< procedural scene (ignored when fromExr is set)
    std::string fromExr;         ///< radiance from an OpenEXR file instead
    int exposures = 5;           ///< frames, centred on 0 stops
    double evStepStops = 2.0;    ///< spacing between frames
    ExposureSimulation camera;   ///< response, noise, bit depth, misalignment, seed (stops filled in)
    std::string format = "png";  ///< png, tif or jpg
    double baseExposureTimeS = 1.0 / 64.0; ///< EXIF time of the 0-stop frame
    double fNumber = 8.0;
    double iso = 100.0;
    std::string command;         ///< recorded in sidecars
    /// When set, frames carry EXIF capture times (DateTimeOriginal + SubSecTimeOriginal) as a
    /// camera's auto-bracketing would write them: frame 0 at this time (seconds since
    /// 1970-01-01 00:00:00), each next one after the previous exposure and 0.2 s.
    std::optional<double> captureStartS;
    /// An opaque textured object crossing the scene (deghosting ground truth): frame k shows it
    /// at start + k·step. truth/ then holds the ghost-free radiance (the object where it stands in
    /// the reference, the median exposure) and truth/ghost_free/ the frames a perfect deghosting
    /// would see (same camera, same noise).
    bool movingObject = false;
    MovingObject object;
};

struct SynthResult {
    std::vector<std::string> framePaths; ///< darkest first
    std::string radiancePath;            ///< true radiance, float EXR
    std::string responsePath;            ///< true response, CSV
    std::string truthPath;               ///< truth.json
};

/// Layout: DIR/exposure_<k>.<ext> with EXIF exposure data and ev.txt (DIR is a stack
/// folder), and DIR/truth/{radiance.exr, response.csv, truth.json} (and truth/ghost_free/ with
/// a moving object). Creates DIR when
/// missing. Every image gets a sidecar.
SynthResult writeSyntheticStack(const SynthRequest& request, const std::string& outDir, ProgressSink& progress);

/// Stops centred on 0: count frames spaced step apart (e.g. 5, 2 → −4, −2, 0, 2, 4).
std::vector<double> centredStops(int count, double stepStops);

} // namespace fuselab
