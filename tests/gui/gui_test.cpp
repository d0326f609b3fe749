// GUI tests (QtTest, offscreen platform, ctest label `gui`): the main window with the sample,
// generated parameter panels, preview jobs (latest wins), cancel, undo, export, sessions and
// errors from corrupt files.
#include "image_viewer.hpp"
#include "display_image.hpp"
#include "monitor_colour.hpp"
#include "evaluation_dialog.hpp"
#include "events_panel.hpp"
#include "loss_chart.hpp"
#include "overlay_panel.hpp"
#include "main_window.hpp"
#include "parameter_panel.hpp"
#include "pipeline_panel.hpp"
#if defined(FUSELAB_HAVE_LEARN)
#include "training_panel.hpp"
#include "migrating_operator.hpp"
#include "attribution_chart.hpp"
#include "attribution_grid.hpp"
#include "attribution_panel.hpp"
#include "fuselab/learn/frame_event.hpp"
#include "fuselab/learn/learned_operator.hpp"
#include "fuselab/learn/model_files.hpp"
#include "fuselab/pyramid.hpp"
#include "fuselab/learn/training_params.hpp"
#endif

#include "fuselab/bench.hpp"
#include "fuselab/builtin_operators.hpp"
#include "fuselab/base/colour.hpp"
#include "fuselab/io.hpp"
#include "fuselab/mertens.hpp"
#include "fuselab/stack_io.hpp"
#include "fuselab/event_rendering.hpp"
#include "fuselab/events_io.hpp"
#include "fuselab/base/events_sim.hpp"
#include "fuselab/base/synthetic.hpp"

#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QProcess>
#include <QRegularExpression>
#include <QLabel>
#include <QDir>
#include <QTableWidget>
#include <QElapsedTimer>
#include <QDoubleSpinBox>
#include <QFile>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace fuselab;
using namespace fuselab::ui;

namespace {
ExposureStack tinyStack()
{
    const Image scene = makeSyntheticScene({"interior", 48, 32, 1});
    ExposureSimulation sim;
    sim.stops = {-2.0, 0.0, 2.0};
    sim.exposureScale = autoExposureScale(scene);
    ExposureStack stack;
    for (const SimulatedFrame& f : exposeScene(scene, sim)) {
        StackFrame frame;
        frame.path = "tiny";
        frame.pixels = f.pixels;
        frame.exposure.stops = f.stops;
        stack.frames.push_back(frame);
    }
    return stack;
}
// Three exposures (EV −2, 0, +2) of a generated interior written as JPEGs without EXIF exposure.
struct JpegStack {
    QStringList paths;
    std::vector<std::string> files;
    std::vector<double> stops;
};

JpegStack writeJpegStack(const QTemporaryDir& dir, int widthPx, int heightPx, std::uint64_t seed)
{
    const Image scene = makeSyntheticScene({"interior", widthPx, heightPx, seed});
    ExposureSimulation sim;
    sim.stops = {-2.0, 0.0, 2.0};
    sim.exposureScale = autoExposureScale(scene);
    JpegStack out;
    out.stops = sim.stops;
    for (const SimulatedFrame& f : exposeScene(scene, sim)) {
        out.files.push_back(dir.filePath(QStringLiteral("f%1.jpg").arg(out.paths.size())).toStdString());
        writeImage(out.files.back(), f.pixels);
        out.paths << QString::fromStdString(out.files.back());
    }
    return out;
}

// Opens the files as a "large" stack (threshold 1 byte) on a proxy of proxyLongSidePx and waits
// for its first preview.
void openAsLargeStack(MainWindow& w, const QStringList& paths, int proxyLongSidePx)
{
    w.workspace().setLargeStackThresholdBytes(1);
    w.workspace().setProxyLongSide(proxyLongSidePx);
    w.openPaths(paths);
    QTRY_VERIFY_WITH_TIMEOUT(w.workspace().previewResult() != nullptr, 30000);
}
} // namespace

class GuiTest final : public QObject {
    Q_OBJECT
public:
    GuiTest()
    {
        registerBuiltinOperators(m_registry);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("FuseLabTests"));
        QSettings().clear();
    }

    void mainWindowShowsTheFusedSample()
    {
        // The default start: the built-in 1200×800 sample, synthesised and fused on the spot.
        QElapsedTimer clock;
        clock.start();
        MainWindow w(m_registry);
        w.show();
        w.workspace().loadSample();
        QTRY_VERIFY_WITH_TIMEOUT(w.viewer()->hasImage(), 15000);
        const qint64 ms = clock.elapsed();
        qInfo("start-up to the first fused image: %lld ms (target 2000 ms on an idle 2-core machine)", ms);
        QVERIFY2(ms < 6000, "far beyond the 2 s start-up target even for a loaded machine");
        QVERIFY(w.workspace().previewResult() != nullptr);
        QCOMPARE(w.workspace().previewResult()->display.width(), 1024); // the proxy: long side 1024
        QCOMPARE(w.workspace().loadedStack().size(), std::size_t(5));
        QVERIFY(w.pipelinePanel()->panel(QStringLiteral("fusion"))->editorCount() > 0);
    }

    void viewerConvertsToTheMonitorProfile()
    {
        // Without a profile the monitor is sRGB and sRGB pixels are shown as stored.
        Image red(4, 4, 3, ColourEncoding::Srgb);
        for (int y = 0; y < 4; ++y)
            for (int x = 0; x < 4; ++x) red.at(x, y, 0) = 1.0f;
        QVERIFY(setMonitorProfile(QString()));
        const QImage plain = makeDisplayImage(red, ViewTransform{}, QStringLiteral("red"))->mip.level(0);
        QCOMPARE(QColor(plain.pixel(1, 1)), QColor(255, 0, 0));
        // A Display P3 monitor: sRGB red is (0.9175, 0.2003, 0.1386) there, i.e. about (234, 51, 35).
        QTemporaryDir dir;
        const QString icc = dir.filePath(QStringLiteral("p3.icc"));
        QFile file(icc);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QColorSpace(QColorSpace::DisplayP3).iccProfile());
        file.close();
        QVERIFY(setMonitorProfile(icc));
        QCOMPARE(monitorProfilePath(), icc);
        const QColor shown(makeDisplayImage(red, ViewTransform{}, QStringLiteral("red"))->mip.level(0).pixel(1, 1));
        QVERIFY2(std::abs(shown.red() - 234) <= 2 && std::abs(shown.green() - 51) <= 2 && std::abs(shown.blue() - 35) <= 2,
                 qPrintable(QStringLiteral("%1 %2 %3").arg(shown.red()).arg(shown.green()).arg(shown.blue())));
        // Not a profile: refused with a reason, the setting kept.
        const QString junk = dir.filePath(QStringLiteral("junk.icc"));
        QFile j(junk);
        QVERIFY(j.open(QIODevice::WriteOnly));
        j.write("not a profile");
        j.close();
        QString problem;
        QVERIFY(!setMonitorProfile(junk, &problem));
        QVERIFY(problem.contains(QStringLiteral("junk.icc")));
        QCOMPARE(monitorProfilePath(), icc);
        QVERIFY(setMonitorProfile(QString()));
    }

    void parameterPanelHasOneEditorPerSpecAndValuesReachTheOperator()
    {
        for (const Operator* op : m_registry.all()) {
            ParameterPanel panel;
            panel.setOperator(op, {});
            const auto specs = op->params();
            QCOMPARE(panel.editorCount(), int(specs.size()));
            for (const ParamSpec& s : specs) QVERIFY2(panel.editorFor(QString::fromStdString(s.id)), s.id.c_str());
        }
        // An edit in the widget reaches the operator's run.
        const Operator& mertens = m_registry.get("mertens");
        ParameterPanel panel;
        panel.setOperator(&mertens, {});
        QSignalSpy edits(&panel, &ParameterPanel::valueEdited);
        auto* levels = qobject_cast<QSpinBox*>(panel.editorFor(QStringLiteral("levels")));
        QVERIFY(levels);
        levels->setValue(3);
        QCOMPARE(edits.count(), 1);
        QCOMPARE(panel.values().integer("levels"), std::int64_t(3));
        const ExposureStack stack = tinyStack();
        OperatorInput in;
        in.stack = &stack;
        NullProgress p;
        QCOMPARE(runOperator(mertens, in, panel.values(), p).scalars.at("levels"), 3.0);
        auto* sigma = qobject_cast<QDoubleSpinBox*>(panel.editorFor(QStringLiteral("sigma")));
        QVERIFY(sigma);
        sigma->setValue(0.35);
        QCOMPARE(panel.values().number("sigma"), 0.35);
    }

    void sliderChangeStartsOnePreviewAndTheLatestWins()
    {
        MainWindow w(m_registry);
        Workspace& ws = w.workspace();
        ws.loadSample(400, 260);
        QTRY_VERIFY_WITH_TIMEOUT(ws.previewResult() != nullptr, 15000);
        ws.jobs()->waitForIdle();
        const quint64 before = ws.jobs()->startedCount(QStringLiteral("preview"));
        // Three quick edits (a slider dragged) inside the debounce: one preview job.
        ws.setPreviewDebounce(100);
        ws.editParameter("mertens", QStringLiteral("sigma"), 0.2, 0.21, true);
        ws.editParameter("mertens", QStringLiteral("sigma"), 0.21, 0.22, true);
        ws.editParameter("mertens", QStringLiteral("sigma"), 0.22, 0.23, false);
        QTRY_COMPARE_WITH_TIMEOUT(ws.jobs()->startedCount(QStringLiteral("preview")), before + 1, 5000);
        ws.jobs()->waitForIdle();
        QCOMPARE(ws.previewResult()->steps.front().values.number("sigma"), 0.23);
        // An edit while a preview runs: a second job starts, the first is cancelled and its
        // result never shows.
        ws.setPreviewDebounce(0);
        ws.editParameter("mertens", QStringLiteral("sigma"), 0.23, 0.3, false);
        QTRY_VERIFY_WITH_TIMEOUT(ws.jobs()->startedCount(QStringLiteral("preview")) == before + 2, 5000);
        ws.editParameter("mertens", QStringLiteral("sigma"), 0.3, 0.4, false);
        QTRY_VERIFY_WITH_TIMEOUT(ws.jobs()->startedCount(QStringLiteral("preview")) == before + 3, 5000);
        ws.jobs()->waitForIdle();
        QCOMPARE(ws.previewResult()->steps.front().values.number("sigma"), 0.4);
        // Three edits recorded as two undo steps (the drag merged into one) plus two.
        QCOMPARE(ws.undoStack()->count(), 3);
    }

    void cancelStopsAFullResolutionJob()
    {
        MainWindow w(m_registry);
        Workspace& ws = w.workspace();
        ws.setProxyLongSide(256);
        ws.setFullResolutionDelay(100000); // only on request
        ws.loadSample(2400, 1600);
        QTRY_VERIFY_WITH_TIMEOUT(ws.previewResult() != nullptr, 20000);
        QSignalSpy finished(ws.jobs(), &JobRunner::finished);
        ws.computeFullNow();
        QVERIFY(ws.jobs()->isRunning(QStringLiteral("full")));
        ws.cancelFull();
        ws.jobs()->waitForIdle();
        QVERIFY(!ws.fullIsCurrent());
        QVERIFY(ws.fullResult() == nullptr);
    }

    void undoRestoresThePreviousValue()
    {
        MainWindow w(m_registry);
        Workspace& ws = w.workspace();
        ws.loadSample(200, 130);
        const Operator& mertens = m_registry.get("mertens");
        QCOMPARE(ws.session().valuesFor(mertens).number("sigma"), 0.2);
        ws.editParameter("mertens", QStringLiteral("sigma"), 0.2, 0.5, false);
        QCOMPARE(ws.session().valuesFor(mertens).number("sigma"), 0.5);
        ws.undoStack()->undo();
        QCOMPARE(ws.session().valuesFor(mertens).number("sigma"), 0.2);
        // The panel shows the restored value.
        auto* sigma = qobject_cast<QDoubleSpinBox*>(w.pipelinePanel()->panel(QStringLiteral("fusion"))->editorFor(QStringLiteral("sigma")));
        QCOMPARE(sigma->value(), 0.2);
        ws.undoStack()->redo();
        QCOMPARE(ws.session().valuesFor(mertens).number("sigma"), 0.5);
        ws.setStage(QStringLiteral("mode"), "hdr");
        QCOMPARE(int(ws.session().mode), int(PipelineMode::Hdr));
        ws.undoStack()->undo();
        QCOMPARE(int(ws.session().mode), int(PipelineMode::Fusion));
    }

    void exportWritesTheFileAndItsSidecar()
    {
        QTemporaryDir dir;
        MainWindow w(m_registry);
        w.workspace().loadSample(300, 200);
        QTRY_VERIFY_WITH_TIMEOUT(w.workspace().previewResult() != nullptr, 15000);
        const QString png = dir.filePath(QStringLiteral("out.png"));
        QVERIFY2(w.exportTo(png, QStringLiteral("PNG, 16-bit")), qPrintable(w.lastProblem()));
        QVERIFY(QFile::exists(png));
        QVERIFY(QFile::exists(png + QStringLiteral(".json")));
        QCOMPARE(readImage(png.toStdString()).header.bitDepth, 16);
        QFile sidecar(png + QStringLiteral(".json"));
        QVERIFY(sidecar.open(QIODevice::ReadOnly));
        QVERIFY(sidecar.readAll().contains("\"mertens\""));
        const QString exr = dir.filePath(QStringLiteral("out.exr"));
        QVERIFY(w.exportTo(exr, QStringLiteral("OpenEXR, 32-bit float")));
        QCOMPARE(readImage(exr.toStdString()).header.bitDepth, 32);
        // A Display P3 export: converted, its profile embedded, the same picture read back.
        const QString p3 = dir.filePath(QStringLiteral("p3.png"));
        QVERIFY2(w.exportTo(p3, QStringLiteral("PNG, 16-bit"), 95, RgbPrimaries::DisplayP3), qPrintable(w.lastProblem()));
        const LoadedImage p3Back = readImage(p3.toStdString());
        QVERIFY2(p3Back.colourConverted && p3Back.colourNote.find("Display P3") != std::string::npos, p3Back.colourNote.c_str());
        const Image a = p3Back.pixels.toFloat(), b = readImage(png.toStdString()).pixels.toFloat();
        QVERIFY(std::fabs(a.at(50, 40, 1) - b.at(50, 40, 1)) < 2.0f / 255.0f);
        // A wrong extension is refused and nothing is written.
        QVERIFY(!w.exportTo(dir.filePath(QStringLiteral("bad.jpg")), QStringLiteral("PNG, 8-bit")));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("bad.jpg"))));
        QVERIFY(w.lastProblem().contains(QStringLiteral("extension")));
    }

    // Issue 19: a GUI result is a recipe. The export's sidecar holds it, and the command line
    // makes the same file from it, bit for bit (fusion with edited values and painted
    // deghosting; HDR mode with typed EVs, radiance and tone-mapped).
    void anExportReplaysBitForBitFromTheCommandLine()
    {
        QTemporaryDir dir;
        const JpegStack written = writeJpegStack(dir, 120, 80, 5);
        MainWindow w(m_registry);
        Workspace& ws = w.workspace();
        w.openPaths(written.paths);
        QTRY_VERIFY_WITH_TIMEOUT(ws.previewResult() != nullptr, 15000);
        ws.editParameter(ws.session().fusionId, QStringLiteral("sigma"), 0.2, 0.3, false);
        ws.editParameter(ws.session().fusionId, QStringLiteral("weight_saturation"), 1.0, 0.5, false);
        QImage brush(120, 80, QImage::Format_Grayscale8);
        brush.fill(0);
        for (int y = 10; y < 30; ++y)
            for (int x = 20; x < 50; ++x) brush.setPixel(x, y, qRgb(255, 255, 255));
        ws.paintDeghostSource(brush, 1);
        const QString cli = QStringLiteral(FUSELAB_CLI_PATH);
        const auto bytes = [](const QString& path) {
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        };
        const auto replays = [&](const QString& exported, const QString& format) {
            if (!w.exportTo(exported, format)) return QStringLiteral("export failed: ") + w.lastProblem();
            const QString again = exported + QStringLiteral(".again.") + QFileInfo(exported).suffix();
            QProcess replay;
            replay.start(cli, {QStringLiteral("replay"), QStringLiteral("-q"), exported + QStringLiteral(".json"), QStringLiteral("-o"), again});
            if (!replay.waitForFinished(60000) || replay.exitCode() != 0) return QStringLiteral("replay failed: ") + QString::fromUtf8(replay.readAllStandardError());
            if (bytes(exported).isEmpty() || bytes(exported) != bytes(again)) return exported + QStringLiteral(" and its replay differ");
            return QString();
        };
        QString problem = replays(dir.filePath(QStringLiteral("fused.png")), QStringLiteral("PNG, 8-bit"));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        problem = replays(dir.filePath(QStringLiteral("fused16.tif")), QStringLiteral("TIFF, 16-bit"));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const auto recipe = nlohmann::json::parse(bytes(dir.filePath(QStringLiteral("fused.png.json"))).toStdString())["recipe"];
        QCOMPARE(recipe["steps"][0]["params"]["sigma"].get<double>(), 0.3);
        QVERIFY(!recipe["deghost_mask"].get<std::string>().empty());
        // A saved session is a recipe too: the command line makes the same picture from it.
        const QString session = dir.filePath(QStringLiteral("s.fuselab"));
        QVERIFY(w.saveSession(session));
        QProcess fromSession;
        fromSession.start(cli, {QStringLiteral("replay"), QStringLiteral("-q"), session, QStringLiteral("-o"), dir.filePath(QStringLiteral("from-session.png"))});
        QVERIFY(fromSession.waitForFinished(60000));
        QVERIFY2(fromSession.exitCode() == 0, fromSession.readAllStandardError().constData());
        QVERIFY2(bytes(dir.filePath(QStringLiteral("from-session.png"))) == bytes(dir.filePath(QStringLiteral("fused.png"))),
                 "the session's recipe and the export differ");

        ws.setStage(QStringLiteral("mode"), "hdr");
        for (int i = 0; i < 3; ++i) ws.setFrameEv(i, written.stops[std::size_t(i)]);
        problem = replays(dir.filePath(QStringLiteral("radiance.exr")), QStringLiteral("OpenEXR, 32-bit float"));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        problem = replays(dir.filePath(QStringLiteral("toned.png")), QStringLiteral("PNG, 16-bit"));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        // HDR10: the radiance through core's PQ encoding step, in the export and in its recipe.
        problem = replays(dir.filePath(QStringLiteral("hdr10.png")), QStringLiteral("PNG, 16-bit PQ (HDR10)"));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    // "Apply to folder…" runs the session's recipe over brackets with core's runBatch, so its
    // files are those `fuselab-cli batch` makes from the same session's exported sidecar.
    void applyToFolderMakesWhatTheCommandLineBatchMakes()
    {
        QTemporaryDir dir;
        const JpegStack open = writeJpegStack(dir, 120, 80, 5);
        QDir(dir.path()).mkpath(QStringLiteral("scenes/one"));
        QDir(dir.path()).mkpath(QStringLiteral("scenes/two"));
        // The bracket folders: each its own stack of three JPEGs.
        for (const auto& [name, seed] : {std::pair<QString, std::uint64_t>{QStringLiteral("one"), 6}, {QStringLiteral("two"), 7}}) {
            const Image scene = makeSyntheticScene({"interior", 96, 64, seed});
            ExposureSimulation sim;
            sim.stops = {-2.0, 0.0, 2.0};
            sim.exposureScale = autoExposureScale(scene);
            int k = 0;
            for (const SimulatedFrame& f : exposeScene(scene, sim))
                writeImage(dir.filePath(QStringLiteral("scenes/%1/f%2.jpg").arg(name).arg(k++)).toStdString(), f.pixels);
        }
        MainWindow w(m_registry);
        Workspace& ws = w.workspace();
        w.openPaths(open.paths);
        QTRY_VERIFY_WITH_TIMEOUT(ws.previewResult() != nullptr, 15000);
        ws.editParameter(ws.session().fusionId, QStringLiteral("sigma"), 0.2, 0.35, false);
        const QString gui = dir.filePath(QStringLiteral("gui"));
        QVERIFY2(w.applyToFolders({dir.filePath(QStringLiteral("scenes"))}, gui, QStringLiteral("PNG, 16-bit")), qPrintable(w.lastProblem()));
        QVERIFY2(w.exportTo(dir.filePath(QStringLiteral("open.png")), QStringLiteral("PNG, 16-bit")), qPrintable(w.lastProblem()));
        QProcess batch;
        batch.start(QStringLiteral(FUSELAB_CLI_PATH), {QStringLiteral("batch"), QStringLiteral("-q"), dir.filePath(QStringLiteral("open.png.json")),
                                                       dir.filePath(QStringLiteral("scenes")), QStringLiteral("-o"), dir.filePath(QStringLiteral("cli"))});
        QVERIFY(batch.waitForFinished(60000));
        QVERIFY2(batch.exitCode() == 0, batch.readAllStandardError().constData());
        for (const QString& name : {QStringLiteral("one.png"), QStringLiteral("two.png")}) {
            QFile a(gui + QLatin1Char('/') + name), b(dir.filePath(QStringLiteral("cli/")) + name);
            QVERIFY2(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly), qPrintable(name));
            const QByteArray guiBytes = a.readAll();
            QVERIFY(!guiBytes.isEmpty());
            QVERIFY2(guiBytes == b.readAll(), qPrintable(name + QStringLiteral(" differs between Apply to folder and fuselab-cli batch")));
        }
        QVERIFY(QFile::exists(gui + QStringLiteral("/summary.csv")));
        // An HDR10 (PQ) result applies too: its recipe ends in core's PQ encoding step.
        QVERIFY2(w.applyToFolders({dir.filePath(QStringLiteral("scenes"))}, dir.filePath(QStringLiteral("pq")), QStringLiteral("PNG, 16-bit PQ (HDR10)")),
                 qPrintable(w.lastProblem()));
        QCOMPARE(readImage(dir.filePath(QStringLiteral("pq/one.png")).toStdString()).header.bitDepth, 16);
        // A folder without brackets is refused, naming it.
        QDir(dir.path()).mkpath(QStringLiteral("empty"));
        QVERIFY(!w.applyToFolders({dir.filePath(QStringLiteral("empty"))}, dir.filePath(QStringLiteral("none")), QStringLiteral("PNG, 8-bit")));
        QVERIFY2(w.lastProblem().contains(QStringLiteral("empty")), qPrintable(w.lastProblem()));
    }

    void largeStacksOpenOnTheirProxyAndExportFullSizeInBands()
    {
        // A stack is "large" when its whole-image fusion would not fit the threshold (half of the
        // available memory by default; 1 byte here): it opens on its proxy, and Export fuses the
        // files at full size in bands — the same pixels as the whole-image fusion.
        QTemporaryDir dir;
        const JpegStack written = writeJpegStack(dir, 640, 480, 4);
        const QStringList& paths = written.paths;
        const std::vector<std::string>& files = written.files;
        const std::vector<double> stops = written.stops;
        MainWindow w(m_registry);
        Workspace& ws = w.workspace();
        openAsLargeStack(w, paths, 200);
        QVERIFY(ws.isLargeStack());
        QCOMPARE(ws.loadedStack().width(), 200);
        QCOMPARE(ws.largeStackWidthPx(), 640);
        const QLabel* note = w.findChild<QLabel*>(QStringLiteral("largeStackNote"));
        QVERIFY(note && note->text().contains(QStringLiteral("640×480")));
        // Deghosting (on by default) needs whole frames: the export says so and writes nothing.
        const QString tif = dir.filePath(QStringLiteral("full.tif"));
        QVERIFY(!w.exportTo(tif, QStringLiteral("TIFF, 8-bit")));
        QVERIFY2(w.lastProblem().contains(QStringLiteral("deghosting")), qPrintable(w.lastProblem()));
        QVERIFY(!QFile::exists(tif));
        ws.editParameter("mertens", QStringLiteral("deghost"), true, false, false);
        QVERIFY(!w.exportTo(dir.filePath(QStringLiteral("full.exr")), QStringLiteral("OpenEXR, 32-bit float")));
        QVERIFY2(w.lastProblem().contains(QStringLiteral("TIFF, PNG or JPEG")), qPrintable(w.lastProblem()));
        QVERIFY2(w.exportTo(tif, QStringLiteral("TIFF, 8-bit")), qPrintable(w.lastProblem()));
        const LoadedImage exported = readImage(tif.toStdString());
        QCOMPARE(exported.pixels.width(), 640);
        QCOMPARE(exported.pixels.height(), 480);
        const LoadedStack whole = loadStack(files, StackLoadOptions{});
        FusionOptions options;
        options.outputType = FusedSampleType::U8;
        NullProgress quiet;
        const SampleImage expected = fuseMertens(whole.stack, MertensParams{}, options, quiet).fused;
        int differing = 0;
        for (int y = 0; y < 480; ++y)
            for (int i = 0; i < 640 * 3; ++i) differing += exported.pixels.as8()->row(y)[i] != expected.as8()->row(y)[i];
        QCOMPARE(differing, 0);
        QFile sidecar(tif + QStringLiteral(".json"));
        QVERIFY(sidecar.open(QIODevice::ReadOnly));
        QVERIFY(sidecar.readAll().contains("row bands"));
        // PNG rows: the same pixels.
        const QString png = dir.filePath(QStringLiteral("full.png"));
        QVERIFY2(w.exportTo(png, QStringLiteral("PNG, 8-bit")), qPrintable(w.lastProblem()));
        const LoadedImage pngBack = readImage(png.toStdString());
        QCOMPARE(pngBack.pixels.width(), 640);
        int pngDiffering = 0;
        for (int y = 0; y < 480; ++y)
            for (int i = 0; i < 640 * 3; ++i) pngDiffering += pngBack.pixels.as8()->row(y)[i] != expected.as8()->row(y)[i];
        QCOMPARE(pngDiffering, 0);
        // Rows keep the working space's primaries: a Display P3 file is refused with the reason, not
        // written as sRGB under a recipe that says P3 (the earlier export is left as it was).
        QVERIFY(!w.exportTo(png, QStringLiteral("PNG, 8-bit"), 95, RgbPrimaries::DisplayP3));
        QVERIFY2(w.lastProblem().contains(QStringLiteral("working space")), qPrintable(w.lastProblem()));
        QCOMPARE(readImage(png.toStdString()).pixels.width(), 640);
        // The export in bands holds the recipe of the whole-image pipeline it equals: the command
        // line makes the same pixels from it.
        QProcess replay;
        const QString again = dir.filePath(QStringLiteral("full-again.png"));
        replay.start(QStringLiteral(FUSELAB_CLI_PATH), {QStringLiteral("replay"), QStringLiteral("-q"), png + QStringLiteral(".json"), QStringLiteral("-o"), again});
        QVERIFY(replay.waitForFinished(60000));
        QVERIFY2(replay.exitCode() == 0, replay.readAllStandardError().constData());
        const LoadedImage replayed = readImage(again.toStdString());
        int replayDiffering = 0;
        for (int y = 0; y < 480; ++y)
            for (int i = 0; i < 640 * 3; ++i) replayDiffering += replayed.pixels.as8()->row(y)[i] != pngBack.pixels.as8()->row(y)[i];
        QCOMPARE(replayDiffering, 0);
        // HDR mode: the radiance, row by row, the same as the whole-image merge (EVs typed here:
        // these JPEGs carry no EXIF exposure). Tone-mapped formats need the whole image.
        ws.setStage(QStringLiteral("mode"), "hdr");
        for (int i = 0; i < 3; ++i) ws.setFrameEv(i, stops[std::size_t(i)]);
        ws.editParameter(ws.session().mergeId, QStringLiteral("deghost"), true, false, false);
        QVERIFY(!w.exportTo(dir.filePath(QStringLiteral("tm.png")), QStringLiteral("PNG, 16-bit")));
        QVERIFY2(w.lastProblem().contains(QStringLiteral("OpenEXR")), qPrintable(w.lastProblem()));
        const QString exr = dir.filePath(QStringLiteral("radiance.exr"));
        QVERIFY2(w.exportTo(exr, QStringLiteral("OpenEXR, 32-bit float")), qPrintable(w.lastProblem()));
        StackLoadOptions withEvs;
        withEvs.evs = stops;
        const LoadedStack typed = loadStack(files, withEvs);
        const Operator& merge = m_registry.get(ws.session().mergeId);
        OperatorInput mergeIn;
        mergeIn.stack = &typed.stack;
        ParamValues noDeghost;
        noDeghost.set("deghost", false);
        const OperatorOutput merged = runOperator(merge, mergeIn, noDeghost, quiet);
        const LoadedImage radiance = readImage(exr.toStdString());
        QCOMPARE(radiance.pixels.width(), 640);
        const Image& got = *radiance.pixels.asFloat();
        double worst = 0.0;
        for (int y = 0; y < 480; ++y)
            for (int i = 0; i < 640 * 3; ++i) worst = std::max(worst, double(std::fabs(got.row(y)[i] - merged.image.row(y)[i])));
        QCOMPARE(worst, 0.0);
    }

    void largeStackExportsTheLearnedFusionInBands()
    {
#if defined(FUSELAB_SOURCE_MODELS_DIR)
        // The learned operator provides its weights a band at a time; the GUI asks the operator,
        // not for an operator by name. The export equals the operator's whole-image result.
        QTemporaryDir dir;
        const JpegStack written = writeJpegStack(dir, 480, 360, 8);
        const QStringList& paths = written.paths;
        const std::vector<std::string>& files = written.files;
        OperatorRegistry registry;
        registerBuiltinOperators(registry);
        registry.add(learn::makeLearnedFusionOperator(std::string(FUSELAB_SOURCE_MODELS_DIR) + "/" + learn::kShippedModelFileName, &pyramidBlend));
        MainWindow w(registry);
        Workspace& ws = w.workspace();
        openAsLargeStack(w, paths, 160);
        QVERIFY(ws.isLargeStack());
        ws.setStage(QStringLiteral("fusion"), "learned");
        const QString tif = dir.filePath(QStringLiteral("learned.tif"));
        QVERIFY2(w.exportTo(tif, QStringLiteral("TIFF, 8-bit")), qPrintable(w.lastProblem()));
        const LoadedImage exported = readImage(tif.toStdString());
        QCOMPARE(exported.pixels.width(), 480);
        const LoadedStack whole = loadStack(files, StackLoadOptions{});
        OperatorInput in;
        in.stack = &whole.stack;
        NullProgress quiet;
        const OperatorOutput fused = runOperator(registry.get("learned"), in, ParamValues{}, quiet);
        int differing = 0;
        for (int y = 0; y < 360; ++y)
            for (int i = 0; i < 480 * 3; ++i) {
                const float v = std::clamp(fused.image.row(y)[i], 0.0f, 1.0f);
                differing += exported.pixels.as8()->row(y)[i] != std::uint8_t(v * 255.0f + 0.5f);
            }
        QCOMPARE(differing, 0);
#else
        QSKIP("built without LibTorch");
#endif
    }

    void sessionSavedAndReopenedGivesTheSameParameters()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.fuselab"));
        SessionState saved;
        {
            MainWindow w(m_registry);
            Workspace& ws = w.workspace();
            ws.loadSample(200, 130);
            ws.editParameter("mertens", QStringLiteral("sigma"), 0.2, 0.31, false);
            ws.editParameter("mertens", QStringLiteral("levels"), std::int64_t(0), std::int64_t(5), false);
            ws.setStage(QStringLiteral("tonemap"), "tonemap-drago");
            ws.setFrameIncluded(1, false);
            QVERIFY(w.saveSession(path));
            saved = ws.session();
        }
        MainWindow w2(m_registry);
        QVERIFY(w2.loadSession(path));
        const SessionState& loaded = w2.workspace().session();
        const Operator& mertens = m_registry.get("mertens");
        QCOMPARE(loaded.valuesFor(mertens).number("sigma"), 0.31);
        QCOMPARE(loaded.valuesFor(mertens).integer("levels"), std::int64_t(5));
        QCOMPARE(QString::fromStdString(loaded.tonemapId), QStringLiteral("tonemap-drago"));
        QVERIFY(loaded.frames == saved.frames);
        QVERIFY(!loaded.frames[1].included);
    }

    void olderSessionVersionsLoadWithAMigrationNote()
    {
        QJsonObject params;
        params.insert(QStringLiteral("sigma"), 0.25);
        params.insert(QStringLiteral("retired_option"), true);
        QJsonObject op;
        op.insert(QStringLiteral("version"), 0);
        op.insert(QStringLiteral("params"), params);
        QJsonObject ops;
        ops.insert(QStringLiteral("mertens"), op);
        QJsonObject root;
        root.insert(QStringLiteral("format"), QStringLiteral("fuselab-session"));
        root.insert(QStringLiteral("format_version"), 1);
        root.insert(QStringLiteral("operators"), ops);
        QStringList notes;
        const SessionState s = SessionState::fromJson(root, m_registry, &notes);
        QCOMPARE(s.valuesFor(m_registry.get("mertens")).number("sigma"), 0.25);
        QCOMPARE(notes.size(), 2);
        QVERIFY(notes.join(QLatin1Char('\n')).contains(QStringLiteral("retired_option")));
        QVERIFY(notes.join(QLatin1Char('\n')).contains(QStringLiteral("version 0")));
    }

    // Issue 19: a value an older operator version stored under another name (and unit) is
    // migrated by the operator, not dropped; what no longer fits is repaired with a note.
    void sessionValuesOfAnOlderOperatorVersionAreMigrated()
    {
        OperatorRegistry registry;
        registerBuiltinOperators(registry);
        registry.add(test::makeMigratingTestOperator());
        QJsonObject params;
        params.insert(QStringLiteral("threshold"), 0.4);
        QJsonObject op;
        op.insert(QStringLiteral("version"), 1);
        op.insert(QStringLiteral("params"), params);
        QJsonObject tooLarge;
        tooLarge.insert(QStringLiteral("sigma"), 7.5);
        QJsonObject mertens;
        mertens.insert(QStringLiteral("version"), 1);
        mertens.insert(QStringLiteral("params"), tooLarge);
        QJsonObject ops;
        ops.insert(QStringLiteral("test-migrating"), op);
        ops.insert(QStringLiteral("mertens"), mertens);
        QJsonObject root;
        root.insert(QStringLiteral("format"), QStringLiteral("fuselab-session"));
        root.insert(QStringLiteral("format_version"), 1);
        root.insert(QStringLiteral("operators"), ops);
        QStringList notes;
        const SessionState s = SessionState::fromJson(root, registry, &notes);
        QCOMPARE(s.valuesFor(registry.get("test-migrating")).number("tolerance"), 0.4 * 255.0);
        const ParamSpec sigma = registry.get("mertens").params()[3];
        QCOMPARE(QString::fromStdString(sigma.id), QStringLiteral("sigma"));
        QCOMPARE(s.valuesFor(registry.get("mertens")).number("sigma"), sigma.maxValue); // clamped, not reset silently
        const QString all = notes.join(QLatin1Char('\n'));
        QVERIFY2(all.contains(QStringLiteral("threshold (0..1) is now tolerance (0..255)")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("clamped")), qPrintable(all));
    }

    void corruptFileReportsAnErrorAndTheWindowLives()
    {
        QTemporaryDir dir;
        MainWindow w(m_registry);
        w.show();
        w.workspace().loadSample(200, 130);
        QTRY_VERIFY_WITH_TIMEOUT(w.viewer()->hasImage(), 15000);
        const QString bad = dir.filePath(QStringLiteral("broken.jpg"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("\xff\xd8\xff\xe0 this is not really a JPEG");
        f.close();
        w.openPaths({bad});
        QTRY_VERIFY_WITH_TIMEOUT(w.lastProblem().contains(QStringLiteral("broken.jpg")), 10000);
        QVERIFY(w.isVisible());
        QVERIFY(w.viewer()->hasImage());                      // the sample is still shown
        QCOMPARE(w.workspace().loadedStack().size(), std::size_t(5)); // and still usable
    }

    void aTruncatedFileBesideAGoodOneIsNamedWithItsProblem()
    {
        // One good JPEG and one truncated: the banner names the broken file and its problem,
        // not only "the stack needs at least two included images".
        QTemporaryDir dir;
        const Image frame = makeSyntheticScene({"interior", 64, 48, 2});
        const std::string good = dir.filePath(QStringLiteral("good.jpg")).toStdString();
        writeImage(good, withEncoding(frame, ColourEncoding::Srgb));
        std::vector<std::uint8_t> bytes = readFileBytes(good);
        bytes.resize(bytes.size() / 2);
        const QString cut = dir.filePath(QStringLiteral("cut.jpg"));
        QFile f(cut);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(reinterpret_cast<const char*>(bytes.data()), qint64(bytes.size()));
        f.close();
        MainWindow w(m_registry);
        w.show();
        w.openPaths({QString::fromStdString(good), cut});
        QTRY_VERIFY_WITH_TIMEOUT(w.lastProblem().contains(QStringLiteral("at least two")), 10000);
        QVERIFY2(w.lastProblem().contains(QStringLiteral("cut.jpg")), qPrintable(w.lastProblem()));
        QVERIFY2(w.lastProblem().contains(QStringLiteral("truncated")), qPrintable(w.lastProblem()));
    }

    void paintedDeghostingDecisionsReachTheFusionAndTheSession()
    {
        QTemporaryDir dir;
        MainWindow w(m_registry);
        w.show();
        Workspace& ws = w.workspace();
        ws.loadSample(200, 130);
        QTRY_VERIFY_WITH_TIMEOUT(ws.previewResult() != nullptr, 15000);
        // A stroke over the left half, taken from the second loaded frame.
        QImage brush(100, 65, QImage::Format_Grayscale8);
        brush.fill(0);
        for (int y = 0; y < 65; ++y)
            for (int x = 0; x < 50; ++x) brush.scanLine(y)[x] = 255;
        const int code = ws.deghostCodeOf(1);
        QVERIFY(code >= 1);
        ws.paintDeghostSource(brush, 1);
        QVERIFY(!ws.session().deghostMask.isNull());
        QCOMPARE(ws.session().deghostMask.size(), QSize(200, 130));
        QCOMPARE(int(ws.session().deghostMask.pixelColor(10, 10).red()), code);
        QCOMPARE(int(ws.session().deghostMask.pixelColor(150, 10).red()), 0);
        // The next result counts the painted pixels as taken from that frame.
        const std::string key = "mertens.deghost_pixels_frame_" + std::to_string(code - 1);
        QTRY_VERIFY_WITH_TIMEOUT(ws.previewResult() && ws.previewResult()->scalars.count(key) &&
                                     ws.previewResult()->scalars.at(key) > 0.0, 15000);
        bool overlay = false;
        for (const NamedImage& m : ws.previewResult()->maps) overlay |= m.name == "painted_sources";
        QVERIFY(overlay);
        // Saved in the session and reopened.
        const QString path = dir.filePath(QStringLiteral("painted.fuselab"));
        QVERIFY(w.saveSession(path));
        MainWindow w2(m_registry);
        QVERIFY(w2.loadSession(path));
        QCOMPARE(w2.workspace().session().deghostMask.size(), QSize(200, 130));
        QCOMPARE(int(w2.workspace().session().deghostMask.pixelColor(10, 10).red()), code);
        // Undo takes the paint back.
        ws.undoStack()->undo();
        QVERIFY(ws.session().deghostMask.isNull());
    }

    void evaluationDialogRunsTheBenchShowsTheTableAndTheChart()
    {
        // Two generated scenes; the session's method (the baseline) against itself is enough to
        // see the same code as `fuselab-cli bench` run, fill the table and the chart, and export.
        QTemporaryDir dir;
        for (int s = 0; s < 2; ++s) {
            const Image scene = makeSyntheticScene({"interior", 96, 64, std::uint64_t(s + 1)});
            ExposureSimulation sim;
            sim.stops = {-2.0, 0.0, 2.0};
            sim.exposureScale = autoExposureScale(scene);
            const auto frames = exposeScene(scene, sim);
            const QString folder = dir.filePath(QStringLiteral("scenes/s%1").arg(s));
            QDir().mkpath(folder);
            for (std::size_t k = 0; k < frames.size(); ++k)
                writeImage(QStringLiteral("%1/f%2.png").arg(folder).arg(k).toStdString(), frames[k].pixels);
        }
        MainWindow w(m_registry);
        EvaluationDialog* dialog = w.evaluationDialog();
        dialog->setFolder(dir.filePath(QStringLiteral("scenes")));
        dialog->setOutputFolder(dir.filePath(QStringLiteral("out")));
        QSignalSpy done(dialog, &EvaluationDialog::finished);
        dialog->start();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        QCOMPARE(done.front().front().toBool(), true);
        QCOMPARE(dialog->lastRun().scenes, 2);
        QCOMPARE(int(dialog->lastRun().rows.size()), 2 * int(benchMetricKeys().size()));
        QCOMPARE(dialog->summaryTable()->rowCount(), int(benchMetricKeys().size()));
        QCOMPARE(dialog->chartSeriesCount(), 1);
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("out/table.md"))));
        const QString csv = dir.filePath(QStringLiteral("export.csv"));
        QVERIFY(dialog->exportCsv(csv));
        const std::vector<std::uint8_t> bytes = readFileBytes(csv.toStdString());
        QCOMPARE(benchRowsFromCsv(parseCsv(std::string(bytes.begin(), bytes.end()), "export.csv"), "export.csv").size(),
                 dialog->lastRun().rows.size());
    }

    void eventRecordingOpensAndItsWindowsOverlayTheView()
    {
        const QString evt3 = QStringLiteral(FUSELAB_SHARED_DATA_DIR "/events/evt3_sample.raw");
        if (!QFile::exists(evt3)) QSKIP("../shared/data/events is absent");
        MainWindow w(m_registry);
        w.show();
        QSignalSpy overlays(w.eventsPanel(), &EventsPanel::overlayReady);
        w.openPaths({evt3});
        QTRY_VERIFY_WITH_TIMEOUT(w.eventsPanel()->hasRecording(), 20000);
        QCOMPARE(w.eventsPanel()->metadata().widthPx, 1280);
        QCOMPARE(w.eventsPanel()->metadata().heightPx, 720);
        QTRY_VERIFY_WITH_TIMEOUT(overlays.count() >= 1, 10000);
        // The whole 8.8 ms recording in one window: every one of its 219 596 events.
        w.eventsPanel()->setWindow(0, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(w.eventsPanel()->lastWindowEventCount(), std::uint64_t(219596), 10000);
        QVERIFY(w.overlayPanel()->selectedMap() != nullptr);
        QCOMPARE(w.overlayPanel()->selectedMap()->width(), 1280);
        QVERIFY(w.viewer()->hasImage()); // the dark sensor canvas

        // The overlay is core's rendering of the window by the view's operator, as `events render` writes it.
        const EventOverlayView& first = eventOverlayViews().front();
        auto reader = openEventReader(evt3.toStdString());
        NullProgress quiet;
        const RenderedEventWindow expected = renderEventWindow(*reader, m_registry.get(first.operatorId),
                                                               EventWindow::byTime(w.eventsPanel()->firstUs(), 20000), first.fixed, nullptr, quiet);
        const Image* shown = w.overlayPanel()->selectedMap();
        QCOMPARE(shown->channels(), expected.image.channels());
        double worst = 0.0, sum = 0.0;
        for (int y = 0; y < shown->height(); ++y)
            for (int x = 0; x < shown->width(); ++x) {
                worst = std::max(worst, double(std::fabs(shown->at(x, y) - expected.image.at(x, y))));
                sum += std::fabs(expected.image.at(x, y));
            }
        QCOMPARE(worst, 0.0);
        QVERIFY(sum > 1000.0); // events are there to compare

        // The second view's operator brings its own parameters (τ of the time surface), not the window's.
        auto* view = w.eventsPanel()->findChild<QComboBox*>(QStringLiteral("eventView"));
        auto* params = w.eventsPanel()->findChild<ParameterPanel*>(QStringLiteral("eventViewParameters"));
        QVERIFY(view && params);
        QCOMPARE(view->count(), int(eventOverlayViews().size()));
        QVERIFY(params->editorFor(QStringLiteral("window_us")) == nullptr);
        const int before = int(overlays.count());
        view->setCurrentIndex(1);
        const Operator& second = m_registry.get(eventOverlayViews()[1].operatorId);
        QVERIFY(params->editorFor(QStringLiteral("tau_ms")) != nullptr);
        QCOMPARE(params->values().number("tau_ms"), defaultValues(second.params()).number("tau_ms"));
        QTRY_VERIFY_WITH_TIMEOUT(overlays.count() > before, 10000);
        QVERIFY(overlays.last().at(0).toString().contains(QString::fromStdString(eventOverlayViews()[1].label)));
    }

#if defined(FUSELAB_HAVE_LEARN)
    // "Fine-tune on the open stack" in the GUI and `train --data STACK --init shipped` on the same
    // stack prepare the same run (core's prepareTraining): both start from the shipped model and
    // validate on the stack itself, so their validation scores agree.
    void fineTuningOnTheOpenStackValidatesAsTheCommandLineDoes()
    {
        QTemporaryDir dir;
        const QString cli = QStringLiteral(FUSELAB_CLI_PATH);
        const QString sample = dir.filePath(QStringLiteral("sample"));
        QCOMPARE(QProcess::execute(cli, {QStringLiteral("sample"), QStringLiteral("-q"), QStringLiteral("--size"), QStringLiteral("240x160"),
                                         QStringLiteral("-o"), sample}),
                 0);
        const QStringList params = {QStringLiteral("steps=2"), QStringLiteral("batch=2"), QStringLiteral("patch_px=48"),
                                    QStringLiteral("low_res_min_px=16"), QStringLiteral("low_res_max_px=20"),
                                    QStringLiteral("learning_rate=1e-6")};
        QStringList args = {QStringLiteral("train"), QStringLiteral("--data"), sample + QStringLiteral("/stack"), QStringLiteral("--init"),
                            QStringLiteral("shipped"), QStringLiteral("--device"), QStringLiteral("cpu"), QStringLiteral("-o"),
                            dir.filePath(QStringLiteral("cli.pt"))};
        for (const QString& p : params) args << QStringLiteral("--param") << p;
        QProcess train;
        train.start(cli, args);
        QVERIFY(train.waitForFinished(180000));
        QCOMPARE(train.exitCode(), 0);
        const QString log = QString::fromUtf8(train.readAllStandardOutput());
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("validation step 2  mef_ssim ([0-9.]+)  mertens ([0-9.]+)  \\(1 stack fine-tuned on\\)")).match(log);
        QVERIFY2(m.hasMatch(), qPrintable(log));
        const double cliModel = m.captured(1).toDouble(), cliMertens = m.captured(2).toDouble();

        MainWindow w(m_registry);
        w.show();
        w.workspace().loadSample(240, 160); // the stack `fuselab-cli sample` writes
        QTRY_VERIFY_WITH_TIMEOUT(w.viewer()->hasImage(), 15000);
        TrainingPanel* panel = w.trainingPanel();
        QVERIFY(panel);
        auto* data = panel->findChild<QComboBox*>(QStringLiteral("trainData"));
        auto* startFrom = panel->findChild<QComboBox*>(QStringLiteral("trainStartFrom"));
        auto* device = panel->findChild<QComboBox*>(QStringLiteral("trainDevice"));
        QVERIFY(data && startFrom && device);
        data->setCurrentIndex(data->findData(QStringLiteral("stack")));
        startFrom->setCurrentIndex(startFrom->findData(QStringLiteral("shipped")));
        device->setCurrentIndex(device->findData(QStringLiteral("cpu")));
        for (const QString& p : params) {
            const QString id = p.section(QLatin1Char('='), 0, 0), text = p.section(QLatin1Char('='), 1);
            if (id == QLatin1String("learning_rate")) panel->setValue(id, text.toDouble());
            else panel->setValue(id, std::int64_t(text.toLongLong()));
        }
        QSignalSpy validations(panel, &TrainingPanel::validated);
        QSignalSpy ended(panel, &TrainingPanel::runEnded);
        panel->start();
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 180000);
        QCOMPARE(validations.count(), 1);
        const double guiModel = validations.first().at(1).toDouble(), guiMertens = validations.first().at(2).toDouble();
        qInfo("fine-tuning validation: GUI %.6f (Mertens %.6f), CLI %.5f (Mertens %.5f)", guiModel, guiMertens, cliModel, cliMertens);
        QVERIFY(std::fabs(guiMertens - cliMertens) <= 6e-6); // the CLI prints 5 decimals
        QVERIFY(std::fabs(guiModel - cliModel) <= 2e-5);
        QVERIFY(guiModel > guiMertens); // the shipped model, not fresh weights (0.94 against 0.92 here)
    }

    void trainingPanelChartsEveryTermAndRefreshesThePreview()
    {
        MainWindow w(m_registry);
        w.show();
        w.workspace().loadSample(240, 160);
        QTRY_VERIFY_WITH_TIMEOUT(w.viewer()->hasImage(), 15000);
        TrainingPanel* panel = w.trainingPanel();
        QVERIFY(panel);
        // A tiny run: fine-tune the shipped model on generated scenes for three steps.
        panel->setValue(QStringLiteral("steps"), std::int64_t(3));
        panel->setValue(QStringLiteral("batch"), std::int64_t(2));
        panel->setValue(QStringLiteral("patch_px"), std::int64_t(48));
        panel->setValue(QStringLiteral("low_res_min_px"), std::int64_t(16));
        panel->setValue(QStringLiteral("low_res_max_px"), std::int64_t(20));
        panel->setPreviewInterval(0.0);
        QSignalSpy steps(panel, &TrainingPanel::stepLogged);
        QSignalSpy previews(panel, &TrainingPanel::previewReady);
        QSignalSpy validations(panel, &TrainingPanel::validated);
        QSignalSpy ended(panel, &TrainingPanel::runEnded);
        QElapsedTimer clock;
        clock.start();
        panel->start();
        QVERIFY(panel->isRunning());
        // The GUI thread keeps turning while the run goes (QTRY spins the event loop).
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 180000);
        qInfo("3 training steps + validation in the GUI: %lld ms", clock.elapsed());
        QCOMPARE(ended.first().at(0).toBool(), true);
        QCOMPARE(steps.count(), 3);
        QCOMPARE(panel->completedSteps(), qint64(3));
        const QStringList drawn = panel->chart()->series().terms();
        for (const std::string& term : learn::stepLogTermIds()) {
            QVERIFY2(drawn.contains(QString::fromStdString(term)), term.c_str());
            QCOMPARE(panel->chart()->series().raw(QString::fromStdString(term)).size(), std::size_t(3));
        }
        QVERIFY(drawn.contains(QStringLiteral("validation mef_ssim")));
        QCOMPARE(validations.count(), 1);
        const double mefSsim = validations.first().at(1).toDouble();
        QVERIFY2(mefSsim > 0.5 && mefSsim <= 1.0, qPrintable(QString::number(mefSsim)));
        QVERIFY(previews.count() >= 1);
        const Image preview = previews.last().at(0).value<Image>();
        QCOMPARE(preview.width(), 240);
        QCOMPARE(preview.height(), 160);
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("tuned.pt"));
        QVERIFY(panel->saveModel(model));
        QVERIFY(QFile::exists(model));
    }

    void trainingOnFrameEventDataChartsEveryModalityTerm()
    {
        MainWindow w(m_registry);
        TrainingPanel* panel = w.trainingPanel();
        auto* data = panel->findChild<QComboBox*>(QStringLiteral("trainData"));
        auto* startFrom = panel->findChild<QComboBox*>(QStringLiteral("trainStartFrom"));
        QVERIFY(data && startFrom);
        data->setCurrentIndex(data->findData(QStringLiteral("synthetic-events")));
        startFrom->setCurrentIndex(startFrom->findData(QStringLiteral("fresh")));
        QVERIFY(data->currentIndex() >= 0 && startFrom->currentIndex() >= 0);
        panel->setValue(QStringLiteral("steps"), std::int64_t(2));
        panel->setValue(QStringLiteral("batch"), std::int64_t(1));
        panel->setValue(QStringLiteral("patch_px"), std::int64_t(48));
        panel->setValue(QStringLiteral("low_res_min_px"), std::int64_t(16));
        panel->setValue(QStringLiteral("low_res_max_px"), std::int64_t(20));
        QSignalSpy validations(panel, &TrainingPanel::validated);
        QSignalSpy ended(panel, &TrainingPanel::runEnded);
        QSignalSpy previews(panel, &TrainingPanel::previewReady);
        panel->start();
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 180000);
        QCOMPARE(ended.first().at(0).toBool(), true);
        // Every term of the frame/event objective is charted: L1 per modality and MI per pair.
        const QStringList drawn = panel->chart()->series().terms();
        for (const std::string& term : learn::stepLogTermIds(learn::frameEventModalities())) {
            QVERIFY2(drawn.contains(QString::fromStdString(term)), term.c_str());
            QCOMPARE(panel->chart()->series().raw(QString::fromStdString(term)).size(), std::size_t(2));
        }
        for (const char* term : {"l1_frame_mae", "l1_event_mae", "l1_eframe_mae", "mi_frame_event", "mi_frame_eframe", "mi_event_eframe"})
            QVERIFY2(drawn.contains(QLatin1String(term)), term);
        // Validation against the simulator's true radiance, beside the frame alone (dB).
        QCOMPARE(validations.count(), 1);
        QVERIFY(drawn.contains(QStringLiteral("validation psnr_mu")));
        const double psnrMu = validations.first().at(1).toDouble(), frameAlone = validations.first().at(2).toDouble();
        QVERIFY2(psnrMu > 5.0 && psnrMu < 60.0 && frameAlone > 5.0 && frameAlone < 60.0,
                 qPrintable(QStringLiteral("%1 %2").arg(psnrMu).arg(frameAlone)));
        QCOMPARE(previews.count(), 0); // a frame/event network does not fuse the open exposure stack
        data->setCurrentIndex(0);      // leave the remembered choice as the other tests expect it
        startFrom->setCurrentIndex(0);
    }

    void attributionPanelExplainsADrawnRegionComparesAndDrawsCurves()
    {
        MainWindow w(m_registry);
        w.show();
        w.workspace().loadSample(240, 160);
        QTRY_VERIFY_WITH_TIMEOUT(w.viewer()->hasImage(), 15000);
        const int inputs = int(w.workspace().includedProxy().frames.size());
        QVERIFY(inputs >= 2);
        AttributionPanel* panel = w.attributionPanel();
        QVERIFY(panel);
        // A region drawn in the viewer reaches the panel (x 60–180, y 40–120 of 240×160).
        w.viewer()->setRegionFraction(QRectF(0.25, 0.25, 0.5, 0.5));
        panel->setMethod(QStringLiteral("saliency"));
        panel->setTargetQuantity(QStringLiteral("luminance"));
        QSignalSpy computed(panel, &AttributionPanel::computed);
        QSignalSpy problems(panel, &AttributionPanel::problem);
        QElapsedTimer clock;
        clock.start();
        panel->compute();
        QTRY_COMPARE_WITH_TIMEOUT(computed.count(), 1, 120000);
        QCOMPARE(problems.count(), 0);
        QCOMPARE(panel->results().size(), std::size_t(1));
        const AttributionEntry entry = panel->results().front(); // a copy: later results grow the vector
        QCOMPARE(int(entry.maps.size()), inputs);
        QCOMPARE(entry.target.region, learn::TargetRegion::Rectangle);
        // The gradient of a region's mean lives around the region: far corners get far less.
        double inside = 0.0, corner = 0.0;
        int nInside = 0, nCorner = 0;
        for (const Image& map : entry.maps) {
            QCOMPARE(map.width(), 240);
            QCOMPARE(map.height(), 160);
            for (int y = 0; y < 160; ++y)
                for (int x = 0; x < 240; ++x) {
                    const double v = std::abs(map.row(y)[x]);
                    if (x >= 70 && x < 170 && y >= 50 && y < 110) inside += v, ++nInside;
                    else if ((x < 20 || x >= 220) && (y < 15 || y >= 145)) corner += v, ++nCorner;
                }
        }
        QVERIFY2(inside / nInside > 3.0 * corner / nCorner, qPrintable(QStringLiteral("%1 %2").arg(inside / nInside).arg(corner / nCorner)));
        // The maps are offered in the overlay, the first one shown.
        auto* overlay = w.findChild<OverlayPanel*>();
        QVERIFY(overlay);
        QVERIFY2(overlay->selectedName().startsWith(QStringLiteral("attribution 1 saliency")), qPrintable(overlay->selectedName()));
        // Compare two more methods: one grid row each, one column per input.
        panel->compareMethods({QStringLiteral("gradxinput"), QStringLiteral("gradcam")});
        QTRY_COMPARE_WITH_TIMEOUT(computed.count(), 2, 120000);
        qInfo("attribution: saliency + gradxinput + gradcam %lld ms", clock.restart());
        QCOMPARE(panel->grid()->rowCount(), 3);
        QCOMPARE(panel->grid()->columnCount(), inputs);
        // Curves of the latest maps stream into the chart and end with AUCs in [0,1].
        panel->setCurveValue(QStringLiteral("curve_steps"), std::int64_t(5));
        QSignalSpy curves(panel, &AttributionPanel::curvesComputed);
        panel->computeCurves();
        QTRY_COMPARE_WITH_TIMEOUT(curves.count(), 1, 180000);
        qInfo("attribution curves %lld ms", clock.restart());
        QCOMPARE(problems.count(), 0);
        for (const QString& c : {QStringLiteral("deletion"), QStringLiteral("insertion")}) {
            QVERIFY2(panel->chart()->curves().contains(c), qPrintable(panel->chart()->curves().join(',')));
            const double auc = panel->chart()->auc(c);
            QVERIFY2(auc >= 0.0 && auc <= 1.0, qPrintable(QString::number(auc)));
        }
        // Export: every map as float EXR (values kept) and as a coloured PNG; the curves as CSV.
        QTemporaryDir dir;
        QString error;
        QVERIFY2(panel->exportMaps(dir.path(), &error), qPrintable(error));
        const QStringList exrs = QDir(dir.path()).entryList({QStringLiteral("*.exr")});
        QCOMPARE(exrs.size(), 3 * inputs);
        QCOMPARE(QDir(dir.path()).entryList({QStringLiteral("*.png")}).size(), 3 * inputs);
        // The first result's first map comes back exactly (float EXR, one channel, signed).
        const QString first = QStringLiteral("1-saliency_%1.exr").arg(QFileInfo(entry.inputNames.front()).completeBaseName().replace(QLatin1Char(' '), QLatin1Char('_')));
        QVERIFY2(exrs.contains(first), qPrintable(exrs.join(',')));
        const Image back = readImage(QDir(dir.path()).filePath(first).toStdString()).pixels.toFloat();
        QCOMPARE(back.width(), 240);
        QCOMPARE(back.channels(), 1);
        double largestDifference = 0.0;
        for (int y = 0; y < 160; ++y)
            for (int x = 0; x < 240; ++x)
                largestDifference = std::max(largestDifference, double(std::abs(back.row(y)[x] - entry.maps.front().row(y)[x])));
        QCOMPARE(largestDifference, 0.0);
        QVERIFY(panel->chart()->saveCsv(dir.filePath(QStringLiteral("curves.csv")), &error));
        QFile csv(dir.filePath(QStringLiteral("curves.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QVERIFY(QString::fromUtf8(csv.readAll()).contains(QStringLiteral("curve,x,y")));
    }

    void eventsDockFusesAWindowWithTheFrameEventModel()
    {
        // A simulated recording with its frames (HDF5 images/), 64×48, two frames 33 ms apart.
        QTemporaryDir dir;
        EventSequenceOptions o;
        o.scene = {"interior", 64, 48, 3};
        o.frames = 2;
        o.motion = SimMotion::Object;
        o.motionPx = 6.0;
        o.brightnessStops = 1.5;
        const EventSequence seq = simulateEventSequence(o);
        const std::string path = dir.filePath(QStringLiteral("rec.h5")).toStdString();
        writeEventsHdf5(path, seq.events, {Hdf5Frame{seq.frameTimesUs[0], seq.frames[0]}, Hdf5Frame{seq.frameTimesUs[1], seq.frames[1]}});
        MainWindow w(m_registry);
        EventsPanel* events = w.findChild<EventsPanel*>();
        QVERIFY(events);
        QSignalSpy opened(events, &EventsPanel::recordingOpened);
        QSignalSpy fused(events, &EventsPanel::fusedReady);
        QSignalSpy problems(events, &EventsPanel::problem);
        events->openRecording(QString::fromStdString(path));
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30000);
        events->setWindow(0, 1000000); // every event: F is the second frame, EF integrates from the first
        events->fuseWindow();
        QTRY_COMPARE_WITH_TIMEOUT(fused.count() + problems.count(), 1, 120000);
        QCOMPARE(problems.count(), 0);
        const Image image = fused.first().at(0).value<Image>();
        QCOMPARE(image.width(), 64);
        QCOMPARE(image.height(), 48);
        QCOMPARE(image.channels(), 3);
        double sum = 0.0;
        for (int y = 0; y < 48; ++y)
            for (int i = 0; i < 64 * 3; ++i) {
                const float v = image.row(y)[i];
                QVERIFY(std::isfinite(v) && v >= 0.0f && v <= 1.0f);
                sum += v;
            }
        QVERIFY(sum > 0.0);
        QVERIFY(fused.first().at(1).toString().contains(QStringLiteral("events")));
        // The viewer shows it like any other result.
        QTRY_VERIFY_WITH_TIMEOUT(w.viewer()->hasImage(), 5000);
    }

    void trainingPausesAppliesChangesAndStopsWithACheckpoint()
    {
        MainWindow w(m_registry);
        TrainingPanel* panel = w.trainingPanel();
        panel->setValue(QStringLiteral("steps"), std::int64_t(100000));
        panel->setValue(QStringLiteral("batch"), std::int64_t(1));
        panel->setValue(QStringLiteral("patch_px"), std::int64_t(32));
        panel->setValue(QStringLiteral("low_res_min_px"), std::int64_t(16));
        panel->setValue(QStringLiteral("low_res_max_px"), std::int64_t(16));
        panel->setValue(QStringLiteral("validate_every"), std::int64_t(0));
        QSignalSpy ended(panel, &TrainingPanel::runEnded);
        QSignalSpy problems(panel, &TrainingPanel::problem);
        panel->start();
        QTRY_VERIFY_WITH_TIMEOUT(panel->completedSteps() >= 2, 120000);
        QVERIFY2(!panel->saveModel(QStringLiteral("/nonexistent/x.pt")), "saving is refused while a step may be running");
        panel->setPaused(true);
        QVERIFY(panel->isPaused());
        QTest::qWait(300); // the step in flight (if any) lands
        const qint64 pausedAt = panel->completedSteps();
        QTest::qWait(1500);
        QCOMPARE(panel->completedSteps(), pausedAt);
        QTemporaryDir dir;
        QVERIFY(panel->saveModel(dir.filePath(QStringLiteral("paused.pt"))));
        panel->setValue(QStringLiteral("weight_sf"), 0.5); // queued; applies at the next step
        panel->setPaused(false);
        QTRY_VERIFY_WITH_TIMEOUT(panel->completedSteps() > pausedAt + 1, 60000);
        panel->stop();
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 60000);
        QCOMPARE(ended.first().at(0).toBool(), false);
        QVERIFY(!panel->isRunning());
        const QString checkpoint =
            QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("training.checkpoint"));
        QVERIFY2(QFile::exists(checkpoint), qPrintable(checkpoint));
        for (const QList<QVariant>& p : problems) QVERIFY2(!p.at(0).toString().contains(QLatin1String("weight_sf")), qPrintable(p.at(0).toString()));
    }
#endif

    void viewerDrawsARectangleAndABrushRegion()
    {
        ImageViewer viewer;
        viewer.resize(400, 300);
        Image image(200, 150, 3, ColourEncoding::Srgb);
        image.fill(0.5f);
        viewer.setImage(makeDisplayImage(image, ViewTransform{}, QStringLiteral("grey")));
        viewer.show();
        viewer.fitToWindow(); // 2 display px per image px, the image centred: (0,0) at widget (0,0)
        QSignalSpy changed(&viewer, &ImageViewer::regionChanged);
        // Shift+drag draws a rectangle without choosing the tool first.
        QTest::mousePress(&viewer, Qt::LeftButton, Qt::ShiftModifier, QPoint(100, 60));
        QMouseEvent move(QEvent::MouseMove, QPointF(300, 210), QPointF(300, 210), Qt::NoButton, Qt::LeftButton, Qt::ShiftModifier);
        QApplication::sendEvent(&viewer, &move);
        QTest::mouseRelease(&viewer, Qt::LeftButton, Qt::ShiftModifier, QPoint(300, 210));
        QCOMPARE(changed.count(), 1);
        const QRectF r = viewer.regionFraction();
        // Widget (100,60)-(300,210) is image (50,30)-(150,105) of 200x150: fractions 0.25–0.75, 0.2–0.7.
        QVERIFY2(std::abs(r.left() - 0.25) < 0.01 && std::abs(r.right() - 0.75) < 0.01, qPrintable(QStringLiteral("%1 %2").arg(r.left()).arg(r.right())));
        QVERIFY2(std::abs(r.top() - 0.2) < 0.01 && std::abs(r.bottom() - 0.7) < 0.01, qPrintable(QStringLiteral("%1 %2").arg(r.top()).arg(r.bottom())));
        // The brush paints a disc of its radius (in image pixels) into a mask of the image's size.
        viewer.setRegionTool(ImageViewer::RegionTool::Brush);
        viewer.setBrushRadius(10.0);
        QTest::mousePress(&viewer, Qt::LeftButton, Qt::NoModifier, QPoint(200, 150));
        QTest::mouseRelease(&viewer, Qt::LeftButton, Qt::NoModifier, QPoint(200, 150));
        QCOMPARE(changed.count(), 2);
        QVERIFY(viewer.regionFraction().isEmpty());
        const QImage& mask = viewer.brushMask();
        QCOMPARE(mask.size(), QSize(200, 150));
        int painted = 0;
        for (int y = 0; y < mask.height(); ++y)
            for (int x = 0; x < mask.width(); ++x) painted += mask.pixelColor(x, y).value() > 0;
        QVERIFY2(painted > 0.8 * 3.14159 * 100 && painted < 1.2 * 3.14159 * 100, qPrintable(QString::number(painted)));
        QVERIFY(mask.pixelColor(100, 75).value() > 0);
        QCOMPARE(mask.pixelColor(100, 100).value(), 0);
        viewer.clearRegion();
        QVERIFY(viewer.brushMask().isNull());
    }

    void lossSmoothingIsBiasCorrectedAndExportsAndReimports()
    {
        // A constant series: the bias-corrected EMA equals the constant from the first step
        // (an uncorrected EMA would start at (1 − α)·v and creep up).
        std::vector<SeriesPoint> flat;
        for (int i = 1; i <= 20; ++i) flat.push_back({double(i), 4.0});
        for (const SeriesPoint& p : emaBiasCorrected(flat, 0.9)) QCOMPARE(p.value, 4.0);
        // Hand values: v = 1, 3 with α = 0.5: s1 = 0.5, shown 0.5/(1 − 0.5) = 1;
        // s2 = 0.25 + 1.5 = 1.75, shown 1.75/(1 − 0.25) = 7/3.
        const auto ema = emaBiasCorrected({{1, 1.0}, {2, 3.0}}, 0.5);
        QCOMPARE(ema[1].value, 7.0 / 3.0);
        const auto sma = simpleMovingAverage({{1, 1.0}, {2, 3.0}, {3, 5.0}, {4, 7.0}}, 2);
        QCOMPARE(sma[0].value, 1.0);
        QCOMPARE(sma[3].value, 6.0);
        LossChart chart;
        for (int i = 1; i <= 50; ++i) {
            chart.append(QStringLiteral("total"), i, 10.0 / i);
            chart.append(QStringLiteral("l1"), i, 5.0 / i);
        }
        chart.redrawNow();
        QVERIFY(chart.drawnSeriesCount() >= 4); // raw + smoothed for each shown term
        const LossSeries back = LossSeries::fromCsv(chart.csv());
        QCOMPARE(back.raw(QStringLiteral("total")).size(), std::size_t(50));
        QCOMPARE(back.raw(QStringLiteral("l1"))[9].value, 0.5);
        QVERIFY(chart.csv().startsWith(QStringLiteral("step,l1,total,l1_ema,total_ema,l1_sma,total_sma")));
    }

private:
    OperatorRegistry m_registry;
};

QTEST_MAIN(GuiTest)
#include "gui_test.moc"
