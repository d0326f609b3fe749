#include "overlay_panel.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QSlider>

namespace fuselab::ui {

OverlayPanel::OverlayPanel(QWidget* parent) : QWidget(parent)
{
    auto* form = new QFormLayout(this);
    m_map = new QComboBox(this);
    m_map->setObjectName(QStringLiteral("overlayMap"));
    m_map->addItem(tr("None"));
    form->addRow(tr("Map"), m_map);
    m_colormap = new QComboBox(this);
    m_colormap->addItems(colormapNames());
    form->addRow(tr("Colours"), m_colormap);
    m_opacity = new QSlider(Qt::Horizontal, this);
    m_opacity->setRange(0, 100);
    m_opacity->setValue(60);
    form->addRow(tr("Opacity"), m_opacity);
    m_auto = new QCheckBox(tr("Automatic range"), this);
    m_auto->setChecked(true);
    form->addRow(QString(), m_auto);
    m_clip = new QDoubleSpinBox(this);
    m_clip->setRange(0.0, 20.0);
    m_clip->setValue(1.0);
    m_clip->setSuffix(QStringLiteral(" %"));
    m_clip->setToolTip(tr("Percentile clipped at each end of the automatic range"));
    form->addRow(tr("Clip"), m_clip);
    m_min = new QDoubleSpinBox(this);
    m_max = new QDoubleSpinBox(this);
    for (QDoubleSpinBox* b : {m_min, m_max}) {
        b->setRange(-1e9, 1e9);
        b->setDecimals(4);
        b->setEnabled(false);
    }
    m_max->setValue(1.0);
    form->addRow(tr("Minimum"), m_min);
    form->addRow(tr("Maximum"), m_max);
    m_signed = new QCheckBox(tr("Signed (diverging, symmetric)"), this);
    m_absolute = new QCheckBox(tr("Absolute value"), this);
    form->addRow(QString(), m_signed);
    form->addRow(QString(), m_absolute);

    auto changed = [this] { Q_EMIT overlayChanged(); };
    connect(m_map, &QComboBox::currentIndexChanged, this, changed);
    connect(m_colormap, &QComboBox::currentIndexChanged, this, changed);
    connect(m_opacity, &QSlider::valueChanged, this, changed);
    connect(m_clip, &QDoubleSpinBox::valueChanged, this, changed);
    connect(m_min, &QDoubleSpinBox::valueChanged, this, changed);
    connect(m_max, &QDoubleSpinBox::valueChanged, this, changed);
    connect(m_signed, &QCheckBox::toggled, this, changed);
    connect(m_absolute, &QCheckBox::toggled, this, changed);
    connect(m_auto, &QCheckBox::toggled, this, [this, changed](bool on) {
        m_min->setEnabled(!on);
        m_max->setEnabled(!on);
        m_clip->setEnabled(on);
        changed();
    });
}

void OverlayPanel::setMaps(const std::map<QString, Image>& maps)
{
    const QString keep = selectedName();
    m_maps = maps;
    const QSignalBlocker block(m_map);
    m_map->clear();
    m_map->addItem(tr("None"));
    for (const auto& [name, map] : m_maps) m_map->addItem(name);
    const int index = m_map->findText(keep);
    m_map->setCurrentIndex(index > 0 ? index : 0);
    Q_EMIT overlayChanged();
}

void OverlayPanel::addMap(const QString& name, const Image& map)
{
    m_maps[name] = map;
    if (m_map->findText(name) < 0) {
        const QSignalBlocker block(m_map);
        m_map->addItem(name);
    }
    Q_EMIT overlayChanged();
}

void OverlayPanel::selectMap(const QString& name)
{
    const int index = m_map->findText(name);
    if (index >= 0) m_map->setCurrentIndex(index);
}

void OverlayPanel::setSigned(bool on)
{
    m_signed->setChecked(on);
}

QString OverlayPanel::selectedName() const
{
    return m_map->currentIndex() > 0 ? m_map->currentText() : QString();
}

const Image* OverlayPanel::selectedMap() const
{
    auto it = m_maps.find(selectedName());
    return it == m_maps.end() ? nullptr : &it->second;
}

HeatmapStyle OverlayPanel::style() const
{
    HeatmapStyle s;
    s.colormap = colormapFromName(m_colormap->currentText());
    s.opacity = m_opacity->value() / 100.0;
    s.autoRange = m_auto->isChecked();
    s.percentileClip = m_clip->value();
    s.minValue = m_min->value();
    s.maxValue = m_max->value();
    s.symmetric = m_signed->isChecked();
    s.absolute = m_absolute->isChecked();
    return s;
}

} // namespace fuselab::ui
