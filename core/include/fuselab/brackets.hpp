// Finding brackets: which files belong to one exposure stack. A folder of scene sub-folders
// gives one bracket per sub-folder (the layout CLI.md names for `metrics --batch`, `pic`);
// a flat folder of frames — a memory card's worth of auto-bracketed shots — is split into
// brackets by capture time and exposure sequence (EXIF), as a photographer shoots them.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace fuselab {

struct Bracket {
    std::string name;               ///< the sub-folder's name, or "<folder>-<first frame's stem>"
    std::vector<std::string> files; ///< in capture (or name) order
    std::vector<double> evs;        ///< the sub-folder's ev.txt, or empty
    std::string note;               ///< how it was found, when the user should know (no EXIF to group by)
};

/// One shot of a flat folder as grouping sees it.
struct BracketShot {
    std::string path;
    std::optional<double> captureTimeS;  ///< EXIF DateTimeOriginal (+ SubSecTimeOriginal), seconds
    std::optional<double> exposureTimeS; ///< EXIF ExposureTime
    std::optional<double> stops;         ///< relative exposure (exposure.hpp), from EXIF
};

struct BracketGrouping {
    /// A new bracket starts when a shot begins more than this long after the previous one
    /// ended (its capture time plus its exposure time). Auto-bracketing fires frames a fraction
    /// of a second apart; a photographer re-framing takes several seconds.
    double maxGapS = 2.0;
};

/// Splits shots (any order) into brackets: sorted by capture time (then name), a new bracket
/// starts after a gap longer than `maxGapS`, or when a shot's exposure repeats one already in
/// the bracket (a bracket's exposures differ; without capture times this rule alone decides).
/// Brackets of one shot are kept (the caller reports them). Names are "<prefix>-<stem>". Shots
/// with neither capture times nor exposures cannot be told apart: they stay one bracket, with a
/// note saying so.
std::vector<Bracket> groupShotsIntoBrackets(std::vector<BracketShot> shots, const std::string& prefix,
                                            const BracketGrouping& grouping = {});

/// The shot of a file: its EXIF capture time and exposure (metadata only, pixels not decoded).
BracketShot readBracketShot(const std::string& path);

/// The brackets of each folder: its sub-folders that hold images (one bracket each, in name
/// order), or — for a folder of frames — its frames grouped by groupShotsIntoBrackets. Throws
/// fuselab::Error naming a folder that is missing or holds no images.
std::vector<Bracket> bracketsOfFolders(const std::vector<std::string>& folders, const BracketGrouping& grouping = {});

} // namespace fuselab
