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
    /// Deghosting paint mode on or off: strokes on the viewer take their region from the
    /// selected frame (paintSourceFrame()), or erase back to automatic.
    void deghostPaintToggled(bool on);

public:
    /// The loaded index of the frame painted strokes take their region from; −1 = erase.
    int paintSourceFrame() const;

private:
    void rebuild();
    void refreshValues();

    Workspace& m_ws;
    QTableWidget* m_table = nullptr;
    QPushButton* m_weightButton = nullptr;
    QPushButton* m_paintButton = nullptr;
    QPushButton* m_eraseButton = nullptr;
    bool m_updating = false;
};

} // namespace fuselab::ui
