#include "test_support.hpp"

#include <exiv2/exiv2.hpp>

#include "fuselab/io.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fuselab::test {

TempDir::TempDir()
{
    std::string pattern = (std::filesystem::temp_directory_path() / "fuselab-test-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
    m_path = buf.data();
}

TempDir::~TempDir()
{
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

std::string sharedDataDir()
{
    const char* env = std::getenv("FUSELAB_SHARED_DATA_DIR");
    const std::string dir = env ? env : FUSELAB_SHARED_DATA_DIR;
    std::error_code ec;
    return std::filesystem::is_directory(dir, ec) ? dir : std::string();
}

bool sharedFileExists(const std::string& relativePath)
{
    const std::string dir = sharedDataDir();
    std::error_code ec;
    return !dir.empty() && std::filesystem::exists(dir + "/" + relativePath, ec);
}

std::string sharedFile(const std::string& relativePath)
{
    return sharedDataDir() + "/" + relativePath;
}

Image makePattern(int w, int h, int channels, std::uint64_t seed)
{
    Image img(w, h, channels, ColourEncoding::Srgb);
    std::uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < channels; ++c) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                const double noise = double(state % 1000) / 1000.0;
                const double base = 0.5 + 0.35 * std::sin(0.11 * x + 0.7 * c) * std::cos(0.07 * y - 0.3 * c);
                img.at(x, y, c) = float(std::clamp(base * 0.9 + 0.1 * noise, 0.0, 1.0));
            }
    return img;
}

std::string CompareResult::report() const
{
    std::ostringstream os;
    if (!sameSize) return "images differ in size or channel count";
    os << "mean abs " << meanAbsError << ", RMS " << rmsError << ", PSNR " << psnrDb << " dB, max " << maxError << " at (" << worstX
       << ", " << worstY << ") channel " << worstChannel << ", failing pixels " << failFraction * 100.0 << " %";
    return os.str();
}

CompareResult compareImages(const Image& a, const Image& e, double failThreshold, double allowedFailFraction, double hardFail)
{
    CompareResult r;
    r.sameSize = a.width() == e.width() && a.height() == e.height() && a.channels() == e.channels();
    if (!r.sameSize) return r;
    double sumAbs = 0.0, sumSq = 0.0;
    std::size_t failing = 0, n = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x) {
            bool pixelFails = false;
            for (int c = 0; c < a.channels(); ++c) {
                const double d = std::fabs(double(a.at(x, y, c)) - double(e.at(x, y, c)));
                const double dd = std::isnan(d) ? 1e30 : d;
                sumAbs += dd;
                sumSq += dd * dd;
                ++n;
                if (dd > r.maxError) {
                    r.maxError = dd;
                    r.worstX = x;
                    r.worstY = y;
                    r.worstChannel = c;
                }
                pixelFails |= dd > failThreshold;
            }
            failing += pixelFails;
        }
    r.meanAbsError = sumAbs / double(n);
    r.rmsError = std::sqrt(sumSq / double(n));
    r.psnrDb = r.rmsError > 0 ? 20.0 * std::log10(1.0 / r.rmsError) : 999.0;
    r.failFraction = double(failing) / double(a.pixelCount());
    r.passed = r.failFraction <= allowedFailFraction && r.maxError <= hardFail;
    return r;
}

void expectImagesClose(const Image& actual, const Image& expected, double failThreshold, double allowedFailFraction,
                       double hardFailThreshold, const std::string& name)
{
    const CompareResult r = compareImages(actual, expected, failThreshold, allowedFailFraction, hardFailThreshold);
    if (r.passed) return;
    std::string written;
    if (r.sameSize) {
        try {
            WriteOptions o;
            o.exrType = ExrPixelType::Float;
            Image diff(actual.width(), actual.height(), actual.channels(), ColourEncoding::Linear);
            for (int y = 0; y < actual.height(); ++y)
                for (int x = 0; x < actual.width(); ++x)
                    for (int c = 0; c < actual.channels(); ++c) diff.at(x, y, c) = std::fabs(actual.at(x, y, c) - expected.at(x, y, c));
            Image a = actual.clone(), e = expected.clone();
            a.setEncoding(ColourEncoding::Linear);
            e.setEncoding(ColourEncoding::Linear);
            writeImage(name + ".actual.exr", a, o);
            writeImage(name + ".expected.exr", e, o);
            writeImage(name + ".diff.exr", diff, o);
            written = " (wrote " + name + ".actual/.expected/.diff.exr)";
        } catch (...) {
        }
    }
    ADD_FAILURE() << name << ": " << r.report() << written;
}

void writeBytes(const std::string& path, const std::vector<std::uint8_t>& bytes)
{
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

std::vector<std::uint8_t> readBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

double medianLnErrorAfterScale(const Image& merged, const Image& truth, int step)
{
    std::vector<double> logRatio;
    for (int y = 0; y < std::min(merged.height(), truth.height()); y += step)
        for (int x = 0; x < std::min(merged.width(), truth.width()); x += step) {
            const double a = merged.at(x, y, 1), b = truth.at(x, y, 1);
            if (a > 0 && b > 0) logRatio.push_back(std::log(a / b));
        }
    if (logRatio.empty()) return 1e300;
    std::sort(logRatio.begin(), logRatio.end());
    const double scale = logRatio[logRatio.size() / 2];
    std::vector<double> dev;
    for (double v : logRatio) dev.push_back(std::fabs(v - scale));
    std::sort(dev.begin(), dev.end());
    return dev[dev.size() / 2];
}

void setExifOrientation(const std::string& path, int orientation)
{
    auto image = Exiv2::ImageFactory::open(path);
    image->readMetadata();
    image->exifData()["Exif.Image.Orientation"] = std::uint16_t(orientation);
    image->writeMetadata();
}

} // namespace fuselab::test
