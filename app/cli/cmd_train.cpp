// fuselab-cli train [--data synthetic|synthetic-events|FOLDER] [--steps N] [--device auto|cpu|cuda] [--checkpoint FILE]
//                   [--resume FILE] [--param ID=VALUE ...] [--log-every N] -o MODEL
//
// LibTorch is loaded here, on demand (LearnLibrary), not at start-up. Under torchrun or srun
// (WORLD_SIZE > 1) every process joins one c10d group; rank 0 writes the files.
#include "cli_support.hpp"
#include "command.hpp"
#include "learn_support.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/learn/distributed.hpp"
#include "fuselab/learn/learn_library.hpp"
#include "fuselab/learn/training_params.hpp"
#include "fuselab/learn/training_plan.hpp"
#include "fuselab/learn/training_run.hpp"
#include "fuselab/mertens.hpp"
#include "fuselab/stack_io.hpp"
#include "fuselab/version.hpp"

#include <cstdio>
#include <algorithm>
#include <filesystem>
#include <optional>
#include <sstream>

namespace fuselab::cli {
namespace {

using namespace fuselab::learn;

class TrainCommand final : public Command {
public:
    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand(
            "train", "Train a fusion network (README: Learned fusion); every objective weight and optimiser setting is a --param");
        sub->add_option("-o,--output", m_output, "Model file written at the end (a small LibTorch archive: weights + config)")->required();
        sub->add_option("--data", m_data,
                        "'synthetic' (generated exposure stacks, endless and reproducible), 'synthetic-events' (simulated "
                        "frame/event data: trains a network on F, E, EF; README: Frame/event learned fusion), 'hdr:FOLDER' "
                        "(real HDR radiance maps, .exr/.hdr, exposed through simulated cameras and mixed with generated "
                        "scenes: --synthetic-share), or a FOLDER: one sub-folder per scene, or the exposures of one stack")
            ->capture_default_str();
        sub->add_option("--synthetic-share", m_syntheticShare, "hdr:FOLDER data: share of batches drawn from the generated scenes")
            ->capture_default_str()->check(CLI::Range(0.0, 1.0));
        sub->add_option("--validation-hdr", m_validationHdr,
                        "Validate on these held-out radiance maps (comma-separated .exr/.hdr files or folders of them), "
                        "each exposed 5 times 2 stops apart by an sRGB camera, instead of the synthetic validation stacks");
        sub->add_option("--steps", m_steps, "Total steps (same as --param steps=N)")->check(CLI::Range(1, 100000000));
        sub->add_option("--device", m_device, "auto (CUDA when LibTorch sees one), cpu or cuda")
            ->capture_default_str()->check(CLI::IsMember({"auto", "cpu", "cuda"}));
        sub->add_option("--checkpoint", m_checkpoint, "Checkpoint file, written every checkpoint_every steps and when stopped (default: MODEL.checkpoint)");
        sub->add_option("--init", m_init,
                        "Fine-tune: start from this model's weights ('shipped' = the model fuse --method learned uses)");
        sub->add_option("--resume", m_resume, "Continue from this checkpoint (its settings, then any --param/--steps given here)");
        std::string help = "Training parameter ID=VALUE (repeatable):";
        for (const ParamSpec& s : trainingParamSpecs()) help += " " + s.id + "=" + formatParamValue(defaultValue(s));
        addRepeatableOption(*sub, "--param", m_params, help);
        sub->add_option("--log-every", m_logEvery, "Print one line with every loss term every N steps")->capture_default_str()->check(CLI::Range(1, 1000000));
        sub->add_option("--net-low-res", m_netLowRes,
                        "synthetic-events: the network's inference resolution (long side, px) stored in the model; FuseLab's "
                        "default 128 lies inside the resolutions training draws against its patches")
            ->capture_default_str()->check(CLI::Range(32, 2048));
        sub->add_option("--max-side", m_maxSide, "FOLDER data: frames are reduced so their long side is at most this")
            ->capture_default_str()->check(CLI::Range(64, 100000));
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        applyThreads(m_common);
        ParamValues overrides = parseParamArguments(trainingParamSpecs(), "training", "training", m_params);
        if (m_steps > 0) overrides.set("steps", std::int64_t(m_steps));
        TrainingSettings::fromValues(overrides); // validates before LibTorch loads
        const std::string checkpoint = m_checkpoint.empty() ? m_output + ".checkpoint" : m_checkpoint;

        const std::optional<DistributedEnvironment> env = distributedEnvironmentFromEnv();
        const bool writer = !env || env->rank == 0;
        if (!m_init.empty() && !m_resume.empty()) throw UsageError("--init and --resume exclude each other (a checkpoint holds its own weights)");
        TrainingPlan plan = makePlan();
        plan.device = parseDeviceChoice(m_device);
        plan.threads = m_common.threads;
        plan.distributed = true; // only when the environment describes a world larger than one
        plan.frameEventNetLowResPx = m_netLowRes;
        if (!m_validationHdr.empty()) {
            std::vector<std::string> paths;
            std::stringstream list(m_validationHdr);
            for (std::string item; std::getline(list, item, ',');)
                if (!item.empty()) paths.push_back(item);
            plan.validationRadiance = readRadianceMaps(paths);
        }
        if (!m_init.empty()) plan.initialModelPath = m_init != "shipped" ? m_init : shippedModelFor(plan.data, shippedModelPath());
        const PreparedTraining prepared = prepareTraining(plan, overrides);
        const std::shared_ptr<const TrainingSource>& source = prepared.source;
        const TrainerConfig& config = prepared.config;

        const LearnEntryPoints& learn = LearnLibrary::get();
        std::unique_ptr<Trainer> trainer;
        if (!m_resume.empty()) {
            trainer = learn.resumeTrainer(m_resume, config, source);
            if (!overrides.all().empty()) trainer->setValues(overrides);
        } else {
            trainer = learn.createTrainer(config, source, overrides);
        }
        const TrainerStatus st = trainer->status();
        if (!m_common.quiet)
            std::fprintf(stderr, "train: %s, %d threads, rank %d of %d (%s), network %lld + MI heads %lld parameters, data: %s%s\n",
                         st.device.c_str(), st.threads, st.rank, st.worldSize, st.backend.c_str(),
                         static_cast<long long>(st.networkParameters), static_cast<long long>(st.miHeadParameters),
                         source->description().c_str(),
                         m_resume.empty() ? "" : (", resuming at step " + std::to_string(trainer->completedSteps())).c_str());

        ValidationLog lastValidation;
        TrainingCallbacks callbacks;
        callbacks.onStep = [&](const StepLog& log) {
            if (m_common.quiet || !writer) return;
            if (log.skipped || log.step % m_logEvery == 0 || log.step == 1) {
                std::printf("%s\n", formatStepLog(log).c_str());
                std::fflush(stdout);
            }
        };
        callbacks.onValidation = [&](const ValidationLog& v) {
            lastValidation = v;
            if (m_common.quiet || !writer) return;
            if (v.frameEvent) {
                std::printf("validation step %lld  psnr_mu %.3f dB  frame alone %.3f dB  eframe alone %.3f dB  (%d held-out "
                            "simulated samples, true radiance)\n",
                            static_cast<long long>(v.step), v.psnrMu, v.psnrMuFrame, v.psnrMuEFrame, v.stacks);
                std::fflush(stdout);
                return;
            }
            const char* what = !m_validationHdr.empty() ? "held-out real-HDR stacks" : m_fineTune ? "stack fine-tuned on" : "held-out synthetic stacks";
            std::printf("validation step %lld  mef_ssim %.5f  mertens %.5f  (%d %s)\n", static_cast<long long>(v.step), v.mefSsim,
                        v.mefSsimMertens, v.stacks, what);
            std::fflush(stdout);
        };
        callbacks.onCheckpoint = [&](const std::string& path) {
            if (!m_common.quiet) std::fprintf(stderr, "train: checkpoint %s (step %lld)\n", path.c_str(), static_cast<long long>(trainer->completedSteps()));
        };
        ConsoleProgress progress("train", true);
        TrainingRunOptions runOptions;
        runOptions.checkpointPath = checkpoint;
        runOptions.writeFiles = writer;
        try {
            runTraining(*trainer, runOptions, callbacks, progress);
        } catch (const Cancelled&) {
            printError("interrupted at step " + std::to_string(trainer->completedSteps()) + "; checkpoint written to " + checkpoint +
                       " (continue with --resume " + checkpoint + ")");
            return kProcessingError;
        }
        if (writer) {
            std::map<std::string, std::string> metadata;
            metadata["command"] = commandLine();
            if (!m_init.empty()) metadata["fine_tuned_from"] = config.initialModelPath;
            metadata["fuselab_version"] = kFuseLabVersion;
            if (lastValidation.frameEvent) {
                for (const auto& [key, value] : FrameEventEncoding{}.toMetadata()) metadata[key] = value;
                metadata["validation_psnr_mu"] = std::to_string(lastValidation.psnrMu);
                metadata["validation_psnr_mu_frame"] = std::to_string(lastValidation.psnrMuFrame);
                metadata["validation_psnr_mu_eframe"] = std::to_string(lastValidation.psnrMuEFrame);
            } else {
                metadata["validation_mef_ssim"] = std::to_string(lastValidation.mefSsim);
                metadata["validation_mef_ssim_mertens"] = std::to_string(lastValidation.mefSsimMertens);
            }
            trainer->exportModel(m_output, metadata);
            if (!m_common.quiet) std::fprintf(stderr, "wrote %s\n", m_output.c_str());
        }
        return kSuccess;
    }

private:
    // Radiance maps (.exr, .hdr, float TIFF) from files and folders, in name order, as linear RGB.
    std::vector<NamedRadiance> readRadianceMaps(const std::vector<std::string>& paths) const
    {
        namespace fs = std::filesystem;
        std::vector<std::string> files;
        for (const std::string& p : paths) {
            std::error_code ec;
            if (fs::is_directory(p, ec)) {
                std::vector<std::string> inFolder;
                for (const auto& entry : fs::directory_iterator(p, ec)) {
                    const FileFormat f = formatFromExtension(entry.path().string());
                    if (entry.is_regular_file() && (f == FileFormat::Exr || f == FileFormat::RadianceHdr)) inFolder.push_back(entry.path().string());
                }
                std::sort(inFolder.begin(), inFolder.end());
                if (inFolder.empty()) throw Error(p, "holds no .exr or .hdr radiance maps");
                files.insert(files.end(), inFolder.begin(), inFolder.end());
            } else {
                files.push_back(p);
            }
        }
        std::vector<NamedRadiance> maps;
        ReadOptions read;
        read.nonFinite = NonFinitePolicy::Zero; // a few real maps hold Inf in their brightest lights
        for (const std::string& f : files) {
            const LoadedImage loaded = readInputImage(f, read);
            if (!loaded.pixels.isFloat()) throw Error(f, "is not a radiance map (8/16-bit display image); use OpenEXR or Radiance HDR");
            const Image radiance = withEncoding(loaded.pixels.toFloat(), ColourEncoding::Linear);
            if (radiance.channels() == 2) throw Error(f, "a radiance map for training must be RGB");
            maps.push_back({fs::path(f).stem().string(), rgbChannels(radiance)}); // grey maps: R = G = B
        }
        if (!m_common.quiet) std::fprintf(stderr, "train: %zu radiance maps from %s\n", maps.size(), paths.front().c_str());
        return maps;
    }

    // --data as a training plan: its kind and, for folders, the stacks (one stack: fine-tuning,
    // judged on that stack itself).
    TrainingPlan makePlan()
    {
        TrainingPlan plan;
        if (m_data == "synthetic") return plan;
        if (m_data == "synthetic-events") {
            plan.data = TrainingDataKind::SyntheticEvents;
            return plan;
        }
        namespace fs = std::filesystem;
        if (m_data.rfind("hdr:", 0) == 0) {
            plan.data = TrainingDataKind::RealHdr;
            plan.radianceMaps = readRadianceMaps({m_data.substr(4)});
            plan.syntheticShare = m_syntheticShare;
            return plan;
        }
        std::error_code ec;
        if (!fs::is_directory(m_data, ec))
            throw UsageError("--data must be 'synthetic', 'synthetic-events' or a folder of scene folders: '" + m_data + "'");
        plan.data = TrainingDataKind::Stacks;
        std::vector<fs::path> scenes;
        const bool oneStack = folderHoldsImages(m_data); // else a folder of scene folders
        if (oneStack) {
            scenes.push_back(fs::path(m_data)); // the exposures of one stack: "fine-tune on this stack"
        } else {
            for (const auto& entry : fs::directory_iterator(m_data, ec))
                if (entry.is_directory()) scenes.push_back(entry.path());
            std::sort(scenes.begin(), scenes.end());
            if (scenes.empty()) throw Error(m_data, "holds neither images nor scene folders");
        }
        for (const fs::path& dir : scenes) {
            LoadedStack loaded = loadStack({dir.string()}, StackLoadOptions{});
            for (const std::string& w : loaded.warnings) printWarning(w);
            const ExposureStack proxy = makeProxyStack(loaded.stack, m_maxSide);
            TrainingStack t = trainingStackFromExposures(proxy, dir.string());
            if (oneStack) {
                m_fineTune = true;
                plan.validateOnStack = trainingStackFromExposures(makeProxyStack(loaded.stack, kFineTuneValidationLongSidePx), dir.string());
            }
            if (!m_common.quiet) std::fprintf(stderr, "train: scene %s: %zu exposures\n", t.name.c_str(), t.inputs.size());
            plan.stacks.push_back(std::move(t));
        }
        return plan;
    }

    std::string m_output, m_data = "synthetic", m_device = "auto", m_checkpoint, m_resume, m_init;
    std::vector<std::string> m_params;
    std::int64_t m_steps = 0;
    int m_logEvery = 10;
    int m_maxSide = 1024;
    double m_syntheticShare = RealHdrSourceOptions{}.syntheticShare;
    std::string m_validationHdr;
    bool m_fineTune = false; ///< --data is one stack ("fine-tune on this stack"), set by makePlan
    int m_netLowRes = 128;
    CommonOptions m_common;
};

} // namespace

std::unique_ptr<Command> makeTrainCommand()
{
    return std::make_unique<TrainCommand>();
}

} // namespace fuselab::cli
