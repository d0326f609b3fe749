#include "events_panel.hpp"

#include "job_runner.hpp"
#include "parameter_panel.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/events_io.hpp"
#include "fuselab/event_rendering.hpp"
#include "fuselab/frame_event_window.hpp"
#include "fuselab/base/events_repr.hpp"
#include "fuselab/base/colour.hpp"
#if defined(FUSELAB_HAVE_LEARN)
#include "fuselab/learn/frame_event_model.hpp"
#include "fuselab/pyramid.hpp"
#endif

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>

#include <algorithm>
#include <optional>

namespace fuselab::ui {
namespace {
constexpr int kTimelineSteps = 2000;

// The overlay views whose operators this build registers, in core's order.
std::vector<EventOverlayView> availableViews(const OperatorRegistry& registry)
{
    std::vector<EventOverlayView> views;
    for (const EventOverlayView& v : eventOverlayViews())
        if (registry.find(v.operatorId)) views.push_back(v);
    return views;
}
} // namespace

EventsPanel::EventsPanel(JobRunner& jobs, const OperatorRegistry& registry, QWidget* parent)
    : QWidget(parent), m_jobs(jobs), m_registry(registry), m_readerMutex(std::make_shared<std::mutex>())
{
    auto* layout = new QVBoxLayout(this);
    auto* open = new QPushButton(tr("Open event recording…"), this);
    layout->addWidget(open);
    m_info = new QLabel(tr("No recording. EVT 2.0/3.0 RAW, AEDAT 4.0, HDF5 and text files are read."), this);
    m_info->setWordWrap(true);
    layout->addWidget(m_info);
    auto* form = new QFormLayout;
    m_timeline = new QSlider(Qt::Horizontal, this);
    m_timeline->setObjectName(QStringLiteral("eventTimeline"));
    m_timeline->setRange(0, kTimelineSteps);
    m_timeline->setToolTip(tr("Start of the window; drag to scrub through the recording"));
    form->addRow(tr("Time"), m_timeline);
    m_position = new QLabel(this);
    form->addRow(QString(), m_position);
    m_windowMs = new QDoubleSpinBox(this);
    m_windowMs->setRange(0.01, 100000.0);
    m_windowMs->setDecimals(2);
    m_windowMs->setValue(double(kDefaultEventWindowUs) / 1000.0); // the event operators' default
    m_windowMs->setSuffix(tr(" ms"));
    m_windowMs->setToolTip(tr("Length of the window of events shown"));
    form->addRow(tr("Window"), m_windowMs);
    m_repr = new QComboBox(this);
    m_repr->setObjectName(QStringLiteral("eventView"));
    m_views = availableViews(m_registry);
    for (const EventOverlayView& v : m_views) m_repr->addItem(QString::fromStdString(v.label));
    form->addRow(tr("Show"), m_repr);
    layout->addLayout(form);
    m_viewParams = new ParameterPanel(this);
    m_viewParams->setObjectName(QStringLiteral("eventViewParameters"));
    layout->addWidget(m_viewParams);
    showViewParameters();
    m_fuseButton = new QPushButton(tr("Fuse window with the frames (learned)"), this);
    m_fuseButton->setObjectName(QStringLiteral("eventsFuse"));
    m_fuseButton->setToolTip(tr("The frame/event network fuses the recording's frame F at the window's end, the window's events E "
                                "and the frame EF they integrate from the frame at its start (README: Frame/event learned fusion)"));
    m_fuseButton->setVisible(false);
    layout->addWidget(m_fuseButton);
    connect(m_fuseButton, &QPushButton::clicked, this, &EventsPanel::fuseWindow);
    layout->addStretch(1);

    connect(open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open event recording"), QString(),
                                                          tr("Event recordings (*.raw *.aedat4 *.h5 *.hdf5 *.txt);;All files (*)"));
        if (!path.isEmpty()) openRecording(path);
    });
    connect(m_timeline, &QSlider::valueChanged, this, &EventsPanel::render);
    connect(m_windowMs, &QDoubleSpinBox::valueChanged, this, &EventsPanel::render);
    connect(m_repr, &QComboBox::currentIndexChanged, this, [this] {
        showViewParameters();
        render();
    });
    connect(m_viewParams, &ParameterPanel::valueEdited, this, [this] { render(); });
}

EventsPanel::~EventsPanel() = default;

void EventsPanel::openRecording(const QString& path)
{
    struct Opened {
        std::shared_ptr<EventReader> reader;
        EventStats stats;
    };
    auto opened = std::make_shared<Opened>();
    const std::string file = path.toStdString();
    m_recordingPath = file;
    m_info->setText(tr("Indexing %1…").arg(QFileInfo(path).fileName()));
    m_jobs.start(
        QStringLiteral("events-open"),
        [opened, file](ProgressSink& progress) {
            opened->reader = openEventReader(file);
            // One pass builds the chunk index (later windows seek through it) and the stats.
            opened->reader->index();
            opened->reader->rewind();
            EventBuffer batch;
            while (opened->reader->next(batch)) {
                progress.checkCancelled();
                opened->stats.add(batch.data(), batch.size());
            }
        },
        [this, opened, path] {
            const std::lock_guard<std::mutex> lock(*m_readerMutex);
            m_reader = opened->reader;
            m_metadata = m_reader->metadata();
            m_firstUs = opened->stats.tFirstUs;
            m_lastUs = opened->stats.tLastUs;
            m_count = opened->stats.count;
            m_info->setText(tr("%1\n%2, %3×%4 (%5)\n%6 events (%7 ON, %8 OFF) over %9 ms")
                                .arg(QFileInfo(path).fileName(), QString::fromLatin1(toString(m_metadata.format).data()))
                                .arg(m_metadata.widthPx)
                                .arg(m_metadata.heightPx)
                                .arg(QString::fromStdString(m_metadata.geometrySource))
                                .arg(m_count)
                                .arg(opened->stats.positive)
                                .arg(opened->stats.negative)
                                .arg(double(m_lastUs - m_firstUs) / 1000.0, 0, 'f', 2));
            Q_EMIT recordingOpened(m_metadata.widthPx, m_metadata.heightPx);
            m_timeline->setValue(0);
            render();
        },
        [this](const QString& message) {
            m_info->setText(message);
            Q_EMIT problem(message);
        });
}

void EventsPanel::setWindow(std::int64_t startUs, std::int64_t lengthUs)
{
    const std::int64_t span = std::max<std::int64_t>(1, m_lastUs - m_firstUs);
    const QSignalBlocker block(m_timeline);
    m_timeline->setValue(int(double(startUs) / double(span) * kTimelineSteps));
    m_windowMs->setValue(double(lengthUs) / 1000.0);
    render();
}

std::pair<std::int64_t, std::int64_t> EventsPanel::currentWindow() const
{
    const std::int64_t span = std::max<std::int64_t>(1, m_lastUs - m_firstUs);
    const std::int64_t start = m_firstUs + std::int64_t(double(m_timeline->value()) / kTimelineSteps * double(span));
    const std::int64_t length = std::max<std::int64_t>(1, std::int64_t(m_windowMs->value() * 1000.0));
    return {start, length};
}

const EventOverlayView* EventsPanel::currentView() const
{
    const int index = m_repr->currentIndex();
    return index >= 0 && index < int(m_views.size()) ? &m_views[std::size_t(index)] : nullptr;
}

void EventsPanel::showViewParameters()
{
    const EventOverlayView* current = currentView();
    if (!current) {
        m_viewParams->setOperator(nullptr, ParamValues{});
        return;
    }
    const EventOverlayView& view = *current;
    const Operator& op = m_registry.get(view.operatorId);
    std::vector<ParamSpec> shown;
    const std::vector<std::string>& window = convention::eventWindowParams();
    for (const ParamSpec& spec : op.params())
        if (std::find(window.begin(), window.end(), spec.id) == window.end() && !view.fixed.has(spec.id)) shown.push_back(spec);
    m_viewParams->setVisible(!shown.empty()); // a view that fixes every parameter has nothing to show
    m_viewParams->setSpecs(QString::fromStdString(op.info().name), QString::fromStdString(op.info().description), QString(),
                           std::move(shown), ParamValues{});
}

void EventsPanel::render()
{
    const EventOverlayView* current = currentView();
    if (!m_reader || !current) return;
    const EventOverlayView view = *current;
    const auto [start, length] = currentWindow();
    m_position->setText(tr("%1 – %2 ms").arg(double(start - m_firstUs) / 1000.0, 0, 'f', 2).arg(double(start - m_firstUs + length) / 1000.0, 0, 'f', 2));
    ParamValues values = m_viewParams->values();
    for (const auto& [id, value] : view.fixed.all()) values.set(id, value);
    const Operator* op = &m_registry.get(view.operatorId);
    auto reader = m_reader;
    auto mutex = m_readerMutex;
    auto map = std::make_shared<Image>();
    auto count = std::make_shared<std::uint64_t>(0);
    m_jobs.start(
        QStringLiteral("events-window"),
        [reader, mutex, map, count, start, length, op, values](ProgressSink& progress) {
            const std::lock_guard<std::mutex> lock(*mutex);
            RenderedEventWindow r = renderEventWindow(*reader, *op, EventWindow::byTime(start, length), values, nullptr, progress);
            *count = r.eventsRead;
            *map = std::move(r.image);
        },
        [this, map, count, view] {
            m_lastWindowCount = *count;
            Q_EMIT overlayReady(QString::fromStdString(view.label), *map, view.signedValues);
        },
        [this](const QString& message) { Q_EMIT problem(message); });
}

struct EventsPanel::ModelCache {
#if defined(FUSELAB_HAVE_LEARN)
    std::mutex mutex;
    std::string path;
    std::optional<learn::LoadedFrameEventModel> model;

    learn::LoadedFrameEventModel get(const std::string& wanted)
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (!model || path != wanted) {
            model = learn::loadFrameEventModel(wanted);
            path = wanted;
        }
        return *model;
    }
#endif
};

void EventsPanel::setFrameEventModel(const std::string& path)
{
#if defined(FUSELAB_HAVE_LEARN)
    m_frameEventModel = path;
    if (!m_modelCache) m_modelCache = std::make_shared<ModelCache>();
    m_fuseButton->setVisible(!path.empty());
#else
    (void)path;
#endif
}

void EventsPanel::fuseWindow()
{
#if defined(FUSELAB_HAVE_LEARN)
    if (!m_reader) {
        Q_EMIT problem(tr("Open an event recording first"));
        return;
    }
    if (m_frameEventModel.empty()) {
        Q_EMIT problem(tr("No frame/event model: this build has no learned fusion"));
        return;
    }
    const auto [start, length] = currentWindow();
    auto reader = m_reader;
    auto mutex = m_readerMutex;
    auto cache = m_modelCache;
    const std::string modelPath = m_frameEventModel, file = m_recordingPath;
    auto fused = std::make_shared<Image>();
    auto label = std::make_shared<QString>();
    m_jobs.start(
        QStringLiteral("events-fuse"),
        [=](ProgressSink& progress) {
            FrameEventWindow window;
            {
                const std::lock_guard<std::mutex> lock(*mutex);
                window = readFrameEventWindow(*reader, file, EventWindow::byTime(start, length), nullptr, {}, nullptr, {});
            }
            progress.report(0.2, "loading the frame/event model");
            const learn::LoadedFrameEventModel model = cache->get(modelPath);
            const learn::FrameEventInputs inputs = learn::makeFrameEventInputs(window.frameLinear, window.referenceLinear, EventSpan(window.events),
                                                                               window.widthPx, window.heightPx, window.interval, model.encoding);
            learn::FuseOptions options;
            options.blend = &fuselab::pyramidBlend;
            ProgressSpan fusing(progress, 0.3, 1.0);
            const learn::FrameEventFused result = learn::fuseFrameEvent(model, inputs, options, fusing);
            *fused = result.tone;
            fused->setEncoding(ColourEncoding::Srgb); // μ-law display values, shown as they are
            *label = QObject::tr("frame/event fusion: %1 + %2 events (EF from %3)")
                         .arg(QString::fromStdString(window.frameName))
                         .arg(inputs.eventCount)
                         .arg(QString::fromStdString(window.referenceName));
        },
        [this, fused, label] { Q_EMIT fusedReady(*fused, *label); },
        [this](const QString& message) { Q_EMIT problem(message); });
#endif
}

} // namespace fuselab::ui
