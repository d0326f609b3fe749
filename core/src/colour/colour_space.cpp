// Working-space names and the linear primaries conversion.
#include "lcms_profiles.hpp"

#include "fuselab/colour_space.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <map>
#include <mutex>

namespace fuselab {

std::string_view toString(RgbPrimaries primaries)
{
    switch (primaries) {
    case RgbPrimaries::Rec709: return "rec709";
    case RgbPrimaries::Rec2020: return "rec2020";
    case RgbPrimaries::DisplayP3: return "display-p3";
    case RgbPrimaries::AdobeRgb: return "adobe-rgb";
    }
    return "rec709";
}

std::string_view displayName(RgbPrimaries primaries)
{
    switch (primaries) {
    case RgbPrimaries::Rec709: return "Rec. 709/sRGB";
    case RgbPrimaries::Rec2020: return "Rec. 2020";
    case RgbPrimaries::DisplayP3: return "Display P3";
    case RgbPrimaries::AdobeRgb: return "Adobe RGB (1998)";
    }
    return "Rec. 709/sRGB";
}

RgbPrimaries primariesFromString(std::string_view name)
{
    if (name == "srgb") return RgbPrimaries::Rec709;
    for (RgbPrimaries p : {RgbPrimaries::Rec709, RgbPrimaries::Rec2020, RgbPrimaries::DisplayP3, RgbPrimaries::AdobeRgb})
        if (toString(p) == name) return p;
    throw Error("unknown colour space '" + std::string(name) + "' (rec709 or srgb, rec2020, display-p3, adobe-rgb)");
}

bool isWorkingSpace(RgbPrimaries primaries) { return primaries == RgbPrimaries::Rec709 || primaries == RgbPrimaries::Rec2020; }

namespace {
const std::array<double, 9>& cachedMatrix(RgbPrimaries from, RgbPrimaries to)
{
    static std::mutex mutex;
    static std::map<std::pair<int, int>, std::array<double, 9>> cache;
    std::lock_guard<std::mutex> lock(mutex);
    const auto key = std::make_pair(int(from), int(to));
    auto it = cache.find(key);
    if (it == cache.end())
        it = cache.emplace(key, detail::linearRgbMatrix(detail::chromaticitiesOf(from), detail::chromaticitiesOf(to))).first;
    return it->second;
}
} // namespace

Image convertPrimaries(const Image& linear, RgbPrimaries from, RgbPrimaries to)
{
    if (from == to || linear.empty() || linear.channels() == 1) return linear; // grey is grey in every D65 space
    if (linear.encoding() != ColourEncoding::Linear) throw Error("primaries are converted on linear light; this image is " + std::string(toString(linear.encoding())));
    return detail::applyRgbMatrix(linear, cachedMatrix(from, to));
}

Image detail::applyRgbMatrix(const Image& linear, const std::array<double, 9>& md)
{
    if (linear.channels() < 3) throw Error("one- and two-channel images have no RGB primaries to convert");
    float m[9];
    for (int i = 0; i < 9; ++i) m[i] = float(md[std::size_t(i)]);
    Image out = Image::uninitialised(linear.width(), linear.height(), linear.channels(), ColourEncoding::Linear);
    const int ch = linear.channels();
    parallelFor(0, linear.height(), 16, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* s = linear.row(y);
            float* d = out.row(y);
            for (int x = 0; x < linear.width(); ++x, s += ch, d += ch) {
                const float r = s[0], g = s[1], b = s[2];
                d[0] = m[0] * r + m[1] * g + m[2] * b;
                d[1] = m[3] * r + m[4] * g + m[5] * b;
                d[2] = m[6] * r + m[7] * g + m[8] * b;
                if (ch == 4) d[3] = s[3];
            }
        }
    });
    return out;
}

} // namespace fuselab
