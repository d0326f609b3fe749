// Writing a result to a file with its sidecar: the formats of the export dialog, the choice
// of what each receives (HDR formats get the linear radiance where there is one), and the
// sidecar listing every operator and value that produced the file. Writes are atomic.
#pragma once

#include "pipeline.hpp"
#include "session.hpp"

#include "fuselab/colour_space.hpp"
#include "fuselab/recipe.hpp"

#include <QString>
#include <QStringList>

#include <vector>

namespace fuselab::ui {

enum class ExportFormat { ExrHalf, ExrFloat, RadianceHdr, Png8, Png16, Tiff8, Tiff16, Jpeg, PqPng16 };

struct ExportChoice {
    ExportFormat format = ExportFormat::Png16;
    int jpegQuality = 95;
    double pqReferenceWhiteCdM2 = 203.0; ///< PQ: display value 1.0 (or radiance 1.0) ↦ this luminance
    /// PNG/TIFF/JPEG (not PQ) and EXR: the file's primaries, pixels converted and the profile embedded.
    RgbPrimaries outputPrimaries = RgbPrimaries::Rec709;
};

/// The output spaces the export offers, in menu order, and their names ("Display P3", …).
std::vector<RgbPrimaries> exportColourSpaces();
QString exportColourSpaceName(RgbPrimaries primaries);
/// Whether the format takes a chosen colour space (PQ is BT.2100's Rec. 2020, HDR is Rec. 709).
bool exportTakesColourSpace(ExportFormat format);

QStringList exportFormatNames();           ///< in ExportFormat order, for a combo box
QString exportExtension(ExportFormat format); ///< ".exr", ".png", …
ExportFormat exportFormatFromName(const QString& name);

/// The full-size export of a stack too large to hold whole (Workspace::isLargeStack), from the
/// files of `included` (the included frames, at proxy size, in the pipeline's order, with their
/// exposures): in fusion mode the session's fusion in row bands to TIFF, PNG or JPEG; in HDR mode
/// the merged radiance row by row to OpenEXR; with a sidecar. Throws fuselab::Error naming the file
/// and why when the session or the format cannot be exported that way, and fuselab::Cancelled.
void exportInBands(const SessionState& session, const OperatorRegistry& registry, const ExposureStack& included, const QString& path,
                   const ExportChoice& choice, ProgressSink& progress);

/// The recipe of the session's steps on its included frames (typed exposures kept), with the
/// painted mask file when there is one; the output as the inputs' depth says. A saved session
/// holds it (key "recipe"), so `fuselab-cli replay SESSION.fuselab -o OUT` and `batch` read it.
Recipe openStackRecipe(const SessionState& session, const OperatorRegistry& registry, const ExposureStack& included,
                       const std::string& maskPath);

/// Writes painted deghosting codes as the grey PNG `--deghost-mask` reads (level k = frame k).
void writePaintedMask(const std::string& path, const Image8& codes);

/// The recipe of the session's steps written as `choice` says (a radiance format after a merge
/// stops before the tone mapping), without inputs: what "Apply to folder…" runs on each bracket.
Recipe sessionRecipe(const SessionState& session, const OperatorRegistry& registry, const ExportChoice& choice);

/// Writes `result` to `path` (extension must fit the format) and `<path>.json`, whose recipe
/// makes the file again (`fuselab-cli replay`) from `included` — the frames it was computed
/// from (null for frames that are no files). Throws fuselab::Error naming the file and the
/// problem (permission, full disk, bad extension).
void exportResult(const PipelineResult& result, const QString& path, const ExportChoice& choice, const ExposureStack* included,
                  const OperatorRegistry& registry);

} // namespace fuselab::ui
