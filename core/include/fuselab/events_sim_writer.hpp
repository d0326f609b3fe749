// Writing a simulated frame+event sequence with its ground truth to a folder (fuselab_core).
#pragma once

#include "fuselab/base/events_sim.hpp"
#include "fuselab/base/progress.hpp"

#include <string>
#include <vector>

namespace fuselab {

struct EventSequenceFiles {
    std::vector<std::string> framePaths;    ///< DIR/frames/frame_NNNN.png (8/16-bit, as the camera saw)
    std::string eventsPath;                 ///< DIR/events.h5 (events + the frames as images/) or DIR/events.txt
    std::vector<std::string> radiancePaths; ///< DIR/truth/radiance_NNNN.exr (float, linear RGB)
    std::string truthPath;                  ///< DIR/truth/truth.json
};

/// eventsFormat: "h5" or "txt". Creates DIR when missing; every write is atomic.
/// truth.json: seed and every option, frame times (µs), scene shifts (or object centre) per
/// frame, exposure scale, event counts (ON/OFF, dropped by the refractory period, noise).
EventSequenceFiles writeEventSequence(const EventSequence& sequence, const EventSequenceOptions& options,
                                      const std::string& outDir, const std::string& eventsFormat, ProgressSink& progress);

} // namespace fuselab
