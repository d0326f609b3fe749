// A grid of attribution maps for side-by-side comparison: one row per computed result (a
// method with its target), one column per input (exposure or modality). Each cell is the
// input with the map drawn over it in the overlay's colours; clicking a cell asks for that map
// in the main viewer.
#pragma once

#include <QImage>
#include <QStringList>
#include <QWidget>

class QGridLayout;

namespace fuselab::ui {

class AttributionGrid final : public QWidget {
    Q_OBJECT
public:
    explicit AttributionGrid(QWidget* parent = nullptr);

    /// Appends a row; `cells` and `captions` have one entry per input. `keys` name the maps
    /// (what cellClicked reports).
    void addRow(const QString& title, const std::vector<QImage>& cells, const QStringList& captions, const QStringList& keys);
    void clear();
    int rowCount() const { return m_rows; }
    int columnCount() const { return m_columns; }
    void setCellSizePx(int sizePx);

Q_SIGNALS:
    void cellClicked(const QString& key);

private:
    QGridLayout* m_grid = nullptr;
    int m_rows = 0;
    int m_columns = 0;
    int m_cellPx = 180;
};

} // namespace fuselab::ui
