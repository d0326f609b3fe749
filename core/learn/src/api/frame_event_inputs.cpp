// Frame/event network inputs (frame_event.hpp): the tone domain, E and EF from a window of
// events, and PSNR-μ against the truth.
#include "fuselab/learn/frame_event.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/events_repr.hpp"
#include "fuselab/base/tone_curves.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace fuselab::learn {
namespace {

constexpr const char* kPrefix = "frame_event.";

std::string sizeText(int w, int h)
{
    return std::to_string(w) + "x" + std::to_string(h);
}

// RGB copy of a 1- or 3-(or 4-)channel image; 1 channel is repeated, alpha dropped.
Image rgbOf(const Image& image)
{
    if (image.channels() == 3) return image;
    Image out(image.width(), image.height(), 3, image.encoding());
    const int ch = image.channels();
    for (int y = 0; y < image.height(); ++y) {
        const float* s = image.row(y);
        float* d = out.row(y);
        for (int x = 0; x < image.width(); ++x)
            for (int c = 0; c < 3; ++c) d[3 * x + c] = s[std::size_t(x) * ch + (ch >= 3 ? c : 0)];
    }
    return out;
}

} // namespace

std::map<std::string, std::string> FrameEventEncoding::toMetadata() const
{
    auto text = [](double v) {
        std::ostringstream o;
        o.precision(17);
        o << v;
        return o.str();
    };
    return {{std::string(kPrefix) + "headroom_stops", text(headroomStops)},
            {std::string(kPrefix) + "mu", text(mu)},
            {std::string(kPrefix) + "contrast_pos", text(contrastPos)},
            {std::string(kPrefix) + "contrast_neg", text(contrastNeg)},
            {std::string(kPrefix) + "epsilon", text(epsilon)},
            {std::string(kPrefix) + "count_scale", text(countScale)},
            {std::string(kPrefix) + "time_surface_fraction", text(timeSurfaceFraction)}};
}

bool FrameEventEncoding::inMetadata(const std::map<std::string, std::string>& metadata)
{
    for (const auto& [key, value] : metadata)
        if (key.rfind(kPrefix, 0) == 0) return true;
    return false;
}

FrameEventEncoding FrameEventEncoding::fromMetadata(const std::map<std::string, std::string>& metadata)
{
    FrameEventEncoding e;
    const std::pair<const char*, double*> fields[] = {{"headroom_stops", &e.headroomStops},
                                                      {"mu", &e.mu},
                                                      {"contrast_pos", &e.contrastPos},
                                                      {"contrast_neg", &e.contrastNeg},
                                                      {"epsilon", &e.epsilon},
                                                      {"count_scale", &e.countScale},
                                                      {"time_surface_fraction", &e.timeSurfaceFraction}};
    for (const auto& [name, field] : fields) {
        const auto it = metadata.find(std::string(kPrefix) + name);
        if (it == metadata.end()) continue;
        char* end = nullptr;
        const double v = std::strtod(it->second.c_str(), &end);
        if (end == it->second.c_str() || *end != '\0') throw Error("model metadata " + it->first + " is not a number: '" + it->second + "'");
        *field = v;
    }
    e.validate();
    return e;
}

void FrameEventEncoding::validate() const
{
    if (!(headroomStops >= 0.0 && headroomStops <= 20.0)) throw Error("frame/event headroom must be 0..20 stops");
    if (!(mu > 0.0)) throw Error("frame/event μ must be positive");
    if (!(contrastPos > 0.0) || !(contrastNeg > 0.0)) throw Error("frame/event contrast thresholds must be positive");
    if (!(epsilon > 0.0)) throw Error("frame/event epsilon must be positive");
    if (!(countScale > 0.0)) throw Error("frame/event count scale must be positive");
    if (!(timeSurfaceFraction > 0.0)) throw Error("frame/event time-surface fraction must be positive");
}

Image encodeFrameEventTone(const Image& linear, const FrameEventEncoding& e)
{
    const double scale = std::exp2(-e.headroomStops);
    Image out(linear.width(), linear.height(), linear.channels(), ColourEncoding::Linear);
    const std::size_t n = std::size_t(linear.width()) * std::size_t(linear.channels());
    for (int y = 0; y < linear.height(); ++y) {
        const float* s = linear.row(y);
        float* d = out.row(y);
        for (std::size_t i = 0; i < n; ++i) d[i] = float(muLawEncode(std::min(double(s[i]) * scale, 1.0), e.mu));
    }
    return out;
}

Image decodeFrameEventTone(const Image& tone, const FrameEventEncoding& e)
{
    const double scale = std::exp2(e.headroomStops);
    Image out(tone.width(), tone.height(), tone.channels(), ColourEncoding::Linear);
    const std::size_t n = std::size_t(tone.width()) * std::size_t(tone.channels());
    for (int y = 0; y < tone.height(); ++y) {
        const float* s = tone.row(y);
        float* d = out.row(y);
        for (std::size_t i = 0; i < n; ++i) d[i] = float(scale * muLawDecode(std::clamp(double(s[i]), 0.0, 1.0), e.mu));
    }
    return out;
}

std::vector<Modality> frameEventModalities()
{
    return {Modality::Frame, Modality::Event, Modality::EFrame};
}

FusionNetConfig frameEventNetConfig(int netLowResLongSidePx)
{
    FusionNetConfig net;
    net.modalities = frameEventModalities();
    net.lowResLongSidePx = netLowResLongSidePx;
    net.detailTerm = false;
    return net;
}

FrameEventInputs makeFrameEventInputs(const Image& frameLinear, const Image& referenceLinear, EventSpan events, int w, int h,
                                      TimeInterval window, const FrameEventEncoding& e)
{
    e.validate();
    if (frameLinear.width() != w || frameLinear.height() != h)
        throw Error("the frame is " + sizeText(frameLinear.width(), frameLinear.height()) + ", the events " + sizeText(w, h));
    if (referenceLinear.width() != w || referenceLinear.height() != h)
        throw Error("the reference frame is " + sizeText(referenceLinear.width(), referenceLinear.height()) + ", the events " +
                    sizeText(w, h));
    if (window.endUs <= window.beginUs) throw Error("the event window is empty");
    FrameEventInputs in;
    in.eventCount = events.size();
    in.frameLinear = rgbOf(frameLinear).clone();
    in.frameLinear.setEncoding(ColourEncoding::Linear);

    // E: ON counts, time surface, OFF counts.
    const Image counts = eventFrame(events, w, h, EventFrameMode::Counts);
    const double tau = std::max(1.0, e.timeSurfaceFraction * double(window.endUs - window.beginUs));
    const Image surface = timeSurface(events, w, h, tau, window.endUs - 1, false);
    in.events = Image(w, h, 3, ColourEncoding::Linear);
    for (int y = 0; y < h; ++y) {
        const float* c = counts.row(y);
        const float* s = surface.row(y);
        float* d = in.events.row(y);
        for (int x = 0; x < w; ++x) {
            d[3 * x + 0] = float(1.0 - std::exp(-double(c[2 * x + 0]) / e.countScale));
            d[3 * x + 1] = s[x];
            d[3 * x + 2] = float(1.0 - std::exp(-double(c[2 * x + 1]) / e.countScale));
        }
    }

    // EF: the reference's luminance carried to the window's end by the events, coloured by F.
    EventIntegrationOptions integration;
    integration.contrastPos = e.contrastPos;
    integration.contrastNeg = e.contrastNeg;
    integration.epsilon = e.epsilon;
    const Image reference = referenceLinear.channels() == 1 ? referenceLinear : linearLuminanceImage(rgbOf(referenceLinear));
    const Image luminance = eventIntensityFrame(events, w, h, reference, window.endUs - 1, integration);
    in.eframeLinear = Image(w, h, 3, ColourEncoding::Linear);
    constexpr double kBlackLuminance = 1e-4; // below this F's colour is noise: EF stays grey
    for (int y = 0; y < h; ++y) {
        const float* f = in.frameLinear.row(y);
        const float* l = luminance.row(y);
        float* d = in.eframeLinear.row(y);
        for (int x = 0; x < w; ++x) {
            const double yf = linearLuminance(f[3 * x], f[3 * x + 1], f[3 * x + 2]);
            const double level = std::max(0.0, double(l[x]));
            for (int c = 0; c < 3; ++c)
                d[3 * x + c] = float(yf > kBlackLuminance ? level * std::max(0.0, double(f[3 * x + c])) / yf : level);
        }
    }
    in.frame = encodeFrameEventTone(in.frameLinear, e);
    in.eframe = encodeFrameEventTone(in.eframeLinear, e);
    return in;
}

double psnrMuAgainstTruth(const Image& test, const Image& truth, double mu)
{
    if (test.width() != truth.width() || test.height() != truth.height() || test.channels() != truth.channels())
        throw Error("PSNR-μ: the images differ in size or channels");
    if (!(mu > 0.0)) throw Error("PSNR-μ: μ must be positive");
    const std::size_t n = std::size_t(truth.width()) * std::size_t(truth.channels());
    double peak = 0.0;
    for (int y = 0; y < truth.height(); ++y)
        for (std::size_t i = 0; i < n; ++i)
            if (std::isfinite(truth.row(y)[i])) peak = std::max(peak, double(truth.row(y)[i]));
    if (!(peak > 0.0)) throw Error("PSNR-μ: the truth has no positive sample to normalise by");
    const double denominator = std::log1p(mu);
    auto t = [&](double v) { return std::log1p(mu * std::max(v / peak, 0.0)) / denominator; };
    double sum = 0.0;
    for (int y = 0; y < truth.height(); ++y)
        for (std::size_t i = 0; i < n; ++i) {
            const double d = t(test.row(y)[i]) - t(truth.row(y)[i]);
            sum += d * d;
        }
    const double mse = sum / double(n * std::size_t(truth.height()));
    if (mse == 0.0) return std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(1.0 / mse);
}

} // namespace fuselab::learn
