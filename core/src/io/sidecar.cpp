// Sidecar JSON: the settings and inputs that produced an output file.
#include "fuselab/sidecar.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/exposure.hpp"
#include "fuselab/io.hpp"
#include "fuselab/version.hpp"

#include "../pipeline/recipe_json.hpp"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>

namespace fuselab {

void addReadNotes(Sidecar& sidecar, const ExposureStack& stack)
{
    for (const StackFrame& f : stack.frames) {
        if (!f.readNote.empty()) sidecar.notes["read " + f.path] = f.readNote;
        if (!f.colourNote.empty()) sidecar.notes["colour " + f.path] = f.colourNote;
    }
}

std::string sidecarPath(const std::string& outputPath)
{
    return outputPath + ".json";
}

std::string sha256OfFile(const std::string& path)
{
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f) throw Error(path, "cannot open to compute its SHA-256");
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) throw Error("SHA-256 is unavailable");
    std::vector<unsigned char> buffer(1 << 20);
    std::size_t n;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), f.get())) > 0) EVP_DigestUpdate(ctx.get(), buffer.data(), n);
    if (std::ferror(f.get())) throw Error(path, "read error while hashing");
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx.get(), digest, &length);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

namespace {
std::string utcNow()
{
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}
} // namespace

void writeSidecar(const std::string& outputPath, const Sidecar& sidecar)
{
    nlohmann::json j;
    j["tool"] = "fuselab";
    j["version"] = kFuseLabVersion;
    j["command"] = sidecar.command;
    j["created_utc"] = utcNow();
    nlohmann::json output;
    output["path"] = outputPath;
    output["format"] = std::string(toString(formatFromExtension(outputPath)));
    output["sha256"] = sha256OfFile(outputPath);
    if (sidecar.outputWidth > 0) {
        output["width"] = sidecar.outputWidth;
        output["height"] = sidecar.outputHeight;
        output["channels"] = sidecar.outputChannels;
        output["bit_depth"] = sidecar.outputBitDepth;
    } else {
        try {
            const ImageHeader h = probeImage(outputPath, ReadOptions{});
            output["width"] = h.width;
            output["height"] = h.height;
            output["channels"] = h.channels;
            output["bit_depth"] = h.bitDepth;
        } catch (const Error&) {
            // Not an image (a CSV or model): hash only.
        }
    }
    j["output"] = output;
    nlohmann::json ops = nlohmann::json::array();
    for (const SidecarOperator& op : sidecar.operators) {
        nlohmann::json params = nlohmann::json::object();
        for (const auto& [id, value] : op.values.all()) params[id] = paramValueJson(value);
        ops.push_back({{"id", op.id}, {"version", op.version}, {"params", params}});
    }
    j["operators"] = ops;
    nlohmann::json inputs = nlohmann::json::array();
    for (const std::string& in : sidecar.inputFiles) {
        std::error_code ec;
        const auto bytes = std::filesystem::file_size(in, ec);
        inputs.push_back({{"path", in}, {"sha256", sha256OfFile(in)}, {"bytes", ec ? 0 : bytes}});
    }
    j["inputs"] = inputs;
    j["notes"] = sidecar.notes;
    j["numbers"] = sidecar.numbers;
    if (sidecar.recipe) j["recipe"] = recipeJson(*sidecar.recipe);
    writeFileAtomically(sidecarPath(outputPath), j.dump(2) + "\n");
}

} // namespace fuselab
