// fuselab: the desktop application. With no arguments it opens on the built-in sample stack;
// with files, a folder or a session file it opens those. Where there is no display it says
// so and runs the same pipeline headless (as `fuselab-cli sample`).
#if defined(FUSELAB_HAVE_LEARN)
#include "learn_setup.hpp"
#endif
#include "main_window.hpp"
#include "preferences_dialog.hpp"

#include "fuselab/builtin_operators.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/plugin_loader.hpp"
#include "fuselab/runtime.hpp"
#include "fuselab/sample_pipeline.hpp"

#include <QApplication>

#include <cstdlib>
#include <unistd.h>
#include <QCommandLineParser>
#include <QIcon>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

bool haveDisplay()
{
    auto set = [](const char* name) {
        const char* v = std::getenv(name);
        return v && *v;
    };
    return set("DISPLAY") || set("WAYLAND_DISPLAY") || set("QT_QPA_PLATFORM");
}

class StderrProgress final : public fuselab::ProgressSink {
public:
    void report(double f, std::string_view stage) override
    {
        const int decile = int(f * 10);
        if (decile != m_last) std::fprintf(stderr, "fuselab: %3d%% %s\n", decile * 10, std::string(stage).c_str());
        m_last = decile;
    }
    bool isCancelled() const override { return false; }

private:
    int m_last = -1;
};

int runHeadless(const fuselab::OperatorRegistry& registry)
{
    std::fprintf(stderr, "fuselab: no display (DISPLAY, WAYLAND_DISPLAY and QT_QPA_PLATFORM are unset); "
                         "running the sample pipeline headless into out/sample/\n");
    try {
        fuselab::SampleOptions options;
        options.command = "fuselab (headless)";
        StderrProgress progress;
        const fuselab::SampleReport report = fuselab::runSamplePipeline(options, registry, progress);
        for (const auto& [what, path] : report.outputs) std::printf("  %-28s %s\n", what.c_str(), path.c_str());
        for (const auto& [what, value] : report.numbers) std::printf("  %-28s %.4f\n", what.c_str(), value);
        return 0;
    } catch (const fuselab::Error& e) {
        std::fprintf(stderr, "fuselab: error: %s\n", e.what());
        return 1;
    }
}

/// Warns on stderr about every refused plugin; returns "name version, …" of the loaded ones.
std::string summarisePlugins(const fuselab::PluginReport& report)
{
    std::string loaded;
    for (const fuselab::PluginRecord& p : report.plugins) {
        if (p.status == fuselab::PluginStatus::Refused)
            std::fprintf(stderr, "fuselab: warning: plugin %s was not loaded: %s\n", p.path.c_str(), p.message.c_str());
        else
            loaded += (loaded.empty() ? "" : ", ") + p.name + " " + p.version;
    }
    return loaded;
}

} // namespace

int main(int argc, char** argv)
{
#if defined(FUSELAB_HAVE_LEARN)
    // LibTorch's OpenMP threads spin while waiting unless told otherwise, and starve the GUI's
    // own jobs on a 2-core machine (attribution curves: 52 s spinning against 11 s passive,
    // measured). libgomp reads OMP_WAIT_POLICY once, when it is loaded — at start, through Qt's
    // libb2 — so the setting needs a fresh start of this same program; a value the user set wins.
    if (!std::getenv("OMP_WAIT_POLICY") && setenv("OMP_WAIT_POLICY", "PASSIVE", 1) == 0) execv("/proc/self/exe", argv);
#endif
    fuselab::configureRuntime(0);
    fuselab::OperatorRegistry registry;
    fuselab::registerBuiltinOperators(registry);
#if defined(FUSELAB_HAVE_LEARN)
    fuselab::ui::registerLearnedOperators(registry);
#endif
    // After the built-ins (a clashing id is refused); the panels list plugin operators by
    // category exactly like built-in ones.
    const std::string plugins = summarisePlugins(fuselab::loadPlugins(fuselab::defaultPluginFolders(), registry));
    if (!haveDisplay()) return runHeadless(registry);

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("FuseLab"));
    QApplication::setApplicationName(QStringLiteral("FuseLab"));
    QApplication::setApplicationVersion(
        QStringLiteral(FUSELAB_VERSION_STRING) +
        (plugins.empty() ? QString() : QStringLiteral(" (plugins: %1)").arg(QString::fromStdString(plugins))));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/org.fuselab.FuseLab-256.png")));
    QApplication::setDesktopFileName(QStringLiteral("org.fuselab.FuseLab"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Exposure fusion, HDR merging and learned image fusion"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("paths"), QStringLiteral("Images, a folder of them, or a session (*.fuselab)"));
    // For documentation and checks: capture the window once the full-resolution result shows.
    const QCommandLineOption screenshot(QStringLiteral("screenshot"), QStringLiteral("Save the window to FILE once the result is ready, then quit"),
                                        QStringLiteral("FILE"));
    const QCommandLineOption hdr(QStringLiteral("hdr"), QStringLiteral("Start in HDR merge + tone mapping mode"));
    const QCommandLineOption split(QStringLiteral("before-after"), QStringLiteral("Start with the before/after split view"));
    const QCommandLineOption weights(QStringLiteral("show-weights"), QStringLiteral("Overlay the weight map of frame K"), QStringLiteral("K"));
    const QCommandLineOption tab(QStringLiteral("analysis"), QStringLiteral("Analysis tab: histogram, response, metrics"), QStringLiteral("TAB"));
    const QCommandLineOption evs(QStringLiteral("ev"), QStringLiteral("EVs of the opened files, comma-separated"), QStringLiteral("LIST"));
    const QCommandLineOption train(QStringLiteral("train"), QStringLiteral("Once the result shows, fine-tune for N steps in the training panel"),
                                   QStringLiteral("N"));
    const QCommandLineOption explain(QStringLiteral("explain"),
                                     QStringLiteral("Once the result shows, explain a centred region with these attribution methods "
                                                    "(comma-separated ids, e.g. saliency,ig,gradcam) and compute their curves"),
                                     QStringLiteral("METHODS"));
    const QCommandLineOption deghostMask(QStringLiteral("deghost-mask"),
                                         QStringLiteral("Painted deghosting decisions to load: a grey PNG where level k takes the "
                                                        "region from frame k (0 = automatic), as fuselab-cli's --deghost-mask"),
                                         QStringLiteral("FILE"));
    const QCommandLineOption evaluate(QStringLiteral("evaluate"),
                                      QStringLiteral("Open the evaluation dialog on FOLDER (one sub-folder per scene) and run it"),
                                      QStringLiteral("FOLDER"));
    const QCommandLineOption evaluateMethods(QStringLiteral("evaluate-methods"),
                                             QStringLiteral("Fusion operators to evaluate besides the default, comma-separated"),
                                             QStringLiteral("IDS"));
    parser.addOptions({screenshot, hdr, split, weights, tab, evs, train, explain, deghostMask, evaluate, evaluateMethods});
    parser.process(app);

    fuselab::ui::PreferencesDialog::applyStored();
    fuselab::ui::MainWindow window(registry);
    window.show();
    const QStringList paths = parser.positionalArguments();
    fuselab::ui::StartupRequest request;
    request.screenshotPath = parser.value(screenshot);
    request.hdrMode = parser.isSet(hdr);
    request.beforeAfter = parser.isSet(split);
    request.weightFrame = parser.isSet(weights) ? parser.value(weights).toInt() : -1;
    request.analysisTab = parser.value(tab);
    for (const QString& v : parser.value(evs).split(QLatin1Char(','), Qt::SkipEmptyParts)) request.evs.push_back(v.toDouble());
    request.trainSteps = parser.isSet(train) ? parser.value(train).toInt() : 0;
    request.explainMethods = parser.value(explain).split(QLatin1Char(','), Qt::SkipEmptyParts);
    request.deghostMaskPath = parser.value(deghostMask);
    request.evaluateFolder = parser.value(evaluate);
    request.evaluateMethods = parser.value(evaluateMethods).split(QLatin1Char(','), Qt::SkipEmptyParts);
    window.applyStartupRequest(request);
    if (paths.isEmpty() && request.evaluateFolder.isEmpty()) window.workspace().loadSample();
    else window.openPaths(paths);
    return app.exec();
}
