#include "training_panel.hpp"

#include "job_runner.hpp"
#include "loss_chart.hpp"
#include "param_variant.hpp"
#include "parameter_panel.hpp"
#include "training_control.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/learn/learn_library.hpp"
#include "fuselab/learn/training_params.hpp"
#include "fuselab/learn/training_plan.hpp"
#include "fuselab/learn/training_run.hpp"
#include "fuselab/mertens.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/pyramid.hpp"


#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QTextStream>
#include <QVBoxLayout>

#include <chrono>
#include <deque>

namespace fuselab::ui {

using namespace fuselab::learn;

// Shared by the GUI thread and the training job. The trainer is created and stepped by the
// job; the GUI touches it only through control.whileHeld() or after the job has ended.
struct TrainingPanel::Run {
    TrainingControl control;
    std::unique_ptr<Trainer> trainer;
    std::string checkpointPath;
    bool running = false;  ///< GUI thread's view: from start() until the job reports its end
    bool stopping = false;
    std::deque<std::pair<qint64, double>> recentStepTimes; ///< (step, wall seconds) for steps/s
};

namespace {

QString settingsKey(const char* name)
{
    return QStringLiteral("training/%1").arg(QLatin1String(name));
}

} // namespace

TrainingPanel::TrainingPanel(JobRunner& jobs, std::string shippedModelPath, std::function<ExposureStack()> currentStack,
                             QWidget* parent)
    : QWidget(parent), m_jobs(jobs), m_shippedModel(std::move(shippedModelPath)), m_currentStack(std::move(currentStack))
{
    QSettings settings;
    QStringList dropped;
    m_values = resolveParamValues(
        trainingParamSpecs(),
        valuesFromJson(trainingParamSpecs(), QJsonDocument::fromJson(settings.value(settingsKey("values")).toByteArray()).object(), &dropped));
    buildUi();
    updateButtons();
}

TrainingPanel::~TrainingPanel()
{
    if (m_run && m_run->running) {
        // The job writes its checkpoint and ends; wait for it so it never outlives the panel.
        m_run->control.setPaused(false);
        m_jobs.cancel(QStringLiteral("training"));
        m_jobs.waitForIdle();
    }
}

void TrainingPanel::buildUi()
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(4, 4, 4, 4);

    auto* controls = new QHBoxLayout;
    m_startButton = new QPushButton(tr("Start"), this);
    m_startButton->setObjectName(QStringLiteral("trainStart"));
    m_startButton->setToolTip(tr("Train with the settings below (Ctrl+T)"));
    m_startButton->setShortcut(QKeySequence(QStringLiteral("Ctrl+T")));
    m_pauseButton = new QPushButton(tr("Pause"), this);
    m_pauseButton->setObjectName(QStringLiteral("trainPause"));
    m_pauseButton->setCheckable(true);
    m_stopButton = new QPushButton(tr("Stop"), this);
    m_stopButton->setObjectName(QStringLiteral("trainStop"));
    m_stopButton->setToolTip(tr("Stop after the current step; a checkpoint is written"));
    m_saveButton = new QPushButton(tr("Save model…"), this);
    m_saveButton->setObjectName(QStringLiteral("trainSave"));
    m_saveButton->setToolTip(tr("Export the network (pause or stop first); use it with fuse --method learned --model FILE"));
    auto* exportCsv = new QPushButton(tr("Export CSV…"), this);
    exportCsv->setToolTip(tr("Raw and smoothed loss curves"));
    auto* overlay = new QPushButton(tr("Overlay run…"), this);
    overlay->setToolTip(tr("Draw a previous run's CSV under this one"));
    for (QPushButton* b : {m_startButton, m_pauseButton, m_stopButton, m_saveButton, exportCsv, overlay}) controls->addWidget(b);
    controls->addStretch(1);
    outer->addLayout(controls);

    auto* choices = new QHBoxLayout;
    m_data = new QComboBox(this);
    m_data->setObjectName(QStringLiteral("trainData"));
    m_data->addItem(tr("Generated scenes (endless, reproducible from the seed)"), QStringLiteral("synthetic"));
    m_data->addItem(tr("The open stack (fine-tune on it)"), QStringLiteral("stack"));
    m_data->addItem(tr("Simulated frame/event sequences (F, E, EF; scored against the true radiance)"),
                    QStringLiteral("synthetic-events"));
    m_startFrom = new QComboBox(this);
    m_startFrom->setObjectName(QStringLiteral("trainStartFrom"));
    m_startFrom->addItem(tr("Shipped model"), QStringLiteral("shipped"));
    m_startFrom->addItem(tr("Fresh weights (from the seed)"), QStringLiteral("fresh"));
    m_device = new QComboBox(this);
    m_device->setObjectName(QStringLiteral("trainDevice"));
    m_device->addItem(tr("Automatic (CUDA when available)"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_device->addItem(tr("CUDA"), QStringLiteral("cuda"));
    QSettings settings;
    auto restore = [&settings](QComboBox* box, const char* key) {
        const int i = box->findData(settings.value(settingsKey(key)).toString());
        if (i >= 0) box->setCurrentIndex(i);
        QObject::connect(box, &QComboBox::currentIndexChanged, box,
                         [box, key] { QSettings().setValue(settingsKey(key), box->currentData().toString()); });
    };
    restore(m_data, "data");
    restore(m_startFrom, "startFrom");
    restore(m_device, "device");
    for (auto [label, box] : {std::pair{tr("Data"), m_data}, std::pair{tr("Start from"), m_startFrom}, std::pair{tr("Device"), m_device}}) {
        choices->addWidget(new QLabel(label, this));
        choices->addWidget(box);
    }
    choices->addStretch(1);
    outer->addLayout(choices);

    auto* readouts = new QHBoxLayout;
    m_status = new QLabel(tr("Idle. LibTorch loads when training starts."), this);
    m_status->setObjectName(QStringLiteral("trainStatus"));
    m_rate = new QLabel(this);
    m_rate->setObjectName(QStringLiteral("trainRate"));
    m_validation = new QLabel(this);
    m_validation->setObjectName(QStringLiteral("trainValidation"));
    m_validation->setToolTip(tr("MEF-SSIM of the network on held-out generated stacks, beside Mertens's weights in the same pyramid"));
    readouts->addWidget(m_status, 1);
    readouts->addWidget(m_rate);
    readouts->addWidget(m_validation);
    outer->addLayout(readouts);

    auto* split = new QSplitter(Qt::Horizontal, this);
    m_params = new ParameterPanel(this);
    m_params->setSpecs(tr("Objective and optimiser"), tr("SPEC §5: every weight of the loss and the optimiser settings; a change applies at the next step"),
                       QStringLiteral("training"), trainingParamSpecs(), m_values);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_params);
    scroll->setWidgetResizable(true);
    scroll->setMinimumWidth(320);
    split->addWidget(scroll);
    m_chart = new LossChart(this);
    m_chart->setObjectName(QStringLiteral("trainChart"));
    m_chart->setLogY(true); // the terms differ by orders of magnitude
    split->addWidget(m_chart);
    split->setStretchFactor(1, 3);
    outer->addWidget(split, 1);

    connect(m_params, &ParameterPanel::valueEdited, this,
            [this](const QString& id, const ParamValue&, const ParamValue& after, bool) { onValueEdited(id, after); });
    connect(m_startButton, &QPushButton::clicked, this, &TrainingPanel::start);
    connect(m_pauseButton, &QPushButton::toggled, this, &TrainingPanel::setPaused);
    connect(m_stopButton, &QPushButton::clicked, this, &TrainingPanel::stop);
    connect(m_saveButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save model"), QStringLiteral("fusion-tuned.pt"), tr("FuseLab models (*.pt)"));
        if (!path.isEmpty()) saveModel(path);
    });
    connect(exportCsv, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export loss curves"), QStringLiteral("training.csv"), tr("CSV (*.csv)"));
        if (path.isEmpty()) return;
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) {
            Q_EMIT problem(tr("%1: cannot write (%2)").arg(path, f.errorString()));
            return;
        }
        QTextStream(&f) << m_chart->csv();
    });
    connect(overlay, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Overlay a previous run"), QString(), tr("CSV (*.csv)"));
        if (path.isEmpty()) return;
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) {
            Q_EMIT problem(tr("%1: cannot read (%2)").arg(path, f.errorString()));
            return;
        }
        const LossSeries previous = LossSeries::fromCsv(QString::fromUtf8(f.readAll()));
        if (previous.empty()) {
            Q_EMIT problem(tr("%1: no loss curves in this file (expected a CSV exported by FuseLab)").arg(path));
            return;
        }
        m_chart->setOverlay(previous, QFileInfo(path).completeBaseName());
    });
}

bool TrainingPanel::isRunning() const
{
    return m_run && m_run->running;
}

bool TrainingPanel::isPaused() const
{
    return isRunning() && m_run->control.paused();
}

void TrainingPanel::setValue(const QString& id, const ParamValue& value)
{
    ParamValues v = m_values;
    v.set(id.toStdString(), value);
    m_params->setValues(v);
    onValueEdited(id, value);
}

void TrainingPanel::onValueEdited(const QString& id, const ParamValue& value)
{
    ParamValues next = m_values;
    next.set(id.toStdString(), value);
    m_values = resolveParamValues(trainingParamSpecs(), next);
    QSettings().setValue(settingsKey("values"), QJsonDocument(valuesToJson(m_values)).toJson(QJsonDocument::Compact));
    if (isRunning()) {
        ParamValues changed;
        changed.set(id.toStdString(), value);
        m_run->control.queueValues(changed);
        m_status->setText(tr("%1 changes at the next step").arg(id));
    }
}

void TrainingPanel::selectData(const QString& id)
{
    const int index = m_data->findData(id);
    if (index >= 0) m_data->setCurrentIndex(index);
}

void TrainingPanel::start()
{
    if (isRunning()) return;
    const bool onStack = m_data->currentData().toString() == QLatin1String("stack");
    const bool frameEvent = m_data->currentData().toString() == QLatin1String("synthetic-events");
    ExposureStack stack = m_currentStack ? m_currentStack() : ExposureStack{};
    if (onStack && stack.frames.size() < 2) {
        Q_EMIT problem(tr("Fine-tuning on the open stack needs a stack of at least two exposures: open one first"));
        return;
    }
    TrainingPlan plan;
    plan.data = onStack ? TrainingDataKind::Stacks : frameEvent ? TrainingDataKind::SyntheticEvents : TrainingDataKind::Synthetic;
    plan.device = parseDeviceChoice(m_device->currentData().toString().toStdString());
    plan.threads = workerThreads();
    if (m_startFrom->currentData().toString() == QLatin1String("shipped")) plan.initialModelPath = shippedModelFor(plan.data, m_shippedModel);
    // A frame/event network cannot fuse an exposure stack: no live preview for it.
    if (frameEvent) stack = ExposureStack{};
    if (onStack) {
        plan.stacks = {trainingStackFromExposures(stack, "the open stack")};
        // Fine-tuning is judged where it is meant to help: validation scores the open stack itself
        // (at a proxy size), so the chart shows its MEF-SSIM rising beside Mertens's.
        plan.validateOnStack = trainingStackFromExposures(makeProxyStack(stack, kFineTuneValidationLongSidePx), "the open stack");
    }

    auto run = std::make_shared<Run>();
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    run->checkpointPath = QDir(dir).filePath(QStringLiteral("training.checkpoint")).toStdString();
    run->running = true;
    m_run = run;
    m_completedSteps = 0;
    m_chart->clear();
    m_validation->clear();
    m_rate->clear();
    m_pauseButton->setChecked(false);
    m_status->setText(tr("Loading LibTorch…"));
    updateButtons();

    const ParamValues values = m_values;
    const double previewIntervalS = m_previewIntervalS;
    QPointer<TrainingPanel> self(this);
    auto post = [self](auto fn) {
        QMetaObject::invokeMethod(self.data(), [self, fn] { if (self) fn(*self); }, Qt::QueuedConnection);
    };
    auto work = [run, plan = std::move(plan), values, stack, previewIntervalS, post](ProgressSink& progress) {
        run->control.setRunning(true);
        struct Ended {
            std::shared_ptr<Run> run;
            decltype(post) notify;
            bool completed = false;
            ~Ended()
            {
                run->control.setRunning(false);
                const bool done = completed;
                notify([run = run, done](TrainingPanel& p) {
                    run->running = false;
                    Q_EMIT p.runEnded(done);
                    p.updateButtons();
                });
            }
        } ended{run, post};

        const LearnEntryPoints& learn = LearnLibrary::get();
        const PreparedTraining prepared = prepareTraining(plan, values);
        const TrainerConfig& config = prepared.config;
        const std::shared_ptr<const TrainingSource>& source = prepared.source;
        run->trainer = learn.createTrainer(config, source, values);
        const TrainerStatus st = run->trainer->status();
        const QString statusText = QObject::tr("%1, %2 threads · network %3 + MI heads %4 parameters · %5")
                                       .arg(QString::fromStdString(st.device)).arg(st.threads)
                                       .arg(st.networkParameters).arg(st.miHeadParameters)
                                       .arg(QString::fromStdString(source->description()));
        post([statusText](TrainingPanel& p) { p.onStatus(statusText); });

        auto lastPreview = std::chrono::steady_clock::now() - std::chrono::hours(1);
        TrainingCallbacks callbacks;
        callbacks.onStep = [&](const StepLog& log) {
            QStringList names;
            QVector<double> numbers;
            for (const auto& [name, value] : log.terms) {
                names << QString::fromStdString(name);
                numbers << value;
            }
            const qint64 step = log.step;
            const double seconds = log.seconds, lr = log.learningRate;
            const bool skipped = log.skipped;
            const QString note = QString::fromStdString(log.note);
            post([=](TrainingPanel& p) { p.onStep(step, names, numbers, seconds, skipped, note, lr); });

            const auto now = std::chrono::steady_clock::now();
            if (!stack.frames.empty() && now - lastPreview >= std::chrono::duration<double>(previewIntervalS)) {
                lastPreview = now;
                FuseOptions fo;
                fo.device = config.device;
                fo.blend = &fuselab::pyramidBlend;
                NullProgress quiet;
                const Image fused = run->trainer->model()->fuse(stack, fo, quiet).fused;
                post([fused, step](TrainingPanel& p) { Q_EMIT p.previewReady(fused, QObject::tr("training preview, step %1").arg(step)); });
            }
            run->control.betweenSteps(
                [&](const ParamValues& changed) {
                    try {
                        run->trainer->setValues(changed);
                    } catch (const Error& e) {
                        const QString message = QString::fromStdString(e.what());
                        post([message](TrainingPanel& p) { Q_EMIT p.problem(message); });
                    }
                },
                progress);
        };
        callbacks.onValidation = [&](const ValidationLog& v) {
            const qint64 step = v.step;
            if (v.frameEvent) {
                const double net = v.psnrMu, frame = v.psnrMuFrame, eframe = v.psnrMuEFrame;
                post([=](TrainingPanel& p) {
                    p.m_chart->append(QStringLiteral("validation psnr_mu"), double(step), net);
                    p.m_chart->append(QStringLiteral("validation psnr_mu frame alone"), double(step), frame);
                    p.m_chart->append(QStringLiteral("validation psnr_mu eframe alone"), double(step), eframe);
                    p.m_validation->setText(QObject::tr("validation PSNR-μ %1 dB (frame alone %2 dB, EF alone %3 dB)")
                                                .arg(net, 0, 'f', 2).arg(frame, 0, 'f', 2).arg(eframe, 0, 'f', 2));
                    Q_EMIT p.validated(step, net, frame);
                });
                return;
            }
            const double a = v.mefSsim, b = v.mefSsimMertens;
            post([=](TrainingPanel& p) {
                p.m_chart->append(QStringLiteral("validation mef_ssim"), double(step), a);
                p.m_chart->append(QStringLiteral("validation mef_ssim mertens"), double(step), b);
                p.m_validation->setText(QObject::tr("validation MEF-SSIM %1 (Mertens %2)").arg(a, 0, 'f', 4).arg(b, 0, 'f', 4));
                Q_EMIT p.validated(step, a, b);
            });
        };
        TrainingRunOptions options;
        options.checkpointPath = run->checkpointPath;
        runTraining(*run->trainer, options, callbacks, progress);
        ended.completed = true;
    };
    m_jobs.start(
        QStringLiteral("training"), std::move(work), [] {},
        [self](const QString& message) {
            if (!self) return;
            Q_EMIT self->problem(QObject::tr("Training stopped: %1").arg(message));
            self->m_status->setText(QObject::tr("Failed: %1").arg(message));
        });
}

void TrainingPanel::setPaused(bool paused)
{
    if (!isRunning()) return;
    m_run->control.setPaused(paused);
    m_pauseButton->setText(paused ? tr("Resume") : tr("Pause"));
    if (m_pauseButton->isChecked() != paused) m_pauseButton->setChecked(paused);
    m_status->setText(paused ? tr("Paused at step %1").arg(m_completedSteps) : tr("Training"));
    updateButtons();
}

void TrainingPanel::stop()
{
    if (!isRunning()) return;
    m_run->stopping = true;
    m_run->control.setPaused(false);
    m_jobs.cancel(QStringLiteral("training"));
    m_status->setText(tr("Stopping: writing the checkpoint…"));
    updateButtons();
}

bool TrainingPanel::saveModel(const QString& path)
{
    if (!m_run) {
        Q_EMIT problem(tr("Nothing to save yet: train first"));
        return false;
    }
    QString failure;
    const bool held = m_run->control.whileHeld([&] {
        if (!m_run->trainer) {
            failure = tr("Nothing to save yet: the network is still being set up");
            return;
        }
        try {
            const std::int64_t steps = m_run->trainer->completedSteps();
            m_run->trainer->exportModel(path.toStdString(), {{"trained_in", "FuseLab GUI training panel"},
                                                             {"steps_in_this_run", std::to_string(steps)}});
        } catch (const Error& e) {
            failure = QString::fromStdString(e.what());
        }
    });
    if (!held) failure = tr("pause or stop training before saving the model");
    if (!failure.isEmpty()) {
        Q_EMIT problem(failure);
        return false;
    }
    m_status->setText(tr("Saved %1").arg(path));
    return true;
}

void TrainingPanel::onStep(qint64 step, const QStringList& names, const QVector<double>& values, double seconds, bool skipped,
                           const QString& note, double learningRate)
{
    m_completedSteps = step;
    for (int i = 0; i < names.size(); ++i) m_chart->append(names[i], double(step), values[i]);
    m_chart->append(QStringLiteral("learning_rate"), double(step), learningRate);
    auto& recent = m_run->recentStepTimes;
    recent.emplace_back(step, seconds);
    while (recent.size() > 20) recent.pop_front();
    double total = 0.0;
    for (const auto& [s, t] : recent) total += t;
    const qint64 target = TrainingSettings::fromValues(m_values).steps;
    m_rate->setText(tr("step %1 / %2 · %3 steps/s").arg(step).arg(target).arg(total > 0 ? double(recent.size()) / total : 0.0, 0, 'f', 2));
    if (skipped) Q_EMIT problem(tr("Step %1 skipped: %2").arg(step).arg(note));
    if (!m_run->stopping && !m_run->control.paused()) m_status->setText(tr("Training"));
    Q_EMIT stepLogged(step);
}

void TrainingPanel::onStatus(const QString& text)
{
    m_status->setText(text);
    m_status->setToolTip(text);
}

void TrainingPanel::updateButtons()
{
    const bool running = isRunning();
    m_startButton->setEnabled(!running);
    m_pauseButton->setEnabled(running && !m_run->stopping);
    m_stopButton->setEnabled(running && !m_run->stopping);
    m_saveButton->setEnabled(m_run && (!running || m_run->control.paused()));
    m_data->setEnabled(!running);
    m_startFrom->setEnabled(!running);
    m_device->setEnabled(!running);
    if (!running) {
        m_pauseButton->setChecked(false);
        m_pauseButton->setText(tr("Pause"));
        if (m_run && m_run->stopping) m_status->setText(tr("Stopped at step %1; checkpoint written").arg(m_completedSteps));
        else if (m_run && m_completedSteps > 0) m_status->setText(tr("Finished at step %1: Save model… exports it").arg(m_completedSteps));
    }
}

} // namespace fuselab::ui
