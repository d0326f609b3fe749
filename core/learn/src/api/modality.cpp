#include "fuselab/learn/modality.hpp"

#include "fuselab/base/error.hpp"

#include <string>

namespace fuselab::learn {

std::string_view toString(Modality modality)
{
    switch (modality) {
    case Modality::Exposure: return "exposure";
    case Modality::Frame: return "frame";
    case Modality::Event: return "event";
    case Modality::EFrame: return "eframe";
    }
    return "exposure";
}

std::vector<Modality> allModalities()
{
    return {Modality::Exposure, Modality::Frame, Modality::Event, Modality::EFrame};
}

Modality parseModality(std::string_view text)
{
    for (Modality m : allModalities())
        if (toString(m) == text) return m;
    throw Error("unknown modality '" + std::string(text) + "' (exposure, frame, event, eframe)");
}

} // namespace fuselab::learn
