// What a written file says about its colour.
#include "../colour/lcms_profiles.hpp"
#include "colour_management.hpp"

namespace fuselab::detail {

OutputColourTag outputColourTag(ColourEncoding encoding, RgbPrimaries primaries, int channels)
{
    const bool grey = channels <= 2;
    switch (encoding) {
    case ColourEncoding::Pq:
        return {grey ? std::vector<std::uint8_t>{} : iccBytes(RgbPrimaries::Rec2020, TransferCurve::Pq),
                Cicp{cicp::kPrimariesRec2020, cicp::kTransferPq, 0, 1}};
    case ColourEncoding::Hlg:
        return {grey ? std::vector<std::uint8_t>{} : iccBytes(RgbPrimaries::Rec2020, TransferCurve::Hlg),
                Cicp{cicp::kPrimariesRec2020, cicp::kTransferHlg, 0, 1}};
    case ColourEncoding::Linear: return {grey ? greyIccBytes(TransferCurve::Linear) : iccBytes(primaries, TransferCurve::Linear), std::nullopt};
    case ColourEncoding::Srgb: break;
    }
    return {grey ? greyIccBytes(TransferCurve::Srgb) : iccBytes(primaries, displayCurveOf(primaries)), std::nullopt};
}

} // namespace fuselab::detail
