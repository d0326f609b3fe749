// Internal (torch): a c10d process group for data-parallel training (Gloo on the CPU, NCCL
// on CUDA), rendezvous through a TCPStore on MASTER_ADDR:MASTER_PORT held by rank 0.
#pragma once

#include "fuselab/learn/distributed.hpp"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <memory>
#include <string>

namespace fuselab::learn::detail {

class ProcessGroupHandle {
public:
    /// Joins the group; blocks until every rank has arrived (or the 5-minute timeout).
    /// Throws fuselab::Error when the needed backend is not compiled in or rendezvous fails.
    ProcessGroupHandle(const DistributedEnvironment& env, const c10::Device& device);
    ~ProcessGroupHandle();
    int rank() const;
    int worldSize() const;
    const std::string& backend() const;
    /// In place: the element-wise mean over ranks.
    void allreduceMean(at::Tensor& flat);
    /// In place: rank `root`'s values everywhere.
    void broadcast(at::Tensor& flat, int root = 0);

private:
    struct State;
    std::unique_ptr<State> m;
};

} // namespace fuselab::learn::detail
