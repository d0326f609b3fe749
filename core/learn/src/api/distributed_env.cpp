// Reading torchrun's / Slurm's description of a distributed job from the environment.
#include "fuselab/learn/distributed.hpp"

#include "fuselab/base/error.hpp"

#include <cstdlib>
#include <string>

namespace fuselab::learn {
namespace {

std::optional<int> intFromEnv(const char* name)
{
    const char* text = std::getenv(name);
    if (!text || !*text) return std::nullopt;
    try {
        std::size_t used = 0;
        const int v = std::stoi(text, &used);
        if (used == std::string(text).size()) return v;
    } catch (const std::exception&) {
    }
    throw Error(std::string("environment variable ") + name + " is not an integer: '" + text + "'");
}

} // namespace

std::optional<DistributedEnvironment> distributedEnvironmentFromEnv()
{
    // torchrun sets RANK/WORLD_SIZE/LOCAL_RANK; srun sets SLURM_PROCID/SLURM_NTASKS/SLURM_LOCALID.
    std::optional<int> world = intFromEnv("WORLD_SIZE");
    std::optional<int> rank = intFromEnv("RANK");
    std::optional<int> local = intFromEnv("LOCAL_RANK");
    if (!world) world = intFromEnv("SLURM_NTASKS");
    if (!rank) rank = intFromEnv("SLURM_PROCID");
    if (!local) local = intFromEnv("SLURM_LOCALID");
    if (!world || *world <= 1) return std::nullopt;
    if (!rank) throw Error("WORLD_SIZE is " + std::to_string(*world) + " but neither RANK nor SLURM_PROCID is set");
    if (*rank < 0 || *rank >= *world)
        throw Error("rank " + std::to_string(*rank) + " outside world size " + std::to_string(*world));
    DistributedEnvironment env;
    env.worldSize = *world;
    env.rank = *rank;
    env.localRank = local.value_or(0);
    const char* addr = std::getenv("MASTER_ADDR");
    if (!addr || !*addr) throw Error("distributed training needs MASTER_ADDR (the host of rank 0)");
    env.masterAddress = addr;
    if (const std::optional<int> port = intFromEnv("MASTER_PORT")) {
        if (*port <= 0 || *port > 65535) throw Error("MASTER_PORT " + std::to_string(*port) + " is not a TCP port");
        env.masterPort = *port;
    }
    return env;
}

} // namespace fuselab::learn
