#include "stack_panel.hpp"

#include "display_image.hpp"
#include "workspace.hpp"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace fuselab::ui {

namespace {
QPixmap thumbnail(const SampleImage& pixels)
{
    // A small grid sample of the frame, no need to convert the whole image.
    const int w = pixels.width(), h = pixels.height();
    const int tw = 96, th = std::max(1, int(std::lround(96.0 * h / std::max(w, 1))));
    QImage img(tw, th, QImage::Format_RGB888);
    std::vector<float> row(std::size_t(w) * pixels.channels());
    for (int y = 0; y < th; ++y) {
        pixels.rowToFloat(std::min(h - 1, y * h / th), row.data());
        for (int x = 0; x < tw; ++x) {
            const int sx = std::min(w - 1, x * w / tw);
            for (int c = 0; c < 3; ++c) {
                float v = row[std::size_t(sx) * pixels.channels() + std::size_t(std::min(c, pixels.channels() - 1))];
                if (pixels.encoding() == ColourEncoding::Linear) v = std::pow(std::clamp(v, 0.0f, 1.0f), 1.0f / 2.2f);
                img.scanLine(y)[3 * x + c] = uchar(std::clamp(v, 0.0f, 1.0f) * 255.0f + 0.5f);
            }
        }
    }
    return QPixmap::fromImage(img);
}
} // namespace

StackPanel::StackPanel(Workspace& workspace, QWidget* parent) : QWidget(parent), m_ws(workspace)
{
    auto* layout = new QVBoxLayout(this);
    auto* buttons = new QHBoxLayout;
    auto* openFiles = new QPushButton(tr("Open files…"), this);
    auto* openFolder = new QPushButton(tr("Open folder…"), this);
    buttons->addWidget(openFiles);
    buttons->addWidget(openFolder);
    layout->addLayout(buttons);
    m_table = new QTableWidget(0, 3, this);
    m_table->setObjectName(QStringLiteral("stackTable"));
    m_table->setHorizontalHeaderLabels({tr("Use"), tr("Frame"), tr("EV (stops)")});
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_table->verticalHeader()->setVisible(false);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setIconSize(QSize(96, 64));
    layout->addWidget(m_table, 1);
    m_weightButton = new QPushButton(tr("Show weight map of selected frame"), this);
    m_weightButton->setToolTip(tr("Overlay the selected frame's share of the fused result"));
    layout->addWidget(m_weightButton);
    // Deghosting decisions by hand: where the automatic detection guessed wrong, paint on the
    // image which frame a region comes from (saved in the session, and in exported sidecars).
    auto* ghostRow = new QHBoxLayout;
    m_paintButton = new QPushButton(tr("Paint from frame"), this);
    m_paintButton->setObjectName(QStringLiteral("deghostPaint"));
    m_paintButton->setCheckable(true);
    m_paintButton->setToolTip(tr("Deghosting: brush over the image to take that region from the selected frame "
                                 "(the other frames are mapped to its content at their own exposure)"));
    m_eraseButton = new QPushButton(tr("Erase"), this);
    m_eraseButton->setCheckable(true);
    m_eraseButton->setToolTip(tr("Brush painted regions back to automatic deghosting"));
    auto* clearButton = new QPushButton(tr("Clear"), this);
    clearButton->setToolTip(tr("Remove every painted deghosting decision"));
    ghostRow->addWidget(m_paintButton);
    ghostRow->addWidget(m_eraseButton);
    ghostRow->addWidget(clearButton);
    layout->addLayout(ghostRow);
    connect(m_paintButton, &QPushButton::toggled, this, [this](bool on) {
        if (on) m_eraseButton->setChecked(false);
        Q_EMIT deghostPaintToggled(on || m_eraseButton->isChecked());
    });
    connect(m_eraseButton, &QPushButton::toggled, this, [this](bool on) {
        if (on) m_paintButton->setChecked(false);
        Q_EMIT deghostPaintToggled(on || m_paintButton->isChecked());
    });
    connect(clearButton, &QPushButton::clicked, this, [this] { m_ws.clearDeghostMask(); });
    auto* hint = new QLabel(tr("EV: +1 = twice the light. Edit where EXIF is missing or wrong."), this);
    hint->setWordWrap(true);
    layout->addWidget(hint);

    connect(openFiles, &QPushButton::clicked, this, &StackPanel::openFilesRequested);
    connect(openFolder, &QPushButton::clicked, this, &StackPanel::openFolderRequested);
    connect(m_weightButton, &QPushButton::clicked, this, [this] {
        const int row = m_table->currentRow();
        if (row >= 0) Q_EMIT weightMapRequested(m_table->item(row, 1)->data(Qt::UserRole).toInt());
    });
    connect(&m_ws, &Workspace::stackChanged, this, &StackPanel::rebuild);
    connect(&m_ws, &Workspace::sessionChanged, this, &StackPanel::refreshValues);
    rebuild();
}

int StackPanel::paintSourceFrame() const
{
    if (m_eraseButton->isChecked()) return -1;
    int row = m_table->currentRow();
    if (row < 0 && m_table->rowCount() > 0) row = 0;
    return row < 0 ? -1 : m_table->item(row, 1)->data(Qt::UserRole).toInt();
}

void StackPanel::rebuild()
{
    m_updating = true;
    const ExposureStack& stack = m_ws.loadedStack();
    const auto& frames = m_ws.session().frames;
    m_table->setRowCount(int(stack.frames.size()));
    // Ordered by exposure where known (darkest first), as the frames are used.
    std::vector<int> order(stack.frames.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = int(i);
    auto stopsOf = [&](int i) -> double {
        if (std::size_t(i) < frames.size() && frames[std::size_t(i)].ev) return *frames[std::size_t(i)].ev;
        return stack.frames[std::size_t(i)].exposure.stops.value_or(0.0);
    };
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return stopsOf(a) < stopsOf(b); });
    for (int row = 0; row < int(order.size()); ++row) {
        const int i = order[std::size_t(row)];
        const StackFrame& f = stack.frames[std::size_t(i)];
        auto* check = new QCheckBox(m_table);
        check->setChecked(std::size_t(i) >= frames.size() || frames[std::size_t(i)].included);
        check->setToolTip(tr("Use this frame"));
        connect(check, &QCheckBox::toggled, this, [this, i](bool on) {
            if (!m_updating) m_ws.setFrameIncluded(i, on);
        });
        m_table->setCellWidget(row, 0, check);
        auto* item = new QTableWidgetItem(QIcon(thumbnail(f.pixels)), QFileInfo(QString::fromStdString(f.path)).fileName());
        item->setData(Qt::UserRole, i);
        item->setToolTip(QString::fromStdString(f.path));
        item->setFlags(item->flags() & ~Qt::ItemIsEditable);
        m_table->setItem(row, 1, item);
        auto* ev = new QDoubleSpinBox(m_table);
        ev->setRange(-30.0, 30.0);
        ev->setDecimals(2);
        ev->setSingleStep(0.33);
        ev->setSpecialValueText(tr("—"));
        ev->setMinimum(-30.01); // the special value: no exposure data
        const std::optional<double> typed = std::size_t(i) < frames.size() ? frames[std::size_t(i)].ev : std::nullopt;
        const std::optional<double> shown = typed ? typed : f.exposure.stops;
        ev->setValue(shown ? *shown : ev->minimum());
        ev->setToolTip(f.exposure.source == ExposureSource::Exif ? tr("From EXIF; edit to override") : tr("Exposure in stops (+1 = twice the light)"));
        connect(ev, &QDoubleSpinBox::valueChanged, this, [this, i, ev](double v) {
            if (m_updating) return;
            m_ws.setFrameEv(i, v <= ev->minimum() ? std::optional<double>() : std::optional<double>(v));
        });
        m_table->setCellWidget(row, 2, ev);
        m_table->setRowHeight(row, 68);
    }
    m_updating = false;
}

void StackPanel::refreshValues()
{
    if (m_table->rowCount() != int(m_ws.loadedStack().frames.size())) {
        rebuild();
        return;
    }
    m_updating = true;
    const auto& frames = m_ws.session().frames;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const int i = m_table->item(row, 1)->data(Qt::UserRole).toInt();
        if (std::size_t(i) >= frames.size()) continue;
        if (auto* check = qobject_cast<QCheckBox*>(m_table->cellWidget(row, 0))) check->setChecked(frames[std::size_t(i)].included);
        if (auto* ev = qobject_cast<QDoubleSpinBox*>(m_table->cellWidget(row, 2))) {
            const std::optional<double> typed = frames[std::size_t(i)].ev;
            const std::optional<double> shown = typed ? typed : m_ws.loadedStack().frames[std::size_t(i)].exposure.stops;
            ev->setValue(shown ? *shown : ev->minimum());
        }
    }
    m_updating = false;
}

} // namespace fuselab::ui
