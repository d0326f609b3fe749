// Where the shipped fusion model lives, seen from a program's own executable:
//   installed:  <prefix>/bin/fuselab-cli  → <prefix>/share/fuselab/models/<file>
//   build tree: <build>/app/fuselab-cli   → the source tree's resources/models/<file>
//                                           (passed in by the app, which knows it at build time)
// $FUSELAB_MODEL_DIR, when set, is searched first.
#pragma once

#include <string>
#include <vector>

namespace fuselab::learn {

inline constexpr const char* kShippedModelFileName = "fusion-exposure-v3.pt";
/// The shipped frame/event model (F, E, EF inputs; README "Frame/event learned fusion").
inline constexpr const char* kShippedFrameEventModelFileName = "fusion-events-v1.pt";

/// The folder of the running executable (from /proc/self/exe); empty if unknown.
std::string executableDirectory();

/// Candidate folders in search order (see above); sourceTreeModelsDir may be empty.
std::vector<std::string> modelSearchDirectories(const std::string& executableDir, const std::string& sourceTreeModelsDir);

/// The first folder/kShippedModelFileName that exists; if none does, the first candidate's path
/// (so the error message names where the model was expected).
std::string resolveShippedModel(const std::vector<std::string>& searchDirs);
/// The same for another file name (e.g. kShippedFrameEventModelFileName).
std::string resolveShippedModel(const std::vector<std::string>& searchDirs, const std::string& fileName);

/// resolveShippedModel(modelSearchDirectories(executableDirectory(), sourceTreeModelsDir)):
/// what the CLI and the GUI use.
std::string shippedModelForThisExecutable(const std::string& sourceTreeModelsDir);

/// The shipped frame/event model that lies beside the shipped exposure model at this path.
std::string shippedFrameEventModelBeside(const std::string& shippedExposureModelPath);

} // namespace fuselab::learn
