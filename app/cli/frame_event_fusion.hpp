// Frame/event learned fusion for the CLI (fuse --frame --events, events evaluate): reading a
// frame file into camera units. Loading the model and fusing live in the learn API
// (fuselab/learn/frame_event_model.hpp), shared with the GUI.
#pragma once

#include "fuselab/image.hpp"

#include <string>

namespace fuselab::cli {

/// A frame file in camera units (sRGB files decoded to linear; float files taken as linear, 1 =
/// saturation). Throws fuselab::Error naming the file.
Image readFrameLinear(const std::string& path);

} // namespace fuselab::cli
