#include "workspace.hpp"

#include "fuselab/banded_fusion.hpp"
#include "fuselab/builtin_operators.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/mertens.hpp"
#include "fuselab/stack_io.hpp"
#include "fuselab/base/synthetic.hpp"

#include <QFileInfo>
#include <QUndoCommand>

#include <filesystem>
#include <map>

namespace fuselab::ui {
namespace {

// One undo step: the session before and after. Consecutive interim edits of the same
// parameter (a slider being dragged) collapse into one step.
class SessionCommand final : public QUndoCommand {
public:
    SessionCommand(Workspace& ws, SessionState before, SessionState after, const QString& text, QString mergeKey, bool interim)
        : QUndoCommand(text), m_ws(ws), m_before(std::move(before)), m_after(std::move(after)), m_key(std::move(mergeKey)),
          m_interim(interim)
    {
    }
    void undo() override { m_ws.applyState(m_before); }
    void redo() override
    {
        if (m_skipFirstRedo) {
            m_skipFirstRedo = false;
            return;
        }
        m_ws.applyState(m_after);
    }
    int id() const override { return m_key.isEmpty() ? -1 : 1; }
    bool mergeWith(const QUndoCommand* other) override
    {
        const auto* o = static_cast<const SessionCommand*>(other);
        if (o->m_key != m_key || !m_interim) return false;
        m_after = o->m_after;
        m_interim = o->m_interim;
        return true;
    }
    void markApplied() { m_skipFirstRedo = true; }

private:
    Workspace& m_ws;
    SessionState m_before, m_after;
    QString m_key;
    bool m_interim;
    bool m_skipFirstRedo = false;
};

struct LoadOutcome {
    ExposureStack stack;
    ExposureStack proxy;
    std::vector<SessionFrame> frames;
    QStringList problems;
    bool large = false; ///< frames kept at proxy size only (too large to hold whole)
    int widthPx = 0, heightPx = 0;
};


} // namespace

Workspace::Workspace(const OperatorRegistry& registry, QObject* parent) : QObject(parent), m_registry(registry)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(15);
    connect(&m_debounce, &QTimer::timeout, this, &Workspace::startPreview);
    m_fullDelay.setSingleShot(true);
    m_fullDelay.setInterval(400);
    connect(&m_fullDelay, &QTimer::timeout, this, &Workspace::startFull);
    // Each stage starts with its category's default, chosen in core.
    if (const Operator* f = defaultOperatorOf(registry, category::fusion)) m_session.fusionId = f->info().id;
    if (const Operator* mg = defaultOperatorOf(registry, category::merge)) m_session.mergeId = mg->info().id;
    if (const Operator* tm = defaultOperatorOf(registry, category::tonemap)) m_session.tonemapId = tm->info().id;
}

Workspace::~Workspace()
{
    m_jobs.cancelAll();
    m_jobs.waitForIdle();
}

std::shared_ptr<const PipelineResult> Workspace::currentResult() const
{
    return fullIsCurrent() ? m_full : (m_preview ? m_preview : m_full);
}

void Workspace::adoptLoadedStack(ExposureStack stack, std::vector<SessionFrame> frames, bool synthetic, LargeStack large)
{
    m_jobs.cancel(QStringLiteral("preview"));
    m_jobs.cancel(QStringLiteral("full"));
    m_large = large;
    m_stack = std::move(stack);
    m_proxy = makeProxyStack(m_stack, m_proxyLongSide);
    m_session.frames = std::move(frames);
    m_session.syntheticSample = synthetic;
    m_preview.reset();
    m_full.reset();
    ++m_generation;
    m_undo.clear();
    Q_EMIT stackChanged();
    Q_EMIT sessionChanged();
    recompute();
}

void Workspace::loadSample(int widthPx, int heightPx)
{
    // Small enough to build on the spot (well under a second); the scene, camera and
    // exposures are those of `fuselab-cli sample`.
    const Image scene = makeSyntheticScene({"interior", widthPx, heightPx, 1});
    ExposureSimulation sim;
    sim.stops = {-4.0, -2.0, 0.0, 2.0, 4.0};
    sim.exposureScale = autoExposureScale(scene);
    ExposureStack stack;
    std::vector<SessionFrame> frames;
    for (const SimulatedFrame& f : exposeScene(scene, sim)) {
        StackFrame frame;
        frame.path = "sample " + std::to_string(stack.frames.size() + 1);
        frame.pixels = f.pixels;
        frame.exposure.stops = f.stops;
        frame.exposure.source = ExposureSource::TypedEv;
        stack.frames.push_back(frame);
        frames.push_back({QString::fromStdString(frame.path), f.stops, true});
    }
    adoptLoadedStack(std::move(stack), std::move(frames), true, LargeStack{});
}

void Workspace::openPaths(const QStringList& paths)
{
    auto outcome = std::make_shared<LoadOutcome>();
    const int longSide = m_proxyLongSide;
    const std::size_t threshold = m_largeThresholdBytes > 0 ? m_largeThresholdBytes : defaultMemoryBudgetBytes();
    std::vector<std::string> inputs;
    for (const QString& p : paths) inputs.push_back(p.toStdString());
    m_jobs.start(
        QStringLiteral("load"),
        [outcome, inputs, longSide, threshold](ProgressSink& progress) {
            std::vector<std::string> files;
            std::map<std::string, double> typed;
            for (const std::string& p : inputs) {
                std::error_code ec;
                if (std::filesystem::is_directory(p, ec)) {
                    try {
                        const FolderListing listing = listStackFolder(p);
                        for (std::size_t i = 0; i < listing.files.size(); ++i) {
                            files.push_back(listing.files[i]);
                            if (!listing.evs.empty()) typed[listing.files[i]] = listing.evs[i];
                        }
                    } catch (const Error& e) {
                        outcome->problems.append(QString::fromStdString(e.what()));
                    }
                } else {
                    files.push_back(p);
                }
            }
            // Too large to hold whole: each frame shrinks to its proxy as soon as it is read.
            outcome->large = wholeFusionBytesOfFiles(files) > threshold;
            std::vector<StackFrame> ok;
            for (std::size_t i = 0; i < files.size(); ++i) {
                progress.checkCancelled();
                progress.report(double(i) / double(std::max<std::size_t>(files.size(), 1)), "reading");
                try {
                    std::vector<std::string> warnings;
                    StackFrame frame = toStackFrame(files[i], readImage(files[i]), warnings);
                    if (outcome->large) {
                        outcome->widthPx = frame.pixels.width();
                        outcome->heightPx = frame.pixels.height();
                        ExposureStack one;
                        one.frames.push_back(std::move(frame));
                        frame = makeProxyStack(one, longSide).frames.front();
                    }
                    ok.push_back(std::move(frame));
                    for (const std::string& w : warnings) outcome->problems.append(QString::fromStdString(w));
                } catch (const Error& e) {
                    outcome->problems.append(QString::fromStdString(e.what()));
                }
            }
            // Keep the frames that share the most common size and channel count.
            std::map<std::tuple<int, int, int>, int> counts;
            for (const StackFrame& f : ok) ++counts[{f.pixels.width(), f.pixels.height(), f.pixels.channels()}];
            std::tuple<int, int, int> best{};
            int bestCount = 0;
            for (const auto& [shape, n] : counts)
                if (n > bestCount) {
                    best = shape;
                    bestCount = n;
                }
            for (StackFrame& f : ok) {
                const std::tuple<int, int, int> shape{f.pixels.width(), f.pixels.height(), f.pixels.channels()};
                if (shape != best) {
                    outcome->problems.append(QStringLiteral("%1: %2x%3 with %4 channels does not match the stack (%5x%6, %7 channels); left out")
                                                 .arg(QString::fromStdString(f.path))
                                                 .arg(f.pixels.width())
                                                 .arg(f.pixels.height())
                                                 .arg(f.pixels.channels())
                                                 .arg(std::get<0>(best))
                                                 .arg(std::get<1>(best))
                                                 .arg(std::get<2>(best)));
                    continue;
                }
                SessionFrame sf;
                sf.path = QString::fromStdString(f.path);
                auto t = typed.find(f.path);
                if (t != typed.end()) sf.ev = t->second;
                outcome->frames.push_back(sf);
                outcome->stack.frames.push_back(std::move(f));
            }
            progress.report(0.9, "proxy");
            outcome->proxy = makeProxyStack(outcome->stack, longSide);
        },
        [this, outcome] {
            if (!outcome->problems.isEmpty()) Q_EMIT loadProblems(outcome->problems);
            if (outcome->stack.frames.empty()) return; // nothing usable: keep what was open
            LargeStack large;
            if (outcome->large) large = {true, outcome->widthPx, outcome->heightPx};
            adoptLoadedStack(std::move(outcome->stack), std::move(outcome->frames), false, large);
        },
        [this](const QString& message) { Q_EMIT loadProblems({message}); });
}

void Workspace::setSession(const SessionState& session)
{
    applyState(session);
    m_undo.clear();
}

void Workspace::applyState(const SessionState& state)
{
    const bool framesChanged = !(state.frames == m_session.frames);
    m_session = state;
    ++m_generation;
    Q_EMIT sessionChanged();
    if (framesChanged) Q_EMIT stackChanged();
    recompute();
}

void Workspace::setStateWithUndo(const SessionState& next, const QString& text)
{
    auto* cmd = new SessionCommand(*this, m_session, next, text, QString(), false);
    applyState(next);
    cmd->markApplied();
    m_undo.push(cmd);
}

void Workspace::editParameter(const std::string& opId, const QString& paramId, const ParamValue& before, const ParamValue& after, bool interim)
{
    const Operator* op = m_registry.find(opId);
    if (!op) return;
    SessionState previous = m_session;
    previous.values[opId] = m_session.valuesFor(*op);
    previous.values[opId].set(paramId.toStdString(), before);
    SessionState next = m_session;
    next.values[opId] = m_session.valuesFor(*op);
    next.values[opId].set(paramId.toStdString(), after);
    auto* cmd = new SessionCommand(*this, previous, next,
                                   tr("%1: %2 → %3").arg(paramId, QString::fromStdString(formatParamValue(after))),
                                   QString::fromStdString(opId) + QLatin1Char('/') + paramId, interim);
    applyState(next);
    cmd->markApplied();
    m_undo.push(cmd);
}

void Workspace::setStage(const QString& stage, const std::string& opId)
{
    SessionState next = m_session;
    if (stage == QLatin1String("mode")) next.mode = opId == "hdr" ? PipelineMode::Hdr : PipelineMode::Fusion;
    else if (stage == QLatin1String("align")) next.alignId = opId;
    else if (stage == QLatin1String("fusion")) next.fusionId = opId;
    else if (stage == QLatin1String("merge")) next.mergeId = opId;
    else if (stage == QLatin1String("tonemap")) next.tonemapId = opId;
    setStateWithUndo(next, tr("%1: %2").arg(stage, QString::fromStdString(opId.empty() ? "none" : opId)));
}

void Workspace::setFrameIncluded(int index, bool included)
{
    if (index < 0 || index >= int(m_session.frames.size())) return;
    SessionState next = m_session;
    next.frames[std::size_t(index)].included = included;
    setStateWithUndo(next, included ? tr("include frame %1").arg(index + 1) : tr("exclude frame %1").arg(index + 1));
}

int Workspace::deghostCodeOf(int loadedIndex) const
{
    if (loadedIndex < 0 || loadedIndex >= int(m_stack.frames.size())) return 0;
    if (loadedIndex < int(m_session.frames.size()) && !m_session.frames[std::size_t(loadedIndex)].included) return 0;
    const ExposureStack included = includedFrames(m_stack, m_session);
    const std::string& path = m_stack.frames[std::size_t(loadedIndex)].path;
    for (std::size_t k = 0; k < included.frames.size(); ++k)
        if (included.frames[k].path == path) return int(k) + 1;
    return 0;
}

void Workspace::paintDeghostSource(const QImage& brush, int loadedIndex)
{
    if (brush.isNull() || m_stack.frames.empty()) return;
    const int code = loadedIndex < 0 ? 0 : deghostCodeOf(loadedIndex);
    if (loadedIndex >= 0 && code == 0) return; // a frame that is left out cannot be a source
    SessionState next = m_session;
    const QSize full(m_stack.width(), m_stack.height());
    if (next.deghostMask.isNull() || next.deghostMask.size() != full) {
        QImage fresh(full, QImage::Format_Grayscale8);
        fresh.fill(0);
        if (!next.deghostMask.isNull()) fresh = next.deghostMask.scaled(full, Qt::IgnoreAspectRatio, Qt::FastTransformation);
        next.deghostMask = fresh.convertToFormat(QImage::Format_Grayscale8);
    }
    const QImage stroke = brush.convertToFormat(QImage::Format_Grayscale8).scaled(full, Qt::IgnoreAspectRatio, Qt::FastTransformation);
    for (int y = 0; y < full.height(); ++y) {
        const uchar* in = stroke.constScanLine(y);
        uchar* out = next.deghostMask.scanLine(y);
        for (int x = 0; x < full.width(); ++x)
            if (in[x] > 127) out[x] = uchar(code);
    }
    setStateWithUndo(next, code ? tr("paint deghosting from frame %1").arg(code) : tr("erase deghosting paint"));
}

void Workspace::clearDeghostMask()
{
    if (m_session.deghostMask.isNull()) return;
    SessionState next = m_session;
    next.deghostMask = QImage();
    setStateWithUndo(next, tr("clear deghosting paint"));
}

void Workspace::setFrameEv(int index, std::optional<double> ev)
{
    if (index < 0 || index >= int(m_session.frames.size())) return;
    SessionState next = m_session;
    next.frames[std::size_t(index)].ev = ev;
    setStateWithUndo(next, tr("EV of frame %1").arg(index + 1));
}

void Workspace::recompute()
{
    m_fullDelay.stop();
    m_debounce.start();
}

void Workspace::runPipelineJob(const QString& channel, const ExposureStack& frames,
                               std::function<void(std::shared_ptr<const PipelineResult>, quint64)> onResult)
{
    const ExposureStack stack = includedFrames(frames, m_session);
    if (stack.frames.empty()) return;
    const SessionState session = m_session;
    const quint64 generation = m_generation;
    auto result = std::make_shared<PipelineResult>();
    const OperatorRegistry& registry = m_registry;
    m_jobs.start(
        channel, [result, session, stack, &registry](ProgressSink& progress) { *result = runPipeline(session, stack, registry, progress); },
        [this, result, generation, onResult] {
            // A result of settings that have changed since is dropped.
            if (generation == m_generation) onResult(result, generation);
        },
        [this, channel](const QString& message) { Q_EMIT jobFailed(channel, message); });
}

void Workspace::startPreview()
{
    runPipelineJob(QStringLiteral("preview"), m_proxy, [this](std::shared_ptr<const PipelineResult> result, quint64 generation) {
        m_preview = result;
        Q_EMIT previewReady();
        if (m_proxy.width() == m_stack.width()) {
            // The stack is no larger than its proxy: the preview is the full result.
            m_full = result;
            m_fullGeneration = generation;
            Q_EMIT fullReady();
        } else {
            m_fullDelay.start();
        }
    });
}

void Workspace::startFull()
{
    runPipelineJob(QStringLiteral("full"), m_stack, [this](std::shared_ptr<const PipelineResult> result, quint64 generation) {
        m_full = result;
        m_fullGeneration = generation;
        Q_EMIT fullReady();
    });
}

void Workspace::computeFullNow()
{
    m_fullDelay.stop();
    startFull();
}

void Workspace::cancelFull()
{
    m_fullDelay.stop();
    m_jobs.cancel(QStringLiteral("full"));
}

} // namespace fuselab::ui
