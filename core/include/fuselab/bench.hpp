// Benchmarking fusion methods over a folder of scenes (`fuselab-cli bench`, the GUI's
// evaluation dialog): fuse each scene with each method (whole stack and, optionally, its extreme
// pair), keep every fused image, score it with the fusion metrics in FuseLab's or MEFB's flavour,
// and summarise the results as a table (mean, median, wins against a baseline, rank, and rank
// among a published table).
//
// Files written under OUTDIR: fused/<method>/<scene>.png (<scene>-pair.png for the pair),
// results.csv (columns scene, variant, method, metric, value; rewritten after every scene, so a
// cancelled run leaves a valid partial table), table.md, and bench.json (what was run: methods,
// metrics, baseline, flavour; `mergeBenchRuns` needs it to order merged shards as one run).
// Thread-safety: one run at a time per OUTDIR; the functions use the process-wide pool.
#pragma once

#include "fuselab/csv_table.hpp"
#include "fuselab/base/exposure.hpp"
#include "fuselab/base/image.hpp"
#include "fuselab/base/operator.hpp"
#include "fuselab/base/progress.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fuselab {

/// Whose definitions the metric values follow. FuseLab: the metrics library's own (metrics.hpp,
/// the papers' and the authors' reference code). Mefb: as the MEFB toolkit's MATLAB computes
/// them (github xingchenzhang/MEFB, metrics/*.m), so values can stand beside published MEFB tables.
enum class MetricFlavour { FuseLab, Mefb };
std::string_view toString(MetricFlavour flavour);
/// "fuselab" or "mefb"; throws fuselab::Error otherwise.
MetricFlavour metricFlavourFromString(const std::string& text);

/// The metric keys a bench reports, in table order: mef_ssim, mef_ssim_single_scale, qabf, vif,
/// nmi, entropy, spatial_frequency, standard_deviation, average_gradient (higher is better for
/// every one of them).
std::vector<std::string> benchMetricKeys();

/// The bench metrics of an 8-bit fused image against its stack, in benchMetricKeys() order.
/// Throws fuselab::Error when the sizes differ or the image is too small for a metric.
std::vector<double> computeBenchMetrics(const SampleImage& fused, const ExposureStack& stack, MetricFlavour flavour,
                                        ProgressSink& progress);

/// One method: a fusion operator with its values, or a folder of already fused images named
/// like the scenes (<scene>.<ext>, <scene>-pair.<ext>).
struct BenchMethod {
    std::string name;                       ///< as given: "mertens", "learned:my.pt", "folder:paper=DIR"
    std::shared_ptr<const Operator> op;     ///< null for a folder method
    ParamValues values;                     ///< overrides for op (resolved against its specs)
    std::string folder;                     ///< folder methods only
    /// Where the fused images go: fused/<directory>/ (the name with characters that do not
    /// belong in a folder name replaced, e.g. "learned_my.pt").
    std::string directoryName() const;
};

struct BenchRow {
    std::string scene, variant, method, metric; ///< variant "whole" or "pair"
    double value = 0.0;
};

struct BenchOptions {
    std::vector<BenchMethod> methods;
    std::string baseline;            ///< a method name; empty = the first method
    bool extremePairs = false;       ///< also fuse each stack's first and last frame ("pair")
    MetricFlavour flavour = MetricFlavour::FuseLab;
    int shardIndex = 0, shardCount = 1; ///< scenes i with i mod count == index (name order)
    std::string outputDir;
    std::vector<BenchRow> published;      ///< a published table to rank against (table.md)
};

struct BenchFailure {
    std::string scene, variant, method, problem;
};

struct BenchRun {
    std::vector<BenchRow> rows;
    std::vector<BenchFailure> failures; ///< counted and reported; the run goes on
    int scenes = 0;                     ///< scenes in this shard
    bool cancelled = false;             ///< stopped by the progress sink; rows hold what was done
};

/// The scene folders of a benchmark folder (its sub-folders, in name order). Throws when none.
std::vector<std::string> listBenchScenes(const std::string& folder);

/// Runs the bench (see the header comment). onScene, when given, is called after each scene
/// with the rows so far (the GUI's live chart). Throws fuselab::Error for unusable options or
/// folders; a scene that fails is recorded in failures, not thrown. Cancellation stops between
/// scenes and returns with cancelled set, the files written so far valid.
BenchRun runBench(const std::string& folder, const BenchOptions& options, ProgressSink& progress,
                  const std::function<void(const BenchRun&)>& onScene = {});

/// The summary of bench rows, one block per metric: for each method its mean and median over
/// every scene and variant, wins against the baseline (scene-variants where it scores higher),
/// and its rank by mean (1 = best); with published rows (same columns; a scene "mean" row gives
/// a published mean directly, other rows are averaged), also its rank among the published
/// methods on the same metric and variant.
struct BenchSummaryLine {
    std::string method, metric, variant; ///< variant "whole", "pair" or "all"
    double mean = 0.0, median = 0.0;
    int count = 0;
    int wins = 0, comparisons = 0;       ///< against the baseline (not for the baseline itself)
    int rank = 0, rankOf = 0;            ///< among the bench's methods
    std::optional<int> publishedRank;    ///< among the published methods and ours, 1 = best
    int publishedOf = 0;
};
std::vector<BenchSummaryLine> summariseBench(const std::vector<BenchRow>& rows, const std::vector<std::string>& methodOrder,
                                             const std::string& baseline, const std::vector<BenchRow>& published = {});
/// The summary as Markdown (table.md).
std::string benchMarkdown(const std::vector<BenchSummaryLine>& summary, const std::string& baseline, MetricFlavour flavour,
                          const std::vector<BenchFailure>& failures);

/// results.csv text and back (throws fuselab::Error naming `file` on other columns).
CsvTable benchCsv(const std::vector<BenchRow>& rows);
std::vector<BenchRow> benchRowsFromCsv(const CsvTable& table, const std::string& file);

/// Merges shard output folders into one (results.csv, table.md, bench.json, fused images):
/// the result equals a single run over every scene. Throws when the shards ran different
/// methods, metrics or flavours, or repeat a scene.
void mergeBenchRuns(const std::vector<std::string>& shardDirs, const std::string& outputDir, const std::vector<BenchRow>& published = {});

} // namespace fuselab
