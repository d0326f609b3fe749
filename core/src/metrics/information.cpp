// Mutual information of grey planes from 256×256 joint histograms, and the fusion MI / NMI.
#include "fuselab/metrics.hpp"
#include "histogram_entropy.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace fuselab {
namespace {

constexpr int kLevels = 256;

struct JointEntropies {
    double a = 0.0;     ///< H(A)
    double b = 0.0;     ///< H(B)
    double joint = 0.0; ///< H(A,B)
};

inline int level(float v)
{
    return std::clamp(int(std::lround(v)), 0, kLevels - 1);
}

JointEntropies jointEntropies(const Image& a, const Image& b)
{
    if (a.channels() != 1 || b.channels() != 1) throw Error("internal: mutual information needs grey planes");
    if (a.width() != b.width() || a.height() != b.height())
        throw Error("mutual information: the images differ in size (" + std::to_string(a.width()) + "x" +
                    std::to_string(a.height()) + " and " + std::to_string(b.width()) + "x" + std::to_string(b.height()) + ")");
    // Counts are integers, so per-chunk histograms can be merged in any order exactly.
    constexpr int kRowsPerChunk = 256;
    const int chunks = (a.height() + kRowsPerChunk - 1) / kRowsPerChunk;
    std::vector<std::vector<std::uint64_t>> partial(static_cast<std::size_t>(chunks));
    parallelFor(0, chunks, 1, [&](int c0, int c1) {
        for (int c = c0; c < c1; ++c) {
            std::vector<std::uint64_t> h(std::size_t(kLevels) * kLevels, 0);
            for (int y = c * kRowsPerChunk; y < std::min(a.height(), (c + 1) * kRowsPerChunk); ++y) {
                const float* pa = a.row(y);
                const float* pb = b.row(y);
                for (int x = 0; x < a.width(); ++x) ++h[std::size_t(level(pa[x]) * kLevels + level(pb[x]))];
            }
            partial[std::size_t(c)] = std::move(h);
        }
    });
    std::vector<std::uint64_t> joint(std::size_t(kLevels) * kLevels, 0), ha(kLevels, 0), hb(kLevels, 0);
    for (const auto& h : partial)
        for (std::size_t i = 0; i < joint.size(); ++i) joint[i] += h[i];
    for (int i = 0; i < kLevels; ++i)
        for (int j = 0; j < kLevels; ++j) {
            ha[std::size_t(i)] += joint[std::size_t(i * kLevels + j)];
            hb[std::size_t(j)] += joint[std::size_t(i * kLevels + j)];
        }
    const double total = double(a.pixelCount());
    return {metrics_detail::entropyBits(ha, total), metrics_detail::entropyBits(hb, total), metrics_detail::entropyBits(joint, total)};
}

void checkSources(const std::vector<Image>& sources, const char* what)
{
    if (sources.empty()) throw Error(std::string(what) + " needs at least one source image");
}

} // namespace

double mutualInformationBits(const Image& greyA, const Image& greyB)
{
    const JointEntropies e = jointEntropies(greyA, greyB);
    // Rounding can leave −1e-15 where A and B are independent; MI is never negative.
    return std::max(0.0, e.a + e.b - e.joint);
}

double fusionMutualInformation(const Image& fusedGrey, const std::vector<Image>& sourceGreys)
{
    checkSources(sourceGreys, "fusion mutual information");
    double sum = 0.0;
    for (const Image& s : sourceGreys) sum += mutualInformationBits(s, fusedGrey);
    return sum;
}

double fusionNormalisedMutualInformation(const Image& fusedGrey, const std::vector<Image>& sourceGreys)
{
    checkSources(sourceGreys, "normalised mutual information");
    double sum = 0.0;
    for (const Image& s : sourceGreys) {
        const JointEntropies e = jointEntropies(s, fusedGrey);
        const double entropies = e.a + e.b;
        if (entropies > 0.0) sum += 2.0 * std::max(0.0, e.a + e.b - e.joint) / entropies;
    }
    return sum;
}

} // namespace fuselab
