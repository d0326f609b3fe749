// A parameter panel generated from an operator's ParamSpecs: slider + spin box for numbers
// (soft range on the slider, hard range on the box, log scale where the spec says), combo
// boxes for choices, check boxes for flags; units, tooltips, a reset button per parameter,
// "reset all", and named presets. It never knows which operator it shows.
#pragma once

#include "fuselab/base/operator.hpp"

#include <QWidget>

#include <map>

class QComboBox;
class QFormLayout;
class QLabel;

namespace fuselab::ui {

class ParameterPanel final : public QWidget {
    Q_OBJECT
public:
    explicit ParameterPanel(QWidget* parent = nullptr);
    ~ParameterPanel() override;

    /// Rebuilds the widgets for `op` (may be null: empty panel) showing `values`.
    void setOperator(const Operator* op, const ParamValues& values);
    /// The same for a parameter table that is not an operator's (training settings). Presets are
    /// stored under `presetKey` (empty: no presets).
    void setSpecs(const QString& title, const QString& titleTooltip, const QString& presetKey, std::vector<ParamSpec> specs,
                  const ParamValues& values);
    /// Shows new values without emitting (undo/redo, session load).
    void setValues(const ParamValues& values);
    const ParamValues& values() const { return m_values; }
    const Operator* currentOperator() const { return m_op; }
    /// The editing widget of a parameter (object name "param_<id>"), for tests.
    QWidget* editorFor(const QString& paramId) const;
    int editorCount() const { return int(m_rows.size()); }

Q_SIGNALS:
    /// A user edit. `interim` is true while a slider is being dragged (consecutive interim
    /// edits of one parameter form one undo step).
    void valueEdited(const QString& paramId, const fuselab::ParamValue& before, const fuselab::ParamValue& after, bool interim);

private:
    struct Row;
    void buildRow(const ParamSpec& spec);
    void applyToRow(Row& row, const ParamValue& value);
    void edit(const QString& paramId, const ParamValue& value, bool interim);
    void updateEnabled();
    void loadPresetNames();

    const Operator* m_op = nullptr;
    QString m_presetKey;
    std::vector<ParamSpec> m_specs;
    ParamValues m_values;
    std::map<QString, std::unique_ptr<Row>> m_rows;
    QFormLayout* m_form = nullptr;
    QLabel* m_title = nullptr;
    QComboBox* m_presets = nullptr;
    bool m_updating = false;
};

} // namespace fuselab::ui
