// Private: the ASCII '%' header of Prophesee RAW files and the sensor geometry it implies.
#pragma once

#include "fuselab/base/events.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace fuselab::events {

class ByteSource;

struct RawHeader {
    std::map<std::string, std::string> fields; ///< "evt" → "3.0", "system_ID" → "48", "format" → "EVT3;…"
    std::uint64_t dataOffset = 0;              ///< first byte after the header
    EventFormat format = EventFormat::Unknown;
    int widthPx = 0;
    int heightPx = 0;
    std::string geometrySource;
};

/// Reads and checks the header: an event format (EVT 2.0 or 3.0, from "% format" or the legacy
/// "% evt" line) and a geometry (format keys, "% geometry WxH", else system_ID through openeb's
/// table). Throws fuselab::Error naming the file, the byte offset and the problem.
RawHeader parseRawHeader(const ByteSource& source);

/// Sensor size of a Prophesee system id as openeb's RAW header reader maps it (hal_psee_plugins
/// psee_raw_file_header.cpp, system ids from device_system_id.h); false when unknown.
bool geometryOfSystemId(long systemId, int& widthPx, int& heightPx);

} // namespace fuselab::events
