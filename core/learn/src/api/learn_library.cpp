// dlopen() of libfuselab_learn on first use (see learn_library.hpp for why).
#include "fuselab/learn/learn_library.hpp"

#include "fuselab/error.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace fuselab::learn {
namespace {

constexpr const char* kLibraryFile = "libfuselab_learn.so";

std::string ownLibraryDirectory()
{
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&ownLibraryDirectory), &info) == 0 || !info.dli_fname) return {};
    return std::filesystem::path(info.dli_fname).parent_path().string();
}

struct LoadResult {
    const LearnEntryPoints* entries = nullptr;
    std::string path;  ///< where it was found, or the last candidate tried
    std::string error; ///< why nothing loaded
};

LoadResult loadLibrary()
{
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("FUSELAB_LEARN_LIBRARY"); env && *env) candidates.emplace_back(env);
    if (const std::string dir = ownLibraryDirectory(); !dir.empty())
        candidates.push_back((std::filesystem::path(dir) / kLibraryFile).string());
    candidates.emplace_back(kLibraryFile);

    LoadResult result;
    std::string errors;
    for (const std::string& path : candidates) {
        result.path = path;
        if (path.find('/') != std::string::npos && !std::filesystem::exists(path)) continue;
        void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            const char* e = dlerror();
            errors = e ? e : "dlopen failed";
            continue;
        }
        using EntryFn = const LearnEntryPoints* (*)(int);
        auto entry = reinterpret_cast<EntryFn>(dlsym(handle, "fuselab_learn_entry_points"));
        if (!entry) {
            errors = "no fuselab_learn_entry_points symbol";
            continue;
        }
        const LearnEntryPoints* table = entry(kLearnAbiVersion);
        if (!table) {
            errors = "built for another interface version (this program expects " + std::to_string(kLearnAbiVersion) + ")";
            continue;
        }
        result.entries = table; // the handle stays open for the life of the process
        return result;
    }
    result.error = errors.empty() ? "not found (FuseLab was built without LibTorch?)" : errors;
    return result;
}

const LoadResult& loaded()
{
    static const LoadResult result = loadLibrary(); // thread-safe once
    return result;
}

} // namespace

const LearnEntryPoints& LearnLibrary::get()
{
    const LoadResult& r = loaded();
    if (!r.entries) throw Error(r.path, "cannot load the learned-fusion library: " + r.error);
    return *r.entries;
}

bool LearnLibrary::available()
{
    return loaded().entries != nullptr;
}

} // namespace fuselab::learn
