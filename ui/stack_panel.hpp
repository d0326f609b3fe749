// The stack panel: a thumbnail per frame with its file name, EV (editable, for files without
// EXIF or with wrong EXIF) and an include check box, ordered by exposure; buttons to open
// files or a folder, and to show a frame's weight map.
#pragma once

#include <QWidget>

class QTableWidget;
class QPushButton;

namespace fuselab::ui {

class Workspace;

class StackPanel final : public QWidget {
    Q_OBJECT
public:
    explicit StackPanel(Workspace& workspace, QWidget* parent = nullptr);
    QTableWidget* table() const { return m_table; }

Q_SIGNALS:
    void openFilesRequested();
    void openFolderRequested();
    void weightMapRequested(int frameIndex);

private:
    void rebuild();
    void refreshValues();

    Workspace& m_ws;
    QTableWidget* m_table = nullptr;
    QPushButton* m_weightButton = nullptr;
    bool m_updating = false;
};

} // namespace fuselab::ui
