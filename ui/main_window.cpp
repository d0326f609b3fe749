#include "main_window.hpp"

#include <QEventLoop>

#include "charts_panel.hpp"
#include "evaluation_dialog.hpp"
#include "events_panel.hpp"
#include "exporter.hpp"

#include "fuselab/batch.hpp"
#include "image_viewer.hpp"
#include "metrics_panel.hpp"
#include "monitor_colour.hpp"
#include "overlay_panel.hpp"
#include "param_variant.hpp"
#include "pipeline_panel.hpp"
#include "preferences_dialog.hpp"
#include "stack_panel.hpp"
#if defined(FUSELAB_HAVE_LEARN)
#include "learn_setup.hpp"
#include "training_panel.hpp"
#include "attribution_panel.hpp"
#include "fuselab/learn/model_files.hpp"
#endif

#include "fuselab/base/error.hpp"
#include "fuselab/events_io.hpp"
#include "fuselab/io.hpp"


#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QSlider>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QTimer>
#include <QVBoxLayout>

#include <cstdio>

namespace fuselab::ui {

MainWindow::MainWindow(const OperatorRegistry& registry, QWidget* parent)
    : QMainWindow(parent), m_ws(std::make_unique<Workspace>(registry))
{
    setWindowTitle(QStringLiteral("FuseLab"));
    setAcceptDrops(true);
    resize(1500, 950);

    // Central area: problem banner over one or two synchronised viewers.
    auto* central = new QWidget(this);
    auto* cl = new QVBoxLayout(central);
    cl->setContentsMargins(0, 0, 0, 0);
    m_banner = new QLabel(central);
    m_banner->setObjectName(QStringLiteral("problemBanner"));
    m_banner->setWordWrap(true);
    m_banner->setStyleSheet(QStringLiteral("QLabel { background: #5a2323; color: #ffecec; padding: 6px; }"));
    m_banner->setToolTip(tr("Click to dismiss"));
    m_banner->hide();
    m_banner->installEventFilter(this);
    cl->addWidget(m_banner);
    auto* split = new QSplitter(Qt::Horizontal, central);
    m_viewer = new ImageViewer(split);
    m_viewer->setObjectName(QStringLiteral("mainViewer"));
    m_viewer->setMessage(tr("Open a stack (Ctrl+O), drop files or a folder here, or use the built-in sample."));
    m_compareViewer = new ImageViewer(split);
    m_compareViewer->setObjectName(QStringLiteral("compareViewer"));
    m_compareViewer->setMessage(tr("Pin a result (View ▸ Pin for comparison) to compare it side by side"));
    m_compareViewer->hide();
    split->addWidget(m_viewer);
    split->addWidget(m_compareViewer);
    cl->addWidget(split, 1);
    setCentralWidget(central);
    connect(m_viewer, &ImageViewer::viewChanged, m_compareViewer, &ImageViewer::setView);
    connect(m_compareViewer, &ImageViewer::viewChanged, m_viewer, &ImageViewer::setView);

    m_readout = new QLabel(this);
    statusBar()->addWidget(m_readout, 1);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(220);
    m_progress->setFormat(tr("full resolution %p%"));
    m_progress->hide();
    m_cancel = new QToolButton(this);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the full-resolution computation (Esc)"));
    m_cancel->hide();
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    connect(m_viewer, &ImageViewer::pixelInfo, m_readout, &QLabel::setText);
    connect(m_cancel, &QToolButton::clicked, this, [this] {
        m_ws->cancelFull();
        m_ws->jobs()->cancel(QStringLiteral("export"));
    });
    // A stack too large to hold whole says so for as long as it is open.
    m_largeStack = new QLabel(this);
    m_largeStack->setObjectName(QStringLiteral("largeStackNote"));
    m_largeStack->hide();
    statusBar()->addPermanentWidget(m_largeStack);

    buildDocks();
    buildActions();

    JobRunner* jobs = m_ws->jobs();
    // Full resolution and a large stack's banded export show their progress and can be cancelled.
    const auto showsProgress = [](const QString& channel) { return channel == QLatin1String("full") || channel == QLatin1String("export"); };
    connect(jobs, &JobRunner::progress, this, [this, showsProgress](const QString& channel, double f, const QString& stage) {
        if (!showsProgress(channel)) return;
        m_progress->show();
        m_cancel->show();
        m_progress->setValue(int(f * 1000));
        m_progress->setToolTip(stage);
    });
    connect(jobs, &JobRunner::started, this, [this, showsProgress](const QString& channel) {
        if (showsProgress(channel)) {
            m_progress->setValue(0);
            m_progress->show();
            m_cancel->show();
        }
    });
    connect(jobs, &JobRunner::finished, this, [this, showsProgress](const QString& channel, bool) {
        if (showsProgress(channel)) {
            m_progress->hide();
            m_cancel->hide();
        }
    });
    connect(m_ws.get(), &Workspace::previewReady, this, &MainWindow::onResult);
    connect(m_ws.get(), &Workspace::fullReady, this, &MainWindow::onResult);
    // What a load could not read stays on the banner until a result comes: the job that then
    // fails for want of frames adds its message to the files' problems instead of hiding them.
    connect(m_ws.get(), &Workspace::loadProblems, this, [this](const QStringList& p) {
        m_loadProblems = p;
        showProblem(p.join(QLatin1Char('\n')));
        if (m_startupDone || m_startup.screenshotPath.isEmpty()) return;
        // After the load has been adopted (or dropped): too few frames means no result will come.
        QTimer::singleShot(0, this, [this, p] {
            if (m_ws->loadedStack().frames.size() >= 2) {
                for (const QString& line : p) std::fprintf(stderr, "fuselab: warning: %s\n", qPrintable(line));
                return;
            }
            showProblem((QStringList(m_loadProblems) << tr("the stack needs at least two readable images")).join(QLatin1Char('\n')));
            failStartupScreenshot();
        });
    });
    connect(m_ws.get(), &Workspace::jobFailed, this, [this](const QString&, const QString& message) {
        showProblem((QStringList(m_loadProblems) << message).join(QLatin1Char('\n')));
        failStartupScreenshot();
    });
    connect(m_ws.get(), &Workspace::fullReady, this, [this] { m_loadProblems.clear(); });
    connect(m_ws.get(), &Workspace::stackChanged, this, [this] {
        if (m_loadProblems.isEmpty()) m_banner->hide();
        m_largeStack->setVisible(m_ws->isLargeStack());
        if (m_ws->isLargeStack())
            m_largeStack->setText(tr("Full size %1×%2, too large to hold whole: shown at %3×%4; Export writes the full size in bands (HDR mode: the radiance as OpenEXR)")
                                      .arg(m_ws->largeStackWidthPx())
                                      .arg(m_ws->largeStackHeightPx())
                                      .arg(m_ws->loadedStack().width())
                                      .arg(m_ws->loadedStack().height()));
        if (!m_ws->session().syntheticSample) {
            QStringList paths;
            for (const SessionFrame& f : m_ws->session().frames) paths << f.path;
            rememberRecent(paths);
        }
    });
    restoreSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildDocks()
{
    m_stack = new StackPanel(*m_ws, this);
    auto* stackDock = new QDockWidget(tr("Stack"), this);
    stackDock->setObjectName(QStringLiteral("stackDock"));
    stackDock->setWidget(m_stack);
    addDockWidget(Qt::LeftDockWidgetArea, stackDock);
    connect(m_stack, &StackPanel::openFilesRequested, this, [this] {
        QSettings s;
        const QStringList files = QFileDialog::getOpenFileNames(this, tr("Open exposures"), s.value(QStringLiteral("dirs/open")).toString(),
                                                                tr("Images (*.jpg *.jpeg *.png *.tif *.tiff *.exr *.hdr *.dng *.cr2 *.cr3 *.crw *.nef *.nrw *.arw *.orf *.rw2 *.raf *.pef *.kdc *.srw *.3fr *.iiq *.x3f);;Camera RAW (*.dng *.cr2 *.cr3 *.crw *.nef *.nrw *.arw *.orf *.rw2 *.raf *.pef *.kdc *.srw *.3fr *.iiq *.x3f);;All files (*)"));
        if (!files.isEmpty()) {
            s.setValue(QStringLiteral("dirs/open"), QFileInfo(files.front()).absolutePath());
            openPaths(files);
        }
    });
    connect(m_stack, &StackPanel::openFolderRequested, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a stack folder"));
        if (!dir.isEmpty()) openPaths({dir});
    });
    // Painted deghosting: the viewer's brush, each finished stroke applied to the session
    // (undoable) and cleared from the viewer; the decisions show in the overlay list.
    connect(m_stack, &StackPanel::deghostPaintToggled, this, [this](bool on) {
        m_paintingDeghost = on;
        m_viewer->setRegionTool(on ? ImageViewer::RegionTool::Brush : ImageViewer::RegionTool::None);
        if (on) statusBar()->showMessage(tr("Deghosting: brush over the regions to take from the selected frame"), 5000);
    });
    connect(m_viewer, &ImageViewer::regionChanged, this, [this] {
        if (!m_paintingDeghost || m_viewer->brushMask().isNull()) return;
        const QImage stroke = m_viewer->brushMask();
        const int source = m_stack->paintSourceFrame();
        m_viewer->clearRegion();
        m_ws->paintDeghostSource(stroke, source);
    });
    connect(m_stack, &StackPanel::weightMapRequested, this, [this](int frame) {
        // Operators that can explain their blend offer a boolean convention::weightMapsParam and
        // return maps named weight_<k> (k in stack order of the included frames).
        const Operator* op = m_ws->registry().find(m_ws->session().fusionId);
        bool offered = false;
        if (op)
            for (const ParamSpec& s : op->params()) offered |= s.id == convention::weightMapsParam;
        if (!offered || m_ws->session().mode != PipelineMode::Fusion) {
            showProblem(tr("The current method does not produce per-frame weight maps."));
            return;
        }
        SessionState next = m_ws->session();
        next.values[op->info().id] = next.valuesFor(*op);
        next.values[op->info().id].set(convention::weightMapsParam, true);
        const ExposureStack included = m_ws->includedStack();
        int index = 0;
        for (std::size_t i = 0; i < included.frames.size(); ++i)
            if (included.frames[i].path == m_ws->loadedStack().frames[std::size_t(frame)].path) index = int(i);
        m_overlay->selectMap(QStringLiteral("weight_%1").arg(index));
        m_ws->applyState(next);
        m_pendingOverlay = QStringLiteral("weight_%1").arg(index);
    });

    m_pipeline = new PipelinePanel(*m_ws, this);
    auto* pipelineDock = new QDockWidget(tr("Pipeline"), this);
    pipelineDock->setObjectName(QStringLiteral("pipelineDock"));
    pipelineDock->setWidget(m_pipeline);
    addDockWidget(Qt::RightDockWidgetArea, pipelineDock);

    m_overlay = new OverlayPanel(this);
    auto* overlayDock = new QDockWidget(tr("Overlay"), this);
    overlayDock->setObjectName(QStringLiteral("overlayDock"));
    overlayDock->setWidget(m_overlay);
    addDockWidget(Qt::RightDockWidgetArea, overlayDock);
    tabifyDockWidget(pipelineDock, overlayDock);
    pipelineDock->raise();
    connect(m_overlay, &OverlayPanel::overlayChanged, this, &MainWindow::refreshOverlay);

    m_events = new EventsPanel(*m_ws->jobs(), m_ws->registry(), this);
    auto* eventsDock = new QDockWidget(tr("Events"), this);
    eventsDock->setObjectName(QStringLiteral("eventsDock"));
    eventsDock->setWidget(m_events);
    addDockWidget(Qt::RightDockWidgetArea, eventsDock);
    tabifyDockWidget(overlayDock, eventsDock);
    pipelineDock->raise();
    connect(m_events, &EventsPanel::problem, this, &MainWindow::showProblem);
    connect(m_events, &EventsPanel::recordingOpened, this, [this, eventsDock](int w, int h) {
        eventsDock->raise();
        if (m_ws->loadedStack().frames.empty() || !m_viewer->hasImage()) {
            // No frames: the events are shown on a dark canvas of the sensor's size.
            Image canvas(w, h, 3, ColourEncoding::Srgb);
            canvas.fill(0.12f);
            m_viewer->setImage(makeDisplayImage(canvas, ViewTransform{}, tr("event sensor %1×%2").arg(w).arg(h)));
        }
    });
    connect(m_events, &EventsPanel::overlayReady, this, [this](const QString& name, const Image& map, bool signedValues) {
        m_overlay->setSigned(signedValues);
        m_overlay->addMap(name, map);
        m_overlay->selectMap(name);
    });

    auto* bottom = new QTabWidget(this);
    m_analysisTabs = bottom;
    m_charts = new ChartsPanel(bottom);
    m_metrics = new MetricsPanel(*m_ws, bottom);
    bottom->addTab(m_charts, tr("Charts"));
    bottom->addTab(m_metrics, tr("Metrics"));
    auto* bottomDock = new QDockWidget(tr("Analysis"), this);
    bottomDock->setObjectName(QStringLiteral("analysisDock"));
    bottomDock->setWidget(bottom);
    addDockWidget(Qt::BottomDockWidgetArea, bottomDock);
    connect(m_metrics, &MetricsPanel::qualityMap, this, [this](const QString& name, const Image& map) { m_overlay->addMap(name, map); });

#if defined(FUSELAB_HAVE_LEARN)
    m_training = new TrainingPanel(*m_ws->jobs(), shippedModelPath(), [this] { return m_ws->includedProxy(); }, this);
    auto* trainingDock = new QDockWidget(tr("Training"), this);
    trainingDock->setObjectName(QStringLiteral("trainingDock"));
    trainingDock->setWidget(m_training);
    addDockWidget(Qt::BottomDockWidgetArea, trainingDock);
    tabifyDockWidget(bottomDock, trainingDock);
    bottomDock->raise();
    connect(m_training, &TrainingPanel::problem, this, &MainWindow::showProblem);
    connect(m_training, &TrainingPanel::previewReady, this, [this](const Image& fused, const QString& label) {
        // The model's fusion of the open stack (proxy) as it trains; the next pipeline result replaces it.
        m_lastDisplay = makeDisplayImage(fused, ViewTransform{}, label);
        m_viewer->setImage(m_lastDisplay);
    });

    // The events dock fuses with the shipped frame/event model, which lies beside the exposure model.
    m_events->setFrameEventModel(
        learn::shippedFrameEventModelBeside(shippedModelPath()));
    connect(m_events, &EventsPanel::fusedReady, this, [this](const Image& fused, const QString& label) {
        m_lastDisplay = makeDisplayImage(fused, ViewTransform{}, label);
        m_viewer->setImage(m_lastDisplay);
    });

    m_attribution = new AttributionPanel(*m_ws->jobs(), shippedModelPath(), [this] { return m_ws->includedProxy(); }, this);
    auto* attributionDock = new QDockWidget(tr("Attribution"), this);
    attributionDock->setObjectName(QStringLiteral("attributionDock"));
    attributionDock->setWidget(m_attribution);
    addDockWidget(Qt::BottomDockWidgetArea, attributionDock);
    tabifyDockWidget(trainingDock, attributionDock);
    bottomDock->raise();
    connect(m_attribution, &AttributionPanel::problem, this, &MainWindow::showProblem);
    connect(m_attribution, &AttributionPanel::mapsReady, this,
            [this](const std::map<QString, Image>& maps, const QString& select, bool signedValues) {
                if (maps.empty()) return;
                m_overlay->setSigned(signedValues);
                for (const auto& [name, map] : maps) m_overlay->addMap(name, map);
                if (!select.isEmpty()) m_overlay->selectMap(select);
            });
    connect(m_attribution, &AttributionPanel::regionToolRequested, this,
            [this](int tool) { m_viewer->setRegionTool(ImageViewer::RegionTool(tool)); });
    connect(m_viewer, &ImageViewer::regionChanged, this, [this] {
        if (!m_paintingDeghost) m_attribution->setRegion(m_viewer->regionFraction(), m_viewer->brushMask());
    });
#endif
}

void MainWindow::buildActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QToolBar* tools = addToolBar(tr("Main"));
    tools->setObjectName(QStringLiteral("mainToolBar"));
    auto add = [this](QMenu* menu, const QString& text, const QKeySequence& key, auto slot) {
        QAction* a = menu->addAction(text);
        if (!key.isEmpty()) a->setShortcut(key);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    QAction* open = add(file, tr("&Open exposures…"), QKeySequence::Open, [this] { Q_EMIT m_stack->openFilesRequested(); });
    add(file, tr("Open &folder…"), QKeySequence(QStringLiteral("Ctrl+Shift+O")), [this] { Q_EMIT m_stack->openFolderRequested(); });
    m_recentMenu = file->addMenu(tr("Recent stacks"));
    add(file, tr("Built-in &sample"), QKeySequence(), [this] { m_ws->loadSample(); });
    add(file, tr("Open &event recording…"), QKeySequence(), [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open event recording"), QString(),
                                                          tr("Event recordings (*.raw *.aedat4 *.h5 *.hdf5 *.txt);;All files (*)"));
        if (!path.isEmpty()) m_events->openRecording(path);
    });
    file->addSeparator();
    add(file, tr("Open &session…"), QKeySequence(), [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open session"), QString(), tr("FuseLab sessions (*.fuselab)"));
        if (!path.isEmpty()) loadSession(path);
    });
    QAction* saveAct = add(file, tr("&Save session…"), QKeySequence::Save, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save session"), QString(), tr("FuseLab sessions (*.fuselab)"));
        if (!path.isEmpty()) saveSession(path.endsWith(QLatin1String(".fuselab")) ? path : path + QStringLiteral(".fuselab"));
    });
    QAction* exportAct = add(file, tr("&Export…"), QKeySequence(QStringLiteral("Ctrl+E")), [this] {
        QSettings s;
        QString format;
        int quality = 95;
        RgbPrimaries space = RgbPrimaries::Rec709;
        if (!askExportFormat(tr("Export"), format, quality, space)) return;
        const QString ext = exportExtension(exportFormatFromName(format));
        QString path = QFileDialog::getSaveFileName(this, tr("Export result"), s.value(QStringLiteral("dirs/export")).toString(),
                                                    format + QStringLiteral(" (*") + ext + QLatin1Char(')'));
        if (path.isEmpty()) return;
        if (!path.endsWith(ext)) path += ext;
        s.setValue(QStringLiteral("export/format"), format);
        s.setValue(QStringLiteral("dirs/export"), QFileInfo(path).absolutePath());
        if (exportTo(path, format, quality, space)) statusBar()->showMessage(tr("Wrote %1 and its sidecar").arg(path), 5000);
    });
    add(file, tr("&Apply to folder…"), QKeySequence(QStringLiteral("Ctrl+Shift+E")), [this] {
        QSettings s;
        const QString brackets = QFileDialog::getExistingDirectory(this, tr("Apply to folder: the brackets (scene sub-folders, or a folder of frames)"),
                                                                   s.value(QStringLiteral("dirs/batchInput")).toString());
        if (brackets.isEmpty()) return;
        const QString outDir = QFileDialog::getExistingDirectory(this, tr("Apply to folder: where the results go"),
                                                                 s.value(QStringLiteral("dirs/batchOutput")).toString());
        if (outDir.isEmpty()) return;
        QString format;
        int quality = 95;
        RgbPrimaries space = RgbPrimaries::Rec709;
        if (!askExportFormat(tr("Apply to folder"), format, quality, space)) return;
        s.setValue(QStringLiteral("dirs/batchInput"), brackets);
        s.setValue(QStringLiteral("dirs/batchOutput"), outDir);
        if (applyToFolders({brackets}, outDir, format, quality, space))
            statusBar()->showMessage(tr("Applied to every bracket; results and summary.csv in %1").arg(outDir), 8000);
    });
    file->addSeparator();
    add(file, tr("&Quit"), QKeySequence::Quit, [this] { close(); });

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = m_ws->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_ws->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    add(edit, tr("&Preferences…"), QKeySequence::Preferences, [this] { PreferencesDialog(this).exec(); });

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* fit = add(view, tr("&Fit"), QKeySequence(QStringLiteral("F")), [this] { m_viewer->fitToWindow(); });
    QAction* one = add(view, tr("&1:1"), QKeySequence(QStringLiteral("1")), [this] { m_viewer->zoomOneToOne(); });
    add(view, tr("Zoom &in"), QKeySequence::ZoomIn, [this] { m_viewer->zoomBy(1.25); });
    add(view, tr("Zoom &out"), QKeySequence::ZoomOut, [this] { m_viewer->zoomBy(0.8); });
    m_splitAction = add(view, tr("&Before/after split"), QKeySequence(QStringLiteral("B")), [this] { refreshDisplay(); });
    m_splitAction->setCheckable(true);
    QAction* before = add(view, tr("Show &before (hold)"), QKeySequence(QStringLiteral("Space")), [] {});
    before->setCheckable(true);
    connect(before, &QAction::toggled, m_viewer, &ImageViewer::setShowBefore);
    view->addSeparator();
    add(view, tr("&Pin result for comparison"), QKeySequence(QStringLiteral("P")), [this] {
        if (!m_viewer->hasImage()) return;
        m_pinned = m_lastDisplay;
        m_compareViewer->setImage(m_pinned);
        m_compareViewer->show();
        m_compareViewer->setView(m_viewer->zoom(), m_viewer->centre());
        m_sideBySideAction->setChecked(true);
    });
    m_sideBySideAction = add(view, tr("&Side by side"), QKeySequence(QStringLiteral("S")), [this] {
        m_compareViewer->setVisible(m_sideBySideAction->isChecked());
    });
    m_sideBySideAction->setCheckable(true);
    view->addSeparator();
    add(view, tr("&Monitor profile…"), QKeySequence(), [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Monitor ICC profile"), monitorProfilePath(),
                                                          tr("ICC profiles (*.icc *.icm);;All files (*)"));
        if (path.isEmpty()) return;
        QString problem;
        if (!setMonitorProfile(path, &problem)) {
            QMessageBox::warning(this, tr("Monitor profile"), problem);
            return;
        }
        statusBar()->showMessage(tr("The viewer now shows colours for %1").arg(monitorColourSpace().description()), 5000);
        refreshDisplay();
    });
    add(view, tr("Monitor is s&RGB"), QKeySequence(), [this] {
        setMonitorProfile(QString());
        statusBar()->showMessage(tr("The viewer now shows colours for an sRGB monitor"), 5000);
        refreshDisplay();
    });
    view->addSeparator();
    for (QDockWidget* d : findChildren<QDockWidget*>()) view->addAction(d->toggleViewAction());

    QMenu* process = menuBar()->addMenu(tr("&Process"));
    add(process, tr("Compute full &resolution now"), QKeySequence(QStringLiteral("Ctrl+R")), [this] { m_ws->computeFullNow(); });
    add(process, tr("&Cancel full resolution"), QKeySequence(Qt::Key_Escape), [this] { m_ws->cancelFull(); });
    process->addSeparator();
    add(process, tr("&Evaluate methods on a folder…"), QKeySequence(QStringLiteral("Ctrl+Shift+B")), [this] { evaluationDialog()->show(); });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    add(help, tr("&About FuseLab"), QKeySequence(), [this] {
        QMessageBox::about(this, tr("About FuseLab"),
                           tr("<b>FuseLab</b><br>Exposure fusion, HDR merging and learned image fusion.<br>"
                              "Keys: F fit, 1 one-to-one, B before/after split, Space show before, P pin, S side by side, "
                              "Ctrl+Z/Ctrl+Shift+Z undo/redo, Ctrl+E export."));
    });

    tools->addAction(open);
    tools->addAction(saveAct);
    tools->addAction(exportAct);
    tools->addSeparator();
    tools->addAction(fit);
    tools->addAction(one);
    tools->addAction(m_splitAction);
    tools->addAction(m_sideBySideAction);
    tools->addAction(undo);
    tools->addAction(redo);
    tools->addSeparator();
    tools->addWidget(new QLabel(tr(" Show "), tools));
    m_showWhat = new QComboBox(tools);
    m_showWhat->addItem(tr("Result"));
    m_showWhat->addItem(tr("HDR radiance"));
    m_showWhat->setToolTip(tr("In HDR mode, view the merged radiance itself through the view exposure and curve"));
    tools->addWidget(m_showWhat);
    tools->addWidget(new QLabel(tr(" View exposure "), tools));
    m_viewExposure = new QSlider(Qt::Horizontal, tools);
    m_viewExposure->setRange(-80, 80);
    m_viewExposure->setMaximumWidth(140);
    m_viewExposure->setToolTip(tr("Exposure of the view in stops (does not change the result)"));
    tools->addWidget(m_viewExposure);
    m_viewCurve = new QComboBox(tools);
    for (auto c : {ViewTransform::Curve::Srgb, ViewTransform::Curve::Linear, ViewTransform::Curve::Gamma22, ViewTransform::Curve::Log,
                   ViewTransform::Curve::Filmic})
        m_viewCurve->addItem(curveName(c), int(c));
    m_viewCurve->setToolTip(tr("Transfer curve used to show linear values"));
    tools->addWidget(m_viewCurve);
    connect(m_viewExposure, &QSlider::valueChanged, this, &MainWindow::refreshDisplay);
    connect(m_viewCurve, &QComboBox::currentIndexChanged, this, &MainWindow::refreshDisplay);
    connect(m_showWhat, &QComboBox::currentIndexChanged, this, &MainWindow::refreshDisplay);
    rebuildRecentMenu();
}

void MainWindow::applyStartupRequest(const StartupRequest& request)
{
    m_startup = request;
    m_startupDone = false;
    if (request.hdrMode) m_ws->setStage(QStringLiteral("mode"), "hdr");
    if (request.beforeAfter) m_splitAction->setChecked(true);
    if (request.analysisTab == QLatin1String("metrics")) m_analysisTabs->setCurrentIndex(1);
    if (request.analysisTab == QLatin1String("response")) {
        if (auto* tabs = m_charts->findChild<QTabWidget*>()) tabs->setCurrentIndex(1);
    }
    if (!request.evaluateFolder.isEmpty()) {
        // The evaluation tour: the dialog runs the bench on the folder; the screenshot is of it.
        EvaluationDialog* dialog = evaluationDialog();
        dialog->setFolder(request.evaluateFolder);
        dialog->setOutputFolder(QDir::temp().filePath(QStringLiteral("fuselab-evaluation-%1").arg(QCoreApplication::applicationPid())));
        for (const QString& m : request.evaluateMethods) dialog->setMethodChecked(m, true);
        dialog->setChartMetric(QStringLiteral("mef_ssim"));
        dialog->show();
        connect(dialog, &EvaluationDialog::finished, this, [this, dialog](bool ok) {
            if (m_startupDone || m_startup.screenshotPath.isEmpty()) return;
            m_startupDone = true;
            QTimer::singleShot(800, this, [this, dialog, ok] {
                QCoreApplication::processEvents();
                const bool saved = dialog->grab().save(m_startup.screenshotPath);
                std::fprintf(stderr, "fuselab: %s %s\n", saved ? "saved" : "could not save", qPrintable(m_startup.screenshotPath));
                QCoreApplication::exit(saved && ok ? 0 : 1);
            });
        });
        dialog->start();
    }
    // Stack-dependent requests wait for the stack.
    connect(m_ws.get(), &Workspace::stackChanged, this, [this] {
        if (m_startupDone) return;
        if (!m_startup.evs.empty()) {
            SessionState s = m_ws->session();
            for (std::size_t i = 0; i < m_startup.evs.size() && i < s.frames.size(); ++i) s.frames[i].ev = m_startup.evs[i];
            m_ws->setSession(s);
        }
        if (m_startup.weightFrame >= 0) Q_EMIT m_stack->weightMapRequested(m_startup.weightFrame);
        if (!m_startup.deghostMaskPath.isEmpty()) {
            QImage painted(m_startup.deghostMaskPath);
            if (painted.isNull()) {
                showProblem(tr("%1: not a readable image (a deghosting mask is a grey PNG)").arg(m_startup.deghostMaskPath));
                failStartupScreenshot();
                return;
            }
            SessionState s = m_ws->session();
            s.deghostMask = painted.convertToFormat(QImage::Format_Grayscale8);
            m_ws->setSession(s);
        }
    });
    // A recording opened without frames has no fusion result: its first window is the moment.
    connect(m_events, &EventsPanel::overlayReady, this, [this] {
        if (m_startupDone || m_startup.screenshotPath.isEmpty() || !m_ws->loadedStack().frames.empty()) return;
        m_startupDone = true;
        saveStartupScreenshot(800);
    });
    connect(m_ws.get(), &Workspace::fullReady, this, [this] {
        if (m_startupDone || m_startup.screenshotPath.isEmpty()) return;
        m_startupDone = true;
        if (m_startup.analysisTab == QLatin1String("metrics")) m_metrics->compute();
#if defined(FUSELAB_HAVE_LEARN)
        if (m_startup.trainSteps > 0 && m_training) {
            // A short fine-tuning run of the shipped model, charted live: on the opened stack (judged
            // on it), or on generated scenes when the window shows the built-in sample.
            if (auto* dock = findChild<QDockWidget*>(QStringLiteral("trainingDock"))) dock->raise();
            if (!m_ws->session().syntheticSample) m_training->selectData(QStringLiteral("stack"));
            m_training->setValue(QStringLiteral("steps"), std::int64_t(m_startup.trainSteps));
            m_training->setValue(QStringLiteral("validate_every"), std::int64_t(std::max(1, m_startup.trainSteps / 4)));
            m_training->setPreviewInterval(1.0);
            connect(m_training, &TrainingPanel::runEnded, this, [this] { saveStartupScreenshot(500); });
            m_training->start();
            return;
        }
        if (!m_startup.explainMethods.isEmpty() && m_attribution) {
            // The attribution tour: a region drawn in the middle, the methods side by side, then
            // the curves of the last one.
            if (auto* dock = findChild<QDockWidget*>(QStringLiteral("attributionDock"))) dock->raise();
            m_viewer->setRegionFraction(QRectF(0.35, 0.3, 0.3, 0.35));
            m_attribution->setTargetQuantity(QStringLiteral("luminance"));
            connect(m_attribution, &AttributionPanel::computed, this, [this] { m_attribution->computeCurves(); });
            connect(m_attribution, &AttributionPanel::curvesComputed, this, [this] { saveStartupScreenshot(500); });
            connect(m_attribution, &AttributionPanel::problem, this, [this] { saveStartupScreenshot(500); });
            m_attribution->compareMethods(m_startup.explainMethods);
            return;
        }
#endif
        if (!m_startup.deghostMaskPath.isEmpty()) m_overlay->selectMap(QStringLiteral("painted_sources"));
        // Let the display job, the overlay and (for metrics) the metric jobs finish first.
        saveStartupScreenshot(1500);
    });
}

void MainWindow::saveStartupScreenshot(int delayMs)
{
    QTimer::singleShot(delayMs, this, [this] {
        m_ws->jobs()->waitForIdle();
        QCoreApplication::processEvents();
        const bool ok = grab().save(m_startup.screenshotPath);
        std::fprintf(stderr, "fuselab: %s %s\n", ok ? "saved" : "could not save", qPrintable(m_startup.screenshotPath));
        QCoreApplication::exit(ok ? 0 : 1);
    });
}

EvaluationDialog* MainWindow::evaluationDialog()
{
    if (!m_evaluation) {
        m_evaluation = new EvaluationDialog(m_ws->registry(), *m_ws->jobs(), this);
        m_evaluation->putFirst(QString::fromStdString(m_ws->session().fusionId)); // the baseline: what this session fuses with
    }
    return m_evaluation;
}

void MainWindow::failStartupScreenshot()
{
    // `fuselab --screenshot` waits for a result; when the work failed none will come, so it
    // says why on stderr and exits non-zero instead of waiting for ever.
    if (m_startupDone || m_startup.screenshotPath.isEmpty()) return;
    m_startupDone = true;
    for (const QString& line : m_lastProblem.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        std::fprintf(stderr, "fuselab: error: %s\n", qPrintable(line));
    QTimer::singleShot(0, this, [] { QCoreApplication::exit(1); });
}

void MainWindow::showProblem(const QString& text)
{
    m_lastProblem = text;
    m_banner->setText(text);
    m_banner->show();
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_banner && event->type() == QEvent::MouseButtonPress) m_banner->hide();
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::onResult()
{
    auto result = m_ws->currentResult();
    if (!result) return;
    if (!result->notes.empty()) {
        QStringList notes;
        for (const std::string& n : result->notes) notes << QString::fromStdString(n);
        statusBar()->showMessage(notes.join(QStringLiteral("; ")), 8000);
    }
    std::map<QString, Image> maps;
    Image response;
    for (const NamedImage& n : result->maps) {
        if (n.name == "response") response = n.image;
        else if (n.image.channels() == 1) maps[QString::fromStdString(n.name)] = n.image;
    }
#if defined(FUSELAB_HAVE_LEARN)
    // Attribution maps stay offered when the pipeline produces a new result.
    if (m_attribution)
        for (const auto& [name, map] : m_attribution->overlayMaps()) maps[name] = map;
#endif
    m_overlay->setMaps(maps);
    if (!m_pendingOverlay.isEmpty() && maps.count(m_pendingOverlay)) {
        m_overlay->selectMap(m_pendingOverlay);
        m_pendingOverlay.clear();
    }
    m_charts->setResponseCurves(response);
    m_charts->setHistogramSource(result->display);
    refreshDisplay();
}

void MainWindow::refreshDisplay()
{
    auto result = m_ws->currentResult();
    if (!result) return;
    const bool radiance = m_showWhat->currentIndex() == 1 && !result->radiance.empty();
    const Image source = radiance ? result->radiance : result->display;
    ViewTransform view;
    view.exposureStops = m_viewExposure->value() / 10.0;
    view.curve = ViewTransform::Curve(m_viewCurve->currentData().toInt());
    // "Before": the middle exposure at the result's resolution.
    const bool split = m_splitAction->isChecked();
    ExposureStack frames = result->display.width() == m_ws->loadedStack().width() ? m_ws->includedStack() : m_ws->includedProxy();
    Image before;
    QString beforeLabel;
    if (!frames.frames.empty()) {
        const StackFrame& mid = frames.frames[(frames.frames.size() - 1) / 2];
        before = mid.pixels.toFloat();
        beforeLabel = QFileInfo(QString::fromStdString(mid.path)).fileName();
    }
    const QString label = QString::fromStdString(result->label) + (m_ws->fullIsCurrent() ? QString() : tr(" (preview)"));
    auto shown = std::make_shared<std::shared_ptr<const DisplayImage>>();
    auto beforeShown = std::make_shared<std::shared_ptr<const DisplayImage>>();
    ++m_displayRequests;
    m_ws->jobs()->start(
        QStringLiteral("display"),
        [shown, beforeShown, source, before, view, label, beforeLabel, split](ProgressSink&) {
            *shown = makeDisplayImage(source, view, label);
            if (split && !before.empty()) *beforeShown = makeDisplayImage(before, ViewTransform{}, beforeLabel);
        },
        [this, shown, beforeShown] {
            m_lastDisplay = *shown;
            m_viewer->setImage(*shown);
            m_viewer->setCompareImage(*beforeShown);
            refreshOverlay();
        });
}

void MainWindow::refreshOverlay()
{
    const Image* map = m_overlay->selectedMap();
    if (!map) {
        m_viewer->clearOverlay();
        return;
    }
    const HeatmapStyle style = m_overlay->style();
    const auto [lo, hi] = heatmapRange(*map, style);
    m_viewer->setOverlay(renderHeatmap(*map, style), m_overlay->selectedName(), lo, hi, style.symmetric ? Colormap::Diverging : style.colormap);
}

void MainWindow::openPaths(const QStringList& paths)
{
    if (paths.size() == 1 && paths.front().endsWith(QLatin1String(".fuselab"))) {
        loadSession(paths.front());
        return;
    }
    // Event recordings go to the events dock; images (and folders) form the stack.
    // Told apart by content, as the readers do: an image named .raw is an image, a recording
    // is a recording whatever its name; what neither recognises goes to the stack loader, which
    // names the file and its problem.
    QStringList images;
    for (const QString& p : paths) {
        const std::string path = p.toStdString();
        if (!QFileInfo(p).isDir() && formatFromContent(path) == FileFormat::Unknown && detectEventFormat(path) != EventFormat::Unknown)
            m_events->openRecording(p);
        else
            images << p;
    }
    if (!images.isEmpty()) m_ws->openPaths(images);
}

bool MainWindow::saveSession(const QString& path)
{
    try {
        const SessionState& session = m_ws->session();
        QJsonObject root = session.toJson(m_ws->registry());
        const ExposureStack included = m_ws->includedStack();
        if (!session.syntheticSample && included.frames.size() >= 2) {
            // The session is also a recipe: its pipeline on its frames, for replay and batch.
            std::string maskPath;
            if (const std::optional<Image8> painted = paintedSourcesFor(session, included.width(), included.height())) {
                maskPath = path.toStdString() + ".deghost-mask.png";
                writePaintedMask(maskPath, *painted);
            }
            const Recipe recipe = openStackRecipe(session, m_ws->registry(), included, maskPath);
            root.insert(QStringLiteral("recipe"), QJsonDocument::fromJson(QByteArray::fromStdString(recipeToJson(recipe))).object());
        }
        const QByteArray json = QJsonDocument(root).toJson();
        writeFileAtomically(path.toStdString(), std::vector<std::uint8_t>(json.begin(), json.end()));
        statusBar()->showMessage(tr("Saved session %1").arg(path), 4000);
        return true;
    } catch (const Error& e) {
        showProblem(QString::fromStdString(e.what()));
        return false;
    }
}

bool MainWindow::loadSession(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        showProblem(tr("%1: cannot open the session file").arg(path));
        return false;
    }
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &parseError);
    if (doc.isNull()) {
        showProblem(tr("%1: not valid JSON (%2)").arg(path, parseError.errorString()));
        return false;
    }
    try {
        QStringList notes;
        SessionState state = SessionState::fromJson(doc.object(), m_ws->registry(), &notes);
        if (!notes.isEmpty()) showProblem(tr("Session migrated:\n%1").arg(notes.join(QLatin1Char('\n'))));
        if (state.syntheticSample) {
            m_ws->loadSample();
        } else {
            QStringList paths;
            for (const SessionFrame& fr : state.frames) paths << fr.path;
            // Values first; the frames' EVs and inclusion apply once the files are read.
            auto connection = std::make_shared<QMetaObject::Connection>();
            *connection = connect(m_ws.get(), &Workspace::stackChanged, this, [this, state, connection] {
                QObject::disconnect(*connection);
                m_ws->setSession(state);
            });
            m_ws->openPaths(paths);
            return true;
        }
        m_ws->setSession(state);
        return true;
    } catch (const Error& e) {
        showProblem(tr("%1: %2").arg(path, QString::fromStdString(e.problem())));
        return false;
    }
}

bool MainWindow::exportTo(const QString& path, const QString& formatName, int jpegQuality, RgbPrimaries outputPrimaries)
{
    if (m_ws->isLargeStack()) return exportLargeStack(path, formatName, jpegQuality, outputPrimaries);
    if (!m_ws->fullIsCurrent()) {
        m_ws->computeFullNow();
        m_ws->jobs()->waitForIdle();
    }
    auto result = m_ws->fullIsCurrent() ? m_ws->fullResult() : nullptr;
    if (!result) {
        showProblem(tr("%1: no full-resolution result to export").arg(path));
        return false;
    }
    ExportChoice choice;
    choice.format = exportFormatFromName(formatName);
    choice.jpegQuality = jpegQuality;
    choice.outputPrimaries = outputPrimaries;
    const ExposureStack included = m_ws->includedStack();
    try {
        exportResult(*result, path, choice, m_ws->session().syntheticSample ? nullptr : &included, m_ws->registry());
        return true;
    } catch (const Error& e) {
        showProblem(QString::fromStdString(e.what()));
        return false;
    }
}

// A stack opened on its proxy alone: the full size is fused in bands from the files, as a job
// (progress and cancel in the status bar like any other), and waited for.
bool MainWindow::exportLargeStack(const QString& path, const QString& formatName, int jpegQuality, RgbPrimaries outputPrimaries)
{
    ExportChoice choice;
    choice.format = exportFormatFromName(formatName);
    choice.jpegQuality = jpegQuality;
    choice.outputPrimaries = outputPrimaries;
    const SessionState session = m_ws->session();
    const ExposureStack included = m_ws->includedStack();
    const OperatorRegistry& registry = m_ws->registry();
    QString problem;
    if (!runAndWait(QStringLiteral("export"), [=](ProgressSink& progress) { exportInBands(session, registry, included, path, choice, progress); },
                    problem)) {
        showProblem(problem == tr("cancelled") ? tr("%1: the export was cancelled").arg(path) : problem);
        return false;
    }
    return true;
}

bool MainWindow::askExportFormat(const QString& title, QString& format, int& quality, RgbPrimaries& space)
{
    QSettings s;
    bool ok = false;
    format = QInputDialog::getItem(this, title, tr("Format:"), exportFormatNames(), int(exportFormatNames().indexOf(PreferencesDialog::exportFormat())),
                                   false, &ok);
    if (!ok) return false;
    quality = 95;
    if (exportFormatFromName(format) == ExportFormat::Jpeg) {
        quality = QInputDialog::getInt(this, title, tr("JPEG quality:"), 95, 1, 100, 1, &ok);
        if (!ok) return false;
    }
    space = RgbPrimaries::Rec709;
    if (exportTakesColourSpace(exportFormatFromName(format))) {
        QStringList spaces;
        for (RgbPrimaries p : exportColourSpaces()) spaces << exportColourSpaceName(p);
        const QString chosen = QInputDialog::getItem(this, title, tr("Colour space (its ICC profile is embedded):"), spaces,
                                                     std::max(0, int(spaces.indexOf(s.value(QStringLiteral("export/colourSpace")).toString()))),
                                                     false, &ok);
        if (!ok) return false;
        space = exportColourSpaces()[std::size_t(spaces.indexOf(chosen))];
        s.setValue(QStringLiteral("export/colourSpace"), chosen);
    }
    return true;
}

bool MainWindow::runAndWait(const QString& channel, std::function<void(ProgressSink&)> work, QString& problem)
{
    auto failure = std::make_shared<QString>();
    bool done = false;
    QEventLoop wait; // the GUI stays live: progress, and Cancel (Esc) stops the job
    const QMetaObject::Connection ended = connect(m_ws->jobs(), &JobRunner::finished, &wait, [&wait, channel](const QString& finished, bool) {
        if (finished == channel) wait.quit();
    });
    m_ws->jobs()->start(channel, std::move(work), [&done] { done = true; }, [failure](const QString& message) { *failure = message; });
    wait.exec();
    disconnect(ended);
    m_ws->jobs()->waitForIdle();
    problem = done ? QString() : failure->isEmpty() ? tr("cancelled") : *failure;
    return done;
}

bool MainWindow::applyToFolders(const QStringList& folders, const QString& outDir, const QString& formatName, int jpegQuality,
                                RgbPrimaries outputPrimaries)
{
    ExportChoice choice;
    choice.format = exportFormatFromName(formatName);
    choice.jpegQuality = jpegQuality;
    choice.outputPrimaries = outputPrimaries;
    std::vector<std::string> roots;
    for (const QString& f : folders) roots.push_back(f.toStdString());
    Recipe recipe;
    std::vector<Bracket> brackets;
    try {
        recipe = sessionRecipe(m_ws->session(), m_ws->registry(), choice);
        brackets = bracketsOfFolders(roots);
    } catch (const Error& e) {
        showProblem(QString::fromStdString(e.what()));
        return false;
    }
    BatchOptions options;
    options.outDir = outDir.toStdString();
    options.command = "fuselab (GUI: Apply to folder)";
    auto report = std::make_shared<BatchReport>();
    const OperatorRegistry& registry = m_ws->registry();
    QString problem;
    if (!runAndWait(QStringLiteral("batch"), [=](ProgressSink& progress) { *report = runBatch(recipe, brackets, options, registry, progress); },
                    problem)) {
        showProblem(tr("%1: %2").arg(outDir, problem));
        return false;
    }
    if (report->failed > 0) {
        QStringList failed;
        for (const BatchRow& row : report->rows)
            if (!row.ok) failed << QString::fromStdString(row.bracket + ": " + row.problem);
        showProblem(tr("%1 of %2 brackets failed (see %3):\n%4")
                        .arg(report->failed)
                        .arg(report->rows.size())
                        .arg(QString::fromStdString(report->summaryPath), failed.join(QLatin1Char('\n'))));
        return false;
    }
    return true;
}

void MainWindow::rememberRecent(const QStringList& paths)
{
    if (paths.isEmpty()) return;
    QSettings s;
    QList<QVariant> recent = s.value(QStringLiteral("recentStacks")).toList();
    const QVariant entry(paths);
    recent.removeAll(entry);
    recent.prepend(entry);
    while (recent.size() > 8) recent.removeLast();
    s.setValue(QStringLiteral("recentStacks"), recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    QSettings s;
    for (const QVariant& v : s.value(QStringLiteral("recentStacks")).toList()) {
        const QStringList paths = v.toStringList();
        if (paths.isEmpty()) continue;
        const QString text = paths.size() == 1 ? paths.front() : tr("%1 (+%2 more)").arg(QFileInfo(paths.front()).fileName()).arg(paths.size() - 1);
        QAction* a = m_recentMenu->addAction(text);
        connect(a, &QAction::triggered, this, [this, paths] { openPaths(paths); });
    }
    m_recentMenu->setEnabled(!m_recentMenu->isEmpty());
}

void MainWindow::restoreSettings()
{
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    m_viewCurve->setCurrentIndex(s.value(QStringLiteral("view/curve"), 0).toInt());
    // Parameter values are remembered between runs, per operator.
    const QJsonObject memory = QJsonDocument::fromJson(s.value(QStringLiteral("memory/session")).toByteArray()).object();
    if (!memory.isEmpty()) {
        try {
            SessionState remembered = SessionState::fromJson(memory, m_ws->registry(), nullptr);
            SessionState state = m_ws->session();
            state.values = remembered.values;
            state.mode = remembered.mode;
            state.alignId = remembered.alignId;
            if (!remembered.fusionId.empty()) state.fusionId = remembered.fusionId;
            if (!remembered.mergeId.empty()) state.mergeId = remembered.mergeId;
            if (!remembered.tonemapId.empty()) state.tonemapId = remembered.tonemapId;
            m_ws->setSession(state);
        } catch (const Error&) {
            // A damaged memory is forgotten, not fatal.
        }
    }
}

void MainWindow::saveParameterMemory()
{
    SessionState memory = m_ws->session();
    memory.frames.clear();
    memory.syntheticSample = false;
    QSettings s;
    s.setValue(QStringLiteral("memory/session"), QJsonDocument(memory.toJson(m_ws->registry())).toJson(QJsonDocument::Compact));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("view/curve"), m_viewCurve->currentIndex());
    saveParameterMemory();
    m_ws->jobs()->cancelAll();
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile()) paths << url.toLocalFile();
    if (!paths.isEmpty()) openPaths(paths);
}

} // namespace fuselab::ui
