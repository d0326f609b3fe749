// Private: a temporary file next to a target path, renamed over it on commit() and removed
// otherwise, so a failed write never damages an existing file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fuselab::detail {

class AtomicFile {
public:
    /// Picks a temporary name in the target's folder that keeps the target's extension
    /// (encoders that choose the format by extension see the right one).
    explicit AtomicFile(std::string targetPath);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    const std::string& tempPath() const { return m_temp; }
    const std::string& targetPath() const { return m_target; }
    /// fsyncs the temporary and renames it over the target. Throws fuselab::Error.
    void commit();

private:
    std::string m_target;
    std::string m_temp;
    bool m_committed = false;
};

/// Plain (non-atomic) write of a whole file, for filling an AtomicFile's temporary.
void writeWholeFile(const std::string& path, const std::vector<std::uint8_t>& bytes);

} // namespace fuselab::detail
