// Distributed data parallel training: where this process sits in the group.
// Torch-free; the process group itself (c10d) lives inside fuselab_learn.
#pragma once

#include <optional>
#include <string>

namespace fuselab::learn {

struct DistributedEnvironment {
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;          ///< index of this process on its machine (CUDA device under Auto)
    std::string masterAddress;  ///< host of rank 0's TCPStore
    int masterPort = 29500;
};

/// From RANK, WORLD_SIZE, LOCAL_RANK (torchrun) or SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID
/// (srun), with MASTER_ADDR and MASTER_PORT. Empty when no world size > 1 is described.
/// Throws fuselab::Error when the variables contradict each other or MASTER_ADDR is missing.
std::optional<DistributedEnvironment> distributedEnvironmentFromEnv();

/// Compiled-in collective backends of this build of fuselab_learn (torch-side; reachable
/// through LearnLibrary for programs that load it lazily).
struct DistributedBackends {
    bool gloo = false; ///< c10d::ProcessGroupGloo (needs Gloo's headers at build time: Debian's libgloo-dev)
    bool nccl = false; ///< c10d::ProcessGroupNCCL (CUDA builds of LibTorch with NCCL headers)
};
DistributedBackends distributedBackends();

} // namespace fuselab::learn
