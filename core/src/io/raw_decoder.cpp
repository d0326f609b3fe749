// Camera RAW through LibRaw (DNG, CR2, CRW, NEF, ARW, ORF, RW2, RAF, PEF, KDC, … — every format
// LibRaw 0.20 reads): recognised by LibRaw accepting the content (a plain TIFF, a JPEG or a
// Prophesee event file is refused by it), decoded to linear RGB with the camera matrix to
// Rec. 709/sRGB primaries, black and white levels applied, white balance as shot, no
// auto-brightening, no gamma: 16-bit codes proportional to the light, tagged Linear.
#include "codecs.hpp"

#include "fuselab/base/error.hpp"

#include <libraw/libraw.h>

#include <algorithm>
#include <memory>

namespace fuselab::detail {
namespace {

struct DataErrors {
    int count = 0;
};

void onDataError(void* data, const char*, int)
{
    ++static_cast<DataErrors*>(data)->count;
}

std::unique_ptr<LibRaw> openRaw(const std::uint8_t* data, std::size_t size)
{
    auto raw = std::make_unique<LibRaw>(LIBRAW_OPTIONS_NONE);
    // LibRaw keeps the pointer; the caller's buffer outlives the LibRaw object.
    const int rc = raw->open_buffer(const_cast<std::uint8_t*>(data), size);
    if (rc != LIBRAW_SUCCESS) return nullptr;
    return raw;
}

void check(int rc, const char* step)
{
    if (rc == LIBRAW_SUCCESS) return;
    // An I/O or data error while reading the sensor data is a file cut short or damaged.
    const bool damaged = rc == LIBRAW_IO_ERROR || rc == LIBRAW_DATA_ERROR;
    throw Error(std::string("camera RAW: ") + step + " failed" + (damaged ? " (truncated or corrupt file)" : "") + ": " + libraw_strerror(rc));
}

} // namespace

std::optional<ImageHeader> cameraRawHeader(const std::uint8_t* data, std::size_t size)
{
    const std::unique_ptr<LibRaw> raw = openRaw(data, size);
    if (!raw) return std::nullopt;
    ImageHeader h;
    h.format = FileFormat::CameraRaw;
    const libraw_image_sizes_t& s = raw->imgdata.sizes;
    const bool swapped = (s.flip & 4) != 0; // the output is rotated by 90° (portrait)
    h.width = swapped ? s.height : s.width;
    h.height = swapped ? s.width : s.height;
    h.channels = 3;
    h.bitDepth = 16;
    return h;
}

SampleImage decodeCameraRaw(const std::uint8_t* data, std::size_t size, const RawOptions& options, ExifExposure* exposure)
{
    std::unique_ptr<LibRaw> raw = openRaw(data, size);
    if (!raw) throw Error("not a camera RAW file LibRaw can read");
    libraw_output_params_t& p = raw->imgdata.params;
    p.output_bps = 16;
    p.output_color = 1;        // camera matrix to sRGB/Rec. 709 primaries
    p.gamm[0] = p.gamm[1] = 1.0; // linear: no transfer curve
    p.no_auto_bright = 1;      // exposure as shot: frames of a bracket keep their ratios
    p.use_camera_wb = options.whiteBalance == RawWhiteBalance::AsShot ? 1 : 0;
    p.use_auto_wb = 0;
    if (options.whiteBalance == RawWhiteBalance::Custom)
        for (int c = 0; c < 4; ++c) p.user_mul[c] = float(options.multipliers[std::size_t(std::min(c, 2))]);
    p.user_qual = options.demosaic;
    p.half_size = options.halfSize ? 1 : 0;
    p.highlight = 0;           // clip: saturated photosites stay at the top code
    // The white level the file declares, never the frame's own brightest value (LibRaw's default
    // lowers it to the data maximum above 75 % of it): each frame of a bracket would otherwise be
    // scaled by its own factor and the exposure ratios the merge relies on would be lost.
    p.adjust_maximum_thr = 0.0f;
    DataErrors errors;
    raw->set_dataerror_handler(onDataError, &errors);
    check(raw->unpack(), "reading the sensor data");
    if (errors.count > 0) throw Error("camera RAW: the sensor data is corrupt or truncated (" + std::to_string(errors.count) + " decoding errors)");
    // LibRaw 0.20 reports success for some truncated files, leaving the missing rows zero: a
    // RAW read as zeros is a silent wrong result. Count the trailing all-zero sensor rows.
    const libraw_rawdata_t& rd = raw->imgdata.rawdata;
    if (rd.raw_image) {
        const int w = rd.sizes.raw_width, h = rd.sizes.raw_height;
        int zeroRows = 0;
        for (int y = h - 1; y >= 0; --y) {
            const unsigned short* row = rd.raw_image + std::size_t(y) * std::size_t(rd.sizes.raw_pitch / 2);
            if (std::any_of(row, row + w, [](unsigned short v) { return v != 0; })) break;
            ++zeroRows;
        }
        if (zeroRows == h) throw Error("camera RAW: the sensor data is all zero (truncated file?)");
        if (zeroRows > h / 50) throw Error("camera RAW: the last " + std::to_string(zeroRows) + " of " + std::to_string(h) + " sensor rows are empty (truncated file)");
    }
    check(raw->dcraw_process(), "demosaicing");
    int err = 0;
    libraw_processed_image_t* mem = raw->dcraw_make_mem_image(&err);
    if (!mem) check(err, "making the image");
    const std::unique_ptr<libraw_processed_image_t, void (*)(libraw_processed_image_t*)> owned(mem, &LibRaw::dcraw_clear_mem);
    if (mem->type != LIBRAW_IMAGE_BITMAP || mem->colors != 3 || mem->bits != 16) throw Error("camera RAW: unexpected decoded layout");
    Image16 out = Image16::uninitialised(mem->width, mem->height, 3, ColourEncoding::Linear);
    const auto* src = reinterpret_cast<const std::uint16_t*>(mem->data);
    for (int y = 0; y < mem->height; ++y) std::copy(src + std::size_t(y) * mem->width * 3, src + std::size_t(y + 1) * mem->width * 3, out.row(y));
    if (exposure) {
        // LibRaw fills 1 s, f/1 and ISO 0 where the file says nothing (the DNG sample): only a
        // complete, plausible triple counts.
        const libraw_imgother_t& o = raw->imgdata.other;
        if (o.shutter > 0.0f && o.aperture > 0.0f && o.iso_speed > 0.0f) {
            exposure->exposureTimeS = o.shutter;
            exposure->fNumber = o.aperture;
            exposure->iso = o.iso_speed;
        }
    }
    return SampleImage(out);
}

} // namespace fuselab::detail
