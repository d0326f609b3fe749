// Image types of the core.
//
// ImageBuffer<T> is a 2-D array of interleaved samples (1 to 4 channels) with a row
// stride, held by a shared, reference-counted buffer. Copying an ImageBuffer is cheap and
// shares the pixels (like cv::Mat); view() makes a rectangular sub-image that shares them
// too; clone() makes an independent, contiguous copy. Image (float samples) is the working
// type of every algorithm; Image8 and Image16 keep decoded integer files compact.
//
// Sample ranges: float images of display-referred data hold [0,1] (values outside are kept,
// not clipped); linear radiance is unbounded and non-negative; integer images hold their
// code values. The ColourEncoding says how the numbers relate to light.
//
// Thread safety: distinct images may be used from any thread; writing the same pixels from
// two threads needs external synchronisation, as does changing the header of a shared image.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <variant>

namespace fuselab {

enum class ColourEncoding : std::uint8_t {
    Linear, ///< proportional to scene light (radiance, HDR data, linear TIFF/EXR)
    Srgb,   ///< IEC 61966-2-1 sRGB transfer function (8/16-bit photographs)
    Pq,     ///< SMPTE ST 2084 code values in [0,1]
    Hlg,    ///< ITU-R BT.2100 HLG code values in [0,1]
};

std::string_view toString(ColourEncoding encoding);

struct PixelRect {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
};

template <typename T>
class ImageBuffer {
public:
    using Sample = T;

    ImageBuffer() = default;
    /// Allocates widthPx × heightPx × channels samples, zero-filled. channels in 1..4.
    /// Throws fuselab::Error when the size is invalid or memory cannot be allocated.
    ImageBuffer(int widthPx, int heightPx, int channels,
                ColourEncoding encoding = ColourEncoding::Linear);

    /// Like the constructor but leaves the samples uninitialised (for outputs that are
    /// written completely).
    static ImageBuffer uninitialised(int widthPx, int heightPx, int channels,
                                     ColourEncoding encoding = ColourEncoding::Linear);

    bool empty() const noexcept { return m_width == 0 || m_height == 0; }
    int width() const noexcept { return m_width; }
    int height() const noexcept { return m_height; }
    int channels() const noexcept { return m_channels; }
    std::size_t pixelCount() const noexcept { return std::size_t(m_width) * std::size_t(m_height); }
    /// Distance between the starts of two rows, in samples (not bytes, not pixels).
    std::size_t rowStrideSamples() const noexcept { return m_stride; }
    bool isContiguous() const noexcept { return m_stride == std::size_t(m_width) * m_channels; }

    ColourEncoding encoding() const noexcept { return m_encoding; }
    void setEncoding(ColourEncoding encoding) noexcept { m_encoding = encoding; }

    T* row(int y) noexcept { return m_origin + std::size_t(y) * m_stride; }
    const T* row(int y) const noexcept { return m_origin + std::size_t(y) * m_stride; }
    T& at(int x, int y, int c = 0) noexcept { return row(y)[std::size_t(x) * m_channels + c]; }
    const T& at(int x, int y, int c = 0) const noexcept { return row(y)[std::size_t(x) * m_channels + c]; }
    /// First sample; rows follow at rowStrideSamples() intervals.
    T* data() noexcept { return m_origin; }
    const T* data() const noexcept { return m_origin; }

    /// A sub-image sharing these pixels. Throws fuselab::Error if rect leaves the image.
    ImageBuffer view(const PixelRect& rect) const;
    /// An independent, contiguous copy.
    ImageBuffer clone() const;
    /// Sets every sample to value.
    void fill(T value);
    bool sharesStorageWith(const ImageBuffer& other) const noexcept {
        return m_storage && m_storage == other.m_storage;
    }

private:
    std::shared_ptr<T[]> m_storage;
    T* m_origin = nullptr;
    int m_width = 0;
    int m_height = 0;
    int m_channels = 0;
    std::size_t m_stride = 0;
    ColourEncoding m_encoding = ColourEncoding::Linear;
};

using Image = ImageBuffer<float>;
using Image8 = ImageBuffer<std::uint8_t>;
using Image16 = ImageBuffer<std::uint16_t>;

extern template class ImageBuffer<float>;
extern template class ImageBuffer<std::uint8_t>;
extern template class ImageBuffer<std::uint16_t>;

/// A decoded image in its file's own sample type (8-bit, 16-bit or 32-bit float), so
/// stacks of 8-bit photographs stay four times smaller than their float conversion.
/// The sample type a result is produced in: float, or 8/16-bit integers (values clipped to
/// [0,1] and rounded), so engines can write straight into the type of the file.
enum class FusedSampleType { Float, U8, U16 };

class SampleImage {
public:
    SampleImage() = default;
    SampleImage(Image8 pixels) : m_pixels(std::move(pixels)) {}
    SampleImage(Image16 pixels) : m_pixels(std::move(pixels)) {}
    SampleImage(Image pixels) : m_pixels(std::move(pixels)) {}

    /// 8, 16 or 32 (float).
    int bitDepth() const noexcept;
    bool isFloat() const noexcept { return bitDepth() == 32; }
    int width() const noexcept;
    int height() const noexcept;
    int channels() const noexcept;
    bool empty() const noexcept { return width() == 0 || height() == 0; }
    ColourEncoding encoding() const noexcept;

    /// Float copy; integer samples are normalised to [0,1] (code / (2^bits − 1)).
    Image toFloat() const;
    /// Normalised float samples of row y into dst (width() × channels() floats).
    void rowToFloat(int y, float* dst) const;

    const Image8* as8() const noexcept { return std::get_if<Image8>(&m_pixels); }
    const Image16* as16() const noexcept { return std::get_if<Image16>(&m_pixels); }
    const Image* asFloat() const noexcept { return std::get_if<Image>(&m_pixels); }

private:
    std::variant<Image8, Image16, Image> m_pixels;
};

} // namespace fuselab
