// What the user has set up: the stack (paths, EVs, which frames are in), the pipeline
// (fusion, or merge + tone map; alignment), and every operator's values by operator id.
// Saved as a JSON session file that reopens exactly; operator versions are stored so that a
// session from an older version of an operator loads with a note of what was migrated.
#pragma once

#include "fuselab/base/operator.hpp"

#include <QImage>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fuselab::ui {

enum class PipelineMode { Fusion, Hdr };

struct SessionFrame {
    QString path;
    std::optional<double> ev; ///< typed or corrected EV (stops); empty = from EXIF / none
    bool included = true;
};

struct SessionState {
    static constexpr int kFormatVersion = 1;

    std::vector<SessionFrame> frames;
    bool syntheticSample = false;       ///< the built-in sample stack instead of files
    PipelineMode mode = PipelineMode::Fusion;
    std::string alignId;                ///< empty = no alignment
    std::string fusionId;               ///< set by the workspace or the session file (defaultOperatorOf)
    std::string mergeId;                ///< (the category's default when empty)
    std::string tonemapId;
    std::map<std::string, ParamValues> values; ///< by operator id; missing = defaults
    /// Painted deghosting decisions (Format_Grayscale8, any size: scaled to the stack by
    /// nearest neighbour): code k takes the pixel from included frame k (1 = the first, in
    /// exposure order), 0 = automatic. Null when nothing is painted. Saved in the session as PNG.
    QImage deghostMask;

    /// Values for an operator: the stored ones resolved against its specs.
    ParamValues valuesFor(const Operator& op) const;

    QJsonObject toJson(const OperatorRegistry& registry) const;
    /// Throws fuselab::Error for files that are not sessions. `notes` collects migrations
    /// (older operator versions, values that no longer fit, unknown operators).
    static SessionState fromJson(const QJsonObject& json, const OperatorRegistry& registry, QStringList* notes);
};

bool operator==(const SessionFrame& a, const SessionFrame& b);

} // namespace fuselab::ui
