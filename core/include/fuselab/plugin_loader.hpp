// Finding and loading operator plugins (for front ends; plugin authors read plugin_api.hpp).
//
// Where plugins are looked for, in this order (see defaultPluginFolders):
//   1. the installed folder, <executable dir>/../lib/fuselab/plugins (the exact relative path
//      follows the install layout FuseLab was configured with);
//   2. in a build tree (the executable's parent folder holds CMakeCache.txt), <build>/plugins;
//   3. every folder of FUSELAB_PLUGIN_PATH (colon-separated; empty entries ignored; an entry
//      that names a file loads that file).
// A folder contributes its `*.so` files in name order. A file reached twice (the same folder
// named twice, or through a symbolic link) is loaded once.
//
// Loading never throws and never aborts for a bad plugin: a file that is not a library, a
// library without the entry point, a plugin built for another ABI or with another C++
// standard library, a registration that throws, an operator id already taken — each is
// refused with a one-line message and the next plugin is tried.
//
// Lifetime: each operator a plugin adds keeps a reference to the loaded library (the
// registry's shared_ptr shares ownership of it), so the library stays loaded for as long as
// any of its operators exists and is closed (dlclose) after the last one goes. Data an
// operator returned (images, strings) is owned by the caller and does not need the library.
//
// Thread safety: load plugins once at start-up, before worker threads use the registry.
#pragma once

#include "fuselab/base/operator.hpp"
#include "fuselab/plugin_api.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace fuselab {

enum class PluginFolderOrigin {
    Installed,   ///< next to the installed executable
    BuildTree,   ///< the build tree's plugins folder
    Environment, ///< from FUSELAB_PLUGIN_PATH
    Explicit,    ///< given by the caller (tests, options)
};
std::string_view toString(PluginFolderOrigin origin);

struct PluginFolder {
    std::string path;
    PluginFolderOrigin origin = PluginFolderOrigin::Explicit;
};

/// The folders named above, whether or not they exist. Reads the executable's location
/// (/proc/self/exe) and FUSELAB_PLUGIN_PATH.
std::vector<PluginFolder> defaultPluginFolders();

/// Folders of a colon-separated list (the FUSELAB_PLUGIN_PATH syntax), origin Environment.
std::vector<PluginFolder> parsePluginPath(std::string_view colonSeparated);

enum class PluginStatus {
    Loaded,  ///< its operators are in the registry
    Refused, ///< not loaded; message says why
};
std::string_view toString(PluginStatus status);

struct PluginRecord {
    std::string path; ///< the file as found
    PluginStatus status = PluginStatus::Refused;
    /// Loaded: "N operators: id, id"; Refused: the reason, one line, no trailing period,
    /// e.g. "built for plugin ABI 2, this FuseLab expects ABI 1; rebuild it against FuseLab 0.1.0".
    std::string message;
    std::string name;    ///< from the plugin's info; empty when it could not be read
    std::string version; ///< likewise
    std::string description;
    std::vector<std::string> operatorIds; ///< Loaded: the ids it added, sorted
};

struct PluginFolderScan {
    PluginFolder folder;
    bool exists = false;
};

struct PluginReport {
    std::vector<PluginFolderScan> folders; ///< in search order
    std::vector<PluginRecord> plugins;     ///< in load order
    std::size_t loadedCount() const;
    std::size_t refusedCount() const;
};

/// Loads one plugin file into `registry`. Never throws (refusals are returned).
PluginRecord loadPlugin(const std::string& path, OperatorRegistry& registry);

/// Loads every `*.so` of every folder (a file entry is loaded as such), in order.
/// Never throws. Plugins already present in `registry` (by id) make later clashes refusals.
PluginReport loadPlugins(const std::vector<PluginFolder>& folders, OperatorRegistry& registry);

/// Checks a plugin's self-description against this build of FuseLab. Returns "" when it
/// may be used, else the reason (one line). Reads nothing past abiVersion unless magic and
/// abiVersion match.
std::string describePluginIncompatibility(const FuseLabPluginInfo& info);

} // namespace fuselab
