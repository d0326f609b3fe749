// Row helpers of frame_rows.hpp.
#include "fuselab/frame_rows.hpp"

#include <cstdint>
#include <cstring>

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

void rowSamplesToFloat(RowSampleType type, const void* row, std::size_t count, float* dst)
{
    switch (type) {
    case RowSampleType::U8: {
        constexpr float scale = 1.0f / 255.0f;
        const auto* src = static_cast<const std::uint8_t*>(row);
        for (std::size_t i = 0; i < count; ++i) dst[i] = float(src[i]) * scale;
        return;
    }
    case RowSampleType::U16: {
        constexpr float scale = 1.0f / 65535.0f;
        const auto* src = static_cast<const std::uint16_t*>(row);
        for (std::size_t i = 0; i < count; ++i) dst[i] = float(src[i]) * scale;
        return;
    }
    case RowSampleType::Float: break;
    }
    std::memcpy(dst, row, count * sizeof(float));
}

} // namespace fuselab
