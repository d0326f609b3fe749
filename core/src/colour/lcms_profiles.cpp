// Little CMS 2 profiles: FuseLab's working and output spaces, embedded profiles, transforms.
#include "lcms_profiles.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/tonemap.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>

namespace fuselab::detail {
namespace {

thread_local std::string t_lcmsError;

void collectLcmsError(cmsContext, cmsUInt32Number, const char* text) { t_lcmsError = text ? text : "unknown error"; }

void installErrorHandler()
{
    static std::once_flag once;
    std::call_once(once, [] { cmsSetLogErrorHandler(collectLcmsError); });
}

struct CurveDeleter {
    void operator()(cmsToneCurve* c) const { cmsFreeToneCurve(c); }
};
using Curve = std::unique_ptr<cmsToneCurve, CurveDeleter>;

// Encoded value as a function of linear light, sampled for curves lcms has no parametric form of.
Curve tabulated(double (*decode)(double))
{
    constexpr int kEntries = 4096;
    std::vector<float> linear(kEntries);
    for (int i = 0; i < kEntries; ++i) linear[std::size_t(i)] = float(decode(double(i) / (kEntries - 1)));
    return Curve(cmsBuildTabulatedToneCurveFloat(nullptr, kEntries, linear.data()));
}

double pqToRelative(double code) { return pqDecode(code) / pq::peakCdM2; }

Curve buildCurve(TransferCurve curve, double gamma)
{
    if (gamma > 0.0) return Curve(cmsBuildGamma(nullptr, gamma));
    switch (curve) {
    case TransferCurve::Linear: return Curve(cmsBuildGamma(nullptr, 1.0));
    case TransferCurve::Srgb: {
        // ICC parametric type 4, which is IEC 61966-2-1's decoding curve.
        const cmsFloat64Number p[5] = {2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.04045};
        return Curve(cmsBuildParametricToneCurve(nullptr, 4, p));
    }
    case TransferCurve::AdobeRgb: return Curve(cmsBuildGamma(nullptr, 563.0 / 256.0));
    case TransferCurve::Pq: return tabulated(pqToRelative);
    case TransferCurve::Hlg: return tabulated(hlgInverseOetf);
    }
    return nullptr;
}

void setText(cmsHPROFILE h, cmsTagSignature tag, const std::string& text)
{
    cmsMLU* mlu = cmsMLUalloc(nullptr, 1);
    cmsMLUsetASCII(mlu, "en", "US", text.c_str());
    cmsWriteTag(h, tag, mlu);
    cmsMLUfree(mlu);
}

const char* curveName(TransferCurve curve)
{
    switch (curve) {
    case TransferCurve::Linear: return "linear";
    case TransferCurve::Srgb: return "sRGB curve";
    case TransferCurve::AdobeRgb: return "gamma 563/256";
    case TransferCurve::Pq: return "PQ (SMPTE ST 2084)";
    case TransferCurve::Hlg: return "HLG (BT.2100)";
    }
    return "";
}

} // namespace

TransferCurve displayCurveOf(RgbPrimaries primaries)
{
    return primaries == RgbPrimaries::AdobeRgb ? TransferCurve::AdobeRgb : TransferCurve::Srgb;
}

std::string describeSpace(RgbPrimaries primaries, TransferCurve curve)
{
    return std::string(displayName(primaries)) + ", " + curveName(curve);
}

Profile makeRgbProfile(const Chromaticities& c, TransferCurve curve, const std::string& description, double gamma)
{
    installErrorHandler();
    const cmsCIExyY white{c.wx, c.wy, 1.0};
    const cmsCIExyYTRIPLE primaries{{c.rx, c.ry, 1.0}, {c.gx, c.gy, 1.0}, {c.bx, c.by, 1.0}};
    const Curve shared = buildCurve(curve, gamma);
    cmsToneCurve* curves[3] = {shared.get(), shared.get(), shared.get()};
    Profile p(cmsCreateRGBProfile(&white, &primaries, curves));
    if (!p) throw Error("Little CMS cannot build the profile '" + description + "' (" + t_lcmsError + ")");
    setText(p.get(), cmsSigProfileDescriptionTag, description);
    setText(p.get(), cmsSigCopyrightTag, "No copyright, use freely (made by FuseLab)");
    return p;
}

Profile makeRgbProfile(RgbPrimaries primaries, TransferCurve curve)
{
    const std::string description = primaries == RgbPrimaries::Rec709 && curve == TransferCurve::Srgb
                                        ? std::string("sRGB (FuseLab, IEC 61966-2-1)")
                                        : describeSpace(primaries, curve) + " (FuseLab)";
    return makeRgbProfile(chromaticitiesOf(primaries), curve, description);
}

Profile makeGreyProfile(TransferCurve curve)
{
    installErrorHandler();
    const cmsCIExyY white{0.3127, 0.3290, 1.0};
    const Curve c = buildCurve(curve, 0.0);
    Profile p(cmsCreateGrayProfile(&white, c.get()));
    if (!p) throw Error("Little CMS cannot build a grey profile (" + t_lcmsError + ")");
    setText(p.get(), cmsSigProfileDescriptionTag, std::string("Grey, ") + curveName(curve) + " (FuseLab)");
    setText(p.get(), cmsSigCopyrightTag, "No copyright, use freely (made by FuseLab)");
    return p;
}

namespace {
std::vector<std::uint8_t> serialised(void* profile)
{
    cmsUInt32Number size = 0;
    if (!cmsSaveProfileToMem(profile, nullptr, &size) || size == 0) throw Error("Little CMS cannot serialise a profile");
    std::vector<std::uint8_t> bytes(size);
    if (!cmsSaveProfileToMem(profile, bytes.data(), &size)) throw Error("Little CMS cannot serialise a profile");
    // lcms stamps the creation time into the header (bytes 24–35, ICC dateTimeNumber); a fixed
    // date keeps outputs bit-identical from run to run (replays, byte comparisons).
    constexpr std::uint8_t kFixedDate[12] = {0x07, 0xEA, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0}; // 2026-01-01 00:00:00
    if (bytes.size() >= 36) std::copy(std::begin(kFixedDate), std::end(kFixedDate), bytes.begin() + 24);
    return bytes;
}
} // namespace

namespace {
// Serialised profiles, built once per (primaries or grey, curve); entries never move (std::map).
const std::vector<std::uint8_t>& cachedIcc(std::optional<RgbPrimaries> primaries, TransferCurve curve)
{
    static std::mutex mutex;
    static std::map<std::pair<int, int>, std::vector<std::uint8_t>> cache;
    std::lock_guard<std::mutex> lock(mutex);
    std::vector<std::uint8_t>& bytes = cache[{primaries ? int(*primaries) : -1, int(curve)}];
    if (bytes.empty()) bytes = serialised((primaries ? makeRgbProfile(*primaries, curve) : makeGreyProfile(curve)).get());
    return bytes;
}
} // namespace

const std::vector<std::uint8_t>& iccBytes(RgbPrimaries primaries, TransferCurve curve) { return cachedIcc(primaries, curve); }

const std::vector<std::uint8_t>& greyIccBytes(TransferCurve curve) { return cachedIcc(std::nullopt, curve); }

Profile openIccProfile(const std::vector<std::uint8_t>& icc, std::string& why)
{
    installErrorHandler();
    t_lcmsError.clear();
    Profile p(cmsOpenProfileFromMem(icc.data(), cmsUInt32Number(icc.size())));
    if (!p) why = t_lcmsError.empty() ? std::string("not an ICC profile") : t_lcmsError;
    return p;
}

std::string profileDescription(void* profile)
{
    char text[256] = {};
    if (cmsGetProfileInfoASCII(profile, cmsInfoDescription, "en", "US", text, sizeof text) == 0 || text[0] == 0) return "unnamed";
    return text;
}

bool hasLinearCurves(void* profile)
{
    if (!cmsIsMatrixShaper(profile)) return false;
    const cmsTagSignature tags[] = {cmsSigRedTRCTag, cmsSigGreenTRCTag, cmsSigBlueTRCTag};
    const bool grey = cmsGetColorSpace(profile) == cmsSigGrayData;
    for (cmsTagSignature tag : tags) {
        const auto* curve = static_cast<const cmsToneCurve*>(cmsReadTag(profile, grey ? cmsSigGrayTRCTag : tag));
        if (!curve || !cmsIsToneCurveLinear(curve)) return false;
        if (grey) return true;
    }
    return true;
}

Transform makeTransform(void* from, std::uint32_t fromFormat, void* to, std::uint32_t toFormat)
{
    installErrorHandler();
    t_lcmsError.clear();
    Transform t(cmsCreateTransform(from, fromFormat, to, toFormat, INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_NOCACHE | cmsFLAGS_COPY_ALPHA));
    if (!t) throw Error("Little CMS cannot convert between these profiles (" + (t_lcmsError.empty() ? std::string("no reason given") : t_lcmsError) + ")");
    return t;
}

std::array<double, 9> linearRgbMatrix(const Chromaticities& from, const Chromaticities& to)
{
    const Profile a = makeRgbProfile(from, TransferCurve::Linear, "source");
    const Profile b = makeRgbProfile(to, TransferCurve::Linear, "target");
    const Transform t = makeTransform(a.get(), TYPE_RGB_DBL, b.get(), TYPE_RGB_DBL);
    // Columns are the images of the unit vectors. Small unit vectors keep every output inside
    // lcms's range even where the target gamut is smaller (negative components stay linear).
    std::array<double, 9> m{};
    for (int column = 0; column < 3; ++column) {
        double in[3] = {0, 0, 0}, out[3] = {0, 0, 0};
        in[column] = 1.0;
        cmsDoTransform(t.get(), in, out, 1);
        for (int row = 0; row < 3; ++row) m[std::size_t(row * 3 + column)] = out[row];
    }
    return m;
}

} // namespace fuselab::detail
