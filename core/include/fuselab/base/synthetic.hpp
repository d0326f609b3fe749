// Synthetic ground truth: HDR scenes with known radiance, exposed through a known camera.
//
// Everything here is deterministic for a given seed and free of OpenCV, so the learned
// fusion library can draw training data from it on a machine that has only LibTorch.
// Radiance is linear, relative (1.0 ≈ a white wall in the room's light), RGB.
#pragma once

#include "fuselab/base/image.hpp"
#include "fuselab/base/response.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fuselab {

struct SceneOptions {
    std::string scene = "interior"; ///< one of syntheticSceneNames()
    int widthPx = 640;
    int heightPx = 480;
    std::uint64_t seed = 1;
};

/// "interior": a room with a window onto a sky with a sun, deep shadow under a table, a
/// colour chart and fine textures; dynamic range above 10⁶:1.
/// "ramp": radiance rising exponentially left to right over 2^20 (grey, with colour tints
/// in bands) — every exposure level present, handy for response recovery.
/// "patches": a grid of flat patches whose radiance spans 2^-8 … 2^8 in half-stop steps.
std::vector<std::string> syntheticSceneNames();

/// Linear RGB radiance. Throws fuselab::Error for an unknown scene or a size < 8 px.
Image makeSyntheticScene(const SceneOptions& options);

struct SensorNoise {
    bool enabled = false;
    double fullWellElectrons = 20000.0; ///< electrons at X = 1 (shot noise: Poisson)
    double readNoiseElectrons = 4.0;    ///< Gaussian read noise, standard deviation
};

struct ExposureSimulation {
    std::vector<double> stops;      ///< one per frame: X = radiance · 2^stops · exposureScale
    double exposureScale = 1.0 / 16.0; ///< maps radiance 16 at stops 0 to saturation
    CameraResponse response = CameraResponse::srgb();
    SensorNoise noise;
    int bitDepth = 8;               ///< 8 or 16
    double misalignPx = 0.0;        ///< max |shift| per axis; frame shifts uniform in ±misalignPx
    std::uint64_t seed = 1;
};

struct SimulatedFrame {
    SampleImage pixels;   ///< 8- or 16-bit, sRGB-tagged (a camera's encoded output)
    double stops = 0.0;
    double shiftXPx = 0.0; ///< content displacement applied to this frame
    double shiftYPx = 0.0;
};

/// Exposes `radiance` once per stops entry: X = clip(shift(radiance)·2^stops·scale (+noise), 0, 1),
/// v = response(X), code = round(v · (2^bits − 1)). Frame order follows `stops`. The frame whose
/// stops is the median is never shifted (the alignment reference). Deterministic per seed.
std::vector<SimulatedFrame> exposeScene(const Image& radiance, const ExposureSimulation& sim);

/// exposeScene with a scene of its own for each frame (radiances[k] for stops[k]): the same
/// camera, shifts and noise per frame index as exposeScene, so two calls that differ only in
/// some frames' scenes give identical pixels wherever those scenes agree.
std::vector<SimulatedFrame> exposeEachFrame(const std::vector<Image>& radiances, const ExposureSimulation& sim);

/// An opaque textured object crossing a static scene, for deghosting ground truth.
struct MovingObject {
    double radiusFraction = 0.08;  ///< disc radius, fraction of the scene's short side
    double startXFraction = 0.25;  ///< centre in the first frame, fraction of the width
    double startYFraction = 0.6;   ///< and of the height
    double stepXPx = 48.0;         ///< displacement from one frame to the next, px
    double stepYPx = 0.0;
    double radianceGain = 3.0;     ///< the object's mean radiance over the scene's median
    std::uint64_t seed = 1;        ///< texture
};

/// The radiance with the object painted over it, centred at (centreXPx, centreYPx): an opaque
/// disc (anti-aliased edge) with a coloured checker-and-speckle texture.
Image paintMovingObject(const Image& radiance, const MovingObject& object, double centreXPx, double centreYPx);

struct MovingObjectStack {
    std::vector<SimulatedFrame> moving;    ///< frame k shows the object where it stands at time k
    /// The same frames with the object where it stands in the reference frame (same camera,
    /// same noise): what a perfect deghosting makes of `moving`.
    std::vector<SimulatedFrame> ghostFree;
    std::vector<Image> objectMasks;        ///< per frame, 1 channel: 1 where the object covers the pixel in that frame
    int referenceIndex = 0;                ///< the median exposure (lower middle), as deghosting's default reference
    Image ghostFreeRadiance;               ///< the scene with the object at the reference's place
};
/// Exposes the scene once per stops entry with the object at start + k·step in frame k.
MovingObjectStack exposeMovingObject(const Image& radiance, const ExposureSimulation& sim, const MovingObject& object);

/// Bilinear shift of an image by (dx, dy) px with edge clamping: out(x,y) = in(x−dx, y−dy).
Image shiftImage(const Image& image, double dxPx, double dyPx);

} // namespace fuselab

namespace fuselab {
/// Exposure scale that maps the scene's median luminance to `midGrey` (X at stops 0).
double autoExposureScale(const Image& radiance, double midGrey = 0.18);
} // namespace fuselab
