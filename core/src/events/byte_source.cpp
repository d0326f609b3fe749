#include "byte_source.hpp"

#include "fuselab/base/error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fuselab::events {

std::vector<std::uint8_t> ByteSource::read(std::uint64_t offset, std::size_t n) const
{
    const std::uint64_t total = size();
    if (offset >= total) return {};
    n = std::size_t(std::min<std::uint64_t>(n, total - offset));
    std::vector<std::uint8_t> out(n);
    out.resize(readAt(offset, out.data(), n));
    return out;
}

namespace {

class FileSource final : public ByteSource {
public:
    explicit FileSource(const std::string& path) : ByteSource(path)
    {
        m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (m_fd < 0) throw Error(path, std::string("cannot open: ") + std::strerror(errno));
        struct stat st {};
        if (::fstat(m_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(m_fd);
            throw Error(path, "not a regular file");
        }
        m_size = std::uint64_t(st.st_size);
    }
    ~FileSource() override { ::close(m_fd); }
    std::uint64_t size() const override { return m_size; }
    std::size_t readAt(std::uint64_t offset, void* dst, std::size_t n) const override
    {
        std::size_t done = 0;
        auto* out = static_cast<char*>(dst);
        while (done < n) {
            const ssize_t got = ::pread(m_fd, out + done, n - done, off_t(offset + done));
            if (got < 0) {
                if (errno == EINTR) continue;
                throw Error(name(), "read error at byte " + std::to_string(offset + done) + ": " + std::strerror(errno));
            }
            if (got == 0) break;
            done += std::size_t(got);
        }
        return done;
    }

private:
    int m_fd = -1;
    std::uint64_t m_size = 0;
};

class MemorySource final : public ByteSource {
public:
    MemorySource(std::vector<std::uint8_t> bytes, const std::string& name) : ByteSource(name), m_bytes(std::move(bytes)) {}
    std::uint64_t size() const override { return m_bytes.size(); }
    std::size_t readAt(std::uint64_t offset, void* dst, std::size_t n) const override
    {
        if (offset >= m_bytes.size()) return 0;
        n = std::size_t(std::min<std::uint64_t>(n, m_bytes.size() - offset));
        if (n) std::memcpy(dst, m_bytes.data() + offset, n);
        return n;
    }

private:
    std::vector<std::uint8_t> m_bytes;
};

} // namespace

std::unique_ptr<ByteSource> openFileSource(const std::string& path)
{
    return std::make_unique<FileSource>(path);
}

std::unique_ptr<ByteSource> memorySource(std::vector<std::uint8_t> bytes, const std::string& name)
{
    return std::make_unique<MemorySource>(std::move(bytes), name);
}

} // namespace fuselab::events
