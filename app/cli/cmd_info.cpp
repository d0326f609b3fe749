// fuselab-cli info FILE... [--ev LIST | --times LIST] [--json]
#include "cli_support.hpp"
#include "command.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

namespace fuselab::cli {
namespace {

nlohmann::json optionalNumber(const std::optional<double>& v)
{
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// log2 of the ratio between bright and dark luminance (0.1th and 99.9th percentiles of
// the positive linear luminances, so a few hot or dead pixels do not decide it).
std::optional<double> dynamicRangeStops(const Image& image)
{
    std::vector<float> lum;
    lum.reserve(image.pixelCount());
    const bool encoded = image.encoding() == ColourEncoding::Srgb;
    const int ch = image.channels();
    for (int y = 0; y < image.height(); ++y) {
        const float* p = image.row(y);
        for (int x = 0; x < image.width(); ++x) {
            float c[3];
            for (int k = 0; k < 3; ++k) {
                const float v = p[std::size_t(x) * ch + std::size_t(std::min(k, ch - 1))];
                c[k] = encoded ? srgbToLinear(v) : v;
            }
            const float l = ch >= 3 ? linearLuminance(c[0], c[1], c[2]) : c[0];
            if (std::isfinite(l) && l > 0.0f) lum.push_back(l);
        }
    }
    if (lum.size() < 2) return std::nullopt;
    auto percentile = [&](double q) {
        const std::size_t k = std::min(lum.size() - 1, std::size_t(q * double(lum.size() - 1)));
        std::nth_element(lum.begin(), lum.begin() + std::ptrdiff_t(k), lum.end());
        return double(lum[k]);
    };
    const double lo = percentile(0.001), hi = percentile(0.999);
    if (!(lo > 0.0) || !(hi >= lo)) return std::nullopt;
    return std::log2(hi / lo);
}

class InfoCommand final : public Command {
public:
    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand("info", "Print size, depth, exposure data, range and NaN/Inf counts of image files");
        sub->add_option("files", m_files, "Image files (JPEG, PNG, TIFF, EXR, HDR)")->required();
        auto* ev = sub->add_option("--ev", m_ev, "Exposure per file in stops, in file order (+1 = twice the light), e.g. 2,0,-2,-4");
        sub->add_option("--times", m_times, "Exposure time per file in seconds, e.g. 0.0625,0.25,1,4")->excludes(ev);
        sub->add_flag("--json", m_json, "Print one JSON array on stdout");
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        applyThreads(m_common);
        std::vector<double> evs, times;
        if (!m_ev.empty()) evs = parseListOption(m_ev, "--ev");
        if (!m_times.empty()) times = parseListOption(m_times, "--times");
        if (!evs.empty() && evs.size() != m_files.size())
            throw UsageError("--ev lists " + std::to_string(evs.size()) + " values for " + std::to_string(m_files.size()) + " files");
        if (!times.empty() && times.size() != m_files.size())
            throw UsageError("--times lists " + std::to_string(times.size()) + " values for " + std::to_string(m_files.size()) + " files");

        nlohmann::json all = nlohmann::json::array();
        ReadOptions options;
        options.nonFinite = NonFinitePolicy::Keep;
        for (std::size_t i = 0; i < m_files.size(); ++i) {
            const LoadedImage img = readInputImage(m_files[i], options);
            const FrameExposure fromExif = exposureFromExif(img.exif);
            std::optional<double> ev = fromExif.stops, time = img.exif.exposureTimeS;
            if (!evs.empty()) ev = evs[i];
            if (!times.empty()) {
                if (!(times[i] > 0.0)) throw UsageError("--times values must be positive");
                time = times[i];
                ev = std::log2(times[i]);
            }
            const Image pixels = img.pixels.toFloat();
            const SampleStats stats = computeSampleStats(pixels);
            nlohmann::json o;
            o["path"] = m_files[i];
            o["width"] = img.header.width;
            o["height"] = img.header.height;
            o["channels"] = img.header.channels;
            o["bit_depth"] = img.header.bitDepth;
            o["colour"] = pixels.encoding() == ColourEncoding::Linear ? "linear" : "srgb";
            o["format"] = std::string(toString(img.header.format)); // by content: "jpeg", "camera-raw", …
            o["colour_profile"] = img.colourNote; // what the file says about its colour, and what reading did
            o["exposure_time_s"] = optionalNumber(time);
            o["f_number"] = optionalNumber(img.exif.fNumber);
            o["iso"] = optionalNumber(img.exif.iso);
            o["ev"] = optionalNumber(ev);
            o["nan_count"] = img.nanCount;
            o["inf_count"] = img.infCount;
            o["min"] = stats.min;
            o["max"] = stats.max;
            o["dynamic_range_stops"] = optionalNumber(dynamicRangeStops(pixels));
            all.push_back(o);
        }
        if (m_json) {
            printJson(all);
            return kSuccess;
        }
        for (const nlohmann::json& o : all) {
            auto text = [](const nlohmann::json& v, const char* fmt) {
                if (v.is_null()) return std::string("unknown");
                char buf[64];
                std::snprintf(buf, sizeof buf, fmt, v.get<double>());
                return std::string(buf);
            };
            std::printf("%s\n", o["path"].get<std::string>().c_str());
            std::printf("  size        %d x %d, %d channel%s, %d-bit%s, %s (%s)\n", o["width"].get<int>(), o["height"].get<int>(),
                        o["channels"].get<int>(), o["channels"].get<int>() == 1 ? "" : "s", o["bit_depth"].get<int>(),
                        o["bit_depth"].get<int>() == 32 ? " float" : (o["format"] == "exr" && o["bit_depth"].get<int>() == 16 ? " half" : ""),
                        o["colour"].get<std::string>().c_str(), o["format"].get<std::string>().c_str());
            std::printf("  colour      %s\n", o["colour_profile"].get<std::string>().c_str());
            std::printf("  exposure    %s s, f/%s, ISO %s, EV %s stops\n", text(o["exposure_time_s"], "%.6g").c_str(),
                        text(o["f_number"], "%.3g").c_str(), text(o["iso"], "%.0f").c_str(), text(o["ev"], "%+.3g").c_str());
            std::printf("  values      min %.6g, max %.6g, dynamic range %s stops\n", o["min"].get<double>(), o["max"].get<double>(),
                        text(o["dynamic_range_stops"], "%.2f").c_str());
            std::printf("  non-finite  %llu NaN, %llu Inf samples\n", (unsigned long long)o["nan_count"].get<std::uint64_t>(),
                        (unsigned long long)o["inf_count"].get<std::uint64_t>());
        }
        return kSuccess;
    }

private:
    std::vector<std::string> m_files;
    std::string m_ev, m_times;
    bool m_json = false;
    CommonOptions m_common;
};

} // namespace

std::unique_ptr<Command> makeInfoCommand()
{
    return std::make_unique<InfoCommand>();
}

} // namespace fuselab::cli
