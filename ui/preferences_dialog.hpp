// Preferences: worker threads, the training device, and the default export format; kept in
// QSettings (the platform's place) and applied at once.
#pragma once

#include <QDialog>

class QComboBox;
class QSpinBox;

namespace fuselab::ui {

class PreferencesDialog final : public QDialog {
    Q_OBJECT
public:
    explicit PreferencesDialog(QWidget* parent = nullptr);

    /// Applies the stored preferences to the process (threads); call at start-up.
    static void applyStored();
    static int threads();          ///< 0 = all cores
    static QString device();       ///< "auto", "cpu" or "cuda"
    static QString exportFormat(); ///< one of exportFormatNames()

    void accept() override;

private:
    QSpinBox* m_threads = nullptr;
    QComboBox* m_device = nullptr;
    QComboBox* m_format = nullptr;
};

} // namespace fuselab::ui
