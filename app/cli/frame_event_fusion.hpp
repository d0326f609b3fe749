// Frame/event inputs for the CLI (fuse --frame --events, explain --frame --events): the options,
// reading a frame file into camera units, and loading the event window with its reference frame.
// Loading the model and fusing live in the learn API (fuselab/learn/frame_event_model.hpp),
// shared with the GUI.
#pragma once

#include "events_commands.hpp"
#include "output_options.hpp"

#include "fuselab/base/events.hpp"
#include "fuselab/frame_event_window.hpp"
#include "fuselab/base/image.hpp"
#include "fuselab/base/params.hpp"
#include "fuselab/recipe.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace fuselab::cli {

/// A frame file in camera units (sRGB files decoded to linear; float files taken as linear, 1 =
/// saturation). Throws fuselab::Error naming the file.
Image readFrameLinear(const std::string& path);

/// --frame, --events, --reference, --window-us | --count, --start-us and the event reading
/// options, as `fuse` and `explain` take them.
struct FrameEventOptions {
    std::string frame, events, reference;
    std::int64_t windowUs = 0, count = 0, startUs = 0;
    EventInputOptions eventInput;

    /// `purpose` starts every help text ("Frame/event fusion", "Frame/event attribution").
    void attach(CLI::App& sub, const std::string& purpose);
    bool given() const { return !frame.empty() || !events.empty(); }
    /// Any of the window options (--reference, --window-us, --count, --start-us) given.
    bool windowGiven() const { return !reference.empty() || windowUs > 0 || count > 0 || startUs != 0; }
    /// The command's inputs are either these options or stack images: throws UsageError for
    /// one of --frame/--events alone, both kinds of input, neither, or window options without
    /// --frame/--events.
    void checkInputChoice(bool stackImagesGiven) const;
    /// Throws fuselab::Error(path, "no such file") for the events, then the frame, then the reference.
    void checkFilesExist() const;
};

/// The options as a recipe records them, and back.
RecipeFrameEvents recipeFrameEventsOf(const FrameEventOptions& options);
FrameEventOptions frameEventOptionsOf(const RecipeFrameEvents& recorded);

/// Frame/event learned fusion into a file with its sidecar, whose recipe replays it (`fuse
/// --frame --events`, and `replay` of such a recipe). Only in builds with LibTorch.
struct FrameEventFuseRequest {
    FrameEventOptions inputs;
    ParamValues values;  ///< the learned fusion's, resolved
    std::string model;   ///< another frame/event model file, or empty for the shipped one
    std::string output;
    bool quiet = false;
};
int fuseFrameEventToFile(const FrameEventFuseRequest& request, const OutputOptions& out);

/// Core's window (frame F, EF's reference, the events) and the files it came from.
struct FrameEventFiles : FrameEventWindow {
    std::vector<std::string> inputFiles; ///< frame, events, and the reference file when one was given
    std::string referenceNote;           ///< the reference file, or EVENTS:FRAME_NAME for a stored frame
};

/// Reads the window (default 33 333 µs from the recording's first event + --start-us) through
/// core's readFrameEventWindow, with --frame and the reference: --reference, or the last frame
/// stored in the recording at or before the window's start. Throws fuselab::Error naming the
/// file for sizes that differ from the sensor, a recording without events, or no reference
/// frame to be found.
FrameEventFiles loadFrameEventWindow(const FrameEventOptions& options);

} // namespace fuselab::cli
