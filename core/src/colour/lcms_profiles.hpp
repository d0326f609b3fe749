// Private: Little CMS 2 profiles and transforms FuseLab builds and reads. Every profile here is
// a matrix/shaper RGB (or grey) profile with a D65 white (adapted to the D50 PCS by lcms's
// Bradford). Thread safety: functions may be called from any thread; a Transform may be used
// from several threads at once (built with cmsFLAGS_NOCACHE).
#pragma once

#include "../io/colour_tags.hpp"

#include "fuselab/colour_space.hpp"

#include <lcms2.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace fuselab::detail {

struct ProfileCloser {
    void operator()(void* p) const { cmsCloseProfile(p); }
};
using Profile = std::unique_ptr<void, ProfileCloser>;
struct TransformDeleter {
    void operator()(void* t) const { cmsDeleteTransform(t); }
};
using Transform = std::unique_ptr<void, TransformDeleter>;

/// Encoding curves of the spaces FuseLab writes and recognises.
enum class TransferCurve {
    Linear,
    Srgb,     ///< IEC 61966-2-1 (also Display P3's and FuseLab's Rec. 2020 display files')
    AdobeRgb, ///< pure power 563/256 ≈ 2.2
    Pq,       ///< SMPTE ST 2084, 10000 cd/m² = 1 (tabulated, for the ICC beside a cICP chunk)
    Hlg,      ///< ITU-R BT.2100 HLG (tabulated)
};
/// The curve a display file in these primaries is written with (sRGB; 563/256 for Adobe RGB).
TransferCurve displayCurveOf(RgbPrimaries primaries);

/// RGB profile with these chromaticities and one curve for all channels; `gamma` > 0 replaces
/// the curve by a pure power (encoded = linear^(1/gamma)). The description names it.
Profile makeRgbProfile(const Chromaticities& c, TransferCurve curve, const std::string& description, double gamma = 0.0);
Profile makeRgbProfile(RgbPrimaries primaries, TransferCurve curve);
/// Grey profile with a D65 white and the given curve.
Profile makeGreyProfile(TransferCurve curve);
/// The ICC bytes of makeRgbProfile(primaries, curve) (built once per pair).
const std::vector<std::uint8_t>& iccBytes(RgbPrimaries primaries, TransferCurve curve);
/// The ICC bytes of makeGreyProfile(curve) (built once per curve).
const std::vector<std::uint8_t>& greyIccBytes(TransferCurve curve);
/// "Rec. 709/sRGB, sRGB curve" etc.
std::string describeSpace(RgbPrimaries primaries, TransferCurve curve);

/// Opens an embedded profile; null when lcms cannot parse it (`why` then says what lcms said).
Profile openIccProfile(const std::vector<std::uint8_t>& icc, std::string& why);
/// The profile's description tag ("Adobe RGB (1998)"), or "unnamed".
std::string profileDescription(void* profile);
/// True when the profile is matrix/shaper with linear curves on every channel.
bool hasLinearCurves(void* profile);

/// A transform between two profiles in the given lcms pixel formats (TYPE_RGB_16, …), relative
/// colorimetric, alpha copied. Throws fuselab::Error with lcms's message when it cannot be built.
Transform makeTransform(void* from, std::uint32_t fromFormat, void* to, std::uint32_t toFormat);

/// The 3×3 matrix taking linear RGB in `from` to linear RGB in `to` (row-major; out = M · in),
/// read off lcms by transforming the unit vectors.
std::array<double, 9> linearRgbMatrix(const Chromaticities& from, const Chromaticities& to);

} // namespace fuselab::detail

namespace fuselab::detail {
/// out = M · in on the RGB of every pixel (alpha kept), in parallel; Linear-tagged result.
Image applyRgbMatrix(const Image& linear, const std::array<double, 9>& m);
} // namespace fuselab::detail
