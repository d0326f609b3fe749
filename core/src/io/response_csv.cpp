// Camera response curves as CSV (format in response.hpp).
#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"

#include <cstdlib>
#include <iomanip>
#include <sstream>

namespace fuselab {

CameraResponse readResponseCsv(const std::string& path)
{
    const std::vector<std::uint8_t> bytes = readFileBytes(path);
    std::istringstream in(std::string(bytes.begin(), bytes.end()));
    std::string line;
    std::vector<double> values;
    std::vector<std::vector<double>> exposures;
    int lineNo = 0, columns = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> cells;
        std::stringstream row(line);
        std::string cell;
        while (std::getline(row, cell, ',')) cells.push_back(cell);
        if (columns == 0) {
            char* end = nullptr;
            std::strtod(cells.empty() ? "" : cells[0].c_str(), &end);
            const bool numeric = !cells.empty() && end && *end == '\0' && !cells[0].empty();
            columns = int(cells.size());
            if (columns != 2 && columns != 4)
                throw Error(path, "line " + std::to_string(lineNo) + ": a response CSV has 2 columns (pixel_value,exposure) or 4 (pixel_value,r,g,b)");
            exposures.assign(std::size_t(columns - 1), {});
            if (!numeric) continue; // header line
        }
        if (int(cells.size()) != columns)
            throw Error(path, "line " + std::to_string(lineNo) + ": expected " + std::to_string(columns) + " columns, found " + std::to_string(cells.size()));
        for (int c = 0; c < columns; ++c) {
            char* end = nullptr;
            const double v = std::strtod(cells[std::size_t(c)].c_str(), &end);
            if (cells[std::size_t(c)].empty() || *end != '\0')
                throw Error(path, "line " + std::to_string(lineNo) + ": '" + cells[std::size_t(c)] + "' is not a number");
            if (c == 0) values.push_back(v);
            else exposures[std::size_t(c - 1)].push_back(v);
        }
    }
    if (values.empty()) throw Error(path, "no response rows found");
    try {
        return CameraResponse::table(std::move(values), std::move(exposures));
    } catch (const Error& e) {
        throw e.withFile(path);
    }
}

void writeResponseCsv(const std::string& path, const CameraResponse& response)
{
    const CameraResponse table = response.kind() == CameraResponse::Kind::Table ? response : response.sampled(256);
    std::ostringstream out;
    out << std::setprecision(9);
    const int channels = table.tableChannels();
    out << (channels == 1 ? "pixel_value,exposure\n" : "pixel_value,r,g,b\n");
    const std::vector<double>& values = table.tablePixelValues();
    for (std::size_t i = 0; i < values.size(); ++i) {
        out << values[i];
        for (int c = 0; c < channels; ++c) out << ',' << table.tableExposures(c)[i];
        out << '\n';
    }
    writeFileAtomically(path, out.str());
}

} // namespace fuselab
