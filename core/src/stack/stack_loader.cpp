// Loading and validating exposure stacks.
#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/stack_io.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

namespace fuselab {

std::vector<double> parseNumberList(const std::string& text, const std::string& what)
{
    std::vector<double> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto first = item.find_first_not_of(" \t");
        const auto last = item.find_last_not_of(" \t");
        const std::string trimmed = first == std::string::npos ? std::string() : item.substr(first, last - first + 1);
        char* end = nullptr;
        const double v = std::strtod(trimmed.c_str(), &end);
        if (trimmed.empty() || *end != '\0' || !std::isfinite(v))
            throw Error(what + ": '" + trimmed + "' is not a number (expected a comma-separated list such as 2,0,-2,-4)");
        out.push_back(v);
    }
    if (out.empty()) throw Error(what + ": empty list");
    return out;
}

namespace {

// A file a stack folder contributes: an image by its name, not hidden.
bool isStackFolderImage(const std::filesystem::directory_entry& e)
{
    if (!e.is_regular_file()) return false;
    const std::string name = e.path().filename().string();
    return !name.empty() && name[0] != '.' && formatFromExtension(name) != FileFormat::Unknown;
}

} // namespace

bool folderHoldsImages(const std::string& folder)
{
    std::error_code ec;
    for (const std::filesystem::directory_entry& e : std::filesystem::directory_iterator(folder, ec))
        if (isStackFolderImage(e)) return true;
    return false;
}

FolderListing listStackFolder(const std::string& folder)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) throw Error(folder, "is not a folder");
    FolderListing listing;
    for (const fs::directory_entry& e : fs::directory_iterator(folder, ec))
        if (isStackFolderImage(e)) listing.files.push_back(e.path().string());
    if (ec) throw Error(folder, "cannot list the folder: " + ec.message());
    std::sort(listing.files.begin(), listing.files.end());
    if (listing.files.empty()) throw Error(folder, "contains no images (JPEG, PNG, TIFF, EXR or HDR)");
    const fs::path evFile = fs::path(folder) / "ev.txt";
    if (fs::exists(evFile)) {
        std::ifstream in(evFile);
        std::string line;
        int lineNo = 0;
        while (std::getline(in, line)) {
            ++lineNo;
            if (line.find_first_not_of(" \t\r") == std::string::npos || line[0] == '#') continue;
            char* end = nullptr;
            const double v = std::strtod(line.c_str(), &end);
            while (end && (*end == ' ' || *end == '\t' || *end == '\r')) ++end;
            if (!end || *end != '\0' || !std::isfinite(v))
                throw Error(evFile.string(), "line " + std::to_string(lineNo) + ": '" + line + "' is not a number");
            listing.evs.push_back(v);
        }
        if (listing.evs.size() != listing.files.size())
            throw Error(evFile.string(), "lists " + std::to_string(listing.evs.size()) + " EVs for " +
                                            std::to_string(listing.files.size()) + " images");
    }
    return listing;
}

double meanLinearLuminance(const SampleImage& image)
{
    // A 64×64 grid is plenty to rank exposures and costs nothing on 12 MP frames.
    const int w = image.width(), h = image.height(), ch = image.channels();
    const int stepX = std::max(1, w / 64), stepY = std::max(1, h / 64);
    std::vector<float> row(std::size_t(w) * ch);
    double sum = 0.0;
    long count = 0;
    const bool encoded = image.encoding() == ColourEncoding::Srgb;
    for (int y = stepY / 2; y < h; y += stepY) {
        image.rowToFloat(y, row.data());
        for (int x = stepX / 2; x < w; x += stepX) {
            float c[3];
            for (int k = 0; k < 3; ++k) {
                const float v = row[std::size_t(x) * ch + std::size_t(std::min(k, ch - 1))];
                c[k] = encoded ? srgbToLinear(v) : v;
            }
            sum += ch >= 3 ? linearLuminance(c[0], c[1], c[2]) : c[0];
            ++count;
        }
    }
    return count ? sum / double(count) : 0.0;
}

void validateStack(const ExposureStack& stack)
{
    if (stack.frames.size() < 2)
        throw Error(stack.frames.empty() ? std::string() : stack.frames.front().path,
                    "a stack needs at least two images (got " + std::to_string(stack.frames.size()) + ")");
    const StackFrame& first = stack.frames.front();
    for (const StackFrame& f : stack.frames) {
        if (f.pixels.width() != first.pixels.width() || f.pixels.height() != first.pixels.height())
            throw Error(f.path, "size " + std::to_string(f.pixels.width()) + "x" + std::to_string(f.pixels.height()) +
                                    " differs from " + first.path + " (" + std::to_string(first.pixels.width()) + "x" +
                                    std::to_string(first.pixels.height()) + "); every image of a stack must have the same size");
        if (f.pixels.channels() != first.pixels.channels())
            throw Error(f.path, std::to_string(f.pixels.channels()) + " channels, but " + first.path + " has " +
                                    std::to_string(first.pixels.channels()) + "; every image of a stack must have the same channels");
    }
    for (std::size_t i = 0; i < stack.frames.size(); ++i)
        for (std::size_t j = i + 1; j < stack.frames.size(); ++j) {
            const auto& a = stack.frames[i].exposure.stops;
            const auto& b = stack.frames[j].exposure.stops;
            if (a && b && std::fabs(*a - *b) < 1e-6)
                throw Error(stack.frames[j].path, "has the same exposure as " + stack.frames[i].path + " (" +
                                                      std::to_string(*a) + " stops); a stack needs distinct exposures");
        }
}

std::vector<std::string> checkBrightnessOrder(const ExposureStack& stack)
{
    std::vector<std::string> warnings;
    if (!stack.hasExposures()) return warnings;
    std::vector<double> brightness;
    for (const StackFrame& f : stack.frames) brightness.push_back(meanLinearLuminance(f.pixels));
    for (std::size_t i = 0; i < stack.frames.size(); ++i)
        for (std::size_t j = 0; j < stack.frames.size(); ++j) {
            const double si = *stack.frames[i].exposure.stops, sj = *stack.frames[j].exposure.stops;
            // Frame j is said to be brighter than i, yet is clearly darker (beyond 5 %).
            if (sj > si && brightness[j] < brightness[i] * 0.95) {
                const bool typed = stack.frames[j].exposure.source == ExposureSource::TypedEv ||
                                   stack.frames[j].exposure.source == ExposureSource::TypedTime;
                std::ostringstream os;
                os.precision(3);
                os << stack.frames[j].path << ": exposure " << sj << " stops says it is brighter than " << stack.frames[i].path
                   << " (" << si << " stops), but it is darker (mean linear luminance " << brightness[j] << " vs "
                   << brightness[i] << ")" << (typed ? "; check the order of --ev/--times" : "; check the EXIF data");
                warnings.push_back(os.str());
            }
        }
    return warnings;
}

StackFrame toStackFrame(const std::string& path, LoadedImage&& image, std::vector<std::string>& warnings)
{
    StackFrame frame;
    frame.path = path;
    frame.pixels = std::move(image.pixels);
    frame.exposure = exposureFromExif(image.exif);
    frame.readNote = image.header.contentNote;
    frame.colourNote = image.colourNote;
    if (!frame.readNote.empty()) warnings.push_back(path + ": " + frame.readNote);
    if (!image.colourWarning.empty()) warnings.push_back(path + ": " + image.colourWarning);
    return frame;
}

std::vector<std::string> resolveStackFiles(const std::vector<std::string>& paths, StackLoadOptions& options)
{
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    for (const std::string& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            FolderListing listing = listStackFolder(p);
            if (options.evs.empty() && options.timesS.empty() && !listing.evs.empty() && paths.size() == 1)
                options.evs = listing.evs;
            files.insert(files.end(), listing.files.begin(), listing.files.end());
        } else {
            files.push_back(p);
        }
    }
    if (!options.evs.empty() && !options.timesS.empty()) throw Error("give either --ev or --times, not both");
    if (!options.evs.empty() && options.evs.size() != files.size())
        throw Error("--ev lists " + std::to_string(options.evs.size()) + " values for " + std::to_string(files.size()) + " images");
    if (!options.timesS.empty() && options.timesS.size() != files.size())
        throw Error("--times lists " + std::to_string(options.timesS.size()) + " values for " + std::to_string(files.size()) + " images");
    return files;
}

FrameExposure frameExposure(std::size_t index, const std::string& file, const StackLoadOptions& options, const ExifExposure& exif)
{
    FrameExposure exposure = exposureFromExif(exif);
    if (!options.evs.empty()) {
        exposure.stops = options.evs[index];
        exposure.source = ExposureSource::TypedEv;
    } else if (!options.timesS.empty()) {
        if (!(options.timesS[index] > 0.0)) throw Error(file, "exposure time must be positive");
        exposure.stops = std::log2(options.timesS[index]);
        exposure.source = ExposureSource::TypedTime;
    }
    return exposure;
}

Error missingExposureError(const std::string& file)
{
    return Error(file, "no exposure data (no EXIF exposure time); radiance merge needs it: "
                       "give --ev LIST (stops, +1 = twice the light) or --times LIST (seconds)");
}

LoadedStack loadStack(const std::vector<std::string>& paths, StackLoadOptions options)
{
    const std::vector<std::string> files = resolveStackFiles(paths, options);

    // Frames decode independently (each decoder is single-threaded): one per worker.
    std::vector<LoadedImage> images(files.size());
    parallelFor(0, int(files.size()), 1, [&](int b, int e) {
        for (int i = b; i < e; ++i) images[std::size_t(i)] = readImage(files[std::size_t(i)], options.read);
    });

    LoadedStack result;
    for (std::size_t i = 0; i < files.size(); ++i) {
        LoadedImage& img = images[i];
        const ExifExposure exif = img.exif;
        StackFrame frame = toStackFrame(files[i], std::move(img), result.warnings);
        frame.exposure = frameExposure(i, files[i], options, exif);
        result.stack.frames.push_back(std::move(frame));
    }
    validateStack(result.stack);
    if (options.requireExposures)
        for (const StackFrame& f : result.stack.frames)
            if (!f.exposure.stops) throw missingExposureError(f.path);
    const std::vector<std::string> order = checkBrightnessOrder(result.stack);
    result.warnings.insert(result.warnings.end(), order.begin(), order.end());
    if (options.sortByExposure && result.stack.hasExposures())
        std::stable_sort(result.stack.frames.begin(), result.stack.frames.end(),
                         [](const StackFrame& a, const StackFrame& b) { return *a.exposure.stops < *b.exposure.stops; });
    return result;
}

} // namespace fuselab
