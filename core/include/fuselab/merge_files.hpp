// The radiance merge of files read row by row (bounded memory): the response recovered from the
// sample pixels gathered on a first pass (or known), the merge a band of rows at a time, OpenEXR
// written as the bands finish. The same radiance as mergeRadiance on the whole frames, bit for
// bit. Shared by `fuselab-cli merge --memory-mb` and the GUI's export of large stacks.
#pragma once

#include "fuselab/hdr_merge.hpp"
#include "fuselab/io.hpp"
#include "fuselab/base/params.hpp"
#include "fuselab/base/progress.hpp"
#include "fuselab/row_io.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace fuselab {

/// Which response the merge uses: recovered (Debevec, Robertson) or given.
struct RowMergeResponse {
    enum class Kind { Debevec, Robertson, Known } kind = Kind::Known;
    DebevecParams debevec;
    RobertsonParams robertson;
    CameraResponse known = CameraResponse::srgb();
};

/// The row-by-row merge a merge operator's run describes (merge-debevec, merge-robertson,
/// merge-response), or why it cannot run that way (a phrase after "… because").
struct RowMergeRecipe {
    bool possible = false;
    RowMergeResponse response;
    MergeParams params;
    std::string whyNot;
};
RowMergeRecipe rowMergeRecipe(const std::string& operatorId, const ParamValues& values, bool aligned);

struct RowMergeReport {
    CameraResponse response;
    MergeCounts counts;
    ResponseRecoveryReport recovery; ///< when recovered
    int widthPx = 0, heightPx = 0, channels = 0, bandRows = 0;
};

/// Merges `frames` (opened for RowPurpose::Merge, darkest first as loadStack orders them;
/// relativeTimes per frame, > 0) into `output` (.exr) within budgetBytes. Throws fuselab::Error
/// naming the file, fuselab::Cancelled; an existing output is untouched on failure.
RowMergeReport mergeFramesToFile(const OpenedFrames& frames, const std::vector<double>& relativeTimes, const RowMergeResponse& response,
                                 const MergeParams& params, std::size_t budgetBytes, const std::string& output, const WriteOptions& write,
                                 ProgressSink& progress);

} // namespace fuselab
