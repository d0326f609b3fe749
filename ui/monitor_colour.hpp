// The monitor's colour: what the viewer converts displayed pixels to (Qt's QColorSpace).
// Qt 6.4 does not report a screen's ICC profile on X11 or Wayland, so the user names it
// (View → Monitor profile…, remembered in QSettings under "view/monitorProfile"); without one
// the monitor is taken to be sRGB and sRGB pixels are shown untouched.
#pragma once

#include "fuselab/base/image.hpp"

#include <QColorSpace>
#include <QImage>
#include <QString>

namespace fuselab::ui {

/// The remembered monitor profile, or sRGB when none is set or it cannot be read. GUI thread
/// or workers alike (the value is read once and cached; setMonitorProfile replaces it).
QColorSpace monitorColourSpace();
/// Remembers `iccPath` (empty: back to sRGB). Returns false, leaving the setting as it was,
/// when the file is not an RGB ICC profile Qt can use; `problem` then says why.
bool setMonitorProfile(const QString& iccPath, QString* problem = nullptr);
/// The remembered profile's path (empty for sRGB).
QString monitorProfilePath();

/// The colour space of display values rendered from an image of this encoding: Rec. 2020
/// primaries for PQ/HLG code values (BT.2100), the working space's (sRGB) otherwise; sRGB curve.
QColorSpace renderedColourSpace(ColourEncoding encoding);
/// `rendered` (8-bit RGB888 in renderedColourSpace) as the monitor should receive it: tagged,
/// and converted when the monitor's space differs.
QImage toMonitor(QImage rendered, const QColorSpace& renderedSpace);

} // namespace fuselab::ui
