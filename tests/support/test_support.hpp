// Helpers shared by FuseLab's test programs.
#pragma once

#include "fuselab/base/image.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace fuselab::test {

/// A fresh empty folder under the system temp dir, removed when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

/// ../shared/data (FUSELAB_SHARED_DATA_DIR); empty when absent.
std::string sharedDataDir();
/// Skips the current test with a message when the shared data (or the file) is absent.
#define FUSELAB_REQUIRE_SHARED(relativePath)                                                         \
    do {                                                                                              \
        if (!::fuselab::test::sharedFileExists(relativePath))                                         \
            GTEST_SKIP() << "shared test data '" << (relativePath) << "' is absent (../shared/data)"; \
    } while (0)
bool sharedFileExists(const std::string& relativePath);
std::string sharedFile(const std::string& relativePath);

/// Deterministic test pattern: smooth gradients plus a fine texture, values in [0,1].
Image makePattern(int widthPx, int heightPx, int channels, std::uint64_t seed = 1);

/// Image comparison with OpenImageIO idiff's three tolerances: a pixel "fails" when any
/// channel differs by more than failThreshold; the test passes when at most
/// allowedFailFraction of pixels fail and no pixel differs by more than hardFailThreshold.
struct CompareResult {
    bool sameSize = false;
    double meanAbsError = 0.0;
    double rmsError = 0.0;
    double psnrDb = 0.0; ///< for a peak of 1
    double maxError = 0.0;
    int worstX = 0, worstY = 0, worstChannel = 0;
    double failFraction = 0.0;
    bool passed = false;
    std::string report() const;
};
CompareResult compareImages(const Image& actual, const Image& expected, double failThreshold,
                            double allowedFailFraction, double hardFailThreshold);
/// Like compareImages, but on failure writes actual/expected/diff EXRs next to the test
/// binary's working folder and adds a gtest failure with the report.
void expectImagesClose(const Image& actual, const Image& expected, double failThreshold,
                       double allowedFailFraction, double hardFailThreshold, const std::string& name);

/// The static merge tests' measure of a radiance against its truth: the median over pixels
/// (every `step`-th, green channel) of |ln(merged/truth) − scale|, scale being the median log
/// ratio (radiance is relative: one global scale is free). Pixels ≤ 0 in either are skipped.
double medianLnErrorAfterScale(const Image& merged, const Image& truth, int step = 1);

/// Writes bytes to a file (no atomicity; for crafting bad inputs).
void writeBytes(const std::string& path, const std::vector<std::uint8_t>& bytes);
std::vector<std::uint8_t> readBytes(const std::string& path);
/// Sets the file's EXIF Orientation (1–8) in place through Exiv2 (JPEG, PNG, TIFF).
void setExifOrientation(const std::string& path, int orientation);

} // namespace fuselab::test
