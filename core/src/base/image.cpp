#include "fuselab/base/image.hpp"

#include "fuselab/base/error.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>
#include <string>

namespace fuselab {

std::string_view toString(ColourEncoding encoding)
{
    switch (encoding) {
    case ColourEncoding::Linear: return "linear";
    case ColourEncoding::Srgb: return "srgb";
    case ColourEncoding::Pq: return "pq";
    case ColourEncoding::Hlg: return "hlg";
    }
    return "unknown";
}

namespace {

template <typename T>
std::shared_ptr<T[]> allocateSamples(int widthPx, int heightPx, int channels, bool zero)
{
    if (widthPx <= 0 || heightPx <= 0)
        throw Error("invalid image size " + std::to_string(widthPx) + "x" + std::to_string(heightPx));
    if (channels < 1 || channels > 4)
        throw Error("unsupported channel count " + std::to_string(channels) + " (1 to 4)");
    const std::size_t count = std::size_t(widthPx) * std::size_t(heightPx) * std::size_t(channels);
    if (count > std::numeric_limits<std::size_t>::max() / sizeof(T))
        throw Error("image too large to address");
    try {
        std::shared_ptr<T[]> storage(zero ? new T[count]() : new T[count]);
        return storage;
    } catch (const std::bad_alloc&) {
        throw Error("cannot allocate " + std::to_string(count * sizeof(T) / (1024 * 1024)) +
                    " MiB for a " + std::to_string(widthPx) + "x" + std::to_string(heightPx) + " image");
    }
}

} // namespace

template <typename T>
ImageBuffer<T>::ImageBuffer(int widthPx, int heightPx, int channels, ColourEncoding encoding)
    : m_storage(allocateSamples<T>(widthPx, heightPx, channels, true)), m_width(widthPx),
      m_height(heightPx), m_channels(channels), m_stride(std::size_t(widthPx) * channels),
      m_encoding(encoding)
{
    m_origin = m_storage.get();
}

template <typename T>
ImageBuffer<T> ImageBuffer<T>::uninitialised(int widthPx, int heightPx, int channels,
                                             ColourEncoding encoding)
{
    ImageBuffer image;
    image.m_storage = allocateSamples<T>(widthPx, heightPx, channels, false);
    image.m_origin = image.m_storage.get();
    image.m_width = widthPx;
    image.m_height = heightPx;
    image.m_channels = channels;
    image.m_stride = std::size_t(widthPx) * channels;
    image.m_encoding = encoding;
    return image;
}

template <typename T>
ImageBuffer<T> ImageBuffer<T>::view(const PixelRect& rect) const
{
    if (rect.x < 0 || rect.y < 0 || rect.width <= 0 || rect.height <= 0 ||
        rect.x + rect.width > m_width || rect.y + rect.height > m_height)
        throw Error("view rectangle " + std::to_string(rect.width) + "x" + std::to_string(rect.height) +
                    "+" + std::to_string(rect.x) + "+" + std::to_string(rect.y) + " is outside the " +
                    std::to_string(m_width) + "x" + std::to_string(m_height) + " image");
    ImageBuffer sub = *this;
    sub.m_origin = m_origin + std::size_t(rect.y) * m_stride + std::size_t(rect.x) * m_channels;
    sub.m_width = rect.width;
    sub.m_height = rect.height;
    return sub;
}

template <typename T>
ImageBuffer<T> ImageBuffer<T>::clone() const
{
    if (empty())
        return ImageBuffer();
    ImageBuffer copy = uninitialised(m_width, m_height, m_channels, m_encoding);
    const std::size_t rowSamples = std::size_t(m_width) * m_channels;
    for (int y = 0; y < m_height; ++y)
        std::memcpy(copy.row(y), row(y), rowSamples * sizeof(T));
    return copy;
}

template <typename T>
void ImageBuffer<T>::fill(T value)
{
    const std::size_t rowSamples = std::size_t(m_width) * m_channels;
    for (int y = 0; y < m_height; ++y)
        std::fill_n(row(y), rowSamples, value);
}

template class ImageBuffer<float>;
template class ImageBuffer<std::uint8_t>;
template class ImageBuffer<std::uint16_t>;

// --- SampleImage -------------------------------------------------------------------------

int SampleImage::bitDepth() const noexcept
{
    switch (m_pixels.index()) {
    case 0: return 8;
    case 1: return 16;
    default: return 32;
    }
}

int SampleImage::width() const noexcept
{
    return std::visit([](const auto& img) { return img.width(); }, m_pixels);
}
int SampleImage::height() const noexcept
{
    return std::visit([](const auto& img) { return img.height(); }, m_pixels);
}
int SampleImage::channels() const noexcept
{
    return std::visit([](const auto& img) { return img.channels(); }, m_pixels);
}
ColourEncoding SampleImage::encoding() const noexcept
{
    return std::visit([](const auto& img) { return img.encoding(); }, m_pixels);
}

void SampleImage::rowToFloat(int y, float* dst) const
{
    const std::size_t n = std::size_t(width()) * channels();
    if (const Image8* p = as8()) {
        const std::uint8_t* src = p->row(y);
        constexpr float scale = 1.0f / 255.0f;
        for (std::size_t i = 0; i < n; ++i)
            dst[i] = float(src[i]) * scale;
    } else if (const Image16* p16 = as16()) {
        const std::uint16_t* src = p16->row(y);
        constexpr float scale = 1.0f / 65535.0f;
        for (std::size_t i = 0; i < n; ++i)
            dst[i] = float(src[i]) * scale;
    } else if (const Image* pf = asFloat()) {
        std::memcpy(dst, pf->row(y), n * sizeof(float));
    }
}

Image SampleImage::toFloat() const
{
    if (empty())
        return Image();
    if (const Image* pf = asFloat())
        return pf->clone();
    Image out = Image::uninitialised(width(), height(), channels(), encoding());
    for (int y = 0; y < height(); ++y)
        rowToFloat(y, out.row(y));
    return out;
}

} // namespace fuselab
