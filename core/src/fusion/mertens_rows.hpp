// Private: the per-row arithmetic of exposure fusion (Mertens weights, sample loading, output
// rounding), shared by the whole-image engine (mertens_engine.cpp) and the banded engine
// (mertens_bands.cpp) so both compute every sample with the same instructions — the banded
// output equals the whole-image output bit for bit. Compiled once per instruction set.
#pragma once

#include "fuselab/mertens.hpp"
#include "../isa/isa.hpp"

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace fuselab::FUSELAB_ISA::detail {

inline constexpr float kWeightEpsilon = 1e-12f;
inline constexpr float kWeightScale = 65535.0f; // level-0 weights in 16-bit fixed point

template <typename T>
constexpr float sampleNormaliser()
{
    if constexpr (std::is_same_v<T, std::uint8_t>) return 1.0f / 255.0f;
    else if constexpr (std::is_same_v<T, std::uint16_t>) return 1.0f / 65535.0f;
    else return 1.0f;
}

/// One interleaved row (1, 3 or 4 channels; alpha dropped) as planar float [0,1] rows.
template <typename T>
void loadPlanes(const T* src, int widthPx, int channels, float* const* dst);

/// Per-row scratch of the weight computation.
struct RowScratch {
    std::vector<float> colour; // 3 × w
    std::vector<float> grey;   // (rows + 2) × w
    std::vector<float> terms;  // 2 × w
    float* plane(int c, int w) { return colour.data() + std::size_t(c) * w; }
};

struct QualityModel {
    float wc, ws, we, optimum, twoSigmaSq, floor;
    std::vector<float> exposednessTable; // per code value, already raised to we
    float exposedness(float v) const;
};

template <typename T>
QualityModel makeQualityModel(const MertensParams& params);

/// Raw (unnormalised) weights W = C^wc · S^ws · E^we + ε of `count` consecutive rows into `out`
/// (count × widthPx). `rows` holds count + 2 row pointers: the row above the first (mirrored by
/// the caller at the image's top), the count rows, the row below the last.
template <typename T>
void computeWeightRows(const T* const* rows, int widthPx, int channels, int planes, const QualityModel& q, int count, float* out,
                       RowScratch& scratch);

/// Normalises one row of every frame's raw weights into 16-bit fixed point: dst[f][x] =
/// round(65535 · raw[f][x] / Σ raw). Where `motion` is given, moving pixels take the
/// reference frame only (SPEC §1b). `total` is widthPx floats of scratch.
void normaliseWeightRow(const float* const* raw, int frames, int widthPx, const float* motion, int referenceIndex, float* total,
                        std::uint16_t* const* dst);

/// A frame's level-1 sample as the final pass keeps it for integer frames: 16-bit fixed point.
inline std::uint16_t toFixed16(float v) { return std::uint16_t(int(std::min(std::max(v, 0.0f), 1.0f) * 65535.0f + 0.5f)); }

/// Planar accumulator rows → one interleaved output row (integers clipped to [0,1], rounded).
template <typename Out>
void storeRow(const float* const* acc, int planes, int widthPx, Out* dst);

} // namespace fuselab::FUSELAB_ISA::detail
