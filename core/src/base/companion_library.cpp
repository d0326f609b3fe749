#include "fuselab/base/companion_library.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace fuselab {

CompanionSymbol loadCompanionSymbol(const void* anchor, const std::string& fileName, const char* envVariable, const char* symbol,
                                    const std::function<std::string(void*)>& accept)
{
    std::vector<std::string> candidates;
    if (const char* env = envVariable ? std::getenv(envVariable) : nullptr; env && *env) candidates.emplace_back(env);
    Dl_info info{};
    if (anchor && dladdr(anchor, &info) != 0 && info.dli_fname)
        candidates.push_back((std::filesystem::path(info.dli_fname).parent_path() / fileName).string());
    candidates.push_back(fileName);

    CompanionSymbol result;
    for (const std::string& path : candidates) {
        result.path = path;
        std::error_code ec;
        if (path.find('/') != std::string::npos && !std::filesystem::exists(path, ec)) continue;
        void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            const char* e = dlerror();
            result.error = e ? e : "dlopen failed";
            continue;
        }
        void* address = dlsym(handle, symbol);
        if (!address) {
            result.error = std::string("no ") + symbol + " symbol";
            continue;
        }
        if (accept) {
            if (std::string why = accept(address); !why.empty()) {
                result.error = std::move(why);
                continue;
            }
        }
        result.address = address; // the handle stays open for the life of the process
        result.error.clear();
        return result;
    }
    if (result.error.empty()) result.error = "not found";
    return result;
}

} // namespace fuselab
