// The metrics panel: every metric operator that needs no reference image, run on demand on
// the current result against its stack; values copyable as text; quality maps offered as
// overlays.
#pragma once

#include "fuselab/base/image.hpp"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace fuselab::ui {

class Workspace;

class MetricsPanel final : public QWidget {
    Q_OBJECT
public:
    explicit MetricsPanel(Workspace& workspace, QWidget* parent = nullptr);
    QTableWidget* table() const { return m_table; }
    QString asText() const;

public Q_SLOTS:
    void compute();

Q_SIGNALS:
    void qualityMap(const QString& name, const fuselab::Image& map);

private:
    Workspace& m_ws;
    QTableWidget* m_table = nullptr;
    QLabel* m_status = nullptr;
};

} // namespace fuselab::ui
