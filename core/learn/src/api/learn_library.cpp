// dlopen() of libfuselab_learn on first use (see learn_library.hpp for why).
#include "fuselab/learn/learn_library.hpp"

#include "fuselab/base/companion_library.hpp"
#include "fuselab/base/error.hpp"

#include <cstdlib>
#include <string>

namespace fuselab::learn {
namespace {

struct LoadResult {
    const LearnEntryPoints* entries = nullptr;
    std::string path;  ///< where it was found, or the last candidate tried
    std::string error; ///< why nothing loaded
};

void anchor() {} // an address inside libfuselab_learn_api: its folder is searched first

LoadResult loadLibrary()
{
    // LibTorch's OpenMP threads spin while they wait for work by default. On a machine whose
    // cores are shared (2 cores, a build or a second job running: CI, a GUI with a preview job)
    // spinning threads starve the ones with work: `fuselab-cli pic` on a 240x160 stack took 63 s
    // with spinning and 11 s with passive waiting, measured side by side. libgomp reads this when
    // it is loaded, i.e. by the dlopen below; a value the user set is kept.
    setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
    using EntryFn = const LearnEntryPoints* (*)(int);
    const CompanionSymbol found = loadCompanionSymbol(
        reinterpret_cast<const void*>(&anchor), "libfuselab_learn.so", "FUSELAB_LEARN_LIBRARY", "fuselab_learn_entry_points",
        [](void* address) -> std::string {
            if (reinterpret_cast<EntryFn>(address)(kLearnAbiVersion)) return {};
            return "built for another interface version (this program expects " + std::to_string(kLearnAbiVersion) + ")";
        });
    LoadResult result;
    result.path = found.path;
    if (!found.address) {
        result.error = found.error == "not found" ? "not found (FuseLab was built without LibTorch?)" : found.error;
        return result;
    }
    result.entries = reinterpret_cast<EntryFn>(found.address)(kLearnAbiVersion);
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
