// Internal (torch): atomic archive writes, and the model file format shared by FusionModel
// and the Trainer's export.
//
// Model file (a LibTorch archive, zip): "format" = "fuselab-fusion-model", "version" = 1,
// "config" = FusionNetConfig::toText(), "metadata" = "key=value" lines, and one float32 CPU
// tensor per network parameter under "net.<parameter name>".
#pragma once

#include "net.hpp"

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <map>
#include <string>

namespace fuselab::learn::detail {

inline constexpr const char* kModelFormat = "fuselab-fusion-model";
inline constexpr const char* kCheckpointFormat = "fuselab-training-checkpoint";
inline constexpr int kModelFormatVersion = 1;

/// Writes to a temporary file in the target's folder, fsyncs, renames. Throws fuselab::Error(path, …).
void saveArchiveAtomically(torch::serialize::OutputArchive& archive, const std::string& path);
/// Throws fuselab::Error(path, …) for a missing or unreadable file.
void loadArchive(torch::serialize::InputArchive& archive, const std::string& path, const c10::Device& device);

std::string readString(torch::serialize::InputArchive& archive, const std::string& key, const std::string& path);
std::int64_t readInt(torch::serialize::InputArchive& archive, const std::string& key, const std::string& path);

/// Parameters under prefix + name (float32, CPU copies) / read back into the module's own tensors.
void writeParams(torch::serialize::OutputArchive& archive, const std::string& prefix,
                 const std::vector<std::pair<std::string, at::Tensor>>& params);
void readParams(torch::serialize::InputArchive& archive, const std::string& prefix,
                const std::vector<std::pair<std::string, at::Tensor>>& params, const std::string& path);

std::string metadataToText(const std::map<std::string, std::string>& metadata);
std::map<std::string, std::string> metadataFromText(const std::string& text);

void saveModelFile(FusionNetImpl& net, const std::map<std::string, std::string>& metadata, const std::string& path);

struct LoadedModel {
    FusionNet net{nullptr};
    std::map<std::string, std::string> metadata;
};
LoadedModel loadModelFile(const std::string& path);

} // namespace fuselab::learn::detail
