// HDF5 events: 1-D datasets events/xs, ys, ts, ps of equal length (any integer or float
// type; float ts are seconds, integer ts microseconds), read in element blocks by hyperslab.
// Geometry: attributes width/height of the `events` group (what writeEventsHdf5 writes), else
// sensor_resolution = (height, width) on the group or the file, else the events' extent.
// Frames: images/image%09d datasets with a `timestamp` attribute (seconds) or `t_us`.
#include "decoder.hpp"
#include "hdf5_handles.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>

namespace fuselab::events {

void quietHdf5Errors()
{
    static std::once_flag once;
    std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

namespace {

constexpr const char* kColumns[4] = {"events/xs", "events/ys", "events/ts", "events/ps"};

bool readIntAttribute(hid_t object, const char* name, std::vector<std::int64_t>& values)
{
    if (H5Aexists(object, name) <= 0) return false;
    H5Attr attr(H5Aopen(object, name, H5P_DEFAULT));
    if (!attr.valid()) return false;
    H5Space space(H5Aget_space(attr.get()));
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    if (n <= 0 || n > 16) return false;
    values.resize(std::size_t(n));
    return H5Aread(attr.get(), H5T_NATIVE_INT64, values.data()) >= 0;
}

bool readDoubleAttribute(hid_t object, const char* name, double& value)
{
    if (H5Aexists(object, name) <= 0) return false;
    H5Attr attr(H5Aopen(object, name, H5P_DEFAULT));
    H5Space space(H5Aget_space(attr.get()));
    if (!attr.valid() || H5Sget_simple_extent_npoints(space.get()) != 1) return false;
    return H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &value) >= 0;
}

class Hdf5Decoder final : public EventDecoder {
public:
    Hdf5Decoder(const std::string& path, const EventReadOptions& options) : EventDecoder(path, options)
    {
        quietHdf5Errors();
        m_metadata.format = EventFormat::Hdf5;
        m_file = H5File(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
        if (!m_file.valid()) throw Error(path, "not a readable HDF5 file");
        for (int c = 0; c < 4; ++c) {
            if (H5Lexists(m_file.get(), "events", H5P_DEFAULT) <= 0 || H5Lexists(m_file.get(), kColumns[c], H5P_DEFAULT) <= 0)
                throw Error(path, std::string("no dataset ") + kColumns[c]);
            m_columns[c] = H5Dataset(H5Dopen2(m_file.get(), kColumns[c], H5P_DEFAULT));
            if (!m_columns[c].valid()) throw Error(path, std::string("cannot open dataset ") + kColumns[c]);
            H5Space space(H5Dget_space(m_columns[c].get()));
            hsize_t dims[2] = {0, 0};
            if (H5Sget_simple_extent_ndims(space.get()) != 1 || H5Sget_simple_extent_dims(space.get(), dims, nullptr) != 1)
                throw Error(path, std::string(kColumns[c]) + " is not one-dimensional");
            if (c == 0) m_count = dims[0];
            else if (dims[0] != m_count)
                throw Error(path, std::string(kColumns[c]) + " has " + std::to_string(dims[0]) + " elements, events/xs has " +
                                      std::to_string(m_count));
        }
        H5Type tsType(H5Dget_type(m_columns[2].get()));
        m_timeInSeconds = H5Tget_class(tsType.get()) == H5T_FLOAT;

        H5Group events(H5Gopen2(m_file.get(), "events", H5P_DEFAULT));
        std::vector<std::int64_t> w, h, res;
        if (readIntAttribute(events.get(), "width", w) && readIntAttribute(events.get(), "height", h) && w.size() == 1 &&
            h.size() == 1) {
            setGeometry(w[0], h[0], "HDF5 attributes width/height");
        } else if ((readIntAttribute(events.get(), "sensor_resolution", res) ||
                    readIntAttribute(m_file.get(), "sensor_resolution", res)) && res.size() == 2) {
            setGeometry(res[1], res[0], "HDF5 attribute sensor_resolution (height, width)");
        } else {
            m_metadata.widthPx = m_metadata.heightPx = 65536;
            auto index = buildIndex(*this);
            m_metadata.widthPx = index->stats.count ? int(index->stats.maxX) + 1 : 0;
            m_metadata.heightPx = index->stats.count ? int(index->stats.maxY) + 1 : 0;
            m_metadata.geometrySource = "extent of the events (no geometry attributes)";
            m_index = std::move(index);
            m_skipped.clear();
        }
        listFrames();
        resume(start());
    }

    std::shared_ptr<const EventIndex> prebuiltIndex() const override { return m_index; }

    ResumePoint start() const override { return pointAt(0, reg::noTime); }
    ResumePoint position() const override { return pointAt(m_next, m_lastT); }
    void resume(const ResumePoint& p) override
    {
        m_next = p.offset;
        m_lastT = p.registers[reg::lastT];
    }

    bool decodeChunk(EventBuffer& out) override
    {
        if (m_next >= m_count) return false;
        const hsize_t first = m_next;
        const hsize_t n = std::min<hsize_t>(std::max<std::size_t>(m_options.chunkBytes / 16, 4096), m_count - first);
        m_x.resize(n);
        m_y.resize(n);
        m_p.resize(n);
        readColumn(0, first, n, H5T_NATIVE_INT64, m_x.data());
        readColumn(1, first, n, H5T_NATIVE_INT64, m_y.data());
        readColumn(3, first, n, H5T_NATIVE_INT64, m_p.data());
        if (m_timeInSeconds) {
            m_ts.resize(n);
            readColumn(2, first, n, H5T_NATIVE_DOUBLE, m_ts.data());
        } else {
            m_tus.resize(n);
            readColumn(2, first, n, H5T_NATIVE_INT64, m_tus.data());
        }
        out.reserve(out.size() + n);
        for (hsize_t i = 0; i < n; ++i) {
            const std::uint64_t element = first + i;
            std::int64_t t = 0;
            if (m_timeInSeconds) {
                const double s = m_ts[i];
                if (!std::isfinite(s) || std::fabs(s) > 9.0e12) {
                    badDataWhere(elementAt(element), "malformed elements", "time " + std::to_string(s) + " s is not finite");
                    continue;
                }
                t = std::llround(s * 1e6);
            } else {
                t = m_tus[i];
            }
            const std::int64_t x = m_x[i], y = m_y[i], p = m_p[i];
            if (!eventFits([&] { return elementAt(element); }, x, y, t, m_lastT)) continue;
            out.push_back(Event{t, std::uint16_t(x), std::uint16_t(y), std::uint8_t(p > 0 ? 1 : 0)});
            m_lastT = t;
        }
        m_next = first + n;
        return true;
    }

    std::vector<EventFileFrame> frames() const override { return m_frames; }

    Image readFrame(std::size_t i) const override
    {
        if (i >= m_frames.size()) throw Error(m_name, "no frame " + std::to_string(i));
        const EventFileFrame& f = m_frames[i];
        H5Dataset ds(H5Dopen2(m_file.get(), ("images/" + f.name).c_str(), H5P_DEFAULT));
        H5Type type(H5Dget_type(ds.get()));
        const bool sixteen = H5Tget_size(type.get()) == 2;
        std::vector<float> values(std::size_t(f.widthPx) * f.heightPx * f.channels);
        if (H5Dread(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
            throw Error(m_name, "cannot read frame images/" + f.name);
        Image img(f.widthPx, f.heightPx, f.channels, ColourEncoding::Srgb);
        const float scale = H5Tget_class(type.get()) == H5T_FLOAT ? 1.0f : 1.0f / (sixteen ? 65535.0f : 255.0f);
        for (int y = 0; y < f.heightPx; ++y)
            for (int x = 0; x < f.widthPx * f.channels; ++x)
                img.row(y)[x] = values[std::size_t(y) * f.widthPx * f.channels + x] * scale;
        return img;
    }

private:
    void setGeometry(std::int64_t w, std::int64_t h, const char* source)
    {
        if (w <= 0 || h <= 0 || w > 65536 || h > 65536)
            throw Error(m_name, std::string(source) + " give an invalid geometry " + std::to_string(w) + "x" + std::to_string(h));
        m_metadata.widthPx = int(w);
        m_metadata.heightPx = int(h);
        m_metadata.geometrySource = source;
    }

    void readColumn(int c, hsize_t first, hsize_t n, hid_t memType, void* dst)
    {
        H5Space file(H5Dget_space(m_columns[c].get()));
        H5Space mem(H5Screate_simple(1, &n, nullptr));
        if (H5Sselect_hyperslab(file.get(), H5S_SELECT_SET, &first, nullptr, &n, nullptr) < 0 ||
            H5Dread(m_columns[c].get(), memType, mem.get(), file.get(), H5P_DEFAULT, dst) < 0)
            throw Error(m_name, std::string("element ") + std::to_string(first) + ": cannot read " + kColumns[c]);
    }

    static std::string elementAt(std::uint64_t element) { return "element " + std::to_string(element); }

    void listFrames()
    {
        if (H5Lexists(m_file.get(), "images", H5P_DEFAULT) <= 0) return;
        H5Group images(H5Gopen2(m_file.get(), "images", H5P_DEFAULT));
        H5G_info_t info{};
        if (!images.valid() || H5Gget_info(images.get(), &info) < 0) return;
        for (hsize_t i = 0; i < info.nlinks && i < 1000000; ++i) {
            char name[256] = {0};
            if (H5Lget_name_by_idx(images.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) <= 0)
                continue;
            H5Dataset ds(H5Dopen2(images.get(), name, H5P_DEFAULT));
            if (!ds.valid()) continue;
            H5Space space(H5Dget_space(ds.get()));
            hsize_t dims[3] = {0, 0, 1};
            const int rank = H5Sget_simple_extent_ndims(space.get());
            if (rank < 2 || rank > 3) continue;
            H5Sget_simple_extent_dims(space.get(), dims, nullptr);
            EventFileFrame f;
            f.name = name;
            f.heightPx = int(dims[0]);
            f.widthPx = int(dims[1]);
            f.channels = rank == 3 ? int(dims[2]) : 1;
            if (f.channels < 1 || f.channels > 4 || f.widthPx <= 0 || f.heightPx <= 0) continue;
            std::vector<std::int64_t> tus;
            double seconds = 0.0;
            if (readIntAttribute(ds.get(), "t_us", tus) && tus.size() == 1) f.tUs = tus[0];
            else if (readDoubleAttribute(ds.get(), "timestamp", seconds)) f.tUs = std::llround(seconds * 1e6);
            m_frames.push_back(f);
        }
        std::stable_sort(m_frames.begin(), m_frames.end(), [](const EventFileFrame& a, const EventFileFrame& b) { return a.tUs < b.tUs; });
    }

    H5File m_file;
    H5Dataset m_columns[4];
    hsize_t m_count = 0, m_next = 0;
    bool m_timeInSeconds = false;
    std::int64_t m_lastT = reg::noTime;
    std::vector<std::int64_t> m_x, m_y, m_p, m_tus;
    std::vector<double> m_ts;
    std::vector<EventFileFrame> m_frames;
    std::shared_ptr<const EventIndex> m_index;
};

} // namespace

std::unique_ptr<EventDecoder> makeHdf5Decoder(const std::string& path, const EventReadOptions& options)
{
    return std::make_unique<Hdf5Decoder>(path, options);
}

} // namespace fuselab::events
