// HDF5 events: events/xs, ys (uint16), ts (int64 µs), ps (uint8) in chunked datasets,
// attributes width/height on `events`; frames as images/image%09d ([h][w] or [h][w][c]) with
// attributes timestamp (seconds, the common convention) and t_us (exact).
#include "hdf5_handles.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/events_io.hpp"

#include "../io/atomic_file.hpp"

#include <cstdio>

namespace fuselab {
namespace {

void check(herr_t status, const std::string& path, const std::string& what)
{
    if (status < 0) throw Error(path, "HDF5 write failed: " + what);
}

template <typename T>
void writeColumn(hid_t group, const char* name, hid_t fileType, hid_t memType, const std::vector<T>& values, const std::string& path)
{
    const hsize_t n = values.size();
    events::H5Space space(H5Screate_simple(1, &n, nullptr));
    events::H5Plist props(H5Pcreate(H5P_DATASET_CREATE));
    if (n > 0) {
        const hsize_t chunk = std::min<hsize_t>(n, 1u << 16);
        H5Pset_chunk(props.get(), 1, &chunk);
    }
    events::H5Dataset ds(H5Dcreate2(group, name, fileType, space.get(), H5P_DEFAULT, props.get(), H5P_DEFAULT));
    if (!ds.valid()) throw Error(path, std::string("cannot create dataset events/") + name);
    if (n > 0) check(H5Dwrite(ds.get(), memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), path, name);
}

void writeScalarAttribute(hid_t object, const char* name, hid_t type, const void* value, const std::string& path)
{
    events::H5Space scalar(H5Screate(H5S_SCALAR));
    events::H5Attr attr(H5Acreate2(object, name, type, scalar.get(), H5P_DEFAULT, H5P_DEFAULT));
    if (!attr.valid()) throw Error(path, std::string("cannot create attribute ") + name);
    check(H5Awrite(attr.get(), type, value), path, name);
}

} // namespace

void writeEventsHdf5(const std::string& path, const EventStream& stream, const std::vector<Hdf5Frame>& frames)
{
    events::quietHdf5Errors();
    detail::AtomicFile target(path);
    {
        events::H5File file(H5Fcreate(target.tempPath().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
        if (!file.valid()) throw Error(path, "cannot create the HDF5 file");
        events::H5Group group(H5Gcreate2(file.get(), "events", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        const std::size_t n = stream.events.size();
        std::vector<std::uint16_t> xs(n), ys(n);
        std::vector<std::int64_t> ts(n);
        std::vector<std::uint8_t> ps(n);
        for (std::size_t i = 0; i < n; ++i) {
            xs[i] = stream.events[i].x;
            ys[i] = stream.events[i].y;
            ts[i] = stream.events[i].tUs;
            ps[i] = stream.events[i].p;
        }
        writeColumn(group.get(), "xs", H5T_STD_U16LE, H5T_NATIVE_UINT16, xs, path);
        writeColumn(group.get(), "ys", H5T_STD_U16LE, H5T_NATIVE_UINT16, ys, path);
        writeColumn(group.get(), "ts", H5T_STD_I64LE, H5T_NATIVE_INT64, ts, path);
        writeColumn(group.get(), "ps", H5T_STD_U8LE, H5T_NATIVE_UINT8, ps, path);
        const std::int64_t w = stream.metadata.widthPx, h = stream.metadata.heightPx;
        writeScalarAttribute(group.get(), "width", H5T_STD_I64LE, &w, path);
        writeScalarAttribute(group.get(), "height", H5T_STD_I64LE, &h, path);

        if (!frames.empty()) {
            events::H5Group images(H5Gcreate2(file.get(), "images", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
            for (std::size_t k = 0; k < frames.size(); ++k) {
                const SampleImage& img = frames[k].pixels;
                if (img.empty() || img.isFloat()) throw Error(path, "frames must be 8- or 16-bit images");
                const bool sixteen = img.bitDepth() == 16;
                const hsize_t dims[3] = {hsize_t(img.height()), hsize_t(img.width()), hsize_t(img.channels())};
                events::H5Space space(H5Screate_simple(img.channels() == 1 ? 2 : 3, dims, nullptr));
                char name[32];
                std::snprintf(name, sizeof name, "image%09zu", k);
                const hid_t type = sixteen ? H5T_STD_U16LE : H5T_STD_U8LE;
                events::H5Dataset ds(H5Dcreate2(images.get(), name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
                if (!ds.valid()) throw Error(path, std::string("cannot create images/") + name);
                // Rows may be strided: copy into one contiguous block first.
                const std::size_t rowSamples = std::size_t(img.width()) * img.channels();
                if (sixteen) {
                    std::vector<std::uint16_t> block(rowSamples * img.height());
                    for (int y = 0; y < img.height(); ++y)
                        std::copy(img.as16()->row(y), img.as16()->row(y) + rowSamples, block.begin() + long(y * rowSamples));
                    check(H5Dwrite(ds.get(), H5T_NATIVE_UINT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, block.data()), path, name);
                } else {
                    std::vector<std::uint8_t> block(rowSamples * img.height());
                    for (int y = 0; y < img.height(); ++y)
                        std::copy(img.as8()->row(y), img.as8()->row(y) + rowSamples, block.begin() + long(y * rowSamples));
                    check(H5Dwrite(ds.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, block.data()), path, name);
                }
                const double seconds = double(frames[k].tUs) * 1e-6;
                writeScalarAttribute(ds.get(), "timestamp", H5T_IEEE_F64LE, &seconds, path);
                writeScalarAttribute(ds.get(), "t_us", H5T_STD_I64LE, &frames[k].tUs, path);
            }
        }
        check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), path, "flush");
    }
    target.commit();
}

} // namespace fuselab
