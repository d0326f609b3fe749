// Test-only encoders: Prophesee EVT 2.0/3.0 RAW files from events (to synthesise large or
// crafted recordings), the NumPy .npy reader for the EVT 3.0 reference, and re-compression
// of AEDAT 4.0 packets (LZ4 → ZSTD/none) to exercise every codec path of the reader.
#pragma once

#include "fuselab/base/events.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fuselab::test {

/// EVT 3.0: TIME_HIGH/TIME_LOW when they change, ADDR_Y when the row changes, VECT_BASE_X +
/// VECT_12 for runs of ≥ 2 events of one time, row and polarity within 12 columns, else ADDR_X.
/// Header "% format EVT3;height=H;width=W" unless `header` is given (then used verbatim).
std::vector<std::uint8_t> encodeEvt3(const std::vector<Event>& events, int widthPx, int heightPx,
                                     const std::string& header = "");
/// EVT 2.0: TIME_HIGH (t >> 6) when it changes, then CD_ON/CD_OFF words.
std::vector<std::uint8_t> encodeEvt2(const std::vector<Event>& events, int widthPx, int heightPx,
                                     const std::string& header = "");
/// Byte offset where the words begin in an encoded file (after the header).
std::size_t rawHeaderSize(const std::vector<std::uint8_t>& file);

/// A NumPy .npy file of a structured array with fields t (<i8), x (<i2), y (<i2), p (|u1):
/// the field offsets and the record size are read from the header's descr.
struct NpyEvents {
    std::vector<std::int64_t> t;
    std::vector<std::int32_t> x, y, p;
};
NpyEvents readNpyEvents(const std::string& path);

/// Rewrites an LZ4 AEDAT 4.0 file with every packet re-compressed: "zstd" or "none". The
/// packet table is dropped (the header's table position then points at the end of the file).
std::vector<std::uint8_t> recompressAedat4(const std::vector<std::uint8_t>& lz4File, const std::string& codec);
/// Offsets of the packets (their 8-byte headers) of an AEDAT 4.0 file, and their stream ids.
struct AedatPacketInfo {
    std::size_t offset = 0;
    std::int32_t streamId = 0;
    std::int32_t size = 0;
};
std::vector<AedatPacketInfo> aedatPackets(const std::vector<std::uint8_t>& file);

} // namespace fuselab::test
