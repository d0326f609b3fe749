// fuselab-cli fuse in bands; see fuse_banded.hpp.
#include "fuse_banded.hpp"

#include "cli_support.hpp"

#include "fuselab/banded_fusion.hpp"
#include "fuselab/error.hpp"
#include "fuselab/fusion_operators.hpp"
#include "fuselab/row_io.hpp"
#include "fuselab/sidecar.hpp"
#include "fuselab/stack_io.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace fuselab::cli {

std::size_t defaultMemoryBudgetBytes()
{
    std::ifstream meminfo("/proc/meminfo");
    std::string line;
    std::size_t availableKiB = 0;
    while (std::getline(meminfo, line))
        if (line.rfind("MemAvailable:", 0) == 0) std::istringstream(line.substr(13)) >> availableKiB;
    const std::size_t half = availableKiB * 1024 / 2;
    return std::max<std::size_t>(half, std::size_t(256) << 20);
}

std::size_t wholeFusionBytes(int widthPx, int heightPx, int frames, int channels, int bytesPerSample)
{
    const double pixels = double(widthPx) * double(heightPx);
    const int planes = channels >= 3 ? 3 : 1;
    // Frames as stored; 16-bit weights; 16-bit level 1 (a quarter); float output and coarse levels.
    const double perPixel = frames * (channels * bytesPerSample + 2.0 + planes * 2.0 / 4.0) + planes * 4.0 * (1.0 + 1.0 / 3.0);
    return std::size_t(pixels * perPixel);
}

std::vector<std::string> expandStackInputs(const std::vector<std::string>& inputs)
{
    std::vector<std::string> files;
    for (const std::string& in : inputs) {
        std::error_code ec;
        if (std::filesystem::is_directory(in, ec)) {
            const FolderListing listing = listStackFolder(in);
            files.insert(files.end(), listing.files.begin(), listing.files.end());
        } else {
            files.push_back(in);
        }
    }
    return files;
}

int runBandedFuse(const BandedFuseRequest& request, OutputOptions& out)
{
    const std::vector<std::string> files = expandStackInputs(request.inputs);
    if (files.size() < 2) throw UsageError("exposure fusion needs at least two images");
    ConsoleProgress progress("fuse", request.quiet);
    progress.report(0.0, "opening");
    ReadOptions read;
    read.workingPrimaries = out.workingPrimaries();
    std::vector<std::unique_ptr<FrameRowReader>> readers;
    std::vector<FrameRowReader*> frames;
    int scanlines = 0;
    bool deeper = false;
    for (const std::string& f : files) {
        FrameRowsInfo info;
        readers.push_back(openFrameRows(f, read, RowPurpose::Fusion, &info));
        frames.push_back(readers.back().get());
        if (info.mode == RowReadMode::Scanlines) ++scanlines;
        if (readers.back()->sampleType() != RowSampleType::U8) deeper = true;
        progress.checkCancelled();
    }
    out.followInputs(deeper);
    out.metadataFrom = files[files.size() / 2]; // camera, lens, date, place: a middle frame of the bracket
    const FrameRowReader& first = *frames.front();
    const int planes = first.channels() >= 3 ? 3 : 1;
    BandedFusionOptions options;
    options.memoryBudgetBytes = request.budgetBytes;
    switch (sampleTypeFor(request.output, out)) {
    case FusedSampleTypeChoice::U8: options.outputType = FusedSampleType::U8; break;
    case FusedSampleTypeChoice::U16: options.outputType = FusedSampleType::U16; break;
    case FusedSampleTypeChoice::Float: options.outputType = FusedSampleType::Float; break;
    }
    const WriteOptions write = out.toWriteOptions();
    ImageRowFile file(request.output, first.widthPx(), first.heightPx(), planes, options.outputType, write);
    ProgressSpan fusing(progress, 0.0, 0.98);
    const BandedFusionPlan plan = fuseMertensBanded(frames, mertensParamsFromValues(request.values), options, file, fusing);
    progress.report(0.98, "writing");
    file.commit();

    Sidecar sidecar;
    sidecar.operators.push_back({request.op->info().id, request.op->info().version, request.values});
    sidecar.inputFiles = files;
    sidecar.numbers["pyramid_levels"] = plan.levels;
    sidecar.numbers["memory_budget_mb"] = double(request.budgetBytes >> 20);
    sidecar.numbers["band_rows"] = plan.bandRows;
    sidecar.numbers["bands"] = plan.bands;
    sidecar.numbers["coarse_level"] = plan.coarseLevel;
    sidecar.notes["fusion"] = "in row bands within " + std::to_string(request.budgetBytes >> 20) + " MiB (" + request.budgetOrigin +
                              "); equal to the whole-image fusion; " + std::to_string(scanlines) + " of " + std::to_string(files.size()) +
                              " frames read by scanlines, the others read whole once";
    const int bits = options.outputType == FusedSampleType::U8 ? 8 : options.outputType == FusedSampleType::U16 ? 16 : 0;
    const WrittenOutput written = writeSidecarForRows(request.output, first.widthPx(), first.heightPx(), planes, bits, ColourEncoding::Srgb, out, sidecar);
    progress.report(1.0, "done");
    progress.finish();
    if (!request.quiet)
        std::fprintf(stderr, "wrote %s (%d bands of %d rows within %zu MiB)\n", request.output.c_str(), plan.bands, plan.bandRows,
                     request.budgetBytes >> 20);
    if (request.json) printWrittenOutput(written);
    return kSuccess;
}

} // namespace fuselab::cli
