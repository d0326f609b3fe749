// Per-pixel fusion weights that come from elsewhere than the Mertens measures (a learned
// network), a band at a time, for fusion in bounded memory (banded_fusion.hpp, row_io.hpp).
// Header-only interfaces, so that libraries that cannot link fuselab_core (the learned fusion's)
// can provide them and front ends can ask any fusion operator for them without naming it.
#pragma once

#include "fuselab/base/params.hpp"

#include <functional>
#include <memory>
#include <string>

namespace fuselab {

/// Weights a band at a time. First every row of every frame goes through addRow (frames on any
/// threads, each frame's rows in order; float samples in [0,1], the frame's channels); then
/// finish(); then weightRows gives any rows of every frame's weight map from the frames' own
/// rows. weightRows is const and may run on several threads at once.
class WeightSource {
public:
    virtual ~WeightSource() = default;
    virtual void addRow(int frame, int y, const float* row) = 0;
    virtual void finish() = 0;
    /// The pyramid levels the whole-image fusion with these weights blends over.
    virtual int pyramidLevels() const = 0;
    /// Rows [y0, y1) of every frame's weight map into weightRow(f, y), from frameRow(f, y) (any y
    /// of the image within one row of [y0, y1)).
    virtual void weightRows(int y0, int y1, const std::function<const float*(int, int)>& frameRow,
                            const std::function<float*(int, int)>& weightRow) const = 0;
};

/// Implemented by fusion operators whose weights can be computed a band at a time (the learned
/// fusion): the weights their run with `values` would blend, for `frames` frames of widthPx ×
/// heightPx with `channels` channels each; nullptr with *whyNot set when these values cannot
/// (a phrase after "… because").
class BandWeightsProvider {
public:
    virtual ~BandWeightsProvider() = default;
    virtual std::unique_ptr<WeightSource> bandWeights(const ParamValues& values, int frames, int widthPx, int heightPx, int channels,
                                                      std::string* whyNot) const = 0;
};

} // namespace fuselab
