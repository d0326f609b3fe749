// The EXIF Orientation tag is applied on reading (issue 20): every value 1–8 on PNG, TIFF and
// JPEG files gives the upright picture, and a portrait bracket fuses upright.
#include "test_support.hpp"

#include "fuselab/io.hpp"
#include "fuselab/mertens.hpp"
#include "fuselab/stack_io.hpp"
#include "fuselab/base/synthetic.hpp"

#include <exiv2/exiv2.hpp>

using namespace fuselab;
using namespace fuselab::test;

namespace {


// Where the stored pixel (sx, sy) of a w × h file is shown, by the tag's definition (TIFF/EP:
// 6 = "the 0th row is the visual right-hand side, the 0th column the visual top").
std::pair<int, int> shownAt(int orientation, int sx, int sy, int w, int h)
{
    switch (orientation) {
    case 2: return {w - 1 - sx, sy};
    case 3: return {w - 1 - sx, h - 1 - sy};
    case 4: return {sx, h - 1 - sy};
    case 5: return {sy, sx};
    case 6: return {h - 1 - sy, sx};
    case 7: return {h - 1 - sy, w - 1 - sx};
    case 8: return {sy, w - 1 - sx};
    default: return {sx, sy};
    }
}

} // namespace

TEST(Orientation, EveryValueGivesTheUprightPictureInPngAndTiff)
{
    TempDir dir;
    const Image pattern = makePattern(40, 30, 3, 5);
    for (const char* ext : {".png", ".tif"})
        for (int o = 1; o <= 8; ++o) {
            const std::string path = dir.file("o" + std::to_string(o) + ext);
            writeImage(path, pattern);
            setExifOrientation(path, o);
            const LoadedImage img = readImage(path);
            EXPECT_EQ(img.header.orientation, o) << path;
            const int w = o >= 5 ? 30 : 40, h = o >= 5 ? 40 : 30;
            ASSERT_EQ(img.pixels.width(), w) << path;
            ASSERT_EQ(img.pixels.height(), h) << path;
            EXPECT_EQ(probeImage(path).width, w) << path;
            const Image upright = img.pixels.toFloat();
            const Image stored = readImage(dir.file("o1") + ext).pixels.toFloat();
            for (int sy = 0; sy < 30; sy += 7)
                for (int sx = 0; sx < 40; sx += 9) {
                    const auto [x, y] = shownAt(o, sx, sy, 40, 30);
                    for (int c = 0; c < 3; ++c) EXPECT_EQ(upright.at(x, y, c), stored.at(sx, sy, c)) << path << " " << sx << "," << sy;
                }
        }
}

TEST(Orientation, APortraitBracketFusesUpright)
{
    // Three PNG frames stored landscape with Orientation 6 (a camera held upright): the stack
    // loads portrait and fuses portrait, matching the fusion of the same frames turned by hand.
    TempDir dir;
    const Image scene = makeSyntheticScene({"interior", 96, 64, 2});
    ExposureSimulation sim;
    sim.stops = {-2.0, 0.0, 2.0};
    sim.exposureScale = autoExposureScale(scene);
    std::vector<std::string> files;
    ExposureStack turned;
    for (const SimulatedFrame& f : exposeScene(scene, sim)) {
        files.push_back(dir.file("f" + std::to_string(files.size()) + ".png"));
        writeImage(files.back(), f.pixels);
        setExifOrientation(files.back(), 6);
        const Image8& s = *f.pixels.as8();
        Image8 upright(64, 96, 3, ColourEncoding::Srgb);
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 96; ++x) {
                const auto [ux, uy] = shownAt(6, x, y, 96, 64);
                for (int c = 0; c < 3; ++c) upright.at(ux, uy, c) = s.at(x, y, c);
            }
        StackFrame frame;
        frame.path = "turned";
        frame.pixels = SampleImage(upright);
        turned.frames.push_back(frame);
    }
    const LoadedStack loaded = loadStack(files, StackLoadOptions{});
    ASSERT_EQ(loaded.stack.width(), 64);
    ASSERT_EQ(loaded.stack.height(), 96);
    NullProgress progress;
    const Image fromFiles = *fuseMertens(loaded.stack, {}, FusionOptions{}, progress).fused.asFloat();
    const Image byHand = *fuseMertens(turned, {}, FusionOptions{}, progress).fused.asFloat();
    EXPECT_EQ(compareImages(fromFiles, byHand, 0, 0, 0).maxError, 0.0);
}
