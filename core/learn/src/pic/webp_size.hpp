// Internal, torch-free: the information measure of PIC curves (SPEC §7): the byte size of an
// 8-bit RGB image losslessly compressed with WebP (Debian's libwebp, as the reference's PIL).
#pragma once

#include <cstddef>
#include <cstdint>

namespace fuselab::learn::detail {

/// False when this build has no libwebp (PIC then refuses with a clear error).
bool webpAvailable();
/// Lossless WebP size of width × height interleaved RGB bytes; method 0..6 (effort), quality
/// 0..100 (for lossless: effort too; the reference uses 100). Thread-safe.
std::size_t losslessWebpBytes(const std::uint8_t* rgb, int width, int height, int method, int quality);

} // namespace fuselab::learn::detail
