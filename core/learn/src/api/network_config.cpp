#include "fuselab/learn/network_config.hpp"

#include "fuselab/base/error.hpp"

#include <cstdio>
#include <map>
#include <sstream>

namespace fuselab::learn {
namespace {

std::string joinModalities(const std::vector<Modality>& modalities)
{
    std::string out;
    for (Modality m : modalities) {
        if (!out.empty()) out += ',';
        out += toString(m);
    }
    return out;
}

int parseInt(const std::string& key, const std::string& value)
{
    try {
        std::size_t used = 0;
        const int v = std::stoi(value, &used);
        if (used == value.size()) return v;
    } catch (const std::exception&) {
    }
    throw Error("network config: '" + key + "' is not an integer: '" + value + "'");
}

double parseDouble(const std::string& key, const std::string& value)
{
    try {
        std::size_t used = 0;
        const double v = std::stod(value, &used);
        if (used == value.size()) return v;
    } catch (const std::exception&) {
    }
    throw Error("network config: '" + key + "' is not a number: '" + value + "'");
}

} // namespace

std::string FusionNetConfig::toText() const
{
    char eps[64];
    std::snprintf(eps, sizeof eps, "%.17g", guidedEpsilon);
    std::ostringstream out;
    out << "modalities=" << joinModalities(modalities) << "\n"
        << "feature_channels=" << featureChannels << "\n"
        << "low_res_long_side_px=" << lowResLongSidePx << "\n"
        << "guided_radius_px=" << guidedRadiusPx << "\n"
        << "guided_epsilon=" << eps << "\n"
        << "detail_term=" << (detailTerm ? 1 : 0) << "\n";
    return out.str();
}

FusionNetConfig FusionNetConfig::fromText(const std::string& text)
{
    FusionNetConfig c;
    c.detailTerm = false; // files written before the key existed
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos) throw Error("network config: line without '=': '" + line + "'");
        const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
        if (key == "modalities") {
            c.modalities.clear();
            std::istringstream list(value);
            std::string item;
            while (std::getline(list, item, ',')) c.modalities.push_back(parseModality(item));
        } else if (key == "feature_channels") {
            c.featureChannels = parseInt(key, value);
        } else if (key == "low_res_long_side_px") {
            c.lowResLongSidePx = parseInt(key, value);
        } else if (key == "guided_radius_px") {
            c.guidedRadiusPx = parseInt(key, value);
        } else if (key == "guided_epsilon") {
            c.guidedEpsilon = parseDouble(key, value);
        } else if (key == "detail_term") {
            c.detailTerm = parseInt(key, value) != 0;
        } else {
            throw Error("network config: unknown key '" + key + "' (a model from a newer FuseLab?)");
        }
    }
    c.validate();
    return c;
}

void FusionNetConfig::validate() const
{
    if (modalities.empty()) throw Error("network config: no modality");
    for (std::size_t i = 0; i < modalities.size(); ++i)
        for (std::size_t j = i + 1; j < modalities.size(); ++j)
            if (modalities[i] == modalities[j])
                throw Error("network config: modality '" + std::string(toString(modalities[i])) + "' listed twice");
    if (featureChannels < 4 || featureChannels > 64)
        throw Error("network config: feature_channels " + std::to_string(featureChannels) + " outside 4..64");
    if (lowResLongSidePx < 32 || lowResLongSidePx > 2048)
        throw Error("network config: low_res_long_side_px " + std::to_string(lowResLongSidePx) + " outside 32..2048");
    if (guidedRadiusPx < 0 || guidedRadiusPx > 8)
        throw Error("network config: guided_radius_px " + std::to_string(guidedRadiusPx) + " outside 0..8");
    if (!(guidedEpsilon > 0.0 && guidedEpsilon <= 1.0))
        throw Error("network config: guided_epsilon must be in (0, 1]");
}

bool FusionNetConfig::operator==(const FusionNetConfig& o) const
{
    return modalities == o.modalities && featureChannels == o.featureChannels && lowResLongSidePx == o.lowResLongSidePx &&
           guidedRadiusPx == o.guidedRadiusPx && guidedEpsilon == o.guidedEpsilon && detailTerm == o.detailTerm;
}

} // namespace fuselab::learn
