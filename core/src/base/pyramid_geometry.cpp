#include "fuselab/base/pyramid_geometry.hpp"

namespace fuselab {

int autoPyramidLevels(int widthPx, int heightPx, int minSidePx)
{
    int levels = 1;
    int w = widthPx, h = heightPx;
    while (std::min((w + 1) / 2, (h + 1) / 2) >= std::max(1, minSidePx) && std::min(w, h) > 1) {
        w = (w + 1) / 2;
        h = (h + 1) / 2;
        ++levels;
    }
    return levels;
}

} // namespace fuselab
