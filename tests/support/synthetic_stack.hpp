// Test helper: exposure stacks built from simulated frames (synthetic.hpp), each frame
// from its own radiance when content moves between frames.
#pragma once

#include "fuselab/exposure.hpp"
#include "fuselab/synthetic.hpp"

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

} // namespace fuselab::test
