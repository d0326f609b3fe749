// Every bad file is refused with an error that names it and says what is wrong.
#include "bad_files.hpp"
#include "test_support.hpp"

#include "fuselab/base/error.hpp"
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

TEST(BadInput, FilesAreDecodedByContentWhateverTheirName)
{
    // A JPEG named .png (two of a public benchmark's pairs are), a PNG named .tif, an EXR named
    // .hdr: each is read as what it is, with the same pixels as under its own name, and the
    // header says what the name got wrong.
    TempDir dir;
    const Image pattern = makePattern(24, 16, 3);
    writeImage(dir.file("a.jpg"), pattern);
    writeImage(dir.file("b.png"), pattern);
    writeImage(dir.file("c.exr"), pattern);
    struct Case {
        std::string from, to;
        FileFormat content;
        std::string words;
    };
    for (const Case& c : {Case{"a.jpg", "a-named.png", FileFormat::Jpeg, "the content is JPEG, not the PNG the name says; read as JPEG"},
                          Case{"b.png", "b-named.tif", FileFormat::Png, "the content is PNG, not the TIFF the name says"},
                          Case{"c.exr", "c-named.hdr", FileFormat::Exr, "the content is OpenEXR, not the Radiance HDR"}}) {
        std::filesystem::copy_file(dir.file(c.from), dir.file(c.to));
        const LoadedImage renamed = readImage(dir.file(c.to));
        const LoadedImage original = readImage(dir.file(c.from));
        EXPECT_EQ(renamed.header.format, c.content) << c.to;
        EXPECT_NE(renamed.header.contentNote.find(c.words), std::string::npos) << c.to << ": " << renamed.header.contentNote;
        EXPECT_TRUE(original.header.contentNote.empty()) << original.header.contentNote;
        EXPECT_EQ(compareImages(renamed.pixels.toFloat(), original.pixels.toFloat(), 0.0, 0.0, 0.0).maxError, 0.0) << c.to;
        EXPECT_EQ(formatFromContent(dir.file(c.to)), c.content);
    }
    // Content no decoder accepts stays an error naming the file.
    writeBytes(dir.file("notes.png"), std::vector<std::uint8_t>{'h', 'e', 'l', 'l', 'o', '\n'});
    EXPECT_EQ(formatFromContent(dir.file("notes.png")), FileFormat::Unknown);
    try {
        readImage(dir.file("notes.png"));
        ADD_FAILURE() << "text named .png was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.file(), dir.file("notes.png"));
        EXPECT_NE(e.problem().find("not a valid PNG file"), std::string::npos) << e.problem();
    }
}
