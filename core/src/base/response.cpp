#include "fuselab/base/response.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace fuselab {

CameraResponse CameraResponse::linear()
{
    return CameraResponse();
}

CameraResponse CameraResponse::gamma(double g)
{
    if (!(g > 0.0) || !std::isfinite(g)) throw Error("response gamma must be positive");
    CameraResponse r;
    r.m_kind = Kind::Gamma;
    r.m_a = g;
    return r;
}

CameraResponse CameraResponse::srgb()
{
    CameraResponse r;
    r.m_kind = Kind::Srgb;
    return r;
}

CameraResponse CameraResponse::sCurve(double contrast, double midExposure)
{
    if (!(contrast > 0.0) || !(midExposure > 0.0 && midExposure < 1.0))
        throw Error("S-curve needs contrast > 0 and 0 < mid exposure < 1");
    CameraResponse r;
    r.m_kind = Kind::SCurve;
    r.m_a = contrast;
    r.m_b = midExposure;
    return r;
}

CameraResponse CameraResponse::table(std::vector<double> pixelValues,
                                     std::vector<std::vector<double>> exposuresPerChannel)
{
    if (pixelValues.size() < 2) throw Error("a response table needs at least two rows");
    if (exposuresPerChannel.size() != 1 && exposuresPerChannel.size() != 3)
        throw Error("a response table needs 1 or 3 exposure columns");
    for (std::size_t i = 0; i < pixelValues.size(); ++i) {
        if (!(pixelValues[i] >= 0.0 && pixelValues[i] <= 1.0))
            throw Error("response table pixel values must lie in [0,1]");
        if (i > 0 && !(pixelValues[i] > pixelValues[i - 1]))
            throw Error("response table pixel values must increase strictly (row " + std::to_string(i + 1) + ")");
    }
    for (std::size_t c = 0; c < exposuresPerChannel.size(); ++c) {
        const std::vector<double>& x = exposuresPerChannel[c];
        if (x.size() != pixelValues.size())
            throw Error("response table column " + std::to_string(c + 1) + " has the wrong length");
        for (std::size_t i = 0; i < x.size(); ++i) {
            if (!(x[i] > 0.0) || !std::isfinite(x[i]))
                throw Error("response table exposures must be positive and finite (row " + std::to_string(i + 1) + ")");
            if (i > 0 && !(x[i] > x[i - 1]))
                throw Error("response table exposures must increase strictly (row " + std::to_string(i + 1) + ")");
        }
    }
    CameraResponse r;
    r.m_kind = Kind::Table;
    r.m_pixelValues = std::move(pixelValues);
    r.m_exposures = std::move(exposuresPerChannel);
    return r;
}

std::string CameraResponse::name() const
{
    std::ostringstream os;
    switch (m_kind) {
    case Kind::Linear: return "linear";
    case Kind::Gamma: os << "gamma " << m_a; return os.str();
    case Kind::Srgb: return "srgb";
    case Kind::SCurve: os << "scurve " << m_a << "/" << m_b; return os.str();
    case Kind::Table: return "table";
    }
    return "unknown";
}

const std::vector<double>& CameraResponse::tableExposures(int channel) const
{
    static const std::vector<double> none;
    if (m_exposures.empty()) return none;
    return m_exposures[std::min<std::size_t>(std::size_t(std::max(channel, 0)), m_exposures.size() - 1)];
}

double CameraResponse::apply(double exposure, int channel) const
{
    const double x = std::clamp(exposure, 0.0, 1.0);
    switch (m_kind) {
    case Kind::Linear: return x;
    case Kind::Gamma: return std::pow(x, 1.0 / m_a);
    case Kind::Srgb: return linearToSrgb(float(x));
    case Kind::SCurve: {
        const double xc = std::pow(x, m_a), mc = std::pow(m_b, m_a);
        return std::min(1.0, (1.0 + mc) * xc / (xc + mc));
    }
    case Kind::Table: {
        const std::vector<double>& ex = tableExposures(channel);
        if (x <= ex.front()) return m_pixelValues.front() * (x / ex.front());
        if (x >= ex.back()) return m_pixelValues.back();
        const auto it = std::upper_bound(ex.begin(), ex.end(), x);
        const std::size_t i = std::size_t(it - ex.begin());
        const double t = (std::log(x) - std::log(ex[i - 1])) / (std::log(ex[i]) - std::log(ex[i - 1]));
        return m_pixelValues[i - 1] + t * (m_pixelValues[i] - m_pixelValues[i - 1]);
    }
    }
    return x;
}

double CameraResponse::invert(double pixelValue, int channel) const
{
    const double v = std::clamp(pixelValue, 0.0, 1.0);
    switch (m_kind) {
    case Kind::Linear: return v;
    case Kind::Gamma: return std::pow(v, m_a);
    case Kind::Srgb: return srgbToLinear(float(v));
    case Kind::SCurve: {
        const double mc = std::pow(m_b, m_a);
        const double w = v / (1.0 + mc);
        if (w <= 0.0) return 0.0;
        if (w >= 1.0 / (1.0 + mc)) return 1.0;
        return m_b * std::pow(w / (1.0 - w), 1.0 / m_a);
    }
    case Kind::Table: {
        const std::vector<double>& ex = tableExposures(channel);
        const std::vector<double>& pv = m_pixelValues;
        if (v <= pv.front()) return pv.front() > 0.0 ? ex.front() * (v / pv.front()) : ex.front();
        if (v >= pv.back()) return ex.back();
        const auto it = std::upper_bound(pv.begin(), pv.end(), v);
        const std::size_t i = std::size_t(it - pv.begin());
        const double t = (v - pv[i - 1]) / (pv[i] - pv[i - 1]);
        return std::exp(std::log(ex[i - 1]) + t * (std::log(ex[i]) - std::log(ex[i - 1])));
    }
    }
    return v;
}

CameraResponse CameraResponse::sampled(int count) const
{
    if (count < 2) throw Error("a sampled response needs at least two rows");
    std::vector<double> values(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) values[std::size_t(i)] = double(i) / double(count - 1);
    const int channelCount = m_kind == Kind::Table ? tableChannels() : 1;
    std::vector<std::vector<double>> exposures(static_cast<std::size_t>(channelCount),
                                               std::vector<double>(static_cast<std::size_t>(count)));
    for (int c = 0; c < channelCount; ++c) {
        std::vector<double>& x = exposures[std::size_t(c)];
        for (int i = 0; i < count; ++i) x[std::size_t(i)] = invert(values[std::size_t(i)], c);
        // Keep the table strictly increasing and positive: the log domain needs it.
        for (int i = count - 1; i >= 0; --i) {
            if (i == count - 1) continue;
            double& xi = x[std::size_t(i)];
            const double next = x[std::size_t(i + 1)];
            if (!(xi > 0.0) || !(xi < next)) xi = next * 0.5;
        }
    }
    return table(std::move(values), std::move(exposures));
}

} // namespace fuselab
