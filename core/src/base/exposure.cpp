#include "fuselab/base/exposure.hpp"

#include "fuselab/base/error.hpp"

#include <cmath>

namespace fuselab {

std::string_view toString(ExposureSource source)
{
    switch (source) {
    case ExposureSource::None: return "none";
    case ExposureSource::Exif: return "exif";
    case ExposureSource::ExifBias: return "exif-bias";
    case ExposureSource::TypedEv: return "typed-ev";
    case ExposureSource::TypedTime: return "typed-time";
    }
    return "unknown";
}

double stopsFromExif(double exposureTimeS, std::optional<double> fNumber, std::optional<double> iso)
{
    return -ev100FromExif(exposureTimeS, fNumber, iso);
}

double ev100FromExif(double exposureTimeS, std::optional<double> fNumber, std::optional<double> iso)
{
    const double n = fNumber.value_or(1.0);
    const double s = iso.value_or(100.0);
    return std::log2(n * n / exposureTimeS) - std::log2(s / 100.0);
}

FrameExposure exposureFromExif(const ExifExposure& exif)
{
    FrameExposure e;
    e.exif = exif;
    auto positive = [](const std::optional<double>& v) { return v && std::isfinite(*v) && *v > 0; };
    if (positive(exif.exposureTimeS)) {
        e.stops = stopsFromExif(*exif.exposureTimeS, positive(exif.fNumber) ? exif.fNumber : std::nullopt,
                                positive(exif.iso) ? exif.iso : std::nullopt);
        e.source = ExposureSource::Exif;
    } else if (exif.exposureBiasEv && std::isfinite(*exif.exposureBiasEv)) {
        e.stops = *exif.exposureBiasEv;
        e.source = ExposureSource::ExifBias;
    }
    return e;
}

bool ExposureStack::hasExposures() const
{
    if (frames.empty()) return false;
    for (const StackFrame& f : frames)
        if (!f.exposure.stops) return false;
    return true;
}

std::vector<double> ExposureStack::relativeExposureTimes() const
{
    std::vector<double> times;
    for (const StackFrame& f : frames) {
        if (!f.exposure.stops)
            throw Error(f.path, "no exposure data (no EXIF exposure time); give it with --ev LIST "
                                "(stops, +1 = twice the light) or --times LIST (seconds)");
        times.push_back(std::exp2(*f.exposure.stops));
    }
    return times;
}

} // namespace fuselab
