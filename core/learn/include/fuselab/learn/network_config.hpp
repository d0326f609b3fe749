// The architecture of a learned fusion network, as stored in model files and checkpoints.
//
// Inputs: K images (any K ≥ 1), each tagged with a Modality, all of one size, RGB values in
// [0,1] (display-referred codes, like Mertens's inputs). The network
//   1. area-downsamples every input so its long side is at most lowResLongSidePx;
//   2. encodes each input with its modality's encoder (conv 3×3 at the low resolution, then a
//      stride-2 conv and two dilated convs at half of it: the "features" the MI heads read);
//   3. decodes each input's features together with the mean and maximum over all inputs'
//      features (so the decision for one input sees the others, for any K and in any order)
//      into one logit map per input at the low resolution; softmax across inputs gives weights;
//   4. carries each weight map to full resolution with a fast guided filter whose guide is that
//      input's own luminance (edges of the weights follow the edges of the image);
//   4b. (detailTerm) multiplies each full-resolution weight by (C_k + ε)^β, C_k = |3×3 Laplacian|
//      of the input's grey: Mertens's contrast measure, with β and ε learned. The low-resolution
//      network decides which exposure suits a region; this term picks detail pixel by pixel, as
//      no network at 256 px can on a 12 MP photograph;
//   5. blends the inputs with those weights in a Laplacian pyramid (Burt & Adelson), exactly as
//      exposure fusion does: Mertens is this network with hand-made weights.
#pragma once

#include "fuselab/learn/modality.hpp"

#include <string>
#include <vector>

namespace fuselab::learn {

struct FusionNetConfig {
    /// One encoder per modality listed here; inputs of other modalities are refused.
    std::vector<Modality> modalities{Modality::Exposure};
    int featureChannels = 16;   ///< C: encoder width at the low resolution (2C after the stride-2 layer); 4..64
    int lowResLongSidePx = 256; ///< inference: long side of the network's input (smaller images are not enlarged); 32..2048
    int guidedRadiusPx = 1;     ///< box radius of the guided filter, in low-resolution pixels; 0 = plain bilinear upsampling
    double guidedEpsilon = 1e-3; ///< guided-filter regulariser, in squared luminance ([0,1] luminance); larger = smoother weights
    bool detailTerm = true;      ///< step 4b; a model file without the key predates it (false)

    /// "key=value" lines (stored in model files and checkpoints; readable without LibTorch).
    std::string toText() const;
    /// Parses toText()'s form; unknown keys are an error. Throws fuselab::Error.
    static FusionNetConfig fromText(const std::string& text);
    /// Throws fuselab::Error naming the first field out of range.
    void validate() const;
    bool operator==(const FusionNetConfig& other) const;
};

} // namespace fuselab::learn
