// Exposure metadata and exposure stacks.
//
// Exposure is measured in "stops" of relative light, + = brighter: a frame at +1 collected
// twice the light of a frame at 0. From EXIF, stops = log2(t · (ISO/100) / N²), i.e. minus
// the ISO-100 exposure value EV100 = log2(N²/t) − log2(ISO/100). Typed-in EVs (--ev) are
// stops directly; typed-in times (--times) give stops = log2(t / 1 s).
#pragma once

#include "fuselab/base/image.hpp"

#include <optional>
#include <string>
#include <vector>

namespace fuselab {

enum class ExposureSource {
    None,      ///< no exposure data: fusion only
    Exif,      ///< from the file's EXIF (ExposureTime, FNumber, ISO)
    ExifBias,  ///< only EXIF ExposureBiasValue was present; used as relative stops
    TypedEv,   ///< given by the user in stops
    TypedTime, ///< given by the user as an exposure time in seconds
};
std::string_view toString(ExposureSource source);

struct ExifExposure {
    std::optional<double> exposureTimeS;
    std::optional<double> fNumber;
    std::optional<double> iso;
    std::optional<double> exposureBiasEv;
};

struct FrameExposure {
    ExifExposure exif;
    std::optional<double> stops; ///< relative exposure, + = brighter; empty when unknown
    ExposureSource source = ExposureSource::None;
};

/// stops = log2(t · ISO/100 / N²); N and ISO default to 1 and 100 when missing.
double stopsFromExif(double exposureTimeS, std::optional<double> fNumber, std::optional<double> iso);
/// EV100 = log2(N²/t) − log2(ISO/100), the photographer's exposure value.
double ev100FromExif(double exposureTimeS, std::optional<double> fNumber, std::optional<double> iso);
/// Fills stops/source from EXIF when possible (time first, else bias); leaves them empty otherwise.
FrameExposure exposureFromExif(const ExifExposure& exif);

struct StackFrame {
    std::string path; ///< source file, or a generated name for synthetic frames
    SampleImage pixels;
    FrameExposure exposure;
    std::string readNote; ///< empty, or how the file was read against its name (ImageHeader::contentNote)
    std::string colourNote; ///< what the file said about its colour and what reading did (LoadedImage::colourNote)
};

/// An ordered set of differently exposed frames of one scene (same size and channels).
struct ExposureStack {
    std::vector<StackFrame> frames;

    std::size_t size() const { return frames.size(); }
    bool hasExposures() const; ///< every frame has stops
    /// Relative exposure times 2^stops, one per frame; throws fuselab::Error naming the
    /// first frame without exposure data and how to supply it.
    std::vector<double> relativeExposureTimes() const;
    int width() const { return frames.empty() ? 0 : frames.front().pixels.width(); }
    int height() const { return frames.empty() ? 0 : frames.front().pixels.height(); }
    int channels() const { return frames.empty() ? 0 : frames.front().pixels.channels(); }
};

} // namespace fuselab
