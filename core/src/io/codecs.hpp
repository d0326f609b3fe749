// Private: the individual decoders and encoders behind readImage/writeImage.
// Decoders take the whole file in memory and throw fuselab::Error (without file name;
// the caller attributes it) describing what is wrong with the data.
#pragma once

#include "colour_tags.hpp"
#include "fuselab/io.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <memory>
#include <vector>

namespace fuselab::detail {

/// libjpeg-turbo; corrupt-data warnings are errors (no silently grey-filled images).
SampleImage decodeJpeg(const std::uint8_t* data, std::size_t size);

/// A JPEG decoded one scanline at a time (the same samples as decodeJpeg), from its bytes held in
/// memory. A progressive JPEG makes libjpeg buffer every coefficient (about 2 bytes per
/// sample): such a file is not started, and callers check progressive() first. Throws fuselab::Error.
class JpegScanlineReader {
public:
    struct State;
    explicit JpegScanlineReader(std::vector<std::uint8_t> bytes);
    ~JpegScanlineReader();
    JpegScanlineReader(const JpegScanlineReader&) = delete;
    JpegScanlineReader& operator=(const JpegScanlineReader&) = delete;
    int width() const { return m_width; }
    int height() const { return m_height; }
    int channels() const { return m_channels; }
    bool progressive() const { return m_progressive; }
    /// Back to the first scanline.
    void restart();
    void readRow(void* dst);

private:
    std::vector<std::uint8_t> m_bytes;
    std::unique_ptr<State> m_state;
    int m_width = 0, m_height = 0, m_channels = 0;
    bool m_progressive = false;
};
/// PNG, TIFF, Radiance HDR through OpenCV's codecs; channels reordered to RGB(A). OpenCV's
/// imgcodecs lives in the companion library libfuselab_opencv_codecs.so, loaded on the first
/// call (companion_library.hpp says why); throws fuselab::Error when it cannot be loaded.
SampleImage decodeWithOpenCv(FileFormat format, const std::uint8_t* data, std::size_t size);
/// OpenEXR: RGB(A), Y, or luminance/chroma images; float samples.
SampleImage decodeExr(const std::uint8_t* data, std::size_t size, std::uint64_t maxPixels, ImageHeader& header);
/// Header only (for probeImage).
ImageHeader readExrHeader(const std::uint8_t* data, std::size_t size);

/// Encodes PNG/TIFF/JPEG/HDR through OpenCV into memory. `image` holds 8-bit, 16-bit or
/// float samples matching the target (the caller converts). Same companion library.
std::vector<std::uint8_t> encodeWithOpenCv(FileFormat format, const SampleImage& image, const WriteOptions& options);

/// The companion library's entry table (exported as fuselab_opencv_codecs(abiVersion)).
struct OpenCvCodecTable {
    SampleImage (*decode)(FileFormat format, const std::uint8_t* data, std::size_t size) = nullptr;
    std::vector<std::uint8_t> (*encode)(FileFormat format, const SampleImage& image, const WriteOptions& options) = nullptr;
};
/// Bumped whenever OpenCvCodecTable or a type it passes changes layout.
inline constexpr int kOpenCvCodecAbiVersion = 1;
/// TIFF through libtiff when the layout is plain (contiguous 8/16-bit or float, 1–4 samples,
/// RGB or grey, strips); std::nullopt for anything else, which OpenCV then decodes.
std::optional<SampleImage> decodeTiffDirect(const std::uint8_t* data, std::size_t size);
/// Writes a TIFF file at `path` (the caller's temporary) with libtiff: 8/16-bit or float;
/// `icc` (when not empty) goes into the ICC profile tag.
/// A PNG decoded one row at a time from its bytes held in memory. streamable() says whether the
/// rows are what readImage gives unchanged (8/16-bit grey, RGB or RGBA, not interlaced, no tRNS);
/// other files must be read whole. Throws fuselab::Error.
class PngScanlineReader {
public:
    struct State;
    explicit PngScanlineReader(std::vector<std::uint8_t> bytes);
    ~PngScanlineReader();
    PngScanlineReader(const PngScanlineReader&) = delete;
    PngScanlineReader& operator=(const PngScanlineReader&) = delete;
    bool streamable() const { return m_streamable; }
    int width() const { return m_width; }
    int height() const { return m_height; }
    int channels() const { return m_channels; }
    int bitDepth() const { return m_bitDepth; }
    void restart();
    void readRow(void* dst);

private:
    std::vector<std::uint8_t> m_bytes;
    std::unique_ptr<State> m_state;
    int m_width = 0, m_height = 0, m_channels = 0, m_bitDepth = 0;
    bool m_streamable = false;
};

/// An OpenEXR file (scanline or tiled) read one row of its data window at a time as float samples
/// in decodeExr's channel order. streamable() is false for luminance/chroma files (their
/// reconstruction filter spans rows), which must be read whole. Throws fuselab::Error.
class ExrScanlineReader {
public:
    explicit ExrScanlineReader(const std::string& path);
    ~ExrScanlineReader();
    ExrScanlineReader(const ExrScanlineReader&) = delete;
    ExrScanlineReader& operator=(const ExrScanlineReader&) = delete;
    bool streamable() const { return m_streamable; }
    int width() const { return m_width; }
    int height() const { return m_height; }
    int channels() const { return m_channels; }
    const std::optional<Chromaticities>& chromaticities() const { return m_chromaticities; }
    void restart() { m_next = 0; }
    void readRow(void* dst);

private:
    struct State;
    std::unique_ptr<State> m;
    std::optional<Chromaticities> m_chromaticities;
    int m_width = 0, m_height = 0, m_channels = 0, m_next = 0;
    bool m_streamable = false;
};

/// A TIFF file read scanline by scanline (libtiff decodes a strip at a time). streamable() says
/// whether its rows are what decodeTiffDirect gives unchanged (8/16-bit grey, RGB or RGBA in
/// contiguous strips, top-left orientation); other files must be read whole. Throws fuselab::Error.
class TiffScanlineReader {
public:
    explicit TiffScanlineReader(const std::string& path);
    ~TiffScanlineReader();
    TiffScanlineReader(const TiffScanlineReader&) = delete;
    TiffScanlineReader& operator=(const TiffScanlineReader&) = delete;
    bool streamable() const { return m_streamable; }
    int width() const { return m_width; }
    int height() const { return m_height; }
    int channels() const { return m_channels; }
    int bitDepth() const { return m_bitDepth; }
    const std::vector<std::uint8_t>& iccProfile() const { return m_icc; }
    void restart() { m_next = 0; }
    void readRow(void* dst);

private:
    void* m_tif = nullptr;
    std::vector<std::uint8_t> m_icc;
    int m_width = 0, m_height = 0, m_channels = 0, m_bitDepth = 0, m_next = 0;
    bool m_streamable = false;
};

/// PNG and JPEG written a row at a time (rows in order; 8/16-bit PNG, 8-bit JPEG), the ICC
/// profile embedded when given. close() throws when rows are missing or the write failed.
class PngRowWriter {
public:
    struct State;
    PngRowWriter(const std::string& path, int widthPx, int heightPx, int channels, int bitDepth, const std::vector<std::uint8_t>& icc);
    ~PngRowWriter();
    PngRowWriter(const PngRowWriter&) = delete;
    PngRowWriter& operator=(const PngRowWriter&) = delete;
    void writeRow(const void* row);
    void close();

private:
    std::unique_ptr<State> m;
    int m_height, m_next = 0;
};
class JpegRowWriter {
public:
    struct State;
    JpegRowWriter(const std::string& path, int widthPx, int heightPx, int channels, int quality, const std::vector<std::uint8_t>& icc);
    ~JpegRowWriter();
    JpegRowWriter(const JpegRowWriter&) = delete;
    JpegRowWriter& operator=(const JpegRowWriter&) = delete;
    void writeRow(const void* row);
    void close();

private:
    std::unique_ptr<State> m;
    int m_height, m_next = 0;
};

/// A TIFF written scanline by scanline (rows in order), in strips of about 1 MB.
class TiffScanlineWriter {
public:
    TiffScanlineWriter(const std::string& path, int widthPx, int heightPx, int channels, int bitDepth, TiffCompression compression,
                       const std::vector<std::uint8_t>& icc);
    ~TiffScanlineWriter();
    TiffScanlineWriter(const TiffScanlineWriter&) = delete;
    TiffScanlineWriter& operator=(const TiffScanlineWriter&) = delete;
    void writeRow(const void* row);
    /// Flushes and closes; throws when rows are missing or libtiff reports an error.
    void close();

private:
    void* m_tif = nullptr;
    std::size_t m_rowBytes;
    int m_height, m_next = 0;
};
void writeTiff(const std::string& path, const SampleImage& image, const WriteOptions& options, const std::vector<std::uint8_t>& icc);
/// Writes an OpenEXR file at `path` (the caller's temporary); its chromaticities attribute
/// names `primaries` (the linear values' RGB; nothing written when empty).
/// OpenEXR written a few rows at a time (scanline file; half samples converted a strip at a time).
class ExrScanlineWriter {
public:
    ExrScanlineWriter(const std::string& path, int widthPx, int heightPx, int channels, const WriteOptions& options,
                      std::optional<RgbPrimaries> primaries);
    ~ExrScanlineWriter();
    ExrScanlineWriter(const ExrScanlineWriter&) = delete;
    ExrScanlineWriter& operator=(const ExrScanlineWriter&) = delete;
    /// `count` rows of linear float samples (widthPx × channels each, rows rowStrideSamples apart).
    void writeRows(const float* rows, int count, std::size_t rowStrideSamples);
    int rowsWritten() const;
    /// Flushes and closes; throws when rows are missing or OpenEXR fails.
    void close();

private:
    struct State;
    std::unique_ptr<State> m;
};
void writeExr(const std::string& path, const Image& linear, const WriteOptions& options, std::optional<RgbPrimaries> primaries);

/// Camera RAW through LibRaw (raw_decoder.cpp): the output size when LibRaw accepts the bytes
/// (nothing when it does not: that is how a RAW is recognised), and the linear 16-bit
/// development; `exposure` gets the RAW's time, f-number and ISO when the file holds all three.
std::optional<ImageHeader> cameraRawHeader(const std::uint8_t* data, std::size_t size);
SampleImage decodeCameraRaw(const std::uint8_t* data, std::size_t size, const RawOptions& options, ExifExposure* exposure);

/// The EXIF a reader needs, in one Exiv2 parse: the exposure tags (empty fields when absent)
/// and the Orientation (1–8; 1 where absent or invalid). Never throws on missing EXIF.
struct ExifFields {
    ExifExposure exposure;
    int orientation = 1;
    /// EXIF's own colour statement without an ICC profile: ColorSpace 0xFFFF ("uncalibrated") with
    /// InteroperabilityIndex "R03" is how cameras in Adobe RGB mode mark their JPEGs (DCF 2.0).
    bool adobeRgb = false;
    /// DateTimeOriginal (+ SubSecTimeOriginal) as seconds since 1970-01-01 00:00:00 of the
    /// camera's own clock (EXIF keeps no time zone); empty when absent or malformed.
    std::optional<double> captureTimeS;
};
ExifFields readExifFields(const std::uint8_t* data, std::size_t size);
/// The same read from a file (Exiv2 reads only its metadata), for files not held in memory.
ExifFields readExifFieldsOfFile(const std::string& path);
/// The pixels as the Orientation tag says they are shown (2–8 mirror and/or rotate; 5–8 swap
/// width and height); 1 or anything else returns the image as it is.
SampleImage applyExifOrientation(const SampleImage& image, int orientation);

/// Carries `sourcePath`'s EXIF, XMP and IPTC into the written file `targetPath` (JPEG, PNG,
/// TIFF) through Exiv2: camera, lens, dates, GPS, aperture and optics kept; exposure fields,
/// thumbnail, maker note and file-structure tags dropped; Orientation 1, the new size, Software.
/// A source without readable metadata carries nothing. Throws fuselab::Error when writing fails.
void carryMetadata(const std::string& sourcePath, const std::string& targetPath, int widthPx, int heightPx, const std::string& software);

/// The main fields of a photograph's EXIF, for formats without EXIF (OpenEXR header attributes).
struct MainMetadata {
    std::string make, model, lens, dateTimeOriginal; ///< empty where absent
};
MainMetadata readMainMetadata(const std::string& path);

/// Adds EXIF exposure tags to an existing file (JPEG, PNG, TIFF) through Exiv2.
void writeExifExposure(const std::string& path, const ExifExposure& exif);
/// Writes DateTimeOriginal and SubSecTimeOriginal (milliseconds) for `captureTimeS` (seconds
/// since 1970-01-01 00:00:00, ExifFields::captureTimeS) into an existing JPEG, PNG or TIFF.
void writeCaptureTime(const std::string& path, double captureTimeS);

} // namespace fuselab::detail
