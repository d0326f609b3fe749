// What `explain` and `pic` share: the model file, the target options (--target, --region,
// --mask), the method list, and the coloured rendering of an attribution map. Torch-free:
// the network runs through LearnLibrary (loaded on demand).
#pragma once

#include "fuselab/base/image.hpp"
#include "fuselab/learn/attribution.hpp"
#include "fuselab/learn/fusion_model.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

namespace fuselab::cli {

/// --target, --region and --mask as both commands accept them.
struct TargetOptions {
    std::string target = "rgb";
    std::string region; ///< "X,Y,W,H" in input pixels
    std::string mask;   ///< an image file: its first channel (or grey) weighs the output's pixels

    void attach(CLI::App& sub);
    /// Throws UsageError on malformed text (a region that is not four integers, an unknown
    /// target, a region with a loss target); whether it fits the image is checked later
    /// (fuselab::Error, exit 1). The mask file is read here.
    learn::AttributionTarget resolve() const;
};

/// "X,Y,W,H" → the rectangle; throws UsageError naming the option on anything else.
PixelRect parseRegion(const std::string& text);

/// Attribution method ids (`explain --method`, `pic --methods`), `random` included.
std::vector<std::string> attributionMethodIds();
/// "ig,gradcam" → methods; throws UsageError listing the known ids.
std::vector<learn::AttributionMethod> parseMethodList(const std::string& text);

/// The model: `path`, or the shipped one when empty. A missing file is reported before
/// anything else is read (fuselab::Error naming it, exit 1). Loads LibTorch.
std::unique_ptr<learn::FusionModel> loadAttributionModel(const std::string& path, std::string* usedPath);
/// Throws fuselab::Error(path, "no such file") when a given model file does not exist.
void checkModelFile(const std::string& path);

/// The display range of one explanation's maps, shared by all of them so that inputs compare:
/// signed maps ±the 99th percentile of |v| over every map, others from min(0, 1st percentile)
/// to the 99th percentile.
struct DisplayRange {
    double lo = 0.0, hi = 1.0;
};
DisplayRange attributionDisplayRange(const std::vector<Image>& maps, bool isSigned);
/// Display of a 1-channel map: signed maps through a diverging blue–white–red ramp (white at 0),
/// others through an inferno-like ramp (the viewer's overlay ramps). 3-channel display codes, sRGB.
Image colouredAttributionMap(const Image& map, bool isSigned, const DisplayRange& range);

struct MapStatistics {
    double min = 0.0, max = 0.0, sum = 0.0;
};
MapStatistics mapStatistics(const Image& map);

} // namespace fuselab::cli
