// Files read and written row by row, for the banded (bounded-memory) fusion: a frame is never
// held whole where its format can be read in parts, and the result goes to disk as it is made.
#pragma once

#include "fuselab/banded_fusion.hpp"
#include "fuselab/base/exposure.hpp"
#include "fuselab/io.hpp"
#include "fuselab/weight_source.hpp"

#include <memory>
#include <string>
#include <vector>

namespace fuselab {

/// How openFrameRows reads a file.
enum class RowReadMode {
    Scanlines, ///< decoded a scanline at a time, twice (memory: the compressed file and a few rows)
    Spooled    ///< read whole once, then rows from an unnamed temporary file (memory: one decoded frame, once)
};

/// What openFrameRows found out about a file beside its rows.
struct FrameRowsInfo {
    RowReadMode mode = RowReadMode::Spooled;
    ExifExposure exif; ///< the exposure tags (for a merge's exposure times)
    ColourEncoding encoding = ColourEncoding::Srgb; ///< of the rows handed out
};

/// What the rows are for: fusion takes display values (linear frames go through the sRGB curve,
/// as fuseMertens does), a radiance merge takes the codes as read.
enum class RowPurpose { Fusion, Merge };

/// Opens an image file (format by content) as rows for fuseMertensBanded. A baseline JPEG with no
/// rotation in its EXIF, no ICC profile and no Adobe RGB mark, read into the Rec. 709 working
/// space, is decoded by scanlines — the same samples readImage gives — at any size (nothing is
/// allocated per image, so options.maxPixels does not apply). Any other file (PNG, TIFF,
/// EXR, RAW, progressive or tagged JPEG) is read whole with readImage (colour management,
/// orientation, RAW development as usual), display-encoded when linear and read for fusion, written to an unnamed
/// temporary file and dropped, then read back row by row. Throws fuselab::Error naming the file.
std::unique_ptr<FrameRowReader> openFrameRows(const std::string& path, const ReadOptions& options, RowPurpose purpose,
                                              FrameRowsInfo* info = nullptr);

/// An image file written row by row into a temporary beside `path` — TIFF strips (8/16-bit display
/// values; writeImage's float TIFFs hold linear light), PNG rows (8/16-bit), JPEG scanlines (8-bit, options.jpegQuality) or
/// OpenEXR scanlines (float linear radiance), by the path's extension;
/// commit() carries options.metadataFrom's metadata into it and renames it over `path`. Without
/// commit() (an error, a cancel) the temporary is removed and an existing file at `path` is
/// untouched. Colour tags as writeImage's; options.outputPrimaries must be unset or equal to the
/// data's (no conversion happens row by row).
class ImageRowFile final : public FusedRowWriter {
public:
    ImageRowFile(const std::string& path, int widthPx, int heightPx, int channels, FusedSampleType type, const WriteOptions& options);
    ~ImageRowFile() override;
    void writeRow(const void* row) override;
    void commit();

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

/// Frames opened as rows, in the order given.
struct OpenedFrames {
    std::vector<std::string> files;
    std::vector<std::unique_ptr<FrameRowReader>> readers;
    std::vector<FrameRowsInfo> info;
    std::vector<FrameRowReader*> pointers() const;
    /// Frames decoded row by row (the others were read whole once).
    int scanlineCount() const;
    bool anyDeeperThan8Bits() const;
};
/// openFrameRows for every file (progress per file, cancel between files).
OpenedFrames openFramesAsRows(const std::vector<std::string>& files, const ReadOptions& options, RowPurpose purpose, ProgressSink& progress);

/// fuseMertensBanded of the frames into `output` (ImageRowFile: TIFF or float EXR), committed when
/// every row is written; an existing file there is untouched on any error or cancel.
BandedFusionPlan fuseFramesToFile(const OpenedFrames& frames, const MertensParams& params, const BandedFusionOptions& options,
                                  const std::string& output, const WriteOptions& write, ProgressSink& progress);

/// fuseFramesToFile with weights from `weights` (weight_source.hpp): a first pass feeds every
/// row of every frame to it (frames in parallel), it finishes, the frames restart, and the bands
/// blend its weights over its pyramid levels — the whole-image fusion with those weights.
BandedFusionPlan fuseFramesToFileWithWeights(const OpenedFrames& frames, WeightSource& weights, BandedFusionOptions options,
                                             const std::string& output, const WriteOptions& write, ProgressSink& progress);

} // namespace fuselab
