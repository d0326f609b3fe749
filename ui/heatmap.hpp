// The generic heatmap overlay: any 1-channel map (weight maps, motion masks, quality maps,
// attributions) rendered through a colormap over the viewer, with a legend.
#pragma once

#include "fuselab/base/image.hpp"

#include <QColor>
#include <QImage>
#include <QString>
#include <QStringList>

namespace fuselab::ui {

enum class Colormap { Viridis, Inferno, Grey, Diverging };
QStringList colormapNames();
Colormap colormapFromName(const QString& name);
QString colormapName(Colormap map);
/// Colour at t in [0,1] (Diverging: 0 blue, 0.5 white, 1 red).
QColor colormapColour(Colormap map, double t);

struct HeatmapStyle {
    Colormap colormap = Colormap::Inferno;
    double opacity = 0.6;       ///< 0..1
    bool autoRange = true;      ///< range from the map's percentiles
    double percentileClip = 1.0; ///< with autoRange: ignore this % at each end
    double minValue = 0.0;
    double maxValue = 1.0;
    bool symmetric = false;     ///< signed maps: range ±max|v|, Diverging colours
    bool absolute = false;      ///< show |v|
};

struct Heatmap {
    Image values;    ///< 1 channel, the source's resolution (or any; it is stretched over the image)
    QString name;    ///< "weight_0", "motion_mask", "quality_map"
};

/// The value range the style resolves to for this map.
std::pair<double, double> heatmapRange(const Image& values, const HeatmapStyle& style);
/// ARGB image of the map (alpha = opacity; NaN transparent).
QImage renderHeatmap(const Image& values, const HeatmapStyle& style);

} // namespace fuselab::ui
