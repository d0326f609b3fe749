#include "archive_io.hpp"

#include "fuselab/base/error.hpp"

#include <c10/util/Exception.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <sstream>

namespace fuselab::learn::detail {
namespace {

std::string firstLine(const std::string& text)
{
    return text.substr(0, text.find('\n'));
}

void fsyncPath(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

} // namespace

void saveArchiveAtomically(torch::serialize::OutputArchive& archive, const std::string& path)
{
    const std::filesystem::path target(path);
    const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) throw Error(path, "the folder does not exist");
    const std::string tmp = (dir / ("." + target.filename().string() + ".tmp" + std::to_string(::getpid()))).string();
    try {
        archive.save_to(tmp);
    } catch (const c10::Error& e) {
        std::filesystem::remove(tmp, ec);
        throw Error(path, "cannot write: " + firstLine(e.what_without_backtrace()));
    }
    fsyncPath(tmp);
    std::filesystem::rename(tmp, target, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw Error(path, "cannot replace the file: " + ec.message());
    }
    fsyncPath(dir.string());
}

void loadArchive(torch::serialize::InputArchive& archive, const std::string& path, const c10::Device& device)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw Error(path, "no such file");
    try {
        archive.load_from(path, device);
    } catch (const c10::Error& e) {
        throw Error(path, "not a LibTorch archive (" + firstLine(e.what_without_backtrace()) + ")");
    }
}

std::string readString(torch::serialize::InputArchive& archive, const std::string& key, const std::string& path)
{
    c10::IValue v;
    if (!archive.try_read(key, v) || !v.isString()) throw Error(path, "not a FuseLab file (no '" + key + "' entry)");
    return v.toStringRef();
}

std::int64_t readInt(torch::serialize::InputArchive& archive, const std::string& key, const std::string& path)
{
    c10::IValue v;
    if (!archive.try_read(key, v) || !v.isInt()) throw Error(path, "not a FuseLab file (no '" + key + "' entry)");
    return v.toInt();
}

void writeParams(torch::serialize::OutputArchive& archive, const std::string& prefix,
                 const std::vector<std::pair<std::string, at::Tensor>>& params)
{
    for (const auto& [name, t] : params) archive.write(prefix + name, t.detach().to(at::kCPU, at::kFloat).contiguous());
}

void readParams(torch::serialize::InputArchive& archive, const std::string& prefix,
                const std::vector<std::pair<std::string, at::Tensor>>& params, const std::string& path)
{
    at::NoGradGuard noGrad;
    for (const auto& [name, t] : params) {
        at::Tensor stored;
        if (!archive.try_read(prefix + name, stored)) throw Error(path, "parameter '" + name + "' is missing");
        if (stored.sizes() != t.sizes()) throw Error(path, "parameter '" + name + "' has another shape than this network's");
        t.copy_(stored);
    }
}

std::string metadataToText(const std::map<std::string, std::string>& metadata)
{
    std::string out;
    for (const auto& [k, v] : metadata) {
        std::string value = v;
        for (char& c : value)
            if (c == '\n') c = ' ';
        out += k + "=" + value + "\n";
    }
    return out;
}

std::map<std::string, std::string> metadataFromText(const std::string& text)
{
    std::map<std::string, std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        const auto eq = line.find('=');
        if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return out;
}

void saveModelFile(FusionNetImpl& net, const std::map<std::string, std::string>& metadata, const std::string& path)
{
    torch::serialize::OutputArchive archive;
    archive.write("format", c10::IValue(std::string(kModelFormat)));
    archive.write("version", c10::IValue(std::int64_t(kModelFormatVersion)));
    archive.write("config", c10::IValue(net.config().toText()));
    archive.write("metadata", c10::IValue(metadataToText(metadata)));
    writeParams(archive, "net.", net.namedParams());
    saveArchiveAtomically(archive, path);
}

LoadedModel loadModelFile(const std::string& path)
{
    torch::serialize::InputArchive archive;
    loadArchive(archive, path, c10::Device(c10::kCPU));
    const std::string format = readString(archive, "format", path);
    if (format != kModelFormat) throw Error(path, "a '" + format + "' file, not a fusion model");
    const std::int64_t version = readInt(archive, "version", path);
    if (version > kModelFormatVersion)
        throw Error(path, "model format version " + std::to_string(version) + " is newer than this FuseLab reads (" +
                              std::to_string(kModelFormatVersion) + ")");
    LoadedModel m;
    FusionNetConfig config;
    try {
        config = FusionNetConfig::fromText(readString(archive, "config", path));
    } catch (const Error& e) {
        throw e.withFile(path);
    }
    m.net = FusionNet(config);
    readParams(archive, "net.", m.net->namedParams(), path);
    m.metadata = metadataFromText(readString(archive, "metadata", path));
    return m;
}

} // namespace fuselab::learn::detail
