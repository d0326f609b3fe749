// Finding the shipped model relative to the running executable.
#include "fuselab/learn/model_files.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace fuselab::learn {

std::string executableDirectory()
{
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    return exe.parent_path().string();
}

std::vector<std::string> modelSearchDirectories(const std::string& executableDir, const std::string& sourceTreeModelsDir)
{
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("FUSELAB_MODEL_DIR"); env && *env) dirs.emplace_back(env);
    if (!executableDir.empty())
        dirs.push_back((std::filesystem::path(executableDir) / ".." / "share" / "fuselab" / "models").lexically_normal().string());
    if (!sourceTreeModelsDir.empty()) dirs.push_back(sourceTreeModelsDir);
    return dirs;
}

std::string resolveShippedModel(const std::vector<std::string>& searchDirs)
{
    return resolveShippedModel(searchDirs, kShippedModelFileName);
}

std::string resolveShippedModel(const std::vector<std::string>& searchDirs, const std::string& fileName)
{
    for (const std::string& dir : searchDirs) {
        const std::filesystem::path candidate = std::filesystem::path(dir) / fileName;
        std::error_code ec;
        if (std::filesystem::is_regular_file(candidate, ec)) return candidate.string();
    }
    if (searchDirs.empty()) return fileName;
    return (std::filesystem::path(searchDirs.front()) / fileName).string();
}

std::string shippedModelForThisExecutable(const std::string& sourceTreeModelsDir)
{
    return resolveShippedModel(modelSearchDirectories(executableDirectory(), sourceTreeModelsDir));
}

std::string shippedFrameEventModelBeside(const std::string& shippedExposureModelPath)
{
    return (std::filesystem::path(shippedExposureModelPath).parent_path() / kShippedFrameEventModelFileName).string();
}

} // namespace fuselab::learn
