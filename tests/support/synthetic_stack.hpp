// Test helpers: exposure stacks from the camera simulation (synthetic.hpp) — frames of one
// radiance, or each frame from its own radiance when content moves — and per-sample
// quantisation bounds of a known response.
#pragma once

#include "fuselab/base/exposure.hpp"
#include "fuselab/base/response.hpp"
#include "fuselab/base/synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace fuselab::test {

/// A stack of the simulated frames with typed exposures; paths "<prefix>_<k>.png".
inline ExposureStack stackOf(const std::vector<SimulatedFrame>& frames, const std::string& prefix = "frame")
{
    ExposureStack stack;
    for (std::size_t k = 0; k < frames.size(); ++k) {
        StackFrame f;
        f.path = prefix + "_" + std::to_string(k) + ".png";
        f.pixels = frames[k].pixels;
        f.exposure.stops = frames[k].stops;
        f.exposure.source = ExposureSource::TypedEv;
        stack.frames.push_back(f);
    }
    return stack;
}

/// The simulated frames of `radiance` as a stack with typed exposures, in simulation order.
inline ExposureStack stackFromSimulation(const Image& radiance, const ExposureSimulation& sim)
{
    return stackOf(exposeScene(radiance, sim), "synthetic");
}

/// Exposes radiances[k] at sim.stops[k] (no misalignment), with a different noise seed per
/// frame: the camera sees a different scene in each frame.
inline std::vector<SimulatedFrame> exposeEach(const std::vector<Image>& radiances, const ExposureSimulation& sim)
{
    std::vector<SimulatedFrame> frames;
    for (std::size_t k = 0; k < radiances.size(); ++k) {
        ExposureSimulation one = sim;
        one.stops = {sim.stops.at(k)};
        one.misalignPx = 0.0;
        one.seed = sim.seed * 31 + k;
        frames.push_back(exposeScene(radiances[k], one).front());
    }
    return frames;
}

/// Code z (of maxCode) was produced by exposures X with round(f(X)·maxCode) = z, i.e.
/// X in [f⁻¹((z − ½)/maxCode), f⁻¹((z + ½)/maxCode)]. Returns the largest |ln X − ln f⁻¹(z/maxCode)|
/// over that bin: how far a merge that reads code z as f⁻¹(z/maxCode) can be from the truth.
inline double quantisationBoundLn(const CameraResponse& response, int z, int maxCode, int channel = 0)
{
    const double centre = std::log(response.invert(double(z) / maxCode, channel));
    const double lo = std::log(response.invert(std::max(0.0, (z - 0.5) / maxCode), channel));
    const double hi = std::log(response.invert(std::min(1.0, (z + 0.5) / maxCode), channel));
    return std::max(std::fabs(centre - lo), std::fabs(hi - centre));
}

/// Sample code of frame pixels (8- or 16-bit).
inline int codeAt(const SampleImage& px, int x, int y, int c)
{
    return px.as8() ? int(px.as8()->at(x, y, c)) : int(px.as16()->at(x, y, c));
}

} // namespace fuselab::test
