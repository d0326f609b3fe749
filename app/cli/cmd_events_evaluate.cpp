// fuselab-cli events evaluate [--model FILE] [--count N] [--size PX] [--seed N] [--csv FILE]
//                             [--save-images DIR] [--json]
//
// The frame/event model against the true radiance on held-out simulated samples (drawn from
// a stream training never draws from), next to "frame alone" and "EF alone": PSNR-μ (README
// Metrics psnr_mu: normalised by the truth's largest sample, μ = 5000) and SSIM of the μ-law
// images' grey (Gaussian 11×11 σ 1.5, K 0.01/0.03, L = 1).
#include "cli_support.hpp"
#include "fuselab/csv_table.hpp"
#include "events_commands.hpp"
#include "frame_event_fusion.hpp"
#include "fuselab/learn/frame_event_model.hpp"
#include "learn_support.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/learn/training_data.hpp"
#include "fuselab/metrics.hpp"
#include "fuselab/pyramid.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace fuselab::cli {
namespace {

// SPEC §3's μ-law of x / (the truth's largest sample), grey by MATLAB rgb2gray's weights (as the README's metrics).
Image muLawGrey(const Image& linear, double peak, double mu)
{
    Image grey(linear.width(), linear.height(), 1, ColourEncoding::Linear);
    const double denominator = std::log1p(mu);
    for (int y = 0; y < linear.height(); ++y) {
        const float* s = linear.row(y);
        float* d = grey.row(y);
        for (int x = 0; x < linear.width(); ++x) {
            double t[3];
            for (int c = 0; c < 3; ++c) t[c] = std::log1p(mu * std::max(0.0, double(s[3 * x + c]) / peak)) / denominator;
            d[x] = float(0.298936021293775 * t[0] + 0.587043074451121 * t[1] + 0.114020904255103 * t[2]);
        }
    }
    return grey;
}

double largestSample(const Image& image)
{
    double peak = 0.0;
    for (int y = 0; y < image.height(); ++y)
        for (int i = 0; i < image.width() * image.channels(); ++i)
            if (std::isfinite(image.row(y)[i])) peak = std::max(peak, double(image.row(y)[i]));
    return peak;
}

struct Score {
    double psnrMu = 0.0, ssimMu = 0.0;
};

Score score(const Image& linear, const Image& truth, double mu)
{
    Score s;
    s.psnrMu = psnrMuDb(linear, truth, mu);
    const double peak = largestSample(truth);
    SsimParams params;
    params.dynamicRange = 1.0;
    s.ssimMu = ssimGrey(muLawGrey(linear, peak, mu), muLawGrey(truth, peak, mu), params).ssim;
    return s;
}

class EventsEvaluateCommand final : public Command {
public:
    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand(
            "evaluate", "Score the frame/event model against the true radiance on held-out simulated samples, next to "
                        "'frame alone' and 'EF alone' (PSNR-mu and SSIM of the mu-law images)");
        sub->add_option("--model", m_model, "Frame/event model (default: the shipped fusion-events-v1.pt)");
        sub->add_option("--count", m_count, "Held-out samples")->capture_default_str()->check(CLI::Range(1, 100000));
        sub->add_option("--size", m_size, "Side of the square samples, px")->capture_default_str()->check(CLI::Range(32, 4096));
        sub->add_option("--seed", m_seed, "Seed of the held-out samples (their stream is one training never draws from)")
            ->capture_default_str();
        sub->add_option("--csv", m_csv, "Also write one row per sample and method to this CSV file");
        sub->add_option("--save-images", m_imagesDir, "Write each sample's F, E, EF, fused and truth images (tone domain, PNG) here");
        sub->add_flag("--json", m_json, "Print one JSON document instead of the table");
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        applyThreads(m_common);
        const std::string modelPath = m_model.empty() ? shippedFrameEventModelPath() : m_model;
        const learn::LoadedFrameEventModel model = learn::loadFrameEventModel(modelPath);
        learn::FrameEventSourceOptions sourceOptions;
        sourceOptions.encoding = model.encoding;
        ConsoleProgress progress("events evaluate", m_common.quiet || m_json);
        progress.report(0.0, "simulating");
        const std::vector<learn::TrainingStack> samples =
            learn::frameEventHeldOutStacks(m_count, m_size, m_seed, learn::HeldOutUse::Evaluation, sourceOptions);
        if (!m_imagesDir.empty()) std::filesystem::create_directories(m_imagesDir);

        const char* methods[] = {"learned", "frame", "eframe"};
        double sumPsnr[3] = {0, 0, 0}, sumSsim[3] = {0, 0, 0}, fuseMs = 0.0;
        int learnedBeatsFrame = 0;
        CsvTable table;
        table.header = {"sample", "method", "psnr_mu", "ssim_mu"};
        learn::FuseOptions options;
        options.device = learn::DeviceChoice::Cpu;
        options.blend = &fuselab::pyramidBlend;
        for (std::size_t i = 0; i < samples.size(); ++i) {
            progress.checkCancelled();
            const learn::TrainingStack& s = samples[i];
            const auto t0 = std::chrono::steady_clock::now();
            NullProgress quiet;
            const learn::FuseResult r = model.model->fuse(s.inputs, s.modalities, options, quiet);
            fuseMs += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
            Image fusedTone = r.fused;
            fusedTone.setEncoding(ColourEncoding::Linear);
            const Image candidates[3] = {learn::decodeFrameEventTone(fusedTone, model.encoding),
                                         learn::decodeFrameEventTone(s.inputs[0], model.encoding),
                                         learn::decodeFrameEventTone(s.inputs[2], model.encoding)};
            Score scores[3];
            for (int m = 0; m < 3; ++m) {
                scores[m] = score(candidates[m], s.truthLinear, model.encoding.mu);
                sumPsnr[m] += scores[m].psnrMu;
                sumSsim[m] += scores[m].ssimMu;
                table.rows.push_back({std::to_string(i), methods[m], formatNumber(scores[m].psnrMu), formatNumber(scores[m].ssimMu)});
            }
            if (scores[0].psnrMu > scores[1].psnrMu) ++learnedBeatsFrame;
            if (!m_imagesDir.empty()) {
                char prefix[32];
                std::snprintf(prefix, sizeof prefix, "%04zu_", i);
                const std::string base = (std::filesystem::path(m_imagesDir) / prefix).string();
                const std::pair<const char*, Image> images[] = {
                    {"frame", s.inputs[0]}, {"events", s.inputs[1]}, {"eframe", s.inputs[2]}, {"fused", fusedTone}, {"truth", s.truth}};
                for (const auto& [name, image] : images) {
                    Image display = image;
                    display.setEncoding(ColourEncoding::Srgb); // tone-domain values are display codes
                    writeImage(base + name + ".png", display);
                }
            }
            progress.report(double(i + 1) / double(samples.size()), "scoring");
        }
        progress.finish();
        if (!m_csv.empty()) writeFileAtomically(m_csv, formatCsv(table));
        const double n = double(samples.size());
        if (m_json) {
            nlohmann::json doc;
            doc["model"] = modelPath;
            doc["samples"] = samples.size();
            doc["size_px"] = m_size;
            doc["seed"] = m_seed;
            doc["mean_fuse_ms"] = fuseMs / n;
            doc["learned_beats_frame"] = learnedBeatsFrame;
            for (int m = 0; m < 3; ++m) doc["methods"][methods[m]] = {{"psnr_mu", sumPsnr[m] / n}, {"ssim_mu", sumSsim[m] / n}};
            printJson(doc);
        } else {
            std::printf("%zu held-out simulated samples, %d px, seed %llu, model %s\n", samples.size(), m_size,
                        static_cast<unsigned long long>(m_seed), modelPath.c_str());
            std::printf("%-10s %10s %10s\n", "method", "psnr_mu", "ssim_mu");
            for (int m = 0; m < 3; ++m) std::printf("%-10s %10.3f %10.4f\n", methods[m], sumPsnr[m] / n, sumSsim[m] / n);
            std::printf("learned beats frame alone on %d of %zu samples; fusion %.1f ms per sample\n", learnedBeatsFrame,
                        samples.size(), fuseMs / n);
        }
        return kSuccess;
    }

private:
    std::string m_model, m_csv, m_imagesDir;
    int m_count = 48, m_size = 256;
    std::uint64_t m_seed = 2024;
    bool m_json = false;
    CommonOptions m_common;
};

} // namespace

std::unique_ptr<Command> makeEventsEvaluateCommand()
{
    return std::make_unique<EventsEvaluateCommand>();
}

} // namespace fuselab::cli
