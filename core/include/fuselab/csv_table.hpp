// CSV tables of results (RFC 4180: comma-separated, "quoted" where a field holds a comma, a
// quote, a line break or surrounding spaces; quotes doubled inside), and the number format
// every CSV and JSON value of fuselab-cli uses.
#pragma once

#include <string>
#include <vector>

namespace fuselab {

struct CsvTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows; ///< each as long as the header
};

/// The text of the table, one line per row, each line ending in '\n'.
std::string formatCsv(const CsvTable& table);
/// Parses CSV text; throws fuselab::Error naming `file` on malformed text or ragged rows.
CsvTable parseCsv(const std::string& text, const std::string& file);

/// The shortest text that reads back as the same double ("0.1", "12.345678901234567");
/// "inf"/"-inf" for infinities, "" for NaN.
std::string formatNumber(double value);

} // namespace fuselab
