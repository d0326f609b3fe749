// Deterministic seed derivation: independent streams from (seed, stream, index) without state,
// so batch n of a run is the same whether it is drawn first, after a resume, or on rank 3.
#pragma once

#include <cstdint>

namespace fuselab::learn::detail {

inline std::uint64_t splitMix64(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

inline std::uint64_t mixSeed(std::uint64_t seed, std::uint64_t stream, std::uint64_t index)
{
    return splitMix64(splitMix64(splitMix64(seed) ^ stream) ^ index);
}

/// Stream tags: training batches, validation scenes, per-step network resolution.
inline constexpr std::uint64_t kStreamTraining = 0x747261696eull;   // "train"
inline constexpr std::uint64_t kStreamValidation = 0x76616c6964ull; // "valid"
inline constexpr std::uint64_t kStreamLowRes = 0x6c6f777265ull;     // "lowre"

} // namespace fuselab::learn::detail
