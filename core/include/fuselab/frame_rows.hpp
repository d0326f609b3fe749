// Images as rows: the sample types of a row, and the interfaces through which the bounded-memory
// engines (banded fusion, row-by-row merge) read frames and hand out results one row at a time.
#pragma once

#include "fuselab/base/image.hpp"

#include <cstddef>
#include <string>

namespace fuselab {

enum class RowSampleType { U8, U16, Float };

/// Bytes of one sample of the type.
int bytesPerSample(RowSampleType type);

/// The sample type of an image's rows, and a pointer to row y (as stored, interleaved).
RowSampleType rowSampleTypeOf(const SampleImage& image);
const void* rowOf(const SampleImage& image, int y);
/// `count` samples of a row as float [0,1] (codes × 1/255 or × 1/65535, as SampleImage::rowToFloat).
void rowSamplesToFloat(RowSampleType type, const void* row, std::size_t count, float* dst);

/// A frame read from top to bottom, one row at a time. Display-encoded samples (8/16-bit codes or
/// float [0,1]); 1, 3 or 4 channels (alpha is not fused). Used from one thread at a time.
class FrameRowReader {
public:
    virtual ~FrameRowReader() = default;
    virtual int widthPx() const = 0;
    virtual int heightPx() const = 0;
    virtual int channels() const = 0;
    virtual RowSampleType sampleType() const = 0;
    /// The file, for messages.
    virtual const std::string& path() const = 0;
    /// Back to row 0 (the engine reads each frame twice).
    virtual void restart() = 0;
    /// The next row: widthPx() × channels() samples into dst. Throws fuselab::Error naming the
    /// file on corrupt or truncated data.
    virtual void readRow(void* dst) = 0;
};

/// Receives the fused rows in order 0 … height − 1 (interleaved, the output type's samples).
class FusedRowWriter {
public:
    virtual ~FusedRowWriter() = default;
    virtual void writeRow(const void* row) = 0;
};

} // namespace fuselab
