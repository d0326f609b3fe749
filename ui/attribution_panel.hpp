// The attribution panel: why did the learned network fuse the open stack that way?
// The user picks a method (its parameters are generated from the method's ParamSpecs), a
// target (a quantity of the fused output over the whole image or over a region drawn in the
// viewer: rectangle or brush), computes per-input maps with progress and cancel, sees them in
// the viewer's heatmap overlay and side by side in a grid (several methods at once with
// "Compare"), runs the model-randomisation sanity check, computes deletion/insertion and
// SIC/AIC curves that draw as they are computed, and exports maps (EXR float + coloured PNG)
// and curves (CSV + PNG). All computation goes through LearnLibrary's torch-free entry table,
// off the GUI thread.
#pragma once

#include "fuselab/base/exposure.hpp"
#include "fuselab/base/image.hpp"
#include "fuselab/learn/attribution.hpp"
#include "fuselab/base/params.hpp"
#include "fuselab/base/progress.hpp"

#include <QImage>
#include <QRectF>
#include <QWidget>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

class QComboBox;
class QLabel;
class QPushButton;
class QToolButton;
class QMenu;

namespace fuselab::ui {

class AttributionChart;
class AttributionGrid;
class JobRunner;
class ParameterPanel;

/// One computed set of maps, kept for the grid, the overlay and export.
struct AttributionEntry {
    QString method;       ///< command-line id ("ig")
    QString title;        ///< "Integrated Gradients · mean luminance over …"
    std::vector<Image> maps; ///< one per input, 1 channel, the inputs' size
    QStringList inputNames;
    bool isSigned = true;
    learn::AttributionTarget target; ///< what the maps explain (the curves score the same target)
};

class AttributionPanel final : public QWidget {
    Q_OBJECT
public:
    /// `currentStack` returns the stack to explain (the GUI passes its proxy); it is called on
    /// the GUI thread when a computation starts. `shippedModelPath`: the default model.
    AttributionPanel(JobRunner& jobs, std::string shippedModelPath, std::function<ExposureStack()> currentStack,
                     QWidget* parent = nullptr);
    ~AttributionPanel() override;

    // Scripting and tests.
    void setMethod(const QString& methodId);
    void setMethodValue(const QString& paramId, const ParamValue& value);
    void setCurveValue(const QString& paramId, const ParamValue& value);
    void setTargetQuantity(const QString& quantity); ///< "rgb", "luminance", …, "mef-ssim", "loss:l1"
    void setUseRegion(bool useRegion);
    void setModelPath(const QString& path);          ///< empty = the shipped model
    void compute();                                  ///< the current method
    void compareMethods(const QStringList& methodIds);
    void computeCurves();                            ///< of the latest result
    void runSanityCheck();                           ///< model-parameter randomisation of the current method
    void cancel();
    bool isBusy() const;
    const std::vector<AttributionEntry>& results() const { return m_results; }
    AttributionGrid* grid() const { return m_grid; }
    AttributionChart* chart() const { return m_chart; }
    QString statusText() const;
    /// Every map of every result under the names the overlay lists them by.
    std::map<QString, Image> overlayMaps() const;
    /// Writes every map as <method>_<input>.exr (float) and .png (coloured over the input).
    bool exportMaps(const QString& folder, QString* error);

public Q_SLOTS:
    /// The region drawn in the viewer: a rectangle as fractions of the image, or a brush mask
    /// (Grayscale8, any size; painted > 0). Both empty = none.
    void setRegion(const QRectF& fraction, const QImage& brushMask);

Q_SIGNALS:
    void problem(const QString& message);
    /// New maps for the overlay; `select` is the one to show.
    void mapsReady(const std::map<QString, fuselab::Image>& maps, const QString& select, bool signedValues);
    /// Ask the viewer for a region tool: 0 none (pan), 1 rectangle, 2 brush.
    void regionToolRequested(int tool);
    void computed();       ///< maps of one request arrived
    void curvesComputed();
    void sanityChecked();

private:
    struct ModelCache;
    void rebuildMethodParams();
    void startJob(const QStringList& methodIds);
    /// Posts a function to run on the GUI thread (dropped if the panel is gone).
    using Post = std::function<void(std::function<void(AttributionPanel&)>)>;
    using ModelWork = std::function<void(const learn::FusionModel&, ProgressSink&, const Post&)>;
    /// Runs `work` on the "attribution" job channel with the chosen model loaded; onDone runs on
    /// the GUI thread after success; failures become problem(failureFormat.arg(message)).
    void runOnModel(const QString& busyText, const QString& failureFormat, ModelWork work,
                    std::function<void(AttributionPanel&)> onDone);
    void addResult(AttributionEntry entry);
    QString overlayName(const AttributionEntry& entry, int input) const;
    void setBusy(bool busy, const QString& text);
    std::vector<Image> stackInputs(const ExposureStack& stack, QStringList* names) const;

    JobRunner& m_jobs;
    std::string m_shippedModel;
    std::function<ExposureStack()> m_currentStack;
    std::shared_ptr<ModelCache> m_model;

    QComboBox* m_method = nullptr;
    QComboBox* m_quantity = nullptr;
    QComboBox* m_region = nullptr;
    QComboBox* m_input = nullptr;
    QLabel* m_modelLabel = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_regionLabel = nullptr;
    QPushButton* m_computeButton = nullptr;
    QToolButton* m_compareButton = nullptr;
    QMenu* m_compareMenu = nullptr;
    QPushButton* m_curvesButton = nullptr;
    QPushButton* m_sanityButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    ParameterPanel* m_params = nullptr;
    ParameterPanel* m_curveParams = nullptr;
    AttributionGrid* m_grid = nullptr;
    AttributionChart* m_chart = nullptr;

    std::map<QString, ParamValues> m_methodValues; ///< per method id
    ParamValues m_curveValues;
    QString m_modelPath;                           ///< empty = shipped
    QRectF m_regionFraction;
    QImage m_brushMask;
    std::vector<AttributionEntry> m_results;
    std::vector<Image> m_lastInputs;               ///< what the latest result explained
    bool m_busy = false;
};

} // namespace fuselab::ui
