#include "fuselab/output_file.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/colour_space.hpp"

namespace fuselab {

WriteOptions writeOptionsFor(const RecipeOutput& output, const std::string& metadataFrom)
{
    WriteOptions w;
    w.bitDepth = output.bitDepth == 0 ? 8 : output.bitDepth;
    w.jpegQuality = output.quality;
    w.metadataFrom = metadataFrom;
    w.dataPrimaries = primariesFromString(output.workingSpace);
    if (!output.outputSpace.empty()) w.outputPrimaries = primariesFromString(output.outputSpace);
    if (output.exrType != "half" && output.exrType != "float")
        throw Error("OpenEXR sample type must be half or float (got '" + output.exrType + "')");
    w.exrType = output.exrType == "float" ? ExrPixelType::Float : ExrPixelType::Half;
    w.exrCompression = exrCompressionFromString(output.exrCompression);
    w.tiffCompression = tiffCompressionFromString(output.tiffCompression);
    return w;
}

int fileBitDepth(const std::string& path, const WriteOptions& w, int integerSampleBits)
{
    const FileFormat f = formatFromExtension(path);
    if (f == FileFormat::Exr) return w.exrType == ExrPixelType::Half ? 16 : 32;
    if (f == FileFormat::RadianceHdr) return 32;
    if (f == FileFormat::Jpeg) return 8;
    if (integerSampleBits) return integerSampleBits;
    return w.bitDepth;
}

// Float formats hold linear light, integer files display-encoded values (or the PQ/HLG code
// values the encoding names).
std::string fileColourSpace(const std::string& path, ColourEncoding encoding, const WriteOptions& w)
{
    const FileFormat f = formatFromExtension(path);
    const RgbPrimaries primaries = w.outputPrimaries.value_or(w.dataPrimaries);
    if (f == FileFormat::RadianceHdr) return "linear";
    if (f == FileFormat::Exr) return primaries == RgbPrimaries::Rec709 ? "linear" : "linear-" + std::string(toString(primaries));
    if (encoding == ColourEncoding::Pq || encoding == ColourEncoding::Hlg) return std::string(toString(encoding));
    return primaries == RgbPrimaries::Rec709 ? "srgb" : std::string(toString(primaries));
}

namespace {

void noteFileSettings(const std::string& path, const RecipeOutput& output, ColourEncoding encoding, Sidecar& sidecar)
{
    const FileFormat f = formatFromExtension(path);
    if (f == FileFormat::Exr) {
        sidecar.notes["exr_type"] = output.exrType;
        sidecar.notes["exr_compression"] = output.exrCompression;
    }
    if (f == FileFormat::Tiff) sidecar.notes["tiff_compression"] = output.tiffCompression;
    sidecar.notes["encoding"] = std::string(toString(encoding));
    if (encoding == ColourEncoding::Pq) sidecar.notes["transfer_function"] = "PQ (SMPTE ST 2084) code values";
    if (encoding == ColourEncoding::Hlg) sidecar.notes["transfer_function"] = "HLG (ITU-R BT.2100) code values";
}

} // namespace

WrittenOutput writeImageWithSidecar(const std::string& path, const SampleImage& image, const RecipeOutput& output,
                                    const std::string& metadataFrom, Sidecar sidecar)
{
    const WriteOptions w = writeOptionsFor(output, metadataFrom);
    const FileFormat f = formatFromExtension(path);
    if (w.bitDepth == 32 && f != FileFormat::Tiff && f != FileFormat::Exr && f != FileFormat::RadianceHdr)
        throw Error(path, "32-bit samples are for TIFF output only");
    writeImage(path, image, w);
    return writeSidecarOfRows(path, image.width(), image.height(), image.channels(), image.isFloat() ? 0 : image.bitDepth(),
                              image.encoding(), output, metadataFrom, std::move(sidecar));
}

WrittenOutput writeSidecarOfRows(const std::string& path, int widthPx, int heightPx, int channels, int integerSampleBits,
                                 ColourEncoding encoding, const RecipeOutput& output, const std::string& metadataFrom, Sidecar sidecar)
{
    const WriteOptions w = writeOptionsFor(output, metadataFrom);
    sidecar.outputWidth = widthPx;
    sidecar.outputHeight = heightPx;
    sidecar.outputChannels = channels;
    sidecar.outputBitDepth = fileBitDepth(path, w, integerSampleBits);
    noteFileSettings(path, output, encoding, sidecar);
    writeSidecar(path, sidecar);
    return {path, fileColourSpace(path, encoding, w), sidecarPath(path), widthPx, heightPx, channels, sidecar.outputBitDepth};
}

} // namespace fuselab
