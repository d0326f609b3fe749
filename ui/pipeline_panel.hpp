// The pipeline dock: mode (fusion, or HDR merge + tone mapping), the operator of each stage
// chosen from the registry by category, and a generated parameter panel per active stage.
// Edits go to the workspace (and so to undo, sessions and the preview).
#pragma once

#include <QWidget>

#include <map>
#include <string>

class QComboBox;
class QVBoxLayout;

namespace fuselab::ui {

class ParameterPanel;
class Workspace;

class PipelinePanel final : public QWidget {
    Q_OBJECT
public:
    explicit PipelinePanel(Workspace& workspace, QWidget* parent = nullptr);
    /// The parameter panel of a stage ("align", "fusion", "merge", "tonemap"), or null.
    ParameterPanel* panel(const QString& stage) const;
    QComboBox* stageCombo(const QString& stage) const;

private:
    void syncFromSession();
    QComboBox* makeStageCombo(const QString& stage, const char* category, bool allowNone);

    Workspace& m_ws;
    QComboBox* m_mode = nullptr;
    std::map<QString, QComboBox*> m_combos;
    std::map<QString, ParameterPanel*> m_panels;
    std::map<QString, QWidget*> m_stageBoxes;
    bool m_updating = false;
};

} // namespace fuselab::ui
