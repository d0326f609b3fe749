#include "parameter_panel.hpp"

#include "param_variant.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace fuselab::ui {

namespace {
constexpr int kSliderSteps = 1000;

int decimalsFor(const ParamSpec& s)
{
    const double step = s.step > 0 ? s.step : (s.maxValue - s.minValue) / 1000.0;
    int d = step > 0 ? int(std::ceil(-std::log10(step))) : 3;
    if (s.defaultValue != 0.0) d = std::max(d, int(std::ceil(-std::log10(std::fabs(s.defaultValue)))) + 1);
    return std::clamp(d, 0, 8);
}
} // namespace

struct ParameterPanel::Row {
    ParamSpec spec;
    QWidget* container = nullptr;
    QLabel* label = nullptr;
    QSlider* slider = nullptr;
    QDoubleSpinBox* spin = nullptr;
    QSpinBox* intSpin = nullptr;
    QCheckBox* check = nullptr;
    QComboBox* combo = nullptr;
    ParamValue dragStart;
    bool dragging = false;

    // Slider position ↔ value over the soft range (log-spaced when the spec says so).
    double sliderToValue(int pos) const
    {
        const double t = double(pos) / kSliderSteps;
        if (spec.logScale) return spec.softMin * std::pow(spec.softMax / spec.softMin, t);
        return spec.softMin + t * (spec.softMax - spec.softMin);
    }
    int valueToSlider(double v) const
    {
        double t;
        if (spec.logScale) t = std::log(std::max(v, spec.softMin) / spec.softMin) / std::log(spec.softMax / spec.softMin);
        else t = (v - spec.softMin) / (spec.softMax - spec.softMin);
        return int(std::lround(std::clamp(t, 0.0, 1.0) * kSliderSteps));
    }
};

ParameterPanel::ParameterPanel(QWidget* parent) : QWidget(parent)
{
    auto* outer = new QVBoxLayout(this);
    auto* header = new QHBoxLayout;
    m_title = new QLabel(this);
    m_title->setWordWrap(true);
    QFont f = m_title->font();
    f.setBold(true);
    m_title->setFont(f);
    header->addWidget(m_title, 1);
    auto* resetAll = new QToolButton(this);
    resetAll->setText(tr("Reset all"));
    resetAll->setToolTip(tr("Every parameter of this operator back to its default"));
    header->addWidget(resetAll);
    outer->addLayout(header);

    auto* presetRow = new QHBoxLayout;
    m_presets = new QComboBox(this);
    m_presets->setToolTip(tr("Saved parameter sets of this operator"));
    auto* savePreset = new QToolButton(this);
    savePreset->setText(tr("Save…"));
    savePreset->setToolTip(tr("Save the current values as a named preset"));
    auto* deletePreset = new QToolButton(this);
    deletePreset->setText(tr("Delete"));
    presetRow->addWidget(new QLabel(tr("Preset"), this));
    presetRow->addWidget(m_presets, 1);
    presetRow->addWidget(savePreset);
    presetRow->addWidget(deletePreset);
    outer->addLayout(presetRow);

    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    outer->addLayout(m_form);
    outer->addStretch(1);

    connect(resetAll, &QToolButton::clicked, this, [this] {
        if (m_specs.empty()) return;
        for (const ParamSpec& s : m_specs) edit(QString::fromStdString(s.id), defaultValue(s), false);
    });
    connect(savePreset, &QToolButton::clicked, this, [this] {
        if (m_presetKey.isEmpty()) return;
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("Save preset"), tr("Preset name:"), QLineEdit::Normal, QString(), &ok);
        if (!ok || name.trimmed().isEmpty()) return;
        QSettings settings;
        settings.setValue(QStringLiteral("presets/%1/%2").arg(m_presetKey, name.trimmed()),
                          QString::fromUtf8(QJsonDocument(valuesToJson(m_values)).toJson(QJsonDocument::Compact)));
        loadPresetNames();
        m_presets->setCurrentText(name.trimmed());
    });
    connect(deletePreset, &QToolButton::clicked, this, [this] {
        if (m_presetKey.isEmpty() || m_presets->currentIndex() <= 0) return;
        QSettings settings;
        settings.remove(QStringLiteral("presets/%1/%2").arg(m_presetKey, m_presets->currentText()));
        loadPresetNames();
    });
    connect(m_presets, &QComboBox::activated, this, [this](int index) {
        if (m_presetKey.isEmpty() || index <= 0) return;
        QSettings settings;
        const QString json = settings.value(QStringLiteral("presets/%1/%2").arg(m_presetKey, m_presets->currentText()))
                                 .toString();
        const ParamValues stored = valuesFromJson(m_specs, QJsonDocument::fromJson(json.toUtf8()).object());
        for (const auto& [id, v] : stored.all())
            if (m_values.find(id) && *m_values.find(id) != v) edit(QString::fromStdString(id), v, false);
    });
}

ParameterPanel::~ParameterPanel() = default;

void ParameterPanel::loadPresetNames()
{
    m_presets->clear();
    m_presets->addItem(tr("(choose)"));
    if (m_presetKey.isEmpty()) return;
    QSettings settings;
    settings.beginGroup(QStringLiteral("presets/%1").arg(m_presetKey));
    m_presets->addItems(settings.childKeys());
    settings.endGroup();
}

void ParameterPanel::setOperator(const Operator* op, const ParamValues& values)
{
    if (!op) {
        setSpecs(tr("(no parameters)"), QString(), QString(), {}, {});
    } else {
        const OperatorInfo info = op->info();
        setSpecs(QString::fromStdString(info.name), QString::fromStdString(info.description + (info.reference.empty() ? "" : "\n" + info.reference)),
                 QString::fromStdString(info.id), op->params(), values);
    }
    m_op = op;
}

void ParameterPanel::setSpecs(const QString& title, const QString& titleTooltip, const QString& presetKey,
                              std::vector<ParamSpec> specs, const ParamValues& values)
{
    m_updating = true;
    while (m_form->rowCount() > 0) m_form->removeRow(0);
    m_rows.clear();
    m_op = nullptr;
    m_presetKey = presetKey;
    m_specs = std::move(specs);
    m_values = resolveParamValues(m_specs, values);
    m_title->setText(title);
    m_title->setToolTip(titleTooltip);
    for (const ParamSpec& s : m_specs) buildRow(s);
    loadPresetNames();
    updateEnabled();
    m_updating = false;
}

void ParameterPanel::buildRow(const ParamSpec& spec)
{
    auto row = std::make_unique<Row>();
    row->spec = spec;
    const QString id = QString::fromStdString(spec.id);
    const QString tip = QString::fromStdString(spec.tooltip + (spec.reference.empty() ? "" : " (" + spec.reference + ")"));
    row->container = new QWidget(this);
    auto* h = new QHBoxLayout(row->container);
    h->setContentsMargins(0, 0, 0, 0);
    const QString unit = QString::fromStdString(spec.unit);

    switch (spec.kind) {
    case ParamKind::Float: {
        row->slider = new QSlider(Qt::Horizontal, row->container);
        row->slider->setRange(0, kSliderSteps);
        row->spin = new QDoubleSpinBox(row->container);
        row->spin->setObjectName(QStringLiteral("param_") + id);
        row->spin->setRange(spec.minValue, spec.maxValue);
        row->spin->setDecimals(decimalsFor(spec));
        row->spin->setSingleStep(spec.step > 0 ? spec.step : (spec.softMax - spec.softMin) / 100.0);
        row->spin->setKeyboardTracking(false);
        if (!unit.isEmpty()) row->spin->setSuffix(QStringLiteral(" ") + unit);
        h->addWidget(row->slider, 1);
        h->addWidget(row->spin);
        Row* r = row.get();
        connect(row->slider, &QSlider::sliderPressed, this, [this, r] {
            r->dragging = true;
            r->dragStart = *m_values.find(r->spec.id);
        });
        connect(row->slider, &QSlider::valueChanged, this, [this, r, id](int pos) {
            if (m_updating) return;
            edit(id, r->sliderToValue(pos), r->dragging);
        });
        connect(row->slider, &QSlider::sliderReleased, this, [this, r, id] {
            r->dragging = false;
            edit(id, r->sliderToValue(r->slider->value()), false);
        });
        connect(row->spin, &QDoubleSpinBox::valueChanged, this, [this, id](double v) {
            if (!m_updating) edit(id, v, false);
        });
        break;
    }
    case ParamKind::Int: {
        row->slider = new QSlider(Qt::Horizontal, row->container);
        row->slider->setRange(int(spec.softMin), int(spec.softMax));
        row->intSpin = new QSpinBox(row->container);
        row->intSpin->setObjectName(QStringLiteral("param_") + id);
        row->intSpin->setRange(int(spec.minValue), int(spec.maxValue));
        row->intSpin->setKeyboardTracking(false);
        if (!unit.isEmpty()) row->intSpin->setSuffix(QStringLiteral(" ") + unit);
        h->addWidget(row->slider, 1);
        h->addWidget(row->intSpin);
        Row* r = row.get();
        connect(row->slider, &QSlider::sliderPressed, this, [r] { r->dragging = true; });
        connect(row->slider, &QSlider::valueChanged, this, [this, r, id](int v) {
            if (!m_updating) edit(id, std::int64_t(v), r->dragging);
        });
        connect(row->slider, &QSlider::sliderReleased, this, [this, r, id] {
            r->dragging = false;
            edit(id, std::int64_t(r->slider->value()), false);
        });
        connect(row->intSpin, &QSpinBox::valueChanged, this, [this, id](int v) {
            if (!m_updating) edit(id, std::int64_t(v), false);
        });
        break;
    }
    case ParamKind::Bool:
        row->check = new QCheckBox(row->container);
        row->check->setObjectName(QStringLiteral("param_") + id);
        h->addWidget(row->check, 1);
        connect(row->check, &QCheckBox::toggled, this, [this, id](bool on) {
            if (!m_updating) edit(id, on, false);
        });
        break;
    case ParamKind::Choice:
        row->combo = new QComboBox(row->container);
        row->combo->setObjectName(QStringLiteral("param_") + id);
        for (const ParamChoice& c : spec.choices) row->combo->addItem(QString::fromStdString(c.label), QString::fromStdString(c.id));
        h->addWidget(row->combo, 1);
        connect(row->combo, &QComboBox::currentIndexChanged, this, [this, id, r = row.get()](int index) {
            if (!m_updating && index >= 0) edit(id, r->combo->itemData(index).toString().toStdString(), false);
        });
        break;
    }
    auto* reset = new QToolButton(row->container);
    reset->setText(QStringLiteral("↺"));
    reset->setToolTip(tr("Reset to the default (%1)").arg(QString::fromStdString(formatParamValue(defaultValue(spec)))));
    reset->setAutoRaise(true);
    h->addWidget(reset);
    connect(reset, &QToolButton::clicked, this, [this, id, spec] { edit(id, defaultValue(spec), false); });

    row->label = new QLabel(QString::fromStdString(spec.label), this);
    row->label->setToolTip(tip);
    row->container->setToolTip(tip);
    m_form->addRow(row->label, row->container);
    applyToRow(*row, *m_values.find(spec.id));
    m_rows[id] = std::move(row);
}

void ParameterPanel::applyToRow(Row& row, const ParamValue& value)
{
    const bool was = m_updating;
    m_updating = true;
    if (row.spin) {
        const double v = std::get<double>(value);
        row.spin->setValue(v);
        if (!row.dragging) row.slider->setValue(row.valueToSlider(v));
    } else if (row.intSpin) {
        const int v = int(std::get<std::int64_t>(value));
        row.intSpin->setValue(v);
        if (!row.dragging) row.slider->setValue(std::clamp(v, row.slider->minimum(), row.slider->maximum()));
    } else if (row.check) {
        row.check->setChecked(std::get<bool>(value));
    } else if (row.combo) {
        row.combo->setCurrentIndex(row.combo->findData(QString::fromStdString(std::get<std::string>(value))));
    }
    m_updating = was;
}

void ParameterPanel::setValues(const ParamValues& values)
{
    if (m_specs.empty()) return;
    m_values = resolveParamValues(m_specs, values);
    for (auto& [id, row] : m_rows) applyToRow(*row, *m_values.find(row->spec.id));
    updateEnabled();
}

QWidget* ParameterPanel::editorFor(const QString& paramId) const
{
    return findChild<QWidget*>(QStringLiteral("param_") + paramId);
}

void ParameterPanel::edit(const QString& paramId, const ParamValue& value, bool interim)
{
    auto it = m_rows.find(paramId);
    if (it == m_rows.end()) return;
    ParamValue v = value;
    if (it->second->spec.kind == ParamKind::Float) {
        const double d = std::clamp(std::get<double>(value), it->second->spec.minValue, it->second->spec.maxValue);
        v = d;
    }
    const ParamValue before = *m_values.find(it->second->spec.id);
    if (before == v && interim) return;
    m_values.set(it->second->spec.id, v);
    applyToRow(*it->second, v);
    updateEnabled();
    Q_EMIT valueEdited(paramId, it->second->dragging && !interim ? it->second->dragStart : before, v, interim);
}

void ParameterPanel::updateEnabled()
{
    for (auto& [id, row] : m_rows) {
        const std::string& cond = row->spec.enabledBy;
        bool enabled = true;
        if (!cond.empty()) {
            const std::size_t eq = cond.find('=');
            const ParamValue* v = m_values.find(cond.substr(0, eq));
            if (v && eq == std::string::npos) enabled = std::holds_alternative<bool>(*v) && std::get<bool>(*v);
            else if (v) enabled = std::holds_alternative<std::string>(*v) && std::get<std::string>(*v) == cond.substr(eq + 1);
        }
        row->container->setEnabled(enabled);
        row->label->setEnabled(enabled);
    }
}

} // namespace fuselab::ui
