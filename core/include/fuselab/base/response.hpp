// Camera response curves.
//
// A response f maps relative sensor exposure X = E·Δt (X = 1 saturates the sensor; X ≥ 0)
// to a normalised pixel value v = f(X) in [0,1] (before quantisation). Its inverse
// f⁻¹(v) gives X back; Debevec's g(z) is ln f⁻¹(z/255). Curves are per channel (up to 3).
//
// CSV form (read and written by core/io): a header line "pixel_value,r,g,b" (or
// "pixel_value,exposure" for one shared curve), then one row per sampled pixel value in
// increasing order, each giving the relative exposure X that produces it (X > 0, strictly
// increasing). Values between rows are interpolated in log exposure.
#pragma once

#include <array>
#include <string>
#include <vector>

namespace fuselab {

class CameraResponse {
public:
    enum class Kind { Linear, Gamma, Srgb, SCurve, Table };

    static CameraResponse linear();
    /// f(X) = X^(1/gamma); gamma > 0 (2.2 is the classic display gamma).
    static CameraResponse gamma(double gamma);
    /// The sRGB OETF (IEC 61966-2-1).
    static CameraResponse srgb();
    /// A film-like S-curve: f(X) = (1 + m^c) X^c / (X^c + m^c), clipped at 1; c = contrast
    /// (> 0), m = the exposure mapped to mid-grey scale (0 < m < 1).
    static CameraResponse sCurve(double contrast = 1.6, double midExposure = 0.18);
    /// From samples: pixelValues strictly increasing in [0,1]; exposures[c][i] > 0 strictly
    /// increasing per channel; 1 or 3 channels. Throws fuselab::Error when malformed.
    static CameraResponse table(std::vector<double> pixelValues,
                                std::vector<std::vector<double>> exposuresPerChannel);

    Kind kind() const { return m_kind; }
    std::string name() const; ///< "linear", "gamma 2.2", "srgb", "scurve 1.6/0.18", "table"

    /// v = f(X) for channel c (0..2); X clipped to [0,1] first.
    double apply(double exposure, int channel = 0) const;
    /// X = f⁻¹(v) for channel c; v clipped to [0,1]. Returns 0 for v ≤ f(0).
    double invert(double pixelValue, int channel = 0) const;

    /// Samples f⁻¹ at `count` equally spaced pixel values (count ≥ 2), as a table response
    /// (what the CSV stores). Zero exposures (at v = 0) are replaced by the next sample / 2
    /// so the log stays finite.
    CameraResponse sampled(int count = 256) const;

    const std::vector<double>& tablePixelValues() const { return m_pixelValues; }
    const std::vector<double>& tableExposures(int channel) const;
    int tableChannels() const { return static_cast<int>(m_exposures.size()); }

private:
    Kind m_kind = Kind::Linear;
    double m_a = 1.0; // gamma or contrast
    double m_b = 0.0; // mid exposure
    std::vector<double> m_pixelValues;
    std::vector<std::vector<double>> m_exposures; // per channel, for Table
};

} // namespace fuselab
