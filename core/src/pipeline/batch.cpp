#include "fuselab/batch.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/csv_table.hpp"
#include "fuselab/io.hpp"

#include <chrono>
#include <filesystem>

namespace fuselab {

namespace {

std::string outputExtension(const Recipe& recipe, const BatchOptions& options)
{
    std::string ext = options.extension.empty() ? recipe.outputExtension : options.extension;
    if (!ext.empty() && ext.front() == '.') ext.erase(0, 1);
    if (ext.empty()) throw Error("the recipe names no output format; choose one (png, tif, jpg, exr, hdr)");
    const FileFormat f = formatFromExtension("x." + ext);
    if (f == FileFormat::Unknown || f == FileFormat::CameraRaw) throw Error("'" + ext + "' is no output format (png, tif, jpg, exr, hdr)");
    return ext;
}

std::string summaryName(const BatchOptions& options)
{
    if (options.shardCount == 1) return "summary.csv";
    return "summary-" + std::to_string(options.shardIndex) + "-of-" + std::to_string(options.shardCount) + ".csv";
}

void writeSummary(const BatchReport& report)
{
    CsvTable table;
    table.header = {"bracket", "frames", "first_frame", "output", "status", "seconds", "problem"};
    for (const BatchRow& r : report.rows)
        table.rows.push_back({r.bracket, std::to_string(r.frames), r.firstFrame, r.output, r.ok ? "ok" : "failed", formatNumber(r.seconds), r.problem});
    writeFileAtomically(report.summaryPath, formatCsv(table));
}

} // namespace

BatchReport runBatch(const Recipe& recipe, const std::vector<Bracket>& brackets, const BatchOptions& options,
                     const OperatorRegistry& registry, ProgressSink& progress, const ModelOperatorMaker& models)
{
    namespace fs = std::filesystem;
    if (options.shardCount < 1 || options.shardIndex < 0 || options.shardIndex >= options.shardCount)
        throw Error("shard " + std::to_string(options.shardIndex) + "/" + std::to_string(options.shardCount) + " does not exist");
    if (recipe.frameEvents)
        throw Error(recipe.frameEvents->events, "a frame/event recipe fuses one recording's window, not brackets (replay it instead)");
    const std::string ext = outputExtension(recipe, options);
    std::error_code ec;
    fs::create_directories(options.outDir, ec);
    if (!fs::is_directory(options.outDir)) throw Error(options.outDir, "cannot create the output folder" + (ec ? ": " + ec.message() : ""));

    std::vector<const Bracket*> mine;
    for (std::size_t i = 0; i < brackets.size(); ++i)
        if (int(i % std::size_t(options.shardCount)) == options.shardIndex) mine.push_back(&brackets[i]);

    BatchReport report;
    report.summaryPath = (fs::path(options.outDir) / summaryName(options)).string();
    for (std::size_t i = 0; i < mine.size(); ++i) {
        const Bracket& bracket = *mine[i];
        progress.checkCancelled();
        ProgressSpan span(progress, double(i) / double(mine.size()), double(i + 1) / double(mine.size()));
        BatchRow row;
        row.bracket = bracket.name;
        row.frames = bracket.files.size();
        row.firstFrame = bracket.files.empty() ? std::string() : bracket.files.front();
        const auto start = std::chrono::steady_clock::now();
        try {
            if (bracket.files.size() < 2) throw Error(row.firstFrame, "a bracket of one frame (nothing to fuse or merge with)");
            std::vector<std::string> notes;
            if (!bracket.note.empty()) notes.push_back(bracket.note);
            Recipe forBracket = recipeForInputs(recipe, bracket.files, notes);
            if (!bracket.evs.empty()) { // the bracket's own ev.txt
                forBracket.evs = bracket.evs;
                forBracket.timesS.clear();
            }
            const std::string output = (fs::path(options.outDir) / (bracket.name + "." + ext)).string();
            Sidecar sidecar;
            sidecar.command = options.command;
            sidecar.notes["batch_bracket"] = bracket.name;
            const RecipeProduced produced = produceRecipeOutput(forBracket, output, std::move(sidecar), registry, span, models);
            for (const std::string& w : produced.warnings) notes.push_back(w);
            row.output = output;
            row.ok = true;
            for (const std::string& n : notes) row.problem += (row.problem.empty() ? "" : "; ") + n;
        } catch (const Error& e) {
            row.problem = e.file().empty() ? e.problem() : e.file() + ": " + e.problem();
            ++report.failed;
        }
        row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        report.rows.push_back(std::move(row));
        writeSummary(report); // after every bracket: a killed job array still says what it did
    }
    if (mine.empty()) writeSummary(report);
    return report;
}

} // namespace fuselab
