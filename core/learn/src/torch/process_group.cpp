#include "process_group.hpp"

#include "fuselab/base/error.hpp"

#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#if defined(FUSELAB_HAVE_GLOO)
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#if defined(FUSELAB_HAVE_NCCL)
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <chrono>
#include <cstdlib>

namespace fuselab::learn {

DistributedBackends distributedBackends()
{
    DistributedBackends b;
#if defined(FUSELAB_HAVE_GLOO)
    b.gloo = true;
#endif
#if defined(FUSELAB_HAVE_NCCL)
    b.nccl = true;
#endif
    return b;
}

namespace detail {

struct ProcessGroupHandle::State {
    int rank = 0, world = 1;
    std::string backend;
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroup> group;
};

namespace {

constexpr std::chrono::minutes kTimeout{5};

#if defined(FUSELAB_HAVE_GLOO)
c10::intrusive_ptr<c10d::ProcessGroup> makeGloo(const c10::intrusive_ptr<c10d::Store>& store, const DistributedEnvironment& env)
{
    auto options = c10d::ProcessGroupGloo::Options::create(kTimeout);
    // GLOO_SOCKET_IFNAME picks the network interface (as in PyTorch); a loopback master means a
    // single-machine job, otherwise the host's own name must resolve to a reachable address.
    if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
        options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
    else if (env.masterAddress == "127.0.0.1" || env.masterAddress == "localhost")
        options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    else
        options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    return c10::make_intrusive<c10d::ProcessGroupGloo>(store, env.rank, env.worldSize, options);
}
#endif

} // namespace

ProcessGroupHandle::ProcessGroupHandle(const DistributedEnvironment& env, const c10::Device& device) : m(std::make_unique<State>())
{
    m->rank = env.rank;
    m->world = env.worldSize;
    const bool cuda = device.is_cuda();
#if !defined(FUSELAB_HAVE_NCCL)
    if (cuda)
        throw Error("distributed training on CUDA needs NCCL, which this build of fuselab_learn lacks (use --device cpu for Gloo)");
#endif
#if !defined(FUSELAB_HAVE_GLOO)
    if (!cuda)
        throw Error("distributed training on the CPU needs Gloo, which this build of fuselab_learn lacks "
                    "(Gloo's headers were missing at build time: Debian package libgloo-dev)");
#endif
    try {
        c10d::TCPStoreOptions storeOptions;
        storeOptions.port = std::uint16_t(env.masterPort);
        storeOptions.isServer = env.rank == 0;
        storeOptions.numWorkers = std::size_t(env.worldSize);
        storeOptions.waitWorkers = true;
        storeOptions.timeout = kTimeout;
        m->store = c10::make_intrusive<c10d::TCPStore>(env.masterAddress, storeOptions);
#if defined(FUSELAB_HAVE_NCCL)
        if (cuda) {
            m->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(m->store, env.rank, env.worldSize,
                                                                   c10d::ProcessGroupNCCL::Options::create());
            m->backend = "nccl";
        }
#endif
#if defined(FUSELAB_HAVE_GLOO)
        if (!cuda) {
            m->group = makeGloo(m->store, env);
            m->backend = "gloo";
        }
#endif
    } catch (const c10::Error& e) {
        throw Error("cannot join the process group at " + env.masterAddress + ":" + std::to_string(env.masterPort) + ": " +
                    std::string(e.what_without_backtrace()).substr(0, 200));
    } catch (const std::exception& e) {
        throw Error("cannot join the process group at " + env.masterAddress + ":" + std::to_string(env.masterPort) + ": " + e.what());
    }
    if (!m->group) throw Error("no collective backend for this device");
}

ProcessGroupHandle::~ProcessGroupHandle() = default;
int ProcessGroupHandle::rank() const { return m->rank; }
int ProcessGroupHandle::worldSize() const { return m->world; }
const std::string& ProcessGroupHandle::backend() const { return m->backend; }

void ProcessGroupHandle::allreduceMean(at::Tensor& flat)
{
    std::vector<at::Tensor> tensors{flat};
    m->group->allreduce(tensors)->wait();
    flat.div_(double(m->world));
}

void ProcessGroupHandle::broadcast(at::Tensor& flat, int root)
{
    std::vector<at::Tensor> tensors{flat};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    m->group->broadcast(tensors, options)->wait();
}

} // namespace detail
} // namespace fuselab::learn
