// Loading plugins with dlopen: check the plugin's self-description before any C++ object
// crosses the boundary, register into a private registry, then move the operators into the
// application's registry, each keeping the library loaded for as long as it lives.
#include "fuselab/plugin_loader.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/version.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>

#include <dlfcn.h>

namespace fuselab {
namespace {

namespace fs = std::filesystem;

/// Ties an operator to the library its code lives in. Members are destroyed in reverse
/// order: the operator (whose destructor is plugin code) first, then the library handle.
struct PluginOperatorKeeper {
    std::shared_ptr<void> library;
    std::shared_ptr<const Operator> op;
};

/// A shared_ptr to the same operator whose ownership also holds the library: the registry
/// and everyone it hands the pointer to keep the code loaded (aliasing constructor).
std::shared_ptr<const Operator> keepLibraryAlive(std::shared_ptr<const Operator> op, std::shared_ptr<void> library)
{
    auto keeper = std::make_shared<PluginOperatorKeeper>(PluginOperatorKeeper{std::move(library), std::move(op)});
    const Operator* raw = keeper->op.get();
    return std::shared_ptr<const Operator>(std::move(keeper), raw);
}

std::string lastDlError(const char* fallback)
{
    const char* text = dlerror();
    return text ? std::string(text) : std::string(fallback);
}

std::string hex(std::uint32_t v)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

std::string describeStdlib(std::int32_t kind)
{
    switch (kind) {
    case 1: return "libstdc++";
    case 2: return "libc++";
    default: return "an unknown C++ standard library";
    }
}

std::string describeLayoutMismatch(const FuseLabPluginLayout& plugin, const FuseLabPluginLayout& host)
{
    struct Field {
        const char* type;
        std::uint32_t FuseLabPluginLayout::*member;
    };
    static constexpr Field fields[] = {
        {"std::string", &FuseLabPluginLayout::stdString},
        {"OperatorInfo", &FuseLabPluginLayout::operatorInfo},
        {"ParamSpec", &FuseLabPluginLayout::paramSpec},
        {"ParamValues", &FuseLabPluginLayout::paramValues},
        {"Image", &FuseLabPluginLayout::image},
        {"SampleImage", &FuseLabPluginLayout::sampleImage},
        {"StackFrame", &FuseLabPluginLayout::stackFrame},
        {"ExposureStack", &FuseLabPluginLayout::exposureStack},
        {"OperatorInput", &FuseLabPluginLayout::operatorInput},
        {"OperatorOutput", &FuseLabPluginLayout::operatorOutput},
        {"OperatorRegistry", &FuseLabPluginLayout::operatorRegistry},
    };
    std::string text;
    for (const Field& f : fields) {
        if (plugin.*f.member == host.*f.member) continue;
        text += (text.empty() ? "" : ", ") + std::string("sizeof(") + f.type + ") " + std::to_string(plugin.*f.member) +
                " in the plugin, " + std::to_string(host.*f.member) + " here";
    }
    return text;
}

std::string joined(const std::vector<std::string>& items)
{
    std::string text;
    for (const std::string& s : items) text += (text.empty() ? "" : ", ") + s;
    return text;
}

/// Who registered each id, for clash messages ("a built-in operator", "plugin /x/y.so").
using IdOwners = std::map<std::string, std::string, std::less<>>;

PluginRecord loadPluginInto(const std::string& path, OperatorRegistry& registry, IdOwners* owners)
{
    PluginRecord record;
    record.path = path;
    record.status = PluginStatus::Refused;

    dlerror(); // clear any stale error text
    // RTLD_NOW: unresolved symbols (a plugin built against other FuseLab functions) fail here,
    // with the symbol named, instead of at the first call. RTLD_LOCAL: a plugin's symbols never
    // satisfy another plugin's, so two plugins with same-named internals cannot interfere.
    void* raw = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!raw) {
        record.message = "cannot load the library: " + lastDlError("dlopen failed without a message");
        return record;
    }
    std::shared_ptr<void> library(raw, [](void* handle) { dlclose(handle); });

    dlerror();
    void* symbol = dlsym(raw, plugin::kEntryPointName);
    if (!symbol) {
        record.message = std::string("not a FuseLab plugin: it exports no ") + plugin::kEntryPointName + " function";
        return record;
    }
    const auto entry = reinterpret_cast<FuseLabPluginInfoFn>(symbol);
    const FuseLabPluginInfo* info = entry();
    if (!info) {
        record.message = std::string(plugin::kEntryPointName) + " returned no information";
        return record;
    }
    const std::string problem = describePluginIncompatibility(*info);
    if (info->magic == FUSELAB_PLUGIN_MAGIC && info->abiVersion == plugin::kAbiVersion &&
        info->structSize >= sizeof(FuseLabPluginInfo)) {
        // Same info layout: the strings may be read even when other checks failed.
        record.name = info->name ? info->name : "";
        record.version = info->version ? info->version : "";
        record.description = info->description ? info->description : "";
    }
    if (!problem.empty()) {
        record.message = problem;
        return record;
    }

    // Declared after `library`, so destroyed before it: a refused plugin's operators (plugin
    // code) are gone before dlclose.
    OperatorRegistry staging;
    try {
        info->registerOperators(staging);
    } catch (const Error& e) {
        record.message = std::string("its registration failed: ") + e.what();
        return record;
    } catch (const std::exception& e) {
        record.message = std::string("its registration threw: ") + e.what();
        return record;
    } catch (...) {
        record.message = "its registration threw an unknown exception";
        return record;
    }
    if (staging.size() == 0) {
        record.message = "it registered no operators";
        return record;
    }

    std::vector<std::string> ids;
    std::vector<std::string> clashes;
    for (const Operator* op : staging.all()) {
        std::string id = op->info().id;
        if (registry.find(id)) {
            std::string owner;
            if (owners) {
                auto it = owners->find(id);
                if (it != owners->end()) owner = " by " + it->second;
            }
            clashes.push_back("'" + id + "' (already registered" + owner + ")");
        }
        ids.push_back(std::move(id));
    }
    std::sort(ids.begin(), ids.end());
    if (!clashes.empty()) {
        record.message = std::string(clashes.size() == 1 ? "operator id " : "operator ids ") + joined(clashes) +
                         "; the plugin was not loaded";
        return record;
    }
    for (const std::string& id : ids) {
        registry.add(keepLibraryAlive(staging.findShared(id), library));
        if (owners) (*owners)[id] = "plugin " + path;
    }
    record.status = PluginStatus::Loaded;
    record.operatorIds = ids;
    record.message = std::to_string(ids.size()) + (ids.size() == 1 ? " operator: " : " operators: ") + joined(ids);
    return record;
}

/// The `*.so` files of a folder in name order, or the entry itself when it names a file.
std::vector<fs::path> pluginFilesIn(const fs::path& entry, std::string& problem)
{
    std::vector<fs::path> files;
    std::error_code ec;
    if (fs::is_regular_file(entry, ec)) return {entry};
    fs::directory_iterator it(entry, ec);
    if (ec) {
        problem = "cannot list the folder: " + ec.message();
        return files;
    }
    for (const fs::directory_entry& e : it) {
        std::error_code fileEc;
        if (e.path().extension() == ".so" && e.is_regular_file(fileEc)) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

std::string_view toString(PluginStatus status)
{
    return status == PluginStatus::Loaded ? "loaded" : "refused";
}

std::size_t PluginReport::loadedCount() const
{
    return std::size_t(std::count_if(plugins.begin(), plugins.end(),
                                     [](const PluginRecord& r) { return r.status == PluginStatus::Loaded; }));
}

std::size_t PluginReport::refusedCount() const
{
    return plugins.size() - loadedCount();
}

std::string describePluginIncompatibility(const FuseLabPluginInfo& info)
{
    const std::string rebuild = std::string("; rebuild it against FuseLab ") + kFuseLabVersion;
    if (info.magic != FUSELAB_PLUGIN_MAGIC)
        return "not a FuseLab plugin: its info block starts with " + hex(info.magic) + ", expected " +
               hex(FUSELAB_PLUGIN_MAGIC);
    if (info.abiVersion != plugin::kAbiVersion)
        return "built for plugin ABI version " + std::to_string(info.abiVersion) + ", this FuseLab expects version " +
               std::to_string(plugin::kAbiVersion) + rebuild;
    if (info.structSize < sizeof(FuseLabPluginInfo))
        return "its info block is " + std::to_string(info.structSize) + " bytes, expected " +
               std::to_string(sizeof(FuseLabPluginInfo)) + rebuild;
    if (info.stdlibKind != plugin::compiledStdlibKind())
        return "built with " + describeStdlib(info.stdlibKind) + ", FuseLab with " +
               describeStdlib(plugin::compiledStdlibKind()) + "; C++ objects cannot cross between them";
    if (info.cxxStringAbi != plugin::compiledCxxStringAbi())
        return "built with _GLIBCXX_USE_CXX11_ABI=" + std::to_string(info.cxxStringAbi) + ", FuseLab with =" +
               std::to_string(plugin::compiledCxxStringAbi()) +
               " (std::string and std::list differ between the two); rebuild it without overriding that macro";
    if (info.stdlibDebug != plugin::compiledStdlibDebug())
        return std::string("built ") + (info.stdlibDebug ? "with" : "without") + " _GLIBCXX_DEBUG, FuseLab " +
               (plugin::compiledStdlibDebug() ? "with" : "without") +
               " it (container layouts differ); build both the same way";
    const std::string layout = describeLayoutMismatch(info.layout, plugin::compiledLayout());
    if (!layout.empty()) return "its types do not match this FuseLab's: " + layout + rebuild;
    if (!info.registerOperators) return "its info block has no register function";
    if (!info.name || !*info.name) return "its info block has no name";
    return {};
}

PluginRecord loadPlugin(const std::string& path, OperatorRegistry& registry)
{
    try {
        return loadPluginInto(path, registry, nullptr);
    } catch (const std::exception& e) {
        // Only an allocation failure can get here; still not a reason to stop the application.
        PluginRecord record;
        record.path = path;
        record.message = std::string("loading failed: ") + e.what();
        return record;
    }
}

PluginReport loadPlugins(const std::vector<PluginFolder>& folders, OperatorRegistry& registry)
{
    PluginReport report;
    IdOwners owners;
    for (const Operator* op : registry.all()) owners[op->info().id] = "a built-in operator";
    std::set<fs::path> seen;
    for (const PluginFolder& folder : folders) {
        std::error_code ec;
        const bool exists = fs::exists(folder.path, ec);
        report.folders.push_back({folder, exists});
        if (!exists) continue;
        std::string problem;
        for (const fs::path& file : pluginFilesIn(folder.path, problem)) {
            std::error_code canonicalEc;
            const fs::path canonical = fs::canonical(file, canonicalEc);
            if (!seen.insert(canonicalEc ? file : canonical).second) continue;
            try {
                report.plugins.push_back(loadPluginInto(file.string(), registry, &owners));
            } catch (const std::exception& e) {
                PluginRecord record;
                record.path = file.string();
                record.message = std::string("loading failed: ") + e.what();
                report.plugins.push_back(std::move(record));
            }
        }
        if (!problem.empty()) {
            PluginRecord record;
            record.path = folder.path;
            record.message = problem;
            report.plugins.push_back(std::move(record));
        }
    }
    return report;
}

} // namespace fuselab
