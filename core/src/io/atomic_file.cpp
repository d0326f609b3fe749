#include "atomic_file.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fuselab {
namespace detail {
namespace {
std::atomic<unsigned> g_tempCounter{0};

std::string errnoText(int e) { return std::strerror(e); }
} // namespace

AtomicFile::AtomicFile(std::string targetPath) : m_target(std::move(targetPath))
{
    namespace fs = std::filesystem;
    const fs::path target(m_target);
    if (target.filename().empty()) throw Error(m_target, "is not a file name");
    if (fs::is_directory(target)) throw Error(m_target, "is a folder, not a file");
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw Error(m_target, "folder '" + dir.string() + "' does not exist");
    const std::string name = "." + target.stem().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                             std::to_string(g_tempCounter.fetch_add(1)) + target.extension().string();
    m_temp = (dir / name).string();
    // Claim the name now so a permission problem is reported before any encoding work.
    const int fd = ::open(m_temp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) throw Error(m_target, "cannot create a temporary file in '" + dir.string() + "': " + errnoText(errno));
    ::close(fd);
}

AtomicFile::~AtomicFile()
{
    if (!m_committed) std::remove(m_temp.c_str());
}

void AtomicFile::commit()
{
    const int fd = ::open(m_temp.c_str(), O_RDONLY);
    if (fd < 0) throw Error(m_target, "temporary file vanished before it could be renamed: " + errnoText(errno));
    struct stat st{};
    const bool empty = ::fstat(fd, &st) == 0 && st.st_size == 0;
    const int syncResult = ::fsync(fd);
    const int syncErrno = errno;
    ::close(fd);
    if (empty) throw Error(m_target, "the encoder wrote nothing; the existing file (if any) is left untouched");
    if (syncResult != 0) throw Error(m_target, "cannot flush the written data: " + errnoText(syncErrno));
    if (std::rename(m_temp.c_str(), m_target.c_str()) != 0)
        throw Error(m_target, "cannot replace the file: " + errnoText(errno));
    m_committed = true;
}

void writeWholeFile(const std::string& path, const std::vector<std::uint8_t>& bytes)
{
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) throw Error(path, "cannot open for writing: " + errnoText(errno));
    const std::size_t written = bytes.empty() ? 0 : std::fwrite(bytes.data(), 1, bytes.size(), f);
    const int writeErrno = errno;
    const bool closed = std::fclose(f) == 0;
    if (written != bytes.size())
        throw Error(path, "write failed after " + std::to_string(written) + " of " + std::to_string(bytes.size()) +
                              " bytes: " + errnoText(writeErrno));
    if (!closed) throw Error(path, "write failed when closing: " + errnoText(errno));
}

} // namespace detail

void writeFileAtomically(const std::string& path, const std::vector<std::uint8_t>& bytes)
{
    detail::AtomicFile file(path);
    try {
        detail::writeWholeFile(file.tempPath(), bytes);
    } catch (const Error& e) {
        throw Error(path, e.problem() + "; the existing file (if any) is left untouched");
    }
    file.commit();
}

void writeFileAtomically(const std::string& path, const std::string& text)
{
    writeFileAtomically(path, std::vector<std::uint8_t>(text.begin(), text.end()));
}

std::vector<std::uint8_t> readFileBytes(const std::string& path)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) throw Error(path, "no such file");
    if (fs::is_directory(status)) throw Error(path, "is a folder, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path, "cannot open: " + detail::errnoText(errno));
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    if (size < 0) throw Error(path, "cannot determine the file size");
    in.seekg(0, std::ios::beg);
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size))
        throw Error(path, "read error: " + detail::errnoText(errno));
    return bytes;
}

} // namespace fuselab
