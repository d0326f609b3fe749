// Frame/event learned fusion for the CLI (fuse --frame --events, events evaluate): loading a
// frame/event model, reading a frame and a window of events into the network's inputs.
// Torch-free (LibTorch loads through LearnLibrary when the model is loaded).
#pragma once

#include "fuselab/events_io.hpp"
#include "fuselab/learn/fusion_model.hpp"
#include "fuselab/learn/frame_event.hpp"

#include <memory>
#include <string>

namespace fuselab::cli {

struct LoadedFrameEventModel {
    std::unique_ptr<learn::FusionModel> model;
    learn::FrameEventEncoding encoding; ///< from the model's metadata (defaults where absent)
    std::string path;
};

/// Loads `path` and checks that the network has encoders for F, E and EF. Throws
/// fuselab::Error(path, …) for a missing file or an exposure-stack model.
LoadedFrameEventModel loadFrameEventModel(const std::string& path);

/// A frame file in camera units (sRGB files decoded to linear; float files taken as linear, 1 =
/// saturation). Throws fuselab::Error naming the file.
Image readFrameLinear(const std::string& path);

/// The fused image of `inputs` in the tone domain (display values) and decoded to camera units.
struct FrameEventFused {
    Image tone;
    Image linear;
    learn::FuseResult result;
};
FrameEventFused fuseFrameEvent(const LoadedFrameEventModel& model, const learn::FrameEventInputs& inputs,
                               const learn::FuseOptions& options, ProgressSink& progress);

} // namespace fuselab::cli
