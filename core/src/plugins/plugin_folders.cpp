// Where plugins are looked for: next to the installed executable, in the build tree, and in
// FUSELAB_PLUGIN_PATH. Paths are found relative to the executable so that an installed tree
// never points into the build tree (and a moved install keeps working).
#include "fuselab/plugin_loader.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include <unistd.h>

#ifndef FUSELAB_RELATIVE_PLUGIN_DIR
#define FUSELAB_RELATIVE_PLUGIN_DIR "../lib/fuselab/plugins"
#endif

namespace fuselab {
namespace {

namespace fs = std::filesystem;

/// The running executable's folder, or "" where /proc is unavailable.
fs::path executableDir()
{
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec || exe.empty()) return {};
    return exe.parent_path();
}

} // namespace

std::string_view toString(PluginFolderOrigin origin)
{
    switch (origin) {
    case PluginFolderOrigin::Installed: return "installed";
    case PluginFolderOrigin::BuildTree: return "build tree";
    case PluginFolderOrigin::Environment: return "FUSELAB_PLUGIN_PATH";
    case PluginFolderOrigin::Explicit: return "explicit";
    }
    return "unknown";
}

std::vector<PluginFolder> parsePluginPath(std::string_view colonSeparated)
{
    std::vector<PluginFolder> folders;
    std::size_t start = 0;
    while (start <= colonSeparated.size()) {
        std::size_t end = colonSeparated.find(':', start);
        if (end == std::string_view::npos) end = colonSeparated.size();
        const std::string_view entry = colonSeparated.substr(start, end - start);
        if (!entry.empty()) folders.push_back({std::string(entry), PluginFolderOrigin::Environment});
        start = end + 1;
    }
    return folders;
}

std::vector<PluginFolder> defaultPluginFolders()
{
    std::vector<PluginFolder> folders;
    const fs::path exeDir = executableDir();
    if (!exeDir.empty()) {
        folders.push_back({(exeDir / FUSELAB_RELATIVE_PLUGIN_DIR).lexically_normal().string(), PluginFolderOrigin::Installed});
        // A build tree: executables live one folder below the top, which holds CMakeCache.txt
        // and the plugins/ folder every plugin target writes its module to.
        const fs::path buildRoot = exeDir.parent_path();
        std::error_code ec;
        if (fs::is_regular_file(buildRoot / "CMakeCache.txt", ec))
            folders.push_back({(buildRoot / "plugins").lexically_normal().string(), PluginFolderOrigin::BuildTree});
    }
    if (const char* env = std::getenv("FUSELAB_PLUGIN_PATH"))
        for (PluginFolder& f : parsePluginPath(env)) folders.push_back(std::move(f));
    return folders;
}

} // namespace fuselab
