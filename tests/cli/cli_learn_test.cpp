// fuselab-cli train and fuse --method learned (builds with LibTorch only).
#include "cli_runner.hpp"
#include "test_support.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using namespace fuselab;
using namespace fuselab::test;

namespace {

std::string synthStack(const TempDir& dir)
{
    const std::string folder = dir.file("stack");
    const CliRun r = runCli({"synth", "--size", "96x64", "--exposures", "3", "--quiet", "-o", folder});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    return folder;
}

const std::vector<std::string> kTinyTraining = {"--param", "batch=2", "--param", "patch_px=48", "--param", "low_res_min_px=16",
                                                "--param", "low_res_max_px=20", "--param", "validate_every=0", "--log-every", "1",
                                                "--threads", "2"};

} // namespace

TEST(CliLearn, TrainPrintsEveryTermAndResumes)
{
    TempDir dir;
    std::vector<std::string> args = {"train", "--steps", "2", "-o", dir.file("m.pt")};
    args.insert(args.end(), kTinyTraining.begin(), kTinyTraining.end());
    const CliRun r = runCli(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(std::filesystem::exists(dir.file("m.pt")));
    EXPECT_TRUE(std::filesystem::exists(dir.file("m.pt.checkpoint")));
    for (const char* term : {"step 1 ", "step 2 ", "total ", "l1 ", "sf ", "mi ", "mef_ssim_loss ", "mef_ssim ", "lr "})
        EXPECT_NE(r.out.find(term), std::string::npos) << term << " missing from:\n" << r.out;
    EXPECT_NE(r.out.find("validation step 2"), std::string::npos) << "validated at the end";

    std::vector<std::string> resume = {"train", "--resume", dir.file("m.pt.checkpoint"), "--steps", "3", "-o", dir.file("m3.pt"),
                                       "--log-every", "1"};
    const CliRun r2 = runCli(resume);
    ASSERT_EQ(r2.exitCode, 0) << r2.err;
    EXPECT_EQ(r2.out.find("step 2 "), std::string::npos);
    EXPECT_NE(r2.out.find("step 3 "), std::string::npos) << r2.out;
}

TEST(CliLearn, FineTunesTheShippedModelOnOneStack)
{
    TempDir dir;
    const std::string stack = synthStack(dir);
    std::vector<std::string> args = {"train", "--init", "shipped", "--data", stack, "--steps", "2", "-o", dir.file("tuned.pt")};
    args.insert(args.end(), kTinyTraining.begin(), kTinyTraining.end());
    const CliRun r = runCli(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("3 exposures"), std::string::npos) << "the folder is read as one stack:\n" << r.err;
    EXPECT_NE(r.out.find("step 2 "), std::string::npos) << r.out;
    const CliRun fused = runCli({"fuse", "--method", "learned", "--model", dir.file("tuned.pt"), "--quiet", "-o", dir.file("t.png"), stack});
    EXPECT_EQ(fused.exitCode, 0) << fused.err;
    EXPECT_EQ(runCli({"train", "--init", "shipped", "--resume", dir.file("tuned.pt.checkpoint"), "-o", dir.file("x.pt")}).exitCode, 2);
}

TEST(CliLearn, TrainRefusesBadParameters)
{
    TempDir dir;
    EXPECT_EQ(runCli({"train", "--param", "weight_l1=-1", "-o", dir.file("m.pt")}).exitCode, 2);
    EXPECT_EQ(runCli({"train", "--param", "no_such=1", "-o", dir.file("m.pt")}).exitCode, 2);
    EXPECT_EQ(runCli({"train", "--device", "tpu", "-o", dir.file("m.pt")}).exitCode, 2);
}

TEST(CliLearn, FuseLearnedWithTheShippedModelAndAnother)
{
    TempDir dir;
    const std::string stack = synthStack(dir);
    const CliRun shipped = runCli({"fuse", "--method", "learned", "--quiet", "-o", dir.file("a.png"), stack});
    ASSERT_EQ(shipped.exitCode, 0) << shipped.err;
    std::ifstream in(dir.file("a.png.json"));
    const nlohmann::json sidecar = nlohmann::json::parse(in);
    EXPECT_EQ(sidecar["operators"][0]["id"], "learned");
    EXPECT_NE(sidecar["notes"]["model"].get<std::string>().find("fusion-exposure-v1.pt"), std::string::npos);

    const CliRun missing = runCli({"fuse", "--method", "learned", "--model", dir.file("none.pt"), "-o", dir.file("b.png"), stack});
    EXPECT_EQ(missing.exitCode, 1);
    ASSERT_EQ(missing.errLines().size(), 1u) << missing.err;
    EXPECT_EQ(missing.errLines()[0].rfind("fuselab-cli: error: " + dir.file("none.pt") + ": ", 0), 0u) << missing.err;

    EXPECT_EQ(runCli({"fuse", "--model", dir.file("none.pt"), "-o", dir.file("c.png"), stack}).exitCode, 2)
        << "--model needs --method learned";
    EXPECT_EQ(runCli({"fuse", "--method", "learned", "--deghost", "-o", dir.file("d.png"), stack}).exitCode, 2);
}
