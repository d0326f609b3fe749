// Input modalities of a fusion network (SPEC §5). Every input of a fusion carries one; each
// modality has its own encoder, shared by all inputs of that modality (the exposures of a
// stack share one encoder, whatever their number).
#pragma once

#include <string_view>
#include <vector>

namespace fuselab::learn {

enum class Modality {
    Exposure, ///< one exposure of a bracketed stack (display-referred RGB in [0,1])
    Frame,    ///< F: a conventional intensity frame of frame/event data
    Event,    ///< E: an event representation rendered as an image (frame, time surface, voxel slice)
    EFrame,   ///< EF: the event-derived intensity frame ("eframe")
};

std::string_view toString(Modality modality); ///< "exposure", "frame", "event", "eframe"
/// Parses the words above; throws fuselab::Error listing them.
Modality parseModality(std::string_view text);
std::vector<Modality> allModalities();

} // namespace fuselab::learn
