// Private: random-access bytes of a recording, from a file (pread) or from memory, so the
// binary decoders run the same code on disk files, in tests and under the fuzzer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fuselab::events {

class ByteSource {
public:
    virtual ~ByteSource() = default;
    virtual std::uint64_t size() const = 0;
    /// Copies up to n bytes at offset into dst; returns how many (fewer only at the end).
    virtual std::size_t readAt(std::uint64_t offset, void* dst, std::size_t n) const = 0;
    /// Bytes [offset, offset+n) clipped to the end, as a vector.
    std::vector<std::uint8_t> read(std::uint64_t offset, std::size_t n) const;
    const std::string& name() const { return m_name; }

protected:
    explicit ByteSource(std::string name) : m_name(std::move(name)) {}

private:
    std::string m_name;
};

/// Throws fuselab::Error naming the file when it cannot be opened.
std::unique_ptr<ByteSource> openFileSource(const std::string& path);
std::unique_ptr<ByteSource> memorySource(std::vector<std::uint8_t> bytes, const std::string& name);

} // namespace fuselab::events
