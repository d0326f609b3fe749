// Brackets of folders: scene sub-folders, or flat folders of frames grouped by EXIF.
#include "fuselab/brackets.hpp"

#include "../io/codecs.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/exposure.hpp"
#include "fuselab/io.hpp"
#include "fuselab/stack_io.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace fuselab {

namespace {

namespace fs = std::filesystem;

// Exposures within a twentieth of a stop are the same setting (EXIF rationals round).
constexpr double kSameExposureStops = 0.05;

bool sameExposure(const BracketShot& a, const BracketShot& b)
{
    return a.stops && b.stops && std::fabs(*a.stops - *b.stops) < kSameExposureStops;
}

} // namespace

BracketShot readBracketShot(const std::string& path)
{
    const detail::ExifFields exif = detail::readExifFieldsOfFile(path);
    BracketShot shot;
    shot.path = path;
    shot.captureTimeS = exif.captureTimeS;
    shot.exposureTimeS = exif.exposure.exposureTimeS;
    const FrameExposure exposure = exposureFromExif(exif.exposure);
    shot.stops = exposure.stops;
    return shot;
}

std::vector<Bracket> groupShotsIntoBrackets(std::vector<BracketShot> shots, const std::string& prefix, const BracketGrouping& grouping)
{
    const bool timed = !shots.empty() && std::all_of(shots.begin(), shots.end(), [](const BracketShot& s) { return s.captureTimeS.has_value(); });
    std::stable_sort(shots.begin(), shots.end(), [&](const BracketShot& a, const BracketShot& b) {
        if (timed && *a.captureTimeS != *b.captureTimeS) return *a.captureTimeS < *b.captureTimeS;
        return a.path < b.path;
    });
    std::vector<Bracket> brackets;
    std::vector<const BracketShot*> current;
    auto close = [&] {
        if (current.empty()) return;
        Bracket b;
        b.name = prefix + "-" + fs::path(current.front()->path).stem().string();
        for (const BracketShot* s : current) b.files.push_back(s->path);
        brackets.push_back(std::move(b));
        current.clear();
    };
    for (const BracketShot& shot : shots) {
        bool starts = current.empty();
        if (!starts && timed) {
            const BracketShot& previous = *current.back();
            const double endedS = *previous.captureTimeS + previous.exposureTimeS.value_or(0.0);
            starts = *shot.captureTimeS - endedS > grouping.maxGapS;
        }
        if (!starts) starts = std::any_of(current.begin(), current.end(), [&](const BracketShot* s) { return sameExposure(*s, shot); });
        if (starts) close();
        current.push_back(&shot);
    }
    close();
    const bool exposed = std::any_of(shots.begin(), shots.end(), [](const BracketShot& s) { return s.stops.has_value(); });
    if (!timed && !exposed && !brackets.empty())
        brackets.front().note = "no EXIF capture times or exposures to group by: the " + std::to_string(shots.size()) +
                                " frames are taken as one bracket";
    return brackets;
}

std::vector<Bracket> bracketsOfFolders(const std::vector<std::string>& folders, const BracketGrouping& grouping)
{
    std::vector<Bracket> all;
    for (const std::string& folder : folders) {
        std::error_code ec;
        if (!fs::is_directory(folder, ec)) throw Error(folder, "is not a folder");
        const std::string prefix = fs::path(folder).lexically_normal().filename().string().empty()
                                       ? fs::path(folder).lexically_normal().parent_path().filename().string()
                                       : fs::path(folder).lexically_normal().filename().string();
        if (folderHoldsImages(folder)) {
            const FolderListing listing = listStackFolder(folder);
            if (!listing.evs.empty()) { // the user's ev.txt says the folder is one bracket
                all.push_back({prefix, listing.files, listing.evs});
                continue;
            }
            std::vector<BracketShot> shots;
            for (const std::string& f : listing.files) shots.push_back(readBracketShot(f));
            for (Bracket& b : groupShotsIntoBrackets(std::move(shots), prefix, grouping)) all.push_back(std::move(b));
            continue;
        }
        std::vector<fs::path> scenes;
        for (const fs::directory_entry& e : fs::directory_iterator(folder, ec))
            if (e.is_directory() && e.path().filename().string()[0] != '.' && folderHoldsImages(e.path().string())) scenes.push_back(e.path());
        if (ec) throw Error(folder, "cannot list the folder: " + ec.message());
        if (scenes.empty()) throw Error(folder, "holds neither images nor sub-folders of images");
        std::sort(scenes.begin(), scenes.end());
        for (const fs::path& scene : scenes) {
            const FolderListing listing = listStackFolder(scene.string());
            all.push_back({scene.filename().string(), listing.files, listing.evs});
        }
    }
    return all;
}

} // namespace fuselab
