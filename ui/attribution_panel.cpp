#include "attribution_panel.hpp"

#include "attribution_chart.hpp"
#include "attribution_grid.hpp"
#include "display_image.hpp"
#include "heatmap.hpp"
#include "job_runner.hpp"
#include "parameter_panel.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/learn/attribution.hpp"
#include "fuselab/learn/learn_library.hpp"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QPointer>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>
#include <mutex>

namespace fuselab::ui {

using namespace fuselab::learn;

/// The loaded network, shared with the worker jobs (loading takes LibTorch's start-up once).
struct AttributionPanel::ModelCache {
    std::mutex mutex;
    std::string path;
    std::shared_ptr<const FusionModel> model;

    std::shared_ptr<const FusionModel> get(const std::string& wanted)
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (!model || path != wanted) {
            model = std::shared_ptr<const FusionModel>(LearnLibrary::get().loadModel(wanted));
            path = wanted;
        }
        return model;
    }
    /// The loaded model's layers (Grad-CAM's choice); before loading, an exposure network's.
    std::vector<std::string> layers()
    {
        std::lock_guard<std::mutex> lock(mutex);
        return model ? model->layerNames() : fusionLayerNames();
    }
};

namespace {

const char* const kSettingsGroup = "attribution";

/// The input with its map drawn over it, as the grid and the PNG export show it.
QImage composite(const Image& input, const Image& map, bool isSigned)
{
    QImage base = renderForDisplay(input, ViewTransform{}).convertToFormat(QImage::Format_ARGB32_Premultiplied);
    HeatmapStyle style;
    style.colormap = isSigned ? Colormap::Diverging : Colormap::Inferno;
    style.symmetric = isSigned;
    style.opacity = 0.65;
    style.percentileClip = 1.0;
    const QImage heat = renderHeatmap(map, style);
    QPainter painter(&base);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
    painter.drawImage(QRectF(0, 0, base.width(), base.height()), heat);
    painter.end();
    return base;
}

QString safeFileName(QString text)
{
    for (QChar& c : text)
        if (!c.isLetterOrNumber() && c != QLatin1Char('-') && c != QLatin1Char('_') && c != QLatin1Char('.')) c = QLatin1Char('_');
    return text;
}

} // namespace

AttributionPanel::AttributionPanel(JobRunner& jobs, std::string shippedModelPath, std::function<ExposureStack()> currentStack,
                                   QWidget* parent)
    : QWidget(parent), m_jobs(jobs), m_shippedModel(std::move(shippedModelPath)), m_currentStack(std::move(currentStack)),
      m_model(std::make_shared<ModelCache>())
{
    auto* outer = new QHBoxLayout(this);
    outer->setContentsMargins(4, 4, 4, 4);
    auto* split = new QSplitter(Qt::Horizontal, this);
    outer->addWidget(split);

    // Left: what to explain and how.
    auto* controls = new QWidget(split);
    auto* form = new QVBoxLayout(controls);
    form->setContentsMargins(0, 0, 0, 0);
    auto* choices = new QFormLayout;
    m_method = new QComboBox(controls);
    m_method->setObjectName(QStringLiteral("attributionMethod"));
    for (AttributionMethod m : attributionMethods())
        m_method->addItem(QString::fromUtf8(displayName(m).data(), int(displayName(m).size())),
                          QString::fromUtf8(toString(m).data(), int(toString(m).size())));
    m_method->setToolTip(tr("The attribution method (README: Attribution; SPEC §6)"));
    choices->addRow(tr("Method"), m_method);

    m_quantity = new QComboBox(controls);
    m_quantity->setObjectName(QStringLiteral("attributionTarget"));
    const std::pair<const char*, QString> quantities[] = {
        {"rgb", tr("Mean of the fused output (RGB)")}, {"luminance", tr("Mean luminance of the output")},
        {"red", tr("Mean red")},                       {"green", tr("Mean green")},
        {"blue", tr("Mean blue")},                     {"mef-ssim", tr("MEF-SSIM of the output against the stack")},
        {"loss:l1", tr("Training loss term: L1")},     {"loss:sf", tr("Training loss term: spatial frequency")},
        {"loss:mef-ssim", tr("Training loss term: 1 − MEF-SSIM")}};
    for (const auto& [id, label] : quantities) m_quantity->addItem(label, QString::fromLatin1(id));
    m_quantity->setToolTip(tr("The number the maps explain: a quantity of the fused output, over the region below"));
    choices->addRow(tr("Target"), m_quantity);

    auto* regionRow = new QHBoxLayout;
    m_region = new QComboBox(controls);
    m_region->setObjectName(QStringLiteral("attributionRegion"));
    m_region->addItem(tr("Whole image"), QStringLiteral("whole"));
    m_region->addItem(tr("Region drawn in the viewer"), QStringLiteral("drawn"));
    regionRow->addWidget(m_region, 1);
    auto* rectTool = new QToolButton(controls);
    rectTool->setText(tr("Rectangle"));
    rectTool->setToolTip(tr("Draw a rectangle on the image (Shift+drag works at any time)"));
    auto* brushTool = new QToolButton(controls);
    brushTool->setText(tr("Brush"));
    brushTool->setToolTip(tr("Paint a region with a brush"));
    auto* panTool = new QToolButton(controls);
    panTool->setText(tr("Pan"));
    panTool->setToolTip(tr("Back to pan and zoom"));
    for (QToolButton* b : {rectTool, brushTool, panTool}) regionRow->addWidget(b);
    connect(rectTool, &QToolButton::clicked, this, [this] {
        m_region->setCurrentIndex(1);
        Q_EMIT regionToolRequested(1);
    });
    connect(brushTool, &QToolButton::clicked, this, [this] {
        m_region->setCurrentIndex(1);
        Q_EMIT regionToolRequested(2);
    });
    connect(panTool, &QToolButton::clicked, this, [this] { Q_EMIT regionToolRequested(0); });
    choices->addRow(tr("Region"), regionRow);
    m_regionLabel = new QLabel(tr("nothing drawn yet"), controls);
    choices->addRow(QString(), m_regionLabel);

    auto* modelRow = new QHBoxLayout;
    m_modelLabel = new QLabel(controls);
    m_modelLabel->setWordWrap(true);
    auto* chooseModel = new QPushButton(tr("Model…"), controls);
    chooseModel->setToolTip(tr("Explain another model file (a trained or fine-tuned .pt); cancel the dialog for the shipped one"));
    connect(chooseModel, &QPushButton::clicked, this, [this] {
        setModelPath(QFileDialog::getOpenFileName(this, tr("Model to explain"), QString(), tr("FuseLab models (*.pt)")));
    });
    modelRow->addWidget(m_modelLabel, 1);
    modelRow->addWidget(chooseModel);
    choices->addRow(tr("Model"), modelRow);
    form->addLayout(choices);

    auto* tabs = new QTabWidget(controls);
    m_params = new ParameterPanel(tabs);
    m_curveParams = new ParameterPanel(tabs);
    auto scroll = [tabs](QWidget* w) {
        auto* area = new QScrollArea(tabs);
        area->setWidgetResizable(true);
        area->setWidget(w);
        return area;
    };
    tabs->addTab(scroll(m_params), tr("Method settings"));
    tabs->addTab(scroll(m_curveParams), tr("Curve settings"));
    form->addWidget(tabs, 1);

    auto* buttons = new QHBoxLayout;
    m_computeButton = new QPushButton(tr("Explain"), controls);
    m_computeButton->setObjectName(QStringLiteral("attributionCompute"));
    m_computeButton->setShortcut(QKeySequence(tr("Ctrl+Shift+X")));
    m_computeButton->setToolTip(tr("Compute per-input maps with this method (Ctrl+Shift+X)"));
    m_compareButton = new QToolButton(controls);
    m_compareButton->setText(tr("Compare"));
    m_compareButton->setPopupMode(QToolButton::MenuButtonPopup);
    m_compareButton->setToolTip(tr("Compute the methods ticked in the menu, one grid row each"));
    m_compareMenu = new QMenu(m_compareButton);
    const QStringList defaultCompare{QStringLiteral("saliency"), QStringLiteral("ig"), QStringLiteral("guided"), QStringLiteral("gradcam")};
    for (int i = 0; i < m_method->count(); ++i) {
        QAction* a = m_compareMenu->addAction(m_method->itemText(i));
        a->setCheckable(true);
        a->setData(m_method->itemData(i));
        a->setChecked(defaultCompare.contains(m_method->itemData(i).toString()));
    }
    m_compareButton->setMenu(m_compareMenu);
    m_curvesButton = new QPushButton(tr("Curves"), controls);
    m_curvesButton->setToolTip(tr("Deletion/insertion and SIC/AIC curves of the latest maps (SPEC §7)"));
    m_sanityButton = new QPushButton(tr("Sanity check"), controls);
    m_sanityButton->setToolTip(tr("Model-parameter randomisation (Adebayo et al. 2018): re-initialise the layers from the top; "
                                  "a method that explains the model gives maps that decorrelate (ρ → 0)"));
    m_cancelButton = new QPushButton(tr("Cancel"), controls);
    for (QAbstractButton* b : std::initializer_list<QAbstractButton*>{m_computeButton, m_compareButton, m_curvesButton, m_sanityButton,
                                                                      m_cancelButton})
        buttons->addWidget(b);
    form->addLayout(buttons);
    auto* exports = new QHBoxLayout;
    auto* exportMapsButton = new QPushButton(tr("Export maps…"), controls);
    auto* exportCurvesButton = new QPushButton(tr("Export curves…"), controls);
    auto* clearButton = new QPushButton(tr("Clear"), controls);
    for (QPushButton* b : {exportMapsButton, exportCurvesButton, clearButton}) exports->addWidget(b);
    form->addLayout(exports);
    m_status = new QLabel(controls);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addWidget(m_status);

    // Middle: the grid; right: the curves.
    auto* middle = new QWidget(split);
    auto* middleLayout = new QVBoxLayout(middle);
    middleLayout->setContentsMargins(0, 0, 0, 0);
    auto* inputRow = new QHBoxLayout;
    inputRow->addWidget(new QLabel(tr("Show in the viewer:"), middle));
    m_input = new QComboBox(middle);
    m_input->setObjectName(QStringLiteral("attributionInput"));
    m_input->setToolTip(tr("Which input's map of the latest result the viewer's overlay shows"));
    inputRow->addWidget(m_input, 1);
    middleLayout->addLayout(inputRow);
    m_grid = new AttributionGrid(middle);
    auto* gridScroll = new QScrollArea(middle);
    gridScroll->setWidgetResizable(true);
    gridScroll->setWidget(m_grid);
    middleLayout->addWidget(gridScroll, 1);
    m_chart = new AttributionChart(split);
    split->addWidget(controls);
    split->addWidget(middle);
    split->addWidget(m_chart);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setStretchFactor(2, 2);

    m_curveValues = defaultValues(attributionCurveParamSpecs());
    m_curveParams->setSpecs(tr("Evaluation curves"), tr("Deletion/insertion (RISE) and PIC (SPEC §7) settings"), QString(),
                            attributionCurveParamSpecs(), m_curveValues);
    connect(m_curveParams, &ParameterPanel::valueEdited, this,
            [this](const QString& id, const ParamValue&, const ParamValue& after, bool) { m_curveValues.set(id.toStdString(), after); });
    connect(m_params, &ParameterPanel::valueEdited, this, [this](const QString& id, const ParamValue&, const ParamValue& after, bool) {
        m_methodValues[m_method->currentData().toString()].set(id.toStdString(), after);
    });

    QSettings settings;
    settings.beginGroup(QLatin1String(kSettingsGroup));
    m_method->setCurrentIndex(std::max(0, m_method->findData(settings.value(QStringLiteral("method"), QStringLiteral("ig")))));
    m_quantity->setCurrentIndex(std::max(0, m_quantity->findData(settings.value(QStringLiteral("target"), QStringLiteral("rgb")))));
    settings.endGroup();
    setModelPath(QString());
    rebuildMethodParams();

    connect(m_method, &QComboBox::currentIndexChanged, this, [this] {
        rebuildMethodParams();
        QSettings().setValue(QStringLiteral("%1/method").arg(QLatin1String(kSettingsGroup)), m_method->currentData());
    });
    connect(m_quantity, &QComboBox::currentIndexChanged, this,
            [this] { QSettings().setValue(QStringLiteral("%1/target").arg(QLatin1String(kSettingsGroup)), m_quantity->currentData()); });
    connect(m_computeButton, &QPushButton::clicked, this, &AttributionPanel::compute);
    connect(m_compareButton, &QToolButton::clicked, this, [this] {
        QStringList ids;
        for (QAction* a : m_compareMenu->actions())
            if (a->isChecked()) ids << a->data().toString();
        compareMethods(ids);
    });
    connect(m_curvesButton, &QPushButton::clicked, this, &AttributionPanel::computeCurves);
    connect(m_sanityButton, &QPushButton::clicked, this, &AttributionPanel::runSanityCheck);
    connect(m_cancelButton, &QPushButton::clicked, this, &AttributionPanel::cancel);
    connect(clearButton, &QPushButton::clicked, this, [this] {
        m_results.clear();
        m_grid->clear();
        m_chart->clear();
        m_input->clear();
        Q_EMIT mapsReady({}, QString(), true);
    });
    connect(exportMapsButton, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export attribution maps to"));
        QString error;
        if (!dir.isEmpty() && !exportMaps(dir, &error)) Q_EMIT problem(error);
    });
    connect(exportCurvesButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export curves"), QStringLiteral("curves.csv"), tr("CSV (*.csv)"));
        if (path.isEmpty()) return;
        QString error;
        const QString png = QFileInfo(path).dir().filePath(QFileInfo(path).completeBaseName() + QStringLiteral(".png"));
        if (!m_chart->saveCsv(path, &error) || !m_chart->savePng(png, &error)) Q_EMIT problem(tr("%1: %2").arg(path, error));
        else m_status->setText(tr("Wrote %1 and %2").arg(path, png));
    });
    connect(m_grid, &AttributionGrid::cellClicked, this, [this](const QString& key) { Q_EMIT mapsReady(overlayMaps(), key, true); });
    connect(m_input, &QComboBox::activated, this, [this] {
        if (m_results.empty()) return;
        Q_EMIT mapsReady(overlayMaps(), m_input->currentData().toString(), m_results.back().isSigned);
    });
    setBusy(false, tr("Draw a region on the fused image (or keep the whole image), pick a method, Explain."));
}

// The JobRunner (the workspace's) may already be gone here; its own destructor cancels and
// waits for every job, and the jobs reach this panel only through a QPointer.
AttributionPanel::~AttributionPanel() = default;

void AttributionPanel::rebuildMethodParams()
{
    const QString id = m_method->currentData().toString();
    const AttributionMethod method = parseAttributionMethod(id.toStdString());
    const std::vector<std::string> layers = m_model->layers();
    std::vector<ParamSpec> specs = attributionParamSpecs(method, layers);
    ParamValues& values = m_methodValues[id];
    const ParamValues defaults = defaultValues(specs);
    for (const auto& [key, value] : defaults.all())
        if (!values.has(key)) values.set(key, value);
    m_params->setSpecs(m_method->currentText(), tr("Parameters of %1 (tooltips give the reference and the default's origin)").arg(m_method->currentText()),
                       QStringLiteral("attribution-") + id, std::move(specs), values);
}

void AttributionPanel::setMethod(const QString& methodId)
{
    const int index = m_method->findData(methodId);
    if (index < 0) throw Error("attribution method", "unknown: " + methodId.toStdString());
    m_method->setCurrentIndex(index);
}

void AttributionPanel::setMethodValue(const QString& paramId, const ParamValue& value)
{
    m_methodValues[m_method->currentData().toString()].set(paramId.toStdString(), value);
    m_params->setValues(m_methodValues[m_method->currentData().toString()]);
}

void AttributionPanel::setCurveValue(const QString& paramId, const ParamValue& value)
{
    m_curveValues.set(paramId.toStdString(), value);
    m_curveParams->setValues(m_curveValues);
}

void AttributionPanel::setTargetQuantity(const QString& quantity)
{
    const int index = m_quantity->findData(quantity);
    if (index < 0) throw Error("attribution target", "unknown: " + quantity.toStdString());
    m_quantity->setCurrentIndex(index);
}

void AttributionPanel::setUseRegion(bool useRegion)
{
    m_region->setCurrentIndex(useRegion ? 1 : 0);
}

void AttributionPanel::setModelPath(const QString& path)
{
    m_modelPath = path;
    const QString shown = path.isEmpty() ? tr("shipped (%1)").arg(QFileInfo(QString::fromStdString(m_shippedModel)).fileName())
                                         : QFileInfo(path).fileName();
    m_modelLabel->setText(shown);
    m_modelLabel->setToolTip(path.isEmpty() ? QString::fromStdString(m_shippedModel) : path);
}

void AttributionPanel::setRegion(const QRectF& fraction, const QImage& brushMask)
{
    m_regionFraction = fraction;
    m_brushMask = brushMask;
    if (!brushMask.isNull()) m_regionLabel->setText(tr("brush mask"));
    else if (!fraction.isEmpty())
        m_regionLabel->setText(tr("x %1–%2 %, y %3–%4 %")
                                   .arg(fraction.left() * 100, 0, 'f', 0).arg(fraction.right() * 100, 0, 'f', 0)
                                   .arg(fraction.top() * 100, 0, 'f', 0).arg(fraction.bottom() * 100, 0, 'f', 0));
    else m_regionLabel->setText(tr("nothing drawn yet"));
    if (!fraction.isEmpty() || !brushMask.isNull()) m_region->setCurrentIndex(1);
}

bool AttributionPanel::isBusy() const
{
    return m_busy;
}

QString AttributionPanel::statusText() const
{
    return m_status->text();
}

void AttributionPanel::setBusy(bool busy, const QString& text)
{
    m_busy = busy;
    for (QWidget* w : std::initializer_list<QWidget*>{m_computeButton, m_compareButton, m_curvesButton, m_sanityButton})
        w->setEnabled(!busy);
    m_curvesButton->setEnabled(!busy && !m_results.empty());
    m_cancelButton->setEnabled(busy);
    if (!text.isNull()) m_status->setText(text);
}

void AttributionPanel::cancel()
{
    m_jobs.cancel(QStringLiteral("attribution"));
    setBusy(false, tr("Cancelled"));
}

std::vector<Image> AttributionPanel::stackInputs(const ExposureStack& stack, QStringList* names) const
{
    std::vector<Image> inputs;
    for (const StackFrame& f : stack.frames) {
        inputs.push_back(f.pixels.toFloat());
        if (names) names->append(QFileInfo(QString::fromStdString(f.path)).fileName());
    }
    return inputs;
}

QString AttributionPanel::overlayName(const AttributionEntry& entry, int input) const
{
    const int index = int(&entry - m_results.data()) + 1;
    return QStringLiteral("attribution %1 %2 · %3").arg(index).arg(entry.method, entry.inputNames.value(input));
}

std::map<QString, Image> AttributionPanel::overlayMaps() const
{
    std::map<QString, Image> maps;
    for (const AttributionEntry& e : m_results)
        for (std::size_t k = 0; k < e.maps.size(); ++k) maps[overlayName(e, int(k))] = e.maps[k];
    return maps;
}

void AttributionPanel::compute()
{
    compareMethods({m_method->currentData().toString()});
}

void AttributionPanel::compareMethods(const QStringList& methodIds)
{
    if (methodIds.isEmpty()) {
        Q_EMIT problem(tr("Tick at least one method in the Compare menu"));
        return;
    }
    startJob(methodIds);
}

void AttributionPanel::runOnModel(const QString& busyText, const QString& failureFormat, ModelWork work,
                                  std::function<void(AttributionPanel&)> onDone)
{
    if (m_busy) return;
    const std::string modelPath = m_modelPath.isEmpty() ? m_shippedModel : m_modelPath.toStdString();
    auto cache = m_model;
    setBusy(true, busyText);
    QPointer<AttributionPanel> self(this);
    const Post post = [self](std::function<void(AttributionPanel&)> fn) {
        QMetaObject::invokeMethod(self.data(), [self, fn] { if (self) fn(*self); }, Qt::QueuedConnection);
    };
    m_jobs.start(
        QStringLiteral("attribution"),
        [cache, modelPath, work, post](ProgressSink& progress) { work(*cache->get(modelPath), progress, post); },
        [self, onDone] {
            if (!self) return;
            self->setBusy(false, QString());
            onDone(*self);
        },
        [self, failureFormat](const QString& message) {
            if (!self) return;
            self->setBusy(false, tr("Failed: %1").arg(message));
            Q_EMIT self->problem(failureFormat.arg(message));
        });
}

void AttributionPanel::startJob(const QStringList& methodIds)
{
    if (m_busy) return;
    const ExposureStack stack = m_currentStack ? m_currentStack() : ExposureStack{};
    QStringList names;
    const std::vector<Image> inputs = stackInputs(stack, &names);
    if (inputs.size() < 2) {
        Q_EMIT problem(tr("Attribution needs an open stack of at least two exposures"));
        return;
    }
    const int w = inputs.front().width(), h = inputs.front().height();
    AttributionTarget target;
    try {
        target = parseAttributionTarget(m_quantity->currentData().toString().toStdString());
        const bool useRegion = m_region->currentData().toString() == QLatin1String("drawn");
        if (useRegion && target.quantity == TargetQuantity::LossTerm)
            throw Error("attribution target", "a training-loss term is computed over the whole image: choose Whole image");
        if (useRegion && !m_brushMask.isNull()) {
            const QImage scaled = m_brushMask.convertToFormat(QImage::Format_Grayscale8).scaled(w, h, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
            Image mask(w, h, 1, ColourEncoding::Linear);
            for (int y = 0; y < h; ++y) {
                const uchar* in = scaled.constScanLine(y);
                float* out = mask.row(y);
                for (int x = 0; x < w; ++x) out[x] = in[x] / 255.0f;
            }
            target = AttributionTarget::masked(mask, target.quantity);
        } else if (useRegion) {
            if (m_regionFraction.isEmpty())
                throw Error("attribution target", "no region drawn: draw a rectangle (Shift+drag) or paint one, or choose Whole image");
            PixelRect r;
            r.x = std::clamp(int(std::floor(m_regionFraction.left() * w)), 0, w - 1);
            r.y = std::clamp(int(std::floor(m_regionFraction.top() * h)), 0, h - 1);
            r.width = std::clamp(int(std::ceil(m_regionFraction.right() * w)) - r.x, 1, w - r.x);
            r.height = std::clamp(int(std::ceil(m_regionFraction.bottom() * h)) - r.y, 1, h - r.y);
            target = AttributionTarget::rectangle(r, target.quantity);
        }
        target.validate(w, h);
    } catch (const Error& e) {
        Q_EMIT problem(QString::fromStdString(e.what()));
        return;
    }
    std::vector<AttributionRequest> requests;
    QStringList ids;
    for (const QString& id : methodIds) {
        AttributionRequest r;
        r.method = parseAttributionMethod(id.toStdString());
        r.values = m_methodValues[id];
        r.target = target;
        requests.push_back(std::move(r));
        ids << id;
    }
    m_lastInputs = inputs;
    runOnModel(
        tr("Loading the model and computing %1…").arg(ids.join(QStringLiteral(", "))), tr("Attribution: %1"),
        [=](const FusionModel& model, ProgressSink& progress, const Post& post) {
            const std::vector<Modality> modalities(inputs.size(), Modality::Exposure);
            for (std::size_t i = 0; i < requests.size(); ++i) {
                ProgressSpan span(progress, double(i) / requests.size(), double(i + 1) / requests.size());
                const AttributionResult result = LearnLibrary::get().attribute(model, inputs, modalities, requests[i], span);
                AttributionEntry entry;
                entry.method = ids[int(i)];
                entry.title = QString::fromUtf8(displayName(result.method).data(), int(displayName(result.method).size()));
                if (!result.layer.empty()) entry.title += QStringLiteral(" @ ") + QString::fromStdString(result.layer);
                entry.maps = result.maps;
                entry.inputNames = names;
                entry.isSigned = result.isSigned;
                entry.target = requests[i].target;
                QString detail = QObject::tr("%1: %2 = %3, %4 passes (batch %5) on %6, %7 s")
                                     .arg(entry.title, QString::fromStdString(result.target))
                                     .arg(result.targetValue, 0, 'g', 5)
                                     .arg(result.passes)
                                     .arg(result.batchSize)
                                     .arg(QString::fromStdString(result.device))
                                     .arg(result.seconds, 0, 'f', 2);
                if (std::isfinite(result.completenessGap))
                    detail += QObject::tr("; completeness gap %1 %").arg(result.completenessGap * 100.0, 0, 'f', 3);
                post([entry, detail](AttributionPanel& p) {
                    p.addResult(entry);
                    p.m_status->setText(detail);
                });
            }
        },
        [](AttributionPanel& p) {
            p.rebuildMethodParams(); // the model's own layer list for Grad-CAM now that it is loaded
            Q_EMIT p.computed();
        });
}

void AttributionPanel::addResult(AttributionEntry entry)
{
    m_results.push_back(std::move(entry));
    const AttributionEntry& e = m_results.back();
    std::vector<QImage> cells;
    QStringList keys;
    for (std::size_t k = 0; k < e.maps.size() && k < m_lastInputs.size(); ++k) {
        cells.push_back(composite(m_lastInputs[k], e.maps[k], e.isSigned));
        keys << overlayName(e, int(k));
    }
    m_grid->addRow(e.title, cells, e.inputNames, keys);
    m_input->clear();
    for (int k = 0; k < int(e.maps.size()); ++k) m_input->addItem(e.inputNames.value(k), overlayName(e, k));
    Q_EMIT mapsReady(overlayMaps(), keys.value(0), e.isSigned);
}

void AttributionPanel::computeCurves()
{
    if (m_busy) return;
    if (m_results.empty()) {
        Q_EMIT problem(tr("Explain first: the curves evaluate the latest maps"));
        return;
    }
    const AttributionEntry entry = m_results.back();
    const std::vector<Image> inputs = m_lastInputs;
    const AttributionTarget target = entry.target;
    const AttributionCurvesOptions options = attributionCurvesOptionsFromValues(m_curveValues);
    m_chart->clear();
    runOnModel(
        tr("Curves of %1…").arg(entry.title), tr("Curves: %1"),
        [=](const FusionModel& model, ProgressSink& progress, const Post& post) {
            const std::vector<Modality> modalities(inputs.size(), Modality::Exposure);
            const AttributionCurves curves = LearnLibrary::get().attributionCurves(
                model, inputs, modalities, entry.maps, target, options, progress, [&](const CurvePointUpdate& u) {
                    const QString name = QString::fromStdString(u.curve);
                    const double x = u.x, y = u.y;
                    post([name, x, y](AttributionPanel& p) { p.m_chart->addPoint(name, x, y); });
                });
            post([curves, title = entry.title](AttributionPanel& p) {
                QStringList aucs;
                auto show = [&](const char* name, const Curve& c) {
                    if (c.x.empty()) return;
                    p.m_chart->setCurve(QLatin1String(name), c.x, c.y, c.auc);
                    aucs << QStringLiteral("%1 %2").arg(QLatin1String(name)).arg(c.auc, 0, 'f', 4);
                };
                show("deletion", curves.deletion);
                show("insertion", curves.insertion);
                show("sic", curves.sic);
                show("aic", curves.aic);
                QString text = QObject::tr("%1 — AUC: %2 (%3 s)").arg(title, aucs.join(QStringLiteral(", "))).arg(curves.seconds, 0, 'f', 1);
                if (curves.pic.sic.skipped) text += QObject::tr("; PIC skipped: %1").arg(QString::fromStdString(curves.pic.sic.skipReason));
                p.m_status->setText(text);
            });
        },
        [](AttributionPanel& p) { Q_EMIT p.curvesComputed(); });
}

void AttributionPanel::runSanityCheck()
{
    if (m_busy) return;
    const ExposureStack stack = m_currentStack ? m_currentStack() : ExposureStack{};
    const std::vector<Image> inputs = stackInputs(stack, nullptr);
    if (inputs.size() < 2) {
        Q_EMIT problem(tr("The sanity check needs an open stack of at least two exposures"));
        return;
    }
    AttributionRequest request;
    const QString id = m_method->currentData().toString();
    request.method = parseAttributionMethod(id.toStdString());
    request.values = m_methodValues[id];
    request.target = AttributionTarget::wholeImage(parseAttributionTarget(m_quantity->currentData().toString().toStdString()).quantity);
    if (request.target.quantity == TargetQuantity::LossTerm) request.target = AttributionTarget::wholeImage();
    const QString title = m_method->currentText();
    runOnModel(
        tr("Randomising the model's layers from the top and recomputing %1…").arg(title), tr("Sanity check: %1"),
        [=](const FusionModel& model, ProgressSink& progress, const Post& post) {
            const std::vector<Modality> modalities(inputs.size(), Modality::Exposure);
            const ModelRandomisationResult r =
                LearnLibrary::get().modelRandomisationCheck(model, inputs, modalities, request, SanityOptions{}, progress);
            QStringList steps;
            for (const RandomisationStep& st : r.steps)
                steps << QStringLiteral("%1 ρ %2").arg(QString::fromStdString(st.layer)).arg(st.rankCorrelation, 0, 'f', 2);
            const QString text = QObject::tr("Model randomisation, %1 (rank correlation with the original maps, layers "
                                             "re-initialised from the top): %2")
                                     .arg(title, steps.join(QStringLiteral(" → ")));
            post([text](AttributionPanel& p) { p.m_status->setText(text); });
        },
        [](AttributionPanel& p) { Q_EMIT p.sanityChecked(); });
}

bool AttributionPanel::exportMaps(const QString& folder, QString* error)
{
    if (m_results.empty()) {
        if (error) *error = tr("Nothing to export yet: explain first");
        return false;
    }
    try {
        QDir().mkpath(folder);
        for (const AttributionEntry& e : m_results) {
            const int index = int(&e - m_results.data()) + 1;
            for (std::size_t k = 0; k < e.maps.size(); ++k) {
                const QString base = QDir(folder).filePath(
                    safeFileName(QStringLiteral("%1-%2_%3").arg(index).arg(e.method, QFileInfo(e.inputNames.value(int(k))).completeBaseName())));
                WriteOptions exr;
                exr.exrType = ExrPixelType::Float;
                writeImage((base + QStringLiteral(".exr")).toStdString(), e.maps[k], exr); // atomic, signed values kept
                if (k < m_lastInputs.size()) {
                    QSaveFile png(base + QStringLiteral(".png"));
                    if (!png.open(QIODevice::WriteOnly) || !composite(m_lastInputs[k], e.maps[k], e.isSigned).save(&png, "PNG") ||
                        !png.commit())
                        throw Error((base + QStringLiteral(".png")).toStdString(), png.errorString().toStdString());
                }
            }
        }
    } catch (const Error& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    m_status->setText(tr("Exported %1 result(s) to %2").arg(m_results.size()).arg(folder));
    return true;
}

} // namespace fuselab::ui
