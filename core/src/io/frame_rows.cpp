// Row helpers of frame_rows.hpp.
#include "fuselab/frame_rows.hpp"

namespace fuselab {

int bytesPerSample(RowSampleType type)
{
    switch (type) {
    case RowSampleType::U8: return 1;
    case RowSampleType::U16: return 2;
    case RowSampleType::Float: break;
    }
    return 4;
}

RowSampleType rowSampleTypeOf(const SampleImage& image)
{
    return image.as8() ? RowSampleType::U8 : image.as16() ? RowSampleType::U16 : RowSampleType::Float;
}

const void* rowOf(const SampleImage& image, int y)
{
    if (const Image8* p = image.as8()) return p->row(y);
    if (const Image16* p = image.as16()) return p->row(y);
    return image.asFloat()->row(y);
}

} // namespace fuselab
