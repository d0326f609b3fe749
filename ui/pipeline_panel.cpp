#include "pipeline_panel.hpp"

#include "parameter_panel.hpp"
#include "workspace.hpp"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QScrollArea>
#include <QVBoxLayout>

namespace fuselab::ui {

PipelinePanel::PipelinePanel(Workspace& workspace, QWidget* parent) : QWidget(parent), m_ws(workspace)
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    auto* content = new QWidget(scroll);
    auto* layout = new QVBoxLayout(content);

    auto* top = new QFormLayout;
    m_mode = new QComboBox(content);
    m_mode->setObjectName(QStringLiteral("modeCombo"));
    m_mode->addItem(tr("Exposure fusion"), QStringLiteral("fusion"));
    m_mode->addItem(tr("HDR merge + tone mapping"), QStringLiteral("hdr"));
    m_mode->setToolTip(tr("Fusion blends the frames directly; HDR mode recovers scene radiance and then tone-maps it"));
    top->addRow(tr("Method"), m_mode);
    layout->addLayout(top);

    struct StageDef {
        const char* stage;
        const char* title;
        const char* category;
        bool allowNone;
    };
    const StageDef stages[] = {{"align", "Alignment", category::alignment, true},
                               {"fusion", "Fusion", category::fusion, false},
                               {"merge", "HDR merge", category::merge, false},
                               {"tonemap", "Tone mapping", category::tonemap, false}};
    for (const StageDef& s : stages) {
        const QString stage = QString::fromLatin1(s.stage);
        auto* box = new QGroupBox(tr(s.title), content);
        auto* bl = new QVBoxLayout(box);
        QComboBox* combo = makeStageCombo(stage, s.category, s.allowNone);
        combo->setParent(box);
        bl->addWidget(combo);
        auto* panel = new ParameterPanel(box);
        panel->setObjectName(QStringLiteral("params_") + stage);
        bl->addWidget(panel);
        layout->addWidget(box);
        m_stageBoxes[stage] = box;
        m_panels[stage] = panel;
        connect(panel, &ParameterPanel::valueEdited, this,
                [this, panel](const QString& id, const ParamValue& before, const ParamValue& after, bool interim) {
                    if (!m_updating && panel->currentOperator())
                        m_ws.editParameter(panel->currentOperator()->info().id, id, before, after, interim);
                });
    }
    layout->addStretch(1);
    scroll->setWidget(content);
    outer->addWidget(scroll);

    connect(m_mode, &QComboBox::currentIndexChanged, this, [this](int) {
        if (!m_updating) m_ws.setStage(QStringLiteral("mode"), m_mode->currentData().toString().toStdString());
    });
    connect(&m_ws, &Workspace::sessionChanged, this, &PipelinePanel::syncFromSession);
    syncFromSession();
}

QComboBox* PipelinePanel::makeStageCombo(const QString& stage, const char* cat, bool allowNone)
{
    auto* combo = new QComboBox(this);
    combo->setObjectName(QStringLiteral("stage_") + stage);
    if (allowNone) combo->addItem(tr("None"), QString());
    for (const Operator* op : m_ws.registry().inCategory(cat)) {
        const OperatorInfo info = op->info();
        combo->addItem(QString::fromStdString(info.name), QString::fromStdString(info.id));
        combo->setItemData(combo->count() - 1, QString::fromStdString(info.description + "\n" + info.reference), Qt::ToolTipRole);
    }
    connect(combo, &QComboBox::currentIndexChanged, this, [this, stage, combo](int) {
        if (!m_updating) m_ws.setStage(stage, combo->currentData().toString().toStdString());
    });
    m_combos[stage] = combo;
    return combo;
}

ParameterPanel* PipelinePanel::panel(const QString& stage) const
{
    auto it = m_panels.find(stage);
    return it == m_panels.end() ? nullptr : it->second;
}

QComboBox* PipelinePanel::stageCombo(const QString& stage) const
{
    auto it = m_combos.find(stage);
    return it == m_combos.end() ? nullptr : it->second;
}

void PipelinePanel::syncFromSession()
{
    m_updating = true;
    const SessionState& s = m_ws.session();
    m_mode->setCurrentIndex(s.mode == PipelineMode::Fusion ? 0 : 1);
    const std::map<QString, std::string> chosen = {
        {QStringLiteral("align"), s.alignId}, {QStringLiteral("fusion"), s.fusionId}, {QStringLiteral("merge"), s.mergeId}, {QStringLiteral("tonemap"), s.tonemapId}};
    for (const auto& [stage, id] : chosen) {
        QComboBox* combo = m_combos[stage];
        combo->setCurrentIndex(std::max(0, combo->findData(QString::fromStdString(id))));
        const Operator* op = id.empty() ? nullptr : m_ws.registry().find(id);
        ParameterPanel* panel = m_panels[stage];
        if (panel->currentOperator() != op) panel->setOperator(op, op ? s.valuesFor(*op) : ParamValues{});
        else if (op) panel->setValues(s.valuesFor(*op));
        panel->setVisible(op != nullptr);
    }
    const bool fusion = s.mode == PipelineMode::Fusion;
    m_stageBoxes[QStringLiteral("fusion")]->setVisible(fusion);
    m_stageBoxes[QStringLiteral("merge")]->setVisible(!fusion);
    m_stageBoxes[QStringLiteral("tonemap")]->setVisible(!fusion);
    m_updating = false;
}

} // namespace fuselab::ui
