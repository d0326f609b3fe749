// PNG, TIFF and Radiance HDR decoding and PNG/TIFF/JPEG/HDR encoding through OpenCV: the
// companion library libfuselab_opencv_codecs.so (the only code that links opencv_imgcodecs),
// reached through fuselab_opencv_codecs() by opencv_codecs_loader.cpp in fuselab_core.
#include "codecs.hpp"

#include "fuselab/base/error.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstring>

namespace fuselab::detail {
namespace {

const char* formatName(FileFormat f)
{
    switch (f) {
    case FileFormat::Png: return "PNG";
    case FileFormat::Tiff: return "TIFF";
    case FileFormat::RadianceHdr: return "Radiance HDR";
    case FileFormat::Jpeg: return "JPEG";
    default: return "image";
    }
}

// OpenCV orders colour channels B, G, R(, A); ours are R, G, B(, A).
template <typename T>
ImageBuffer<T> fromMat(const cv::Mat& m, ColourEncoding encoding)
{
    const int ch = m.channels();
    ImageBuffer<T> out = ImageBuffer<T>::uninitialised(m.cols, m.rows, ch, encoding);
    for (int y = 0; y < m.rows; ++y) {
        const T* src = m.ptr<T>(y);
        T* dst = out.row(y);
        if (ch == 1) {
            std::memcpy(dst, src, sizeof(T) * std::size_t(m.cols));
            continue;
        }
        for (int x = 0; x < m.cols; ++x) {
            dst[x * ch + 0] = src[x * ch + 2];
            dst[x * ch + 1] = src[x * ch + 1];
            dst[x * ch + 2] = src[x * ch + 0];
            if (ch == 4) dst[x * ch + 3] = src[x * ch + 3];
        }
    }
    return out;
}

template <typename T>
cv::Mat toMat(const ImageBuffer<T>& img, int cvDepth)
{
    const int ch = img.channels();
    cv::Mat m(img.height(), img.width(), CV_MAKETYPE(cvDepth, ch));
    for (int y = 0; y < img.height(); ++y) {
        const T* src = img.row(y);
        T* dst = m.ptr<T>(y);
        if (ch == 1) {
            std::memcpy(dst, src, sizeof(T) * std::size_t(img.width()));
            continue;
        }
        for (int x = 0; x < img.width(); ++x) {
            dst[x * ch + 0] = src[x * ch + 2];
            dst[x * ch + 1] = src[x * ch + 1];
            dst[x * ch + 2] = src[x * ch + 0];
            if (ch == 4) dst[x * ch + 3] = src[x * ch + 3];
        }
    }
    return m;
}

SampleImage decodeImage(FileFormat format, const std::uint8_t* data, std::size_t size)
{
    const cv::Mat buffer(1, int(size), CV_8UC1, const_cast<std::uint8_t*>(data));
    cv::Mat m;
    try {
        m = cv::imdecode(buffer, cv::IMREAD_UNCHANGED | cv::IMREAD_ANYDEPTH | cv::IMREAD_ANYCOLOR);
    } catch (const cv::Exception& e) {
        throw Error(std::string("corrupt ") + formatName(format) + " data (" + e.err + ")");
    }
    if (m.empty()) throw Error(std::string("corrupt or truncated ") + formatName(format) + " data");
    if (m.channels() == 2) { // grey + alpha
        cv::Mat rgba;
        cv::cvtColor(m, rgba, cv::COLOR_GRAY2BGRA);
        std::vector<cv::Mat> planes;
        cv::split(m, planes);
        std::vector<cv::Mat> out;
        cv::split(rgba, out);
        out[3] = planes[1];
        cv::merge(out, m);
    }
    if (m.channels() > 4) throw Error(std::string(formatName(format)) + " images with more than 4 channels are not supported");
    switch (m.depth()) {
    case CV_8U: return SampleImage(fromMat<std::uint8_t>(m, ColourEncoding::Srgb));
    case CV_16U: return SampleImage(fromMat<std::uint16_t>(m, ColourEncoding::Srgb));
    case CV_32F: return SampleImage(fromMat<float>(m, ColourEncoding::Linear));
    default: {
        cv::Mat f;
        m.convertTo(f, CV_32F);
        return SampleImage(fromMat<float>(f, ColourEncoding::Linear));
    }
    }
}

std::vector<std::uint8_t> encodeImage(FileFormat format, const SampleImage& image, const WriteOptions& options)
{
    cv::Mat m;
    if (const Image8* p8 = image.as8()) m = toMat(*p8, CV_8U);
    else if (const Image16* p16 = image.as16()) m = toMat(*p16, CV_16U);
    else m = toMat(*image.asFloat(), CV_32F);

    std::vector<int> params;
    std::string ext;
    switch (format) {
    case FileFormat::Png:
        ext = ".png";
        params = {cv::IMWRITE_PNG_COMPRESSION, 3};
        break;
    case FileFormat::Tiff:
        ext = ".tif";
        // libtiff codes: 1 none, 5 LZW, 8 Adobe Deflate.
        params = {cv::IMWRITE_TIFF_COMPRESSION,
                  options.tiffCompression == TiffCompression::Lzw ? 5 : options.tiffCompression == TiffCompression::Deflate ? 8 : 1};
        break;
    case FileFormat::Jpeg:
        ext = ".jpg";
        params = {cv::IMWRITE_JPEG_QUALITY, options.jpegQuality};
        break;
    case FileFormat::RadianceHdr:
        ext = ".hdr";
        // OpenCV 4.6 writes run-length encoded RGBE by default.
        break;
    default: throw Error("this format is not written through OpenCV");
    }
    std::vector<std::uint8_t> bytes;
    try {
        if (!cv::imencode(ext, m, bytes, params) || bytes.empty())
            throw Error(std::string("the ") + formatName(format) + " encoder failed");
    } catch (const cv::Exception& e) {
        throw Error(std::string("the ") + formatName(format) + " encoder failed (" + e.err + ")");
    }
    return bytes;
}

} // namespace
} // namespace fuselab::detail

extern "C" __attribute__((visibility("default"))) const fuselab::detail::OpenCvCodecTable* fuselab_opencv_codecs(int abiVersion)
{
    static const fuselab::detail::OpenCvCodecTable table{&fuselab::detail::decodeImage, &fuselab::detail::encodeImage};
    return abiVersion == fuselab::detail::kOpenCvCodecAbiVersion ? &table : nullptr;
}
