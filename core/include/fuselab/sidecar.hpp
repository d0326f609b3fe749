// The sidecar JSON written next to every output image (<output>.json): what produced it.
//
// Keys: tool, version, command, created_utc, output {path, format, width, height, sha256},
// operators [{id, version, params {id: value}}], inputs [{path, sha256, bytes}], notes {},
// numbers {}, and recipe (recipe.hpp) where the output can be made again from it.
#pragma once

#include "fuselab/base/params.hpp"
#include "fuselab/recipe.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fuselab {

struct SidecarOperator {
    std::string id;
    int version = 1;
    ParamValues values;
};

struct Sidecar {
    std::string command;                       ///< the command line, or a GUI action name
    std::vector<SidecarOperator> operators;    ///< in the order they ran
    std::vector<std::string> inputFiles;       ///< hashed when written (SHA-256)
    std::map<std::string, std::string> notes;  ///< e.g. {"transfer_function": "PQ (SMPTE ST 2084)"}
    std::map<std::string, double> numbers;     ///< e.g. estimated shifts, metric values
    /// Size of the output when the writer knows it (saves reading the file back); else the
    /// sidecar reads the output's header.
    int outputWidth = 0, outputHeight = 0, outputChannels = 0, outputBitDepth = 0;
    /// The recipe that made the output, when it can be run again (`replay`); key "recipe".
    std::optional<Recipe> recipe;
};

struct ExposureStack;
/// notes["read <path>"] for every frame whose file was read against its name (a JPEG named
/// .png, StackFrame::readNote), so the sidecar says how each input was decoded.
void addReadNotes(Sidecar& sidecar, const ExposureStack& stack);

/// Path of the sidecar for an output: "<output>.json".
std::string sidecarPath(const std::string& outputPath);
/// Writes the sidecar atomically, hashing every input file and the output itself.
void writeSidecar(const std::string& outputPath, const Sidecar& sidecar);
/// Lowercase hex SHA-256 of a file's bytes. Throws fuselab::Error when unreadable.
std::string sha256OfFile(const std::string& path);

} // namespace fuselab
