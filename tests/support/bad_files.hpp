// Crafted bad inputs, shared by the library-level and command-line bad-input tests.
#pragma once

#include <string>
#include <vector>

namespace fuselab::test {

struct BadFile {
    std::string name;          ///< file name written into the folder
    std::string expectedWords; ///< a phrase the error must contain
};

/// Writes every bad file into `folder` and returns what each should be refused with.
std::vector<BadFile> writeBadFiles(const std::string& folder);

/// A PNG whose header claims widthPx × heightPx (with valid CRCs and a tiny IDAT).
std::vector<unsigned char> pngWithClaimedSize(unsigned widthPx, unsigned heightPx);

} // namespace fuselab::test
