// Colour management on reading: from what the file says to the working space.
#include "../colour/lcms_profiles.hpp"
#include "colour_management.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/tonemap.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace fuselab::detail {
namespace {

std::string workingName(RgbPrimaries working, bool linear)
{
    return std::string("the working space (") + std::string(displayName(working)) + (linear ? ", linear)" : ", sRGB curve)");
}

// A source the file names: a profile, and what to call it in the note.
struct SourceSpace {
    Profile profile;
    std::string name;
};

template <typename T>
ImageBuffer<T> withTag(const ImageBuffer<T>& image, ColourEncoding encoding)
{
    ImageBuffer<T> tagged = image; // shares the pixels
    tagged.setEncoding(encoding);
    return tagged;
}

SampleImage retagged(const SampleImage& pixels, ColourEncoding encoding)
{
    if (const Image8* p = pixels.as8()) return SampleImage(withTag(*p, encoding));
    if (const Image16* p = pixels.as16()) return SampleImage(withTag(*p, encoding));
    return SampleImage(withTag(*pixels.asFloat(), encoding));
}

std::uint32_t lcmsFormat(int channels, int bitDepth)
{
    const bool grey = channels <= 2;
    const bool alpha = channels == 2 || channels == 4;
    if (bitDepth == 8) return grey ? (alpha ? TYPE_GRAYA_8 : TYPE_GRAY_8) : (alpha ? TYPE_RGBA_8 : TYPE_RGB_8);
    if (bitDepth == 16) return grey ? (alpha ? TYPE_GRAYA_16 : TYPE_GRAY_16) : (alpha ? TYPE_RGBA_16 : TYPE_RGB_16);
    return grey ? (alpha ? TYPE_GRAYA_FLT : TYPE_GRAY_FLT) : (alpha ? TYPE_RGBA_FLT : TYPE_RGB_FLT);
}

// Whether the transform leaves every code of a test grid where it was (within half an 8-bit
// step): an sRGB-tagged photograph in the Rec. 709 working space keeps its exact pixels.
bool isIdentity(void* transform, bool grey)
{
    constexpr int kSteps = 9;
    constexpr int kTolerance = 65535 / 255 / 2;
    std::vector<std::uint16_t> in, out;
    for (int r = 0; r < kSteps; ++r)
        for (int g = 0; g < (grey ? 1 : kSteps); ++g)
            for (int b = 0; b < (grey ? 1 : kSteps); ++b) {
                in.push_back(std::uint16_t(r * 65535 / (kSteps - 1)));
                if (!grey) {
                    in.push_back(std::uint16_t(g * 65535 / (kSteps - 1)));
                    in.push_back(std::uint16_t(b * 65535 / (kSteps - 1)));
                }
            }
    out.resize(in.size());
    cmsDoTransform(transform, in.data(), out.data(), cmsUInt32Number(in.size() / (grey ? 1 : 3)));
    for (std::size_t i = 0; i < in.size(); ++i)
        if (std::abs(int(in[i]) - int(out[i])) > kTolerance) return false;
    return true;
}

// Whether a float file's profile is the linear working space itself (FuseLab's own float TIFFs):
// then the samples are kept bit for bit instead of passing through the profile's s15.16 numbers.
bool isFloatIdentity(void* source, RgbPrimaries working)
{
    const Profile to = makeRgbProfile(working, TransferCurve::Linear);
    const Transform t = makeTransform(source, TYPE_RGB_FLT, to.get(), TYPE_RGB_FLT);
    const float in[] = {0.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0.0f, 1.0f, 0.5f, 0.5f, 0.5f, 0.2f, 0.7f, 0.1f};
    float out[18] = {};
    cmsDoTransform(t.get(), in, out, 6);
    for (int i = 0; i < 18; ++i)
        if (std::fabs(in[i] - out[i]) > 1e-3f) return false;
    return true;
}

template <typename In, typename Out>
void transformRows(void* transform, const ImageBuffer<In>& in, ImageBuffer<Out>& out)
{
    parallelFor(0, in.height(), 16, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) cmsDoTransform(transform, in.row(y), out.row(y), cmsUInt32Number(in.width()));
    });
}

// Integer pixels through lcms into 16-bit working-space samples. The transform runs in float:
// lcms's optimised 16-bit matrix/shaper path was measured 0.0019 off in linear light near black
// (Display P3 red read back into Rec. 709), the float path is exact to the 16-bit rounding.
SampleImage transformInteger(const SampleImage& pixels, void* from, void* to, ColourEncoding resultEncoding)
{
    const int ch = pixels.channels(), w = pixels.width();
    Image16 out = Image16::uninitialised(w, pixels.height(), ch, resultEncoding);
    const Transform t = makeTransform(from, lcmsFormat(ch, 32), to, lcmsFormat(ch, 32));
    parallelFor(0, pixels.height(), 16, [&](int y0, int y1) {
        std::vector<float> in(std::size_t(w) * ch), converted(std::size_t(w) * ch);
        for (int y = y0; y < y1; ++y) {
            pixels.rowToFloat(y, in.data());
            cmsDoTransform(t.get(), in.data(), converted.data(), cmsUInt32Number(w));
            std::uint16_t* d = out.row(y);
            for (std::size_t i = 0; i < converted.size(); ++i) {
                const float v = std::isnan(converted[i]) ? 0.0f : std::clamp(converted[i], 0.0f, 1.0f);
                d[i] = std::uint16_t(v * 65535.0f + 0.5f);
            }
        }
    });
    return SampleImage(std::move(out));
}

// PQ or HLG code values (a cICP-tagged PNG) → linear light, 1.0 = reference white, as the PQ
// and HLG tone mappings' defaults decode them.
Image decodeHdrCodes(const SampleImage& pixels, int transfer)
{
    Image f = pixels.toFloat();
    const double white = PqOptions{}.referenceWhiteCdM2, peak = HlgOptions{}.sceneValueAtPeak;
    const int n = f.width() * f.channels();
    const int colour = f.channels() == 4 ? 3 : f.channels();
    parallelFor(0, f.height(), 16, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            float* p = f.row(y);
            for (int i = 0; i < n; ++i) {
                if (f.channels() == 4 && i % 4 == colour) continue; // alpha is not light
                p[i] = float(transfer == cicp::kTransferPq ? pqDecode(p[i]) / white : hlgInverseOetf(p[i]) * peak);
            }
        }
    });
    f.setEncoding(ColourEncoding::Linear);
    return f;
}

std::optional<RgbPrimaries> cicpPrimaries(int code)
{
    if (code == cicp::kPrimariesRec709) return RgbPrimaries::Rec709;
    if (code == cicp::kPrimariesRec2020) return RgbPrimaries::Rec2020;
    if (code == cicp::kPrimariesDisplayP3) return RgbPrimaries::DisplayP3;
    return std::nullopt;
}

// What reading does to a float file's samples: nothing, an ICC transform (float TIFF with a
// profile) or a primaries matrix (EXR chromaticities other than the working space's).
struct FloatColourPlan {
    Profile iccSource;                     ///< set: transform through it
    std::optional<Chromaticities> matrixFrom; ///< set: convert primaries from these
    std::string note, warning;
};

FloatColourPlan planFloatColour(const FileColour& tags, int channels, RgbPrimaries working)
{
    FloatColourPlan plan;
    if (!tags.icc.empty() && channels >= 3) { // float TIFF with a profile
        std::string why;
        Profile source = openIccProfile(tags.icc, why);
        if (!source) {
            plan.note = "the embedded ICC profile cannot be read (" + why + "); Rec. 709 linear assumed";
            plan.warning = plan.note;
        } else if (isFloatIdentity(source.get(), working)) {
            plan.note = "ICC profile '" + profileDescription(source.get()) + "': " + workingName(working, true) + "; samples as stored";
            return plan;
        } else {
            plan.note = "ICC profile '" + profileDescription(source.get()) + "', converted to " + workingName(working, true);
            plan.iccSource = std::move(source);
            return plan;
        }
    }
    const Chromaticities source = tags.chromaticities.value_or(chromaticitiesOf(RgbPrimaries::Rec709));
    const std::optional<RgbPrimaries> named = matchPrimaries(source);
    const std::string what = !tags.chromaticities ? std::string("no chromaticities: Rec. 709 assumed")
                             : named             ? "chromaticities of " + std::string(displayName(*named))
                                                 : std::string("chromaticities of its own");
    if (named == working || channels < 3) {
        plan.note = what + ", the working space; samples as stored";
        return plan;
    }
    plan.note = what + ", converted to " + workingName(working, true);
    plan.matrixFrom = source;
    return plan;
}

void manageFloat(LoadedImage& loaded, const FileColour& tags, RgbPrimaries working)
{
    const Image& f = *loaded.pixels.asFloat();
    FloatColourPlan plan = planFloatColour(tags, f.channels(), working);
    loaded.colourNote = plan.note;
    if (!plan.warning.empty()) loaded.colourWarning = plan.warning;
    if (plan.iccSource) {
        const Profile to = makeRgbProfile(working, TransferCurve::Linear);
        Image out = Image::uninitialised(f.width(), f.height(), f.channels(), ColourEncoding::Linear);
        const Transform t = makeTransform(plan.iccSource.get(), lcmsFormat(f.channels(), 32), to.get(), lcmsFormat(f.channels(), 32));
        transformRows(t.get(), f, out);
        loaded.pixels = SampleImage(std::move(out));
        loaded.colourConverted = true;
    } else if (plan.matrixFrom) {
        loaded.pixels = SampleImage(applyRgbMatrix(f, linearRgbMatrix(*plan.matrixFrom, chromaticitiesOf(working))));
        loaded.colourConverted = true;
    }
}

std::string cicpName(const Cicp& c)
{
    return "PNG cICP " + std::to_string(c.primaries) + "/" + std::to_string(c.transfer) + "/" + std::to_string(c.matrix) + "/" +
           std::to_string(c.fullRange);
}

bool isHdrTransfer(int transfer) { return transfer == cicp::kTransferPq || transfer == cicp::kTransferHlg; }

// The primaries of a cICP chunk FuseLab reads; throws naming the code points otherwise.
RgbPrimaries checkedCicpPrimaries(const Cicp& c)
{
    const std::optional<RgbPrimaries> primaries = cicpPrimaries(c.primaries);
    if (!primaries || c.matrix != 0 || !c.fullRange ||
        (c.transfer != cicp::kTransferSrgb && c.transfer != cicp::kTransferLinear && !isHdrTransfer(c.transfer)))
        throw Error(cicpName(c) + " is not one FuseLab reads (primaries 1, 9 or 12; transfer 8, 13, 16 or 18; RGB, full range)");
    return *primaries;
}

// The space an integer file's tags name (cICP first, as PNG's third edition ranks it; then the
// ICC profile); an empty profile means sRGB (untagged, or a tag that says sRGB). `note`
// receives what the tags said. PQ/HLG cICP chunks are decoded before this is asked.
SourceSpace integerSource(const FileColour& tags, bool grey, std::string& note, std::string& warning)
{
    if (tags.cicp) {
        const Cicp& c = *tags.cicp;
        const RgbPrimaries primaries = checkedCicpPrimaries(c);
        const TransferCurve curve = c.transfer == cicp::kTransferLinear ? TransferCurve::Linear : TransferCurve::Srgb;
        // Grey is grey in every D65 space: only the curve matters.
        return {grey ? makeGreyProfile(curve) : makeRgbProfile(primaries, curve), cicpName(c)};
    }
    if (!tags.icc.empty()) {
        std::string why;
        Profile p = openIccProfile(tags.icc, why);
        if (!p) {
            note = "the embedded ICC profile cannot be read (" + why + "); sRGB assumed";
            warning = note;
            return {};
        }
        const std::string name = "ICC profile '" + profileDescription(p.get()) + "'";
        return {std::move(p), name};
    }
    if (tags.srgbChunk) {
        note = "PNG sRGB chunk";
        return {};
    }
    if (tags.exifAdobeRgb) // a camera's Adobe RGB mode: EXIF ColorSpace uncalibrated + interoperability R03
        return {makeRgbProfile(RgbPrimaries::AdobeRgb, TransferCurve::AdobeRgb), "EXIF ColorSpace uncalibrated with interoperability R03 (Adobe RGB)"};
    if (tags.fileGamma || tags.chromaticities) {
        const Chromaticities c = tags.chromaticities.value_or(chromaticitiesOf(RgbPrimaries::Rec709));
        const std::optional<RgbPrimaries> named = matchPrimaries(c);
        // 0.45455 is how PNG writers spell sRGB without an sRGB chunk (libpng does the same).
        const bool srgbGamma = !tags.fileGamma || std::fabs(*tags.fileGamma - 0.45455) < 0.005;
        std::ostringstream what;
        what << "PNG";
        if (tags.fileGamma) what << " gAMA " << *tags.fileGamma;
        if (tags.chromaticities) what << " cHRM" << (named ? " of " + std::string(displayName(*named)) : std::string());
        if (srgbGamma && named == RgbPrimaries::Rec709) {
            note = what.str() + ": sRGB";
            return {};
        }
        const double gamma = srgbGamma ? 0.0 : 1.0 / *tags.fileGamma;
        return {makeRgbProfile(c, TransferCurve::Srgb, what.str(), gamma), what.str()};
    }
    note = "untagged: sRGB assumed";
    return {};
}

struct IntegerColourPlan {
    ColourEncoding encoding = ColourEncoding::Srgb; ///< the tag the samples get
    Profile from, to;                               ///< set when the samples are transformed
    const void* transform = nullptr;                ///< non-null when they are
    std::string note, warning;
};

// What reading does to an integer file's samples: nothing (a note), a new encoding tag, or a
// transform from the file's space into the working space.
IntegerColourPlan planIntegerColour(const FileColour& tags, bool grey, RgbPrimaries working)
{
    IntegerColourPlan plan;
    std::string note;
    SourceSpace source = integerSource(tags, grey, note, plan.warning);
    if (source.profile) {
        const cmsColorSpaceSignature space = cmsGetColorSpace(source.profile.get());
        if ((space == cmsSigGrayData) != grey || (space != cmsSigGrayData && space != cmsSigRgbData)) {
            note = source.name + " describes " + (space == cmsSigGrayData ? "grey" : space == cmsSigRgbData ? "RGB" : "non-RGB") +
                   " data, not this " + (grey ? "grey" : "colour") + " image; ignored, sRGB assumed";
            plan.warning = note;
            source.profile.reset();
        }
    }
    if (!source.profile) {
        if (working == RgbPrimaries::Rec709 || grey) {
            plan.note = note + (note.find("assumed") == std::string::npos ? ", the working space" : "") + "; samples as stored";
            return plan;
        }
        source.profile = makeRgbProfile(RgbPrimaries::Rec709, TransferCurve::Srgb);
        source.name = note;
    }
    const bool linear = hasLinearCurves(source.profile.get());
    const TransferCurve curve = linear ? TransferCurve::Linear : TransferCurve::Srgb;
    Profile to = grey ? makeGreyProfile(curve) : makeRgbProfile(working, curve);
    plan.encoding = linear ? ColourEncoding::Linear : ColourEncoding::Srgb;
    const Transform probe = makeTransform(source.profile.get(), grey ? TYPE_GRAY_16 : TYPE_RGB_16, to.get(), grey ? TYPE_GRAY_16 : TYPE_RGB_16);
    if (isIdentity(probe.get(), grey)) {
        plan.note = source.name + ": " + workingName(working, linear) + "; samples as stored";
        return plan;
    }
    plan.note = source.name + ", converted to " + workingName(working, linear) + ", 16-bit";
    plan.from = std::move(source.profile);
    plan.to = std::move(to);
    plan.transform = plan.from.get();
    return plan;
}

void manageInteger(LoadedImage& loaded, const FileColour& tags, RgbPrimaries working)
{
    const int ch = loaded.pixels.channels();
    const bool grey = ch <= 2;
    if (tags.cicp && isHdrTransfer(tags.cicp->transfer)) {
        const Cicp c = *tags.cicp;
        const Image linear = decodeHdrCodes(loaded.pixels, c.transfer);
        loaded.pixels = SampleImage(convertPrimaries(linear, checkedCicpPrimaries(c), working));
        loaded.colourConverted = true;
        loaded.colourNote = cicpName(c) + " (" + (c.transfer == cicp::kTransferPq ? "PQ, 203 cd/m² = 1.0" : "HLG, 0.75 = 1.0") +
                            "), decoded to " + workingName(working, true);
        return;
    }

    IntegerColourPlan plan = planIntegerColour(tags, grey, working);
    loaded.colourWarning = plan.warning;
    loaded.colourNote = plan.note;
    if (plan.transform == nullptr) {
        if (plan.encoding != ColourEncoding::Srgb) loaded.pixels = retagged(loaded.pixels, plan.encoding);
        return;
    }
    loaded.pixels = transformInteger(loaded.pixels, plan.from.get(), plan.to.get(), plan.encoding);
    loaded.colourConverted = true;
}


} // namespace

bool floatSamplesReadAsStored(const FileColour& tags, int channels, RgbPrimaries working)
{
    const FloatColourPlan plan = planFloatColour(tags, channels, working);
    return !plan.iccSource && !plan.matrixFrom;
}

bool integerSamplesReadAsStored(const FileColour& tags, int channels, RgbPrimaries working)
{
    if (tags.cicp && isHdrTransfer(tags.cicp->transfer)) return false;
    const IntegerColourPlan plan = planIntegerColour(tags, channels <= 2, working);
    return plan.transform == nullptr && plan.encoding == ColourEncoding::Srgb;
}


void manageReadColour(LoadedImage& loaded, const std::uint8_t* data, std::size_t size, const ReadOptions& options, bool exifAdobeRgb)
{
    const RgbPrimaries working = options.workingPrimaries;
    if (!isWorkingSpace(working))
        throw Error("the working space must be rec709 or rec2020, not " + std::string(toString(working)));
    if (!options.manageColour) {
        loaded.colourNote = "as stored (colour management off)";
        return;
    }
    const FileFormat format = loaded.header.format;
    if (format == FileFormat::CameraRaw) {
        // LibRaw develops to linear Rec. 709 primaries (raw_decoder.cpp).
        loaded.colourNote = "camera RAW developed to linear Rec. 709/sRGB primaries";
        if (working != RgbPrimaries::Rec709) {
            const Profile from = makeRgbProfile(RgbPrimaries::Rec709, TransferCurve::Linear), to = makeRgbProfile(working, TransferCurve::Linear);
            loaded.pixels = transformInteger(loaded.pixels, from.get(), to.get(), ColourEncoding::Linear);
            loaded.colourConverted = true;
            loaded.colourNote += ", converted to " + workingName(working, true);
        }
        return;
    }
    FileColour tags = readFileColour(format, data, size);
    tags.exifAdobeRgb = exifAdobeRgb;
    if (loaded.pixels.isFloat()) manageFloat(loaded, tags, working);
    else manageInteger(loaded, tags, working);
}

} // namespace fuselab::detail
