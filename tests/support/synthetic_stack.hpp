// Test helpers: exposure stacks from the camera simulation, and per-sample quantisation
// bounds of a known response.
#pragma once

#include "fuselab/exposure.hpp"
#include "fuselab/response.hpp"
#include "fuselab/synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace fuselab::test {

/// The simulated frames of `radiance` as a stack with typed exposures, in simulation order.
inline ExposureStack stackFromSimulation(const Image& radiance, const ExposureSimulation& sim)
{
    ExposureStack stack;
    int k = 0;
    for (const SimulatedFrame& f : exposeScene(radiance, sim)) {
        StackFrame frame;
        frame.path = "synthetic_" + std::to_string(k++);
        frame.pixels = f.pixels;
        frame.exposure.stops = f.stops;
        frame.exposure.source = ExposureSource::TypedEv;
        stack.frames.push_back(frame);
    }
    return stack;
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
