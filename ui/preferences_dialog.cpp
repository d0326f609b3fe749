#include "preferences_dialog.hpp"

#include "exporter.hpp"

#include "fuselab/runtime.hpp"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QSettings>
#include <QSpinBox>
#include <QThread>

namespace fuselab::ui {

int PreferencesDialog::threads()
{
    return QSettings().value(QStringLiteral("prefs/threads"), 0).toInt();
}

QString PreferencesDialog::device()
{
    return QSettings().value(QStringLiteral("prefs/device"), QStringLiteral("auto")).toString();
}

QString PreferencesDialog::exportFormat()
{
    return QSettings().value(QStringLiteral("export/format"), exportFormatNames().at(int(ExportFormat::Png16))).toString();
}

void PreferencesDialog::applyStored()
{
    configureRuntime(threads());
}

PreferencesDialog::PreferencesDialog(QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Preferences"));
    auto* form = new QFormLayout(this);
    m_threads = new QSpinBox(this);
    m_threads->setRange(0, 256);
    m_threads->setSpecialValueText(tr("all cores (%1)").arg(QThread::idealThreadCount()));
    m_threads->setValue(threads());
    m_threads->setToolTip(tr("Worker threads for fusion, merging and metrics"));
    form->addRow(tr("Threads"), m_threads);
    m_device = new QComboBox(this);
    m_device->addItem(tr("Automatic (CUDA when available)"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_device->addItem(tr("CUDA"), QStringLiteral("cuda"));
    m_device->setCurrentIndex(std::max(0, m_device->findData(device())));
    m_device->setToolTip(tr("Where learned fusion trains and runs"));
    form->addRow(tr("Training device"), m_device);
    m_format = new QComboBox(this);
    m_format->addItems(exportFormatNames());
    m_format->setCurrentText(exportFormat());
    form->addRow(tr("Default export format"), m_format);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

void PreferencesDialog::accept()
{
    QSettings s;
    s.setValue(QStringLiteral("prefs/threads"), m_threads->value());
    s.setValue(QStringLiteral("prefs/device"), m_device->currentData().toString());
    s.setValue(QStringLiteral("export/format"), m_format->currentText());
    applyStored();
    QDialog::accept();
}

} // namespace fuselab::ui
