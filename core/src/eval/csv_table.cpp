#include "fuselab/csv_table.hpp"

#include "fuselab/base/error.hpp"

#include <charconv>
#include <cmath>

namespace fuselab {
namespace {

std::string quoted(const std::string& field)
{
    const bool needs = field.find_first_of(",\"\r\n") != std::string::npos ||
                       (!field.empty() && (field.front() == ' ' || field.back() == ' '));
    if (!needs) return field;
    std::string out = "\"";
    for (char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

void appendLine(std::string& out, const std::vector<std::string>& fields)
{
    for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + quoted(fields[i]);
    out += '\n';
}

} // namespace

std::string formatCsv(const CsvTable& table)
{
    std::string out;
    appendLine(out, table.header);
    for (const auto& row : table.rows) appendLine(out, row);
    return out;
}

CsvTable parseCsv(const std::string& text, const std::string& file)
{
    std::vector<std::vector<std::string>> lines;
    std::vector<std::string> fields;
    std::string field;
    bool inQuotes = false, fieldStarted = false;
    int lineNo = 1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inQuotes) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    inQuotes = false;
                }
            } else {
                if (c == '\n') ++lineNo;
                field += c;
            }
            continue;
        }
        if (c == '"' && !fieldStarted) {
            inQuotes = fieldStarted = true;
        } else if (c == ',') {
            fields.push_back(field);
            field.clear();
            fieldStarted = false;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            fields.push_back(field);
            lines.push_back(fields);
            fields.clear();
            field.clear();
            fieldStarted = false;
            ++lineNo;
        } else {
            if (c == '"') throw Error(file, "line " + std::to_string(lineNo) + ": a quote inside an unquoted field");
            field += c;
            fieldStarted = true;
        }
    }
    if (inQuotes) throw Error(file, "a quoted field is not closed");
    if (fieldStarted || !fields.empty()) {
        fields.push_back(field);
        lines.push_back(fields);
    }
    if (lines.empty()) throw Error(file, "is empty (expected a CSV header line)");
    CsvTable table;
    table.header = lines.front();
    for (std::size_t i = 1; i < lines.size(); ++i) {
        if (lines[i].size() != table.header.size())
            throw Error(file, "row " + std::to_string(i) + " has " + std::to_string(lines[i].size()) + " fields, the header " +
                                  std::to_string(table.header.size()));
        table.rows.push_back(lines[i]);
    }
    return table;
}

std::string formatNumber(double value)
{
    if (std::isnan(value)) return {};
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

} // namespace fuselab
