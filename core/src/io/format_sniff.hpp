// Private: format recognition and header parsing from a file's bytes, before decoding.
#pragma once

#include "fuselab/io.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace fuselab::detail {

FileFormat sniffFormat(const std::uint8_t* data, std::size_t size);

/// Parses dimensions and sample layout from the header bytes of a known format (not EXR,
/// which OpenEXR parses). Throws fuselab::Error (without file) when the header is cut short
/// or malformed.
ImageHeader parseHeader(FileFormat format, const std::uint8_t* data, std::size_t size);

/// JPEG: true when an end-of-image marker follows the first start-of-scan.
bool jpegHasEndMarker(const std::uint8_t* data, std::size_t size);
/// PNG: walks the chunks; returns an empty string when complete, else the problem.
std::string pngStructureProblem(const std::uint8_t* data, std::size_t size);

/// A short printable description of the first bytes, for "not an image" messages.
std::string describeLeadingBytes(const std::uint8_t* data, std::size_t size);

} // namespace fuselab::detail
