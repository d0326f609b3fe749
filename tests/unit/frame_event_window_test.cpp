// readFrameEventWindow (what fuse/explain --frame --events and the GUI's events dock read): the
// frame F is the last stored at or before the window's end, EF's reference the last at or
// before its start, a given frame wins over the stored ones, and missing or misfit frames are
// refused naming the file.
#include "test_support.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/events_io.hpp"
#include "fuselab/frame_event_window.hpp"

using namespace fuselab;
using namespace fuselab::test;

namespace {

// The message readFrameEventWindow throws, or "" when it does not throw.
template <class F>
std::string messageOf(F&& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

void expectAll(const std::string& message, std::initializer_list<const char*> parts)
{
    EXPECT_FALSE(message.empty());
    for (const char* p : parts) EXPECT_NE(message.find(p), std::string::npos) << "'" << p << "' is not in: " << message;
}

// A 16×8 recording, one event every 100 µs from t = 0, with frames of constant grey code g
// stored at 0, 10 000 and 20 000 µs (code 40, 80, 120).
std::string recording(TempDir& dir)
{
    EventStream s;
    s.metadata.widthPx = 16;
    s.metadata.heightPx = 8;
    for (int i = 0; i < 300; ++i) s.events.push_back(Event{std::int64_t(100 * i), std::uint16_t(i % 16), std::uint16_t(i % 8), 1});
    std::vector<Hdf5Frame> frames;
    for (int k = 0; k < 3; ++k) {
        Image8 grey(16, 8, 1);
        for (int y = 0; y < 8; ++y)
            for (int x = 0; x < 16; ++x) grey.at(x, y) = std::uint8_t(40 * (k + 1));
        frames.push_back(Hdf5Frame{std::int64_t(10000 * k), SampleImage(std::move(grey))});
    }
    const std::string path = dir.file("rec.h5");
    writeEventsHdf5(path, s, frames);
    return path;
}

} // namespace

TEST(FrameEventWindow, StoredFramesAtTheWindowsEndAndStart)
{
    TempDir dir;
    const std::string path = recording(dir);
    auto reader = openEventReader(path);
    const std::vector<EventFileFrame> stored = reader->frames();
    ASSERT_EQ(stored.size(), 3u);
    // [12 000, 21 000): F is the frame at 20 000, the reference the one at 10 000.
    const FrameEventWindow w = readFrameEventWindow(*reader, path, EventWindow::byTime(12000, 9000), nullptr, {}, nullptr, {});
    EXPECT_EQ(w.events.size(), 90u);
    EXPECT_EQ(w.interval.beginUs, 12000);
    EXPECT_EQ(w.interval.endUs, 21000);
    EXPECT_EQ(w.frameName, stored[2].name);
    EXPECT_EQ(w.referenceName, stored[1].name);
    EXPECT_EQ(w.widthPx, 16);
    const Image storedF = withEncoding(reader->readFrame(2), ColourEncoding::Linear);
    EXPECT_FLOAT_EQ(w.frameLinear.at(3, 3), storedF.at(3, 3));
    EXPECT_LT(w.referenceLinear.at(3, 3), w.frameLinear.at(3, 3));
    EXPECT_EQ(w.frameLinear.encoding(), ColourEncoding::Linear);

    // A given reference is used as it is; a given frame of the wrong size is refused naming it.
    Image given(16, 8, 1, ColourEncoding::Linear);
    given.fill(0.25f);
    const FrameEventWindow g = readFrameEventWindow(*reader, path, EventWindow::byTime(12000, 9000), nullptr, {}, &given, "ref.exr");
    EXPECT_FLOAT_EQ(g.referenceLinear.at(0, 0), 0.25f);
    EXPECT_TRUE(g.referenceName.empty());
    const Image small(8, 8, 1, ColourEncoding::Linear);
    expectAll(messageOf([&] { readFrameEventWindow(*reader, path, EventWindow::byTime(12000, 9000), &small, "f.png", nullptr, {}); }),
              {"f.png", "8x8", "16x8"});
}

TEST(FrameEventWindow, NoStoredFrameIsRefusedNamingTheRecording)
{
    TempDir dir;
    EventStream s;
    s.metadata.widthPx = 4;
    s.metadata.heightPx = 4;
    for (int i = 0; i < 10; ++i) s.events.push_back(Event{std::int64_t(10 * i), 1, 1, 0});
    const std::string path = dir.file("noframes.h5");
    writeEventsHdf5(path, s);
    auto reader = openEventReader(path);
    expectAll(messageOf([&] { readFrameEventWindow(*reader, path, EventWindow::byTime(0, 50), nullptr, {}, nullptr, {}); }),
              {"noframes.h5", "no stored frame", "frame F"});
}
