// A frame/event model loaded and used: the network with encoders for F, E and EF, the tone
// encoding it was trained with (from its metadata), and fusion of FrameEventInputs into the
// tone domain and back to camera units. Torch-free: LibTorch loads through LearnLibrary when
// the model is loaded. Used by `fuselab-cli fuse --frame --events`, `events evaluate` and the
// GUI's events dock.
#pragma once

#include "fuselab/learn/frame_event.hpp"
#include "fuselab/learn/fusion_model.hpp"

#include <memory>
#include <string>

namespace fuselab::learn {

struct LoadedFrameEventModel {
    std::shared_ptr<const FusionModel> model;
    FrameEventEncoding encoding; ///< from the model's metadata (defaults where absent)
    std::string path;
};

/// Loads `path` and checks that the network has encoders for F, E and EF. Throws
/// fuselab::Error(path, …) for a missing file or an exposure-stack model.
LoadedFrameEventModel loadFrameEventModel(const std::string& path);

/// The fused image of `inputs` in the tone domain (display values, encoding Linear as stored)
/// and decoded to camera units (1 = the frame's saturation).
struct FrameEventFused {
    Image tone;
    Image linear;
    FuseResult result;
};
FrameEventFused fuseFrameEvent(const LoadedFrameEventModel& model, const FrameEventInputs& inputs, const FuseOptions& options,
                               ProgressSink& progress);

} // namespace fuselab::learn
