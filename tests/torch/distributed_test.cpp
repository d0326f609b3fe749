// Distributed data parallel training with c10d over loopback: two Gloo ranks, each drawing its
// own batches, end with identical weights — which differ from a single process trained on rank
// 0's batches alone, so the other rank's gradients did arrive.
#include "fuselab/learn/distributed.hpp"
#include "fuselab/learn/fusion_model.hpp"
#include "fuselab/learn/trainer.hpp"
#include "fuselab/learn/training_data.hpp"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace fuselab;
using namespace fuselab::learn;

namespace {

TrainerConfig ddpConfig()
{
    TrainerConfig c;
    c.net.featureChannels = 8;
    c.device = DeviceChoice::Cpu;
    c.threads = 1;
    c.validationStacks = 1;
    c.validationWidthPx = 48;
    c.validationExposures = 2;
    c.distributed = true;
    return c;
}

ParamValues ddpValues()
{
    ParamValues v;
    v.set("batch", std::int64_t(2));
    v.set("patch_px", std::int64_t(40));
    v.set("low_res_min_px", std::int64_t(16));
    v.set("low_res_max_px", std::int64_t(20));
    v.set("seed", std::int64_t(11));
    return v;
}

std::shared_ptr<const TrainingSource> ddpSource()
{
    SyntheticSourceOptions o;
    o.seed = 11;
    o.minExposures = o.maxExposures = 3;
    return makeSyntheticSource(o);
}

constexpr int kSteps = 4;

int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    const int port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

} // namespace

// Run by the two child processes only (disabled in normal runs).
TEST(TorchDistributed, DISABLED_Worker)
{
    const char* out = std::getenv("FUSELAB_DDP_OUT");
    ASSERT_NE(out, nullptr);
    auto t = createTrainer(ddpConfig(), ddpSource(), ddpValues());
    ASSERT_EQ(t->status().worldSize, 2);
    ASSERT_EQ(t->status().backend, "gloo");
    for (int i = 0; i < kSteps; ++i) t->step();
    t->exportModel(out, {});
    std::ofstream(std::string(out) + ".total") << t->history().back().term("total");
}

TEST(TorchDistributed, TwoGlooRanksEndWithIdenticalWeights)
{
    if (!distributedBackends().gloo) GTEST_SKIP() << "this fuselab_learn was built without Gloo (libgloo-dev headers absent)";
    const std::string dir = (std::filesystem::temp_directory_path() / ("fuselab-ddp-" + std::to_string(::getpid()))).string();
    std::filesystem::create_directories(dir);
    const int port = freePort();
    std::vector<pid_t> children;
    for (int rank = 0; rank < 2; ++rank) {
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            ::setenv("RANK", std::to_string(rank).c_str(), 1);
            ::setenv("WORLD_SIZE", "2", 1);
            ::setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
            ::setenv("MASTER_ADDR", "127.0.0.1", 1);
            ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
            ::setenv("FUSELAB_DDP_OUT", (dir + "/rank" + std::to_string(rank) + ".pt").c_str(), 1);
            const std::string exe = std::filesystem::read_symlink("/proc/self/exe").string();
            ::execl(exe.c_str(), exe.c_str(), "--gtest_filter=TorchDistributed.DISABLED_Worker", "--gtest_also_run_disabled_tests",
                    static_cast<char*>(nullptr));
            ::_exit(127);
        }
        children.push_back(pid);
    }
    for (pid_t pid : children) {
        int status = 0;
        ::waitpid(pid, &status, 0);
        ASSERT_TRUE(WIFEXITED(status)) << "a rank died";
        EXPECT_EQ(WEXITSTATUS(status), 0) << "a rank failed";
    }
    const auto m0 = loadFusionModel(dir + "/rank0.pt"), m1 = loadFusionModel(dir + "/rank1.pt");
    EXPECT_EQ(m0->info().parameterDigest, m1->info().parameterDigest) << "ranks diverged";
    double t0 = 0, t1 = 0;
    std::ifstream(dir + "/rank0.pt.total") >> t0;
    std::ifstream(dir + "/rank1.pt.total") >> t1;
    EXPECT_EQ(t0, t1) << "the logged loss is averaged over ranks, so both log the same";
    // One process on rank 0's batches alone ends elsewhere: rank 1's gradients were averaged in.
    TrainerConfig single = ddpConfig();
    single.distributed = false;
    auto alone = createTrainer(single, ddpSource(), ddpValues());
    for (int i = 0; i < kSteps; ++i) alone->step();
    EXPECT_NE(alone->model()->info().parameterDigest, m0->info().parameterDigest);
    std::filesystem::remove_all(dir);
}

TEST(TorchDistributed, EnvironmentIsReadLikeTorchrunAndSlurm)
{
    ::unsetenv("RANK");
    ::unsetenv("WORLD_SIZE");
    ::unsetenv("LOCAL_RANK");
    ::setenv("SLURM_PROCID", "3", 1);
    ::setenv("SLURM_NTASKS", "4", 1);
    ::setenv("SLURM_LOCALID", "1", 1);
    ::setenv("MASTER_ADDR", "node17", 1);
    ::setenv("MASTER_PORT", "29511", 1);
    auto env = distributedEnvironmentFromEnv();
    ASSERT_TRUE(env.has_value());
    EXPECT_EQ(env->rank, 3);
    EXPECT_EQ(env->worldSize, 4);
    EXPECT_EQ(env->localRank, 1);
    EXPECT_EQ(env->masterAddress, "node17");
    EXPECT_EQ(env->masterPort, 29511);
    ::setenv("WORLD_SIZE", "2", 1); // torchrun's variables win over Slurm's
    ::setenv("RANK", "1", 1);
    env = distributedEnvironmentFromEnv();
    EXPECT_EQ(env->worldSize, 2);
    EXPECT_EQ(env->rank, 1);
    ::setenv("WORLD_SIZE", "1", 1);
    EXPECT_FALSE(distributedEnvironmentFromEnv().has_value());
    for (const char* v : {"RANK", "WORLD_SIZE", "SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID", "MASTER_ADDR", "MASTER_PORT"}) ::unsetenv(v);
}
