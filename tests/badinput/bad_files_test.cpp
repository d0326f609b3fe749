// Every bad file is refused with an error that names it and says what is wrong.
#include "bad_files.hpp"
#include "test_support.hpp"

#include "fuselab/error.hpp"
#include "fuselab/io.hpp"

#include <filesystem>

using namespace fuselab;
using namespace fuselab::test;

TEST(BadInput, EveryCraftedFileIsRefusedWithItsNameAndProblem)
{
    TempDir dir;
    for (const BadFile& bad : writeBadFiles(dir.path())) {
        const std::string path = dir.file(bad.name);
        try {
            readImage(path);
            ADD_FAILURE() << bad.name << " was accepted";
        } catch (const Error& e) {
            EXPECT_EQ(e.file(), path) << bad.name;
            EXPECT_NE(e.problem().find(bad.expectedWords), std::string::npos)
                << bad.name << ": '" << e.problem() << "' lacks '" << bad.expectedWords << "'";
            EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "one line: " << e.what();
        }
    }
}

TEST(BadInput, HugeHeaderIsRefusedBeforeAllocating)
{
    TempDir dir;
    writeBytes(dir.file("huge.png"), pngWithClaimedSize(100000, 100000));
    // probeImage reads only the header; readImage must fail the same way without trying to
    // allocate 30 GB (which would throw bad_alloc or be killed instead).
    EXPECT_THROW(probeImage(dir.file("huge.png")), Error);
    try {
        readImage(dir.file("huge.png"));
    } catch (const Error& e) {
        EXPECT_NE(e.problem().find("refused before allocating"), std::string::npos) << e.problem();
    }
    ReadOptions generous;
    generous.maxPixels = 20'000'000'000ull;
    writeBytes(dir.file("wide.png"), pngWithClaimedSize(200, 100));
    EXPECT_THROW(readImage(dir.file("wide.png"), generous), Error); // claims 200x100, holds no pixels
}

TEST(BadInput, MissingFilesAndFolders)
{
    TempDir dir;
    try {
        readImage(dir.file("nothere.png"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.problem(), "no such file");
    }
    try {
        readImage(dir.path());
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(e.problem().find("folder"), std::string::npos);
    }
    EXPECT_THROW(writeImage(dir.file("nofolder/x.png"), makePattern(4, 4, 3)), Error);
    EXPECT_THROW(writeImage(dir.file("x.bmp"), makePattern(4, 4, 3)), Error);
    EXPECT_THROW(writeImage(dir.file("x.jpg"), makePattern(4, 4, 4)), Error); // alpha into JPEG
}

TEST(BadInput, WrongExtensionCanBeAllowedExplicitly)
{
    TempDir dir;
    writeImage(dir.file("a.png"), makePattern(8, 8, 3));
    std::filesystem::copy_file(dir.file("a.png"), dir.file("a.tif"));
    ReadOptions lenient;
    lenient.allowExtensionMismatch = true;
    EXPECT_EQ(readImage(dir.file("a.tif"), lenient).header.format, FileFormat::Png);
}
