#include "attribution_grid.hpp"

#include <QGridLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QVBoxLayout>

namespace fuselab::ui {

namespace {

/// A thumbnail that reports clicks with its map's key.
class GridCell final : public QLabel {
public:
    GridCell(const QString& key, std::function<void(const QString&)> onClick, QWidget* parent)
        : QLabel(parent), m_key(key), m_onClick(std::move(onClick))
    {
        setCursor(Qt::PointingHandCursor);
        setAlignment(Qt::AlignCenter);
    }

protected:
    void mousePressEvent(QMouseEvent* event) override
    {
        if (event->button() == Qt::LeftButton && m_onClick) m_onClick(m_key);
    }

private:
    QString m_key;
    std::function<void(const QString&)> m_onClick;
};

} // namespace

AttributionGrid::AttributionGrid(QWidget* parent) : QWidget(parent)
{
    m_grid = new QGridLayout(this);
    m_grid->setContentsMargins(4, 4, 4, 4);
    m_grid->setSpacing(6);
    m_grid->setAlignment(Qt::AlignTop | Qt::AlignLeft);
}

void AttributionGrid::setCellSizePx(int sizePx)
{
    m_cellPx = std::max(48, sizePx);
}

void AttributionGrid::addRow(const QString& title, const std::vector<QImage>& cells, const QStringList& captions, const QStringList& keys)
{
    auto* header = new QLabel(title, this);
    header->setWordWrap(true);
    header->setMaximumWidth(120);
    header->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_grid->addWidget(header, m_rows, 0);
    for (std::size_t k = 0; k < cells.size(); ++k) {
        auto* box = new QWidget(this);
        auto* v = new QVBoxLayout(box);
        v->setContentsMargins(0, 0, 0, 0);
        v->setSpacing(2);
        auto* cell = new GridCell(k < std::size_t(keys.size()) ? keys[int(k)] : QString(),
                                  [this](const QString& key) { Q_EMIT cellClicked(key); }, box);
        cell->setPixmap(QPixmap::fromImage(cells[k].scaled(m_cellPx, m_cellPx, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
        cell->setToolTip(tr("Show this map over the image"));
        v->addWidget(cell);
        auto* caption = new QLabel(k < std::size_t(captions.size()) ? captions[int(k)] : QString(), box);
        caption->setAlignment(Qt::AlignCenter);
        v->addWidget(caption);
        m_grid->addWidget(box, m_rows, int(k) + 1);
    }
    m_columns = std::max(m_columns, int(cells.size()));
    ++m_rows;
}

void AttributionGrid::clear()
{
    while (QLayoutItem* item = m_grid->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_rows = 0;
    m_columns = 0;
}

} // namespace fuselab::ui
