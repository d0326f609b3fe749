// Files read and written row by row, for the banded (bounded-memory) fusion: a frame is never
// held whole where its format can be read in parts, and the result goes to disk as it is made.
#pragma once

#include "fuselab/banded_fusion.hpp"
#include "fuselab/io.hpp"

#include <memory>
#include <string>

namespace fuselab {

/// How openFrameRows reads a file.
enum class RowReadMode {
    Scanlines, ///< decoded a scanline at a time, twice (memory: the compressed file and a few rows)
    Spooled    ///< read whole once, then rows from an unnamed temporary file (memory: one decoded frame, once)
};

/// Opens an image file (format by content) as rows for fuseMertensBanded. A baseline JPEG with no
/// rotation in its EXIF, no ICC profile and no Adobe RGB mark, read into the Rec. 709 working
/// space, is decoded by scanlines — the same samples readImage gives — at any size (nothing is
/// allocated per image, so options.maxPixels does not apply). Any other file (PNG, TIFF,
/// EXR, RAW, progressive or tagged JPEG) is read whole with readImage (colour management,
/// orientation, RAW development as usual), display-encoded when linear, written to an unnamed
/// temporary file and dropped, then read back row by row. Throws fuselab::Error naming the file.
std::unique_ptr<FrameRowReader> openFrameRows(const std::string& path, const ReadOptions& options, RowReadMode* mode = nullptr);

/// A TIFF written row by row (strips) into a temporary beside `path`; commit() carries
/// options.metadataFrom's EXIF into it and renames it over `path`. Without commit() (an error,
/// a cancel) the temporary is removed and an existing file at `path` is untouched. Tagged sRGB
/// (options.tagColour) like writeImage's output; options.outputPrimaries must be unset or equal
/// to the data's (no conversion happens row by row).
class TiffRowFile final : public FusedRowWriter {
public:
    TiffRowFile(const std::string& path, int widthPx, int heightPx, int channels, FusedSampleType type, const WriteOptions& options);
    ~TiffRowFile() override;
    void writeRow(const void* row) override;
    void commit();

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace fuselab
