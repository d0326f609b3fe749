#include "monitor_colour.hpp"

#include <QFile>
#include <QMutex>
#include <QMutexLocker>
#include <QPointF>
#include <QSettings>

namespace fuselab::ui {
namespace {

const char kSettingsKey[] = "view/monitorProfile";

QMutex& cacheMutex()
{
    static QMutex mutex;
    return mutex;
}
QColorSpace& cachedSpace()
{
    static QColorSpace space;
    return space;
}
bool& cacheValid()
{
    static bool valid = false;
    return valid;
}

QColorSpace readProfile(const QString& path, QString* problem)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (problem) *problem = QStringLiteral("%1: cannot be opened (%2)").arg(path, file.errorString());
        return {};
    }
    const QColorSpace space = QColorSpace::fromIccProfile(file.readAll());
    if (!space.isValid() && problem) *problem = QStringLiteral("%1: not an RGB display profile Qt can use").arg(path);
    return space;
}

} // namespace

QColorSpace monitorColourSpace()
{
    QMutexLocker lock(&cacheMutex());
    if (!cacheValid()) {
        const QString path = QSettings().value(QLatin1String(kSettingsKey)).toString();
        QColorSpace space = path.isEmpty() ? QColorSpace() : readProfile(path, nullptr);
        cachedSpace() = space.isValid() ? space : QColorSpace(QColorSpace::SRgb);
        cacheValid() = true;
    }
    return cachedSpace();
}

bool setMonitorProfile(const QString& iccPath, QString* problem)
{
    QColorSpace space(QColorSpace::SRgb);
    if (!iccPath.isEmpty()) {
        space = readProfile(iccPath, problem);
        if (!space.isValid()) return false;
    }
    QSettings().setValue(QLatin1String(kSettingsKey), iccPath);
    QMutexLocker lock(&cacheMutex());
    cachedSpace() = space;
    cacheValid() = true;
    return true;
}

QString monitorProfilePath() { return QSettings().value(QLatin1String(kSettingsKey)).toString(); }

QColorSpace renderedColourSpace(ColourEncoding encoding)
{
    if (encoding == ColourEncoding::Pq || encoding == ColourEncoding::Hlg) {
        // BT.2020 primaries, D65 white (Qt 6.4 has no named Rec. 2020 space).
        static const QColorSpace rec2020(QPointF(0.3127, 0.3290), QPointF(0.708, 0.292), QPointF(0.170, 0.797), QPointF(0.131, 0.046),
                                         QColorSpace::TransferFunction::SRgb);
        return rec2020;
    }
    return QColorSpace(QColorSpace::SRgb);
}

QImage toMonitor(QImage rendered, const QColorSpace& renderedSpace)
{
    rendered.setColorSpace(renderedSpace);
    const QColorSpace monitor = monitorColourSpace();
    if (rendered.isNull() || monitor == renderedSpace) return rendered;
    // Qt 6.4 converts 32-bit formats only.
    QImage wide = rendered.convertToFormat(QImage::Format_RGB32);
    wide.convertToColorSpace(monitor);
    return wide.convertToFormat(QImage::Format_RGB888);
}

} // namespace fuselab::ui
