// Private: owning wrappers of HDF5 C API handles (each closes with its own function).
#pragma once

#include <hdf5.h>

#include <utility>

namespace fuselab::events {

template <herr_t (*Close)(hid_t)>
class H5Handle {
public:
    H5Handle() = default;
    explicit H5Handle(hid_t id) : m_id(id) {}
    ~H5Handle() { reset(); }
    H5Handle(const H5Handle&) = delete;
    H5Handle& operator=(const H5Handle&) = delete;
    H5Handle(H5Handle&& o) noexcept : m_id(std::exchange(o.m_id, -1)) {}
    H5Handle& operator=(H5Handle&& o) noexcept
    {
        if (this != &o) {
            reset();
            m_id = std::exchange(o.m_id, -1);
        }
        return *this;
    }
    void reset()
    {
        if (m_id >= 0) Close(m_id);
        m_id = -1;
    }
    hid_t get() const { return m_id; }
    bool valid() const { return m_id >= 0; }

private:
    hid_t m_id = -1;
};

using H5File = H5Handle<H5Fclose>;
using H5Group = H5Handle<H5Gclose>;
using H5Dataset = H5Handle<H5Dclose>;
using H5Space = H5Handle<H5Sclose>;
using H5Type = H5Handle<H5Tclose>;
using H5Attr = H5Handle<H5Aclose>;
using H5Plist = H5Handle<H5Pclose>;

/// Silences HDF5's own error printing (we report errors ourselves), once per process.
void quietHdf5Errors();

} // namespace fuselab::events
