// Loading exposure stacks from files or folders, with exposure data from EXIF or typed in.
#pragma once

#include "fuselab/base/error.hpp"
#include "fuselab/base/exposure.hpp"
#include "fuselab/io.hpp"

#include <string>
#include <vector>

namespace fuselab {

struct StackLoadOptions {
    std::vector<double> evs;    ///< typed stops per input, in input order (+1 = twice the light)
    std::vector<double> timesS; ///< typed exposure times in seconds, in input order
    bool sortByExposure = true; ///< darkest first, when every frame has exposure data
    bool requireExposures = false; ///< refuse a stack without exposure data (radiance merge)
    ReadOptions read;
};

/// A read image as a stack frame: its pixels, its EXIF exposure, and how it was read (content
/// and colour notes); `warnings` receives what the user should see (a renamed file, an unusable
/// colour profile).
StackFrame toStackFrame(const std::string& path, LoadedImage&& image, std::vector<std::string>& warnings);

struct LoadedStack {
    ExposureStack stack;
    std::vector<std::string> warnings; ///< e.g. typed EVs contradicting brightness order
};

/// The image files of a folder in name order (JPEG/PNG/TIFF/EXR/HDR by extension), and
/// the EVs of its ev.txt (one per line) when present. Throws when there are none.
struct FolderListing {
    std::vector<std::string> files;
    std::vector<double> evs; ///< empty when there is no ev.txt
};
FolderListing listStackFolder(const std::string& folder);
/// Whether listStackFolder would find images directly in `folder` (false for a missing folder).
bool folderHoldsImages(const std::string& folder);

/// The files `paths` name, folders expanded in name order; a single folder's ev.txt is adopted
/// into options.evs when nothing was typed. Checks the typed lists against the file count.
/// (loadStack's first step, for front ends that read the files themselves, e.g. row by row.)
std::vector<std::string> resolveStackFiles(const std::vector<std::string>& paths, StackLoadOptions& options);

/// Frame `index`'s exposure: typed (options.evs / timesS) over the file's EXIF. Throws naming the
/// file for a non-positive typed time.
FrameExposure frameExposure(std::size_t index, const std::string& file, const StackLoadOptions& options, const ExifExposure& exif);

/// The error a radiance merge gives for a frame without exposure data (names --ev and --times).
Error missingExposureError(const std::string& file);

/// Expands arguments that name folders into their files (and their ev.txt into options.evs
/// when none were typed), reads every file, applies exposure data, validates and sorts.
LoadedStack loadStack(const std::vector<std::string>& paths, StackLoadOptions options);

/// Checks: ≥ 2 frames, same size and channel count, distinct exposures where known.
/// Throws fuselab::Error naming the offending file and the problem.
void validateStack(const ExposureStack& stack);

/// Warnings where typed exposures contradict the frames' own brightness order.
std::vector<std::string> checkBrightnessOrder(const ExposureStack& stack);

/// Mean linear luminance of a frame (sampled on a grid), used for ordering checks.
double meanLinearLuminance(const SampleImage& image);

/// Parses "2,0,-2,-4" into numbers; throws fuselab::Error naming `what` on bad text.
std::vector<double> parseNumberList(const std::string& text, const std::string& what);

} // namespace fuselab
