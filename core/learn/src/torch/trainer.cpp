// The Trainer: Adam over the network and the MI heads together, stateless data and noise
// streams keyed by (seed, step, rank), NaN/Inf recovery, checkpoints, validation, c10d DDP.
#include "fuselab/learn/trainer.hpp"

#include "../api/seed_mix.hpp"
#include "archive_io.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/learn/backend.hpp"
#include "fuselab/learn/frame_event.hpp"
#include "fuselab/learn/training_params.hpp"
#include "net.hpp"
#include "objective.hpp"
#include "process_group.hpp"
#include "pyramid_torch.hpp"
#include "tensor_utils.hpp"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/optim/adam.h>

#include <chrono>
#include <cmath>
#include <future>
#include <limits>
#include <cstdio>
#include <sstream>

namespace fuselab::learn {
namespace detail {
std::unique_ptr<FusionModel> snapshotModel(FusionNetImpl& net, std::map<std::string, std::string> metadata);
} // namespace detail

namespace {

using Clock = std::chrono::steady_clock;

bool isFrameEventNet(const FusionNetConfig& net)
{
    for (Modality m : net.modalities)
        if (m == Modality::Frame || m == Modality::Event || m == Modality::EFrame) return true;
    return false;
}

// [B,3,H,W] of the stacks' truths, or undefined when any stack has none.
at::Tensor truthTensor(const std::vector<TrainingStack>& stacks, const c10::Device& device)
{
    std::vector<at::Tensor> items;
    for (const TrainingStack& s : stacks) {
        if (s.truth.empty()) return {};
        items.push_back(detail::imageToTensor(s.truth, 3, c10::Device(c10::kCPU)));
    }
    return at::stack(items).to(device);
}
constexpr std::uint64_t kStreamNoise = 0x6e6f697365ull; // "noise"

std::string valuesToText(const ParamValues& values)
{
    std::string out;
    for (const auto& [id, v] : values.all()) out += id + "=" + formatParamValue(v) + "\n";
    return out;
}

ParamValues valuesFromText(const std::string& text, const std::string& path)
{
    const std::vector<ParamSpec> specs = trainingParamSpecs();
    ParamValues values;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        const std::string id = line.substr(0, eq);
        for (const ParamSpec& s : specs)
            if (s.id == id) values.set(id, parseParamValue(s, line.substr(eq + 1)));
        // Parameters a newer FuseLab added are unknown here and skipped; missing ones take defaults.
    }
    (void)path;
    return values;
}

class TrainerImpl final : public Trainer {
public:
    TrainerImpl(const TrainerConfig& config, std::shared_ptr<const TrainingSource> source, const ParamValues& overrides,
                const FusionNetConfig& netConfig, const detail::FusionNetImpl* initialWeights = nullptr)
        : m_config(config), m_source(std::move(source)), m_device(c10::kCPU), m_generator(at::make_generator<at::CPUGeneratorImpl>(1))
    {
        if (!m_source) throw Error("training needs a data source");
        m_values = resolveParamValues(trainingParamSpecs(), overrides);
        m_settings = TrainingSettings::fromValues(m_values);
        configureThreads(config.threads);

        int localRank = 0;
        std::optional<DistributedEnvironment> env;
        if (config.distributed) env = distributedEnvironmentFromEnv();
        if (env) localRank = env->localRank;
        m_device = detail::resolveDevice(config.device, localRank);
        if (env) {
            m_group = std::make_unique<detail::ProcessGroupHandle>(*env, m_device);
            m_rank = m_group->rank();
            m_world = m_group->worldSize();
        }

        at::manual_seed(std::uint64_t(m_settings.seed));
        m_net = detail::FusionNet(netConfig);
        if (initialWeights) copyNetworkWeights(*initialWeights);
        m_heads = detail::MiHeads(netConfig.modalities, netConfig.featureChannels, m_settings.miLatent);
        m_net->to(m_device);
        m_heads->to(m_device);
        if (m_group) broadcastParameters();

        std::vector<at::Tensor> params = allParameters();
        m_optimizer = std::make_unique<torch::optim::Adam>(
            params, torch::optim::AdamOptions(m_settings.learningRate).betas(std::make_tuple(m_settings.beta1, m_settings.beta2)));
        m_frameEvent = isFrameEventNet(netConfig);
        m_logIds = stepLogTermIds(netConfig.modalities);
        m_validation = !config.validationSet.empty() ? config.validationSet
                       : m_frameEvent ? frameEventHeldOutStacks(config.validationStacks, config.validationWidthPx, config.validationSeed,
                                                              HeldOutUse::Validation)
                                    : makeValidationStacks(config.validationStacks, config.validationWidthPx,
                                                           config.validationExposures, config.validationSeed);
        rememberGoodState();
    }

    /// Fine-tuning: the network starts from a trained model; the MI heads and Adam start fresh.
    void copyNetworkWeights(const detail::FusionNetImpl& from)
    {
        torch::NoGradGuard noGrad;
        const auto source = from.namedParams();
        const auto target = m_net->namedParams();
        if (source.size() != target.size()) throw Error("the initial model's layers do not match its own configuration");
        for (std::size_t i = 0; i < target.size(); ++i) {
            if (source[i].first != target[i].first || !source[i].second.sizes().equals(target[i].second.sizes()))
                throw Error("the initial model's layer " + source[i].first + " does not match " + target[i].first);
            target[i].second.copy_(source[i].second);
        }
    }

    void setValues(const ParamValues& overrides) override
    {
        ParamValues merged = m_values;
        for (const auto& [id, v] : overrides.all()) merged.set(id, v);
        const ParamValues resolved = resolveParamValues(trainingParamSpecs(), merged);
        const TrainingSettings next = TrainingSettings::fromValues(resolved);
        if (next.seed != m_settings.seed) throw Error("seed is fixed once training has started");
        if (next.miLatent != m_settings.miLatent) throw Error("mi_latent is fixed once training has started");
        m_values = resolved;
        m_settings = next;
    }

    ParamValues values() const override { return m_values; }

    StepLog step() override
    {
        const auto start = Clock::now();
        const TrainingSettings s = m_settings;
        const std::int64_t index = m_step;
        StepLog log;
        log.step = index + 1;

        const std::vector<TrainingStack> stacks = takeBatch(index, s);
        prefetch(index + 1, s);
        const std::vector<Modality> modalities = stacks.front().modalities;
        const at::Tensor x = detail::stacksToTensor(stacks, m_device);
        const int span = s.lowResMaxPx - s.lowResMinPx + 1;
        const int lowRes = std::min(
            s.patchPx,
            s.lowResMinPx + int(detail::mixSeed(std::uint64_t(s.seed), detail::kStreamLowRes, std::uint64_t(index)) % std::uint64_t(span)));
        const auto [lowH, lowW] = detail::lowResSize(int(x.size(3)), int(x.size(4)), lowRes);
        log.exposures = int(x.size(1));
        log.lowResPx = std::max(lowH, lowW);
        m_generator.set_current_seed(detail::mixSeed(std::uint64_t(s.seed), kStreamNoise ^ std::uint64_t(m_rank), std::uint64_t(index)));

        m_net->train();
        m_heads->train();
        const detail::FusedTensors fused = detail::fuseTensors(*m_net, x, modalities, lowH, lowW, 0);
        detail::ObjectiveInputs in{fused.fused, x, detail::greyCodesOf(x), modalities, fused.net.features};
        in.truth = truthTensor(stacks, m_device);
        const bool useHeads = s.weightMi != 0.0;
        const detail::ObjectiveTerms t = detail::computeObjective(in, s, useHeads ? m_heads.get() : nullptr, m_generator);

        m_optimizer->zero_grad();
        t.total.backward();

        std::vector<at::Tensor> params = allParameters();
        at::Tensor terms = termsTensor(t);
        at::Tensor grads = flatGradients(params);
        if (m_group) {
            at::Tensor termsF = terms.to(at::kFloat).to(m_device);
            m_group->allreduceMean(termsF);
            terms = termsF.to(at::kCPU).to(at::kDouble);
            m_group->allreduceMean(grads);
            scatterGradients(params, grads);
        }
        for (std::size_t i = 0; i < m_logIds.size(); ++i) log.terms.emplace_back(m_logIds[i], terms[int64_t(i)].item<double>());
        // The total decides (a term that is not measured, as truth_l1 without a truth, is NaN by design).
        const bool finite = at::isfinite(terms[0]).item<bool>() && at::isfinite(grads).all().item<bool>();
        const double lr = s.learningRate * m_lrScale;
        log.learningRate = lr;
        if (!finite) {
            restoreGoodState();
            m_lrScale *= s.nanLearningRateFactor;
            char note[200];
            std::snprintf(note, sizeof note,
                          "non-finite loss or gradient: update skipped, state of step %lld restored, learning rate %.3g -> %.3g",
                          static_cast<long long>(m_goodStep), lr, s.learningRate * m_lrScale);
            log.skipped = true;
            log.note = note;
        } else {
            for (auto& group : m_optimizer->param_groups()) {
                auto& o = static_cast<torch::optim::AdamOptions&>(group.options());
                o.lr(lr);
                o.betas(std::make_tuple(s.beta1, s.beta2));
            }
            m_optimizer->step();
        }
        ++m_step;
        if (finite) rememberGoodState();
        log.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        m_history.push_back(log);
        return log;
    }

    ValidationLog validate() override
    {
        if (m_frameEvent) return validateFrameEvent();
        ValidationLog v;
        v.step = m_step;
        at::NoGradGuard noGrad;
        m_net->eval();
        double sum = 0.0, sumMertens = 0.0;
        for (const TrainingStack& stack : m_validation) {
            const at::Tensor x = detail::stacksToTensor({stack}, m_device);
            const int h = int(x.size(3)), w = int(x.size(4));
            // The network sees the image at a quarter of its size, inside the training range.
            const auto [lowH, lowW] = detail::lowResSize(h, w, std::max(16, std::max(h, w) / 4));
            const detail::FusedTensors f = detail::fuseTensors(*m_net, x, stack.modalities, lowH, lowW, 0);
            const at::Tensor greyIn = detail::greyCodesOf(x).to(at::kDouble);
            sum += detail::mefSsimScore(greyIn, detail::greyCodesOf(f.fused).to(at::kDouble)).item<double>();
            const at::Tensor mertens = detail::laplacianBlend(x, detail::mertensWeights(x).unsqueeze(2), autoPyramidLevels(w, h, 2));
            sumMertens += detail::mefSsimScore(greyIn, detail::greyCodesOf(mertens).to(at::kDouble)).item<double>();
        }
        m_net->train();
        v.stacks = int(m_validation.size());
        v.mefSsim = sum / std::max(1, v.stacks);
        v.mefSsimMertens = sumMertens / std::max(1, v.stacks);
        return v;
    }

    std::int64_t completedSteps() const override { return m_step; }
    const std::vector<StepLog>& history() const override { return m_history; }

    TrainerStatus status() const override
    {
        TrainerStatus st;
        st.device = detail::deviceName(m_device);
        st.threads = at::get_num_threads();
        st.rank = m_rank;
        st.worldSize = m_world;
        st.backend = m_group ? m_group->backend() : "none";
        std::vector<at::Tensor> net, heads;
        for (const auto& [n, t] : m_net->namedParams()) {
            net.push_back(t);
            st.networkParameters += t.numel();
        }
        for (const auto& [n, t] : m_heads->namedParams()) {
            heads.push_back(t);
            st.miHeadParameters += t.numel();
        }
        for (const auto& group : m_optimizer->param_groups())
            for (const auto& p : group.params()) st.optimisedParameters += p.numel();
        st.networkDigest = detail::digestOf(net);
        st.miHeadDigest = detail::digestOf(heads);
        return st;
    }

    void saveCheckpoint(const std::string& path) const override
    {
        torch::serialize::OutputArchive archive;
        archive.write("format", c10::IValue(std::string(detail::kCheckpointFormat)));
        archive.write("version", c10::IValue(std::int64_t(1)));
        archive.write("config", c10::IValue(m_net->config().toText()));
        archive.write("values", c10::IValue(valuesToText(m_values)));
        archive.write("step", c10::IValue(m_step));
        archive.write("lr_scale", c10::IValue(m_lrScale));
        detail::writeParams(archive, "net.", m_net->namedParams());
        detail::writeParams(archive, "mi.", m_heads->namedParams());
        torch::serialize::OutputArchive optimizer;
        m_optimizer->save(optimizer);
        archive.write("optimizer", optimizer);
        writeHistory(archive);
        detail::saveArchiveAtomically(archive, path);
    }

    void exportModel(const std::string& path, const std::map<std::string, std::string>& metadata) const override
    {
        detail::saveModelFile(*m_net.ptr(), withTrainingMetadata(metadata), path);
    }

    std::unique_ptr<FusionModel> model() const override { return detail::snapshotModel(*m_net.ptr(), withTrainingMetadata({})); }

    void restoreFrom(const std::string& path)
    {
        // Loaded again onto this trainer's device, so the optimiser state lands beside its parameters.
        torch::serialize::InputArchive archive;
        detail::loadArchive(archive, path, m_device);
        m_step = detail::readInt(archive, "step", path);
        c10::IValue scale;
        if (archive.try_read("lr_scale", scale) && scale.isDouble()) m_lrScale = scale.toDouble();
        detail::readParams(archive, "net.", m_net->namedParams(), path);
        detail::readParams(archive, "mi.", m_heads->namedParams(), path);
        torch::serialize::InputArchive optimizer;
        if (!archive.try_read("optimizer", optimizer)) throw Error(path, "the checkpoint holds no optimiser state");
        m_optimizer->load(optimizer);
        readHistory(archive);
        rememberGoodState();
    }

private:
    // The logged terms in m_logIds order: [total, l1, sf, mi, mef_ssim_loss, mef_ssim, sf_value, …].
    at::Tensor termsTensor(const detail::ObjectiveTerms& t) const
    {
        std::vector<at::Tensor> parts{t.total, t.l1, t.sf, t.mi, t.mefLoss, t.mefScore, t.sfValue};
        const at::Tensor missing = at::full({}, std::numeric_limits<double>::quiet_NaN(), t.total.options());
        const at::Tensor zero = at::zeros({}, t.total.options());
        for (std::size_t i = parts.size(); i < m_logIds.size(); ++i) {
            const std::string& id = m_logIds[i];
            if (id == "truth_l1") {
                parts.push_back(t.truthL1.defined() ? t.truthL1 : missing);
            } else if (id.rfind("l1_", 0) == 0) { // l1_<modality>_mae
                const std::string key = id.substr(3, id.size() - 3 - 4);
                const auto it = t.l1PerModality.find(key);
                parts.push_back(it != t.l1PerModality.end() ? it->second : missing);
            } else { // mi_<a>_<b>: 0 while the MI weight switches the heads off
                const auto it = t.miPairs.find(id.substr(3));
                parts.push_back(it != t.miPairs.end() ? it->second : zero);
            }
        }
        return at::stack(parts).detach().to(at::kDouble);
    }

    // Held-out simulated frame/event samples against their true radiance (PSNR-μ), next to
    // F alone and EF alone; the network runs at its inference resolution.
    ValidationLog validateFrameEvent()
    {
        ValidationLog v;
        v.step = m_step;
        v.frameEvent = true;
        at::NoGradGuard noGrad;
        m_net->eval();
        const FrameEventEncoding encoding;
        for (const TrainingStack& stack : m_validation) {
            const at::Tensor x = detail::stacksToTensor({stack}, m_device);
            const int h = int(x.size(3)), w = int(x.size(4));
            const auto [lowH, lowW] = detail::lowResSize(h, w, m_net->config().lowResLongSidePx);
            const detail::FusedTensors f = detail::fuseTensors(*m_net, x, stack.modalities, lowH, lowW, 0);
            const Image fused = detail::tensorToImage(f.fused.select(0, 0).to(at::kCPU), ColourEncoding::Linear);
            v.psnrMu += psnrMuAgainstTruth(decodeFrameEventTone(fused, encoding), stack.truthLinear);
            v.psnrMuFrame += psnrMuAgainstTruth(decodeFrameEventTone(stack.inputs[0], encoding), stack.truthLinear);
            v.psnrMuEFrame += psnrMuAgainstTruth(decodeFrameEventTone(stack.inputs[2], encoding), stack.truthLinear);
        }
        m_net->train();
        v.stacks = int(m_validation.size());
        const double n = std::max(1, v.stacks);
        v.psnrMu /= n;
        v.psnrMuFrame /= n;
        v.psnrMuEFrame /= n;
        return v;
    }

    struct Prefetched {
        std::int64_t index = -1;
        int batch = 0, patchPx = 0;
        std::future<std::vector<TrainingStack>> stacks;
    };

    std::uint64_t batchIndexOf(std::int64_t step) const
    {
        return std::uint64_t(step) * std::uint64_t(m_world) + std::uint64_t(m_rank);
    }

    // The batch of step `index`: the one drawn in the background during the previous step when it
    // matches (batches are pure functions of their index, so prefetching changes nothing).
    std::vector<TrainingStack> takeBatch(std::int64_t index, const TrainingSettings& s)
    {
        if (m_prefetched.stacks.valid()) {
            std::vector<TrainingStack> stacks = m_prefetched.stacks.get();
            if (m_prefetched.index == index && m_prefetched.batch == s.batch && m_prefetched.patchPx == s.patchPx) return stacks;
        }
        return m_source->batch(batchIndexOf(index), s.batch, s.patchPx);
    }

    void prefetch(std::int64_t index, const TrainingSettings& s)
    {
        m_prefetched.index = index;
        m_prefetched.batch = s.batch;
        m_prefetched.patchPx = s.patchPx;
        std::shared_ptr<const TrainingSource> source = m_source;
        const std::uint64_t batchIndex = batchIndexOf(index);
        const int count = s.batch, size = s.patchPx;
        m_prefetched.stacks = std::async(std::launch::async, [source, batchIndex, count, size] { return source->batch(batchIndex, count, size); });
    }

    std::vector<at::Tensor> allParameters() const
    {
        std::vector<at::Tensor> out;
        for (const auto& [n, t] : m_net->namedParams()) out.push_back(t);
        for (const auto& [n, t] : m_heads->namedParams()) out.push_back(t);
        return out;
    }

    static at::Tensor flatGradients(const std::vector<at::Tensor>& params)
    {
        std::vector<at::Tensor> parts;
        for (const at::Tensor& p : params) parts.push_back(p.grad().defined() ? p.grad().reshape({-1}) : at::zeros({p.numel()}, p.options()));
        return at::cat(parts);
    }

    static void scatterGradients(std::vector<at::Tensor>& params, const at::Tensor& flat)
    {
        std::int64_t offset = 0;
        for (at::Tensor& p : params) {
            const at::Tensor g = flat.narrow(0, offset, p.numel()).view_as(p);
            if (p.grad().defined()) p.mutable_grad().copy_(g);
            else p.mutable_grad() = g.clone();
            offset += p.numel();
        }
    }

    void broadcastParameters()
    {
        at::NoGradGuard noGrad;
        std::vector<at::Tensor> params = allParameters();
        std::vector<at::Tensor> parts;
        for (const at::Tensor& p : params) parts.push_back(p.detach().reshape({-1}));
        at::Tensor flat = at::cat(parts);
        m_group->broadcast(flat, 0);
        std::int64_t offset = 0;
        for (at::Tensor& p : params) {
            p.copy_(flat.narrow(0, offset, p.numel()).view_as(p));
            offset += p.numel();
        }
    }

    // The state after the last step whose loss and gradients were finite: what a non-finite
    // step returns to. Kept in memory (the network is small: a copy costs about a millisecond).
    void rememberGoodState()
    {
        m_good.clear();
        for (const at::Tensor& p : allParameters()) m_good.push_back(p.detach().clone());
        torch::serialize::OutputArchive archive;
        m_optimizer->save(archive);
        std::ostringstream out;
        archive.save_to(out);
        m_goodOptimizer = out.str();
        m_goodStep = m_step;
    }

    void restoreGoodState()
    {
        at::NoGradGuard noGrad;
        std::vector<at::Tensor> params = allParameters();
        for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(m_good[i]);
        std::istringstream in(m_goodOptimizer);
        torch::serialize::InputArchive archive;
        archive.load_from(in, m_device);
        m_optimizer->load(archive);
        m_optimizer->zero_grad();
    }

    std::map<std::string, std::string> withTrainingMetadata(std::map<std::string, std::string> metadata) const
    {
        metadata.emplace("trained_steps", std::to_string(m_step));
        metadata.emplace("training_seed", std::to_string(m_settings.seed));
        metadata.emplace("data", m_source->description());
        metadata.emplace("world_size", std::to_string(m_world));
        std::string values;
        for (const auto& [id, v] : m_values.all()) values += (values.empty() ? "" : " ") + id + "=" + formatParamValue(v);
        metadata.emplace("training_values", values);
        return metadata;
    }

    void writeHistory(torch::serialize::OutputArchive& archive) const
    {
        const std::size_t termCount = m_logIds.size();
        const std::int64_t cols = std::int64_t(termCount) + 6;
        at::Tensor table = at::zeros({std::int64_t(m_history.size()), cols}, at::TensorOptions().dtype(at::kDouble));
        std::string notes;
        auto acc = table.accessor<double, 2>();
        for (std::size_t r = 0; r < m_history.size(); ++r) {
            const StepLog& l = m_history[r];
            acc[int64_t(r)][0] = double(l.step);
            for (std::size_t i = 0; i < termCount && i < l.terms.size(); ++i) acc[int64_t(r)][int64_t(i) + 1] = l.terms[i].second;
            acc[int64_t(r)][cols - 5] = l.learningRate;
            acc[int64_t(r)][cols - 4] = l.seconds;
            acc[int64_t(r)][cols - 3] = l.exposures;
            acc[int64_t(r)][cols - 2] = l.lowResPx;
            acc[int64_t(r)][cols - 1] = l.skipped ? 1.0 : 0.0;
            notes += l.note + "\n";
        }
        archive.write("history", table);
        archive.write("history_notes", c10::IValue(notes));
    }

    void readHistory(torch::serialize::InputArchive& archive)
    {
        m_history.clear();
        at::Tensor table;
        if (!archive.try_read("history", table)) return;
        table = table.to(at::kCPU, at::kDouble);
        c10::IValue notesValue;
        std::vector<std::string> notes;
        if (archive.try_read("history_notes", notesValue) && notesValue.isString()) {
            std::istringstream in(notesValue.toStringRef());
            std::string line;
            while (std::getline(in, line)) notes.push_back(line);
        }
        const std::vector<std::string>& ids = m_logIds;
        const std::int64_t cols = table.size(1);
        if (cols != std::int64_t(ids.size()) + 6) return;
        auto acc = table.accessor<double, 2>();
        for (std::int64_t r = 0; r < table.size(0); ++r) {
            StepLog l;
            l.step = std::int64_t(acc[r][0]);
            for (std::size_t i = 0; i < ids.size(); ++i) l.terms.emplace_back(ids[i], acc[r][int64_t(i) + 1]);
            l.learningRate = acc[r][cols - 5];
            l.seconds = acc[r][cols - 4];
            l.exposures = int(acc[r][cols - 3]);
            l.lowResPx = int(acc[r][cols - 2]);
            l.skipped = acc[r][cols - 1] != 0.0;
            if (std::size_t(r) < notes.size()) l.note = notes[std::size_t(r)];
            m_history.push_back(l);
        }
    }

    TrainerConfig m_config;
    std::shared_ptr<const TrainingSource> m_source;
    bool m_frameEvent = false;
    std::vector<std::string> m_logIds; ///< stepLogTermIds(network modalities)
    ParamValues m_values;
    TrainingSettings m_settings;
    c10::Device m_device;
    std::unique_ptr<detail::ProcessGroupHandle> m_group;
    int m_rank = 0, m_world = 1;
    detail::FusionNet m_net{nullptr};
    detail::MiHeads m_heads{nullptr};
    std::unique_ptr<torch::optim::Adam> m_optimizer;
    at::Generator m_generator;
    std::int64_t m_step = 0;
    double m_lrScale = 1.0;
    std::vector<StepLog> m_history;
    std::vector<TrainingStack> m_validation;
    std::vector<at::Tensor> m_good;
    std::string m_goodOptimizer;
    std::int64_t m_goodStep = 0;
    Prefetched m_prefetched;
};

} // namespace

std::unique_ptr<Trainer> createTrainer(const TrainerConfig& config, std::shared_ptr<const TrainingSource> source,
                                       const ParamValues& overrides)
{
    if (config.initialModelPath.empty()) return std::make_unique<TrainerImpl>(config, std::move(source), overrides, config.net);
    const detail::LoadedModel initial = detail::loadModelFile(config.initialModelPath);
    return std::make_unique<TrainerImpl>(config, std::move(source), overrides, initial.net->config(), initial.net.get());
}

std::unique_ptr<Trainer> resumeTrainer(const std::string& path, const TrainerConfig& config,
                                       std::shared_ptr<const TrainingSource> source)
{
    torch::serialize::InputArchive archive;
    detail::loadArchive(archive, path, c10::Device(c10::kCPU));
    const std::string format = detail::readString(archive, "format", path);
    if (format != detail::kCheckpointFormat) throw Error(path, "a '" + format + "' file, not a training checkpoint");
    FusionNetConfig net;
    try {
        net = FusionNetConfig::fromText(detail::readString(archive, "config", path));
    } catch (const Error& e) {
        throw e.withFile(path);
    }
    const ParamValues values = valuesFromText(detail::readString(archive, "values", path), path);
    auto trainer = std::make_unique<TrainerImpl>(config, std::move(source), values, net);
    trainer->restoreFrom(path);
    return trainer;
}

} // namespace fuselab::learn
