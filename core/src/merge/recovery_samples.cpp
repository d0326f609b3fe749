// RecoverySamples (hdr_merge.hpp): the pixels the response recoveries read, kept as they were
// stored (8/16-bit codes, float values) so that binning them gives the codes the whole stack gives.
#include "merge_internal.hpp"

#include "fuselab/base/error.hpp"

#include <algorithm>
#include <unordered_map>

namespace fuselab {

struct RecoverySamples::Impl final : merge_detail::PixelSource {
    merge_detail::RecoveryFrames frames;
    int storedChannels = 0;
    std::vector<std::pair<int, int>> debevecPixels, robertsonPixels;
    std::unordered_map<std::int64_t, std::size_t> indexOf;    // y · width + x → sample index
    std::unordered_map<int, std::vector<int>> columnsOfRow;   // y → x of its samples
    std::vector<double> stored;                               // [(index · frames + frame) · channels + c]
    std::vector<RowSampleType> types;                         // per frame
    std::vector<std::size_t> rowsAdded;                       // per frame

    std::int64_t key(int x, int y) const { return std::int64_t(y) * frames.widthPx + x; }
    void addPixels(const std::vector<std::pair<int, int>>& pixels)
    {
        for (const auto& [x, y] : pixels)
            if (indexOf.emplace(key(x, y), indexOf.size()).second) columnsOfRow[y].push_back(x);
    }
    int binnedCode(int frame, int x, int y, int c, int levels) const override
    {
        const auto it = indexOf.find(key(x, y));
        if (it == indexOf.end()) throw Error("response recovery asked for a pixel that was not gathered");
        const double v = stored[(it->second * std::size_t(frames.frames) + std::size_t(frame)) * std::size_t(storedChannels) + std::size_t(c)];
        return merge_detail::binnedCodeOf(types[std::size_t(frame)], v, levels);
    }
    void checkComplete() const
    {
        for (std::size_t f = 0; f < rowsAdded.size(); ++f)
            if (rowsAdded[f] != columnsOfRow.size())
                throw Error("response recovery: frame " + std::to_string(f + 1) + " gave " + std::to_string(rowsAdded[f]) + " of its " +
                            std::to_string(columnsOfRow.size()) + " sample rows");
    }
};

RecoverySamples::RecoverySamples(int widthPx, int heightPx, int channels, std::vector<double> relativeTimes, const DebevecParams& debevec,
                                 const RobertsonParams& robertson)
    : m(std::make_unique<Impl>())
{
    if (relativeTimes.size() < 2) throw Error("response recovery needs at least 2 frames (got " + std::to_string(relativeTimes.size()) + ")");
    m->frames = {widthPx, heightPx, int(relativeTimes.size()), merge_detail::colourChannels(channels), std::move(relativeTimes)};
    m->storedChannels = channels;
    m->addPixels(merge_detail::debevecSamplePixels(widthPx, heightPx, std::max(1, debevec.samples)));
    m->addPixels(merge_detail::robertsonSamplePixels(widthPx, heightPx, std::max(1, robertson.maxSamplePixels)));
    m->stored.assign(m->indexOf.size() * std::size_t(m->frames.frames) * std::size_t(channels), 0.0);
    m->types.assign(std::size_t(m->frames.frames), RowSampleType::U8);
    m->rowsAdded.assign(std::size_t(m->frames.frames), 0);
}

RecoverySamples::~RecoverySamples() = default;

bool RecoverySamples::needsRow(int y) const { return m->columnsOfRow.count(y) != 0; }

void RecoverySamples::addRow(int frame, int y, const void* row, RowSampleType type)
{
    const auto it = m->columnsOfRow.find(y);
    if (it == m->columnsOfRow.end()) return;
    m->types[std::size_t(frame)] = type;
    ++m->rowsAdded[std::size_t(frame)];
    const int ch = m->storedChannels;
    for (int x : it->second) {
        double* dst = m->stored.data() + (m->indexOf.at(m->key(x, y)) * std::size_t(m->frames.frames) + std::size_t(frame)) * std::size_t(ch);
        for (int c = 0; c < ch; ++c) {
            const std::size_t i = std::size_t(x) * std::size_t(ch) + std::size_t(c);
            dst[c] = type == RowSampleType::U8    ? double(static_cast<const std::uint8_t*>(row)[i])
                     : type == RowSampleType::U16 ? double(static_cast<const std::uint16_t*>(row)[i])
                                                  : double(static_cast<const float*>(row)[i]);
        }
    }
}

CameraResponse recoverResponseDebevec(const RecoverySamples& samples, const DebevecParams& params, ProgressSink& progress,
                                      ResponseRecoveryReport* report)
{
    samples.m->checkComplete();
    return merge_detail::recoverDebevec(*samples.m, samples.m->frames, params, progress, report);
}

CameraResponse recoverResponseRobertson(const RecoverySamples& samples, const RobertsonParams& params, ProgressSink& progress,
                                        ResponseRecoveryReport* report)
{
    samples.m->checkComplete();
    return merge_detail::recoverRobertson(*samples.m, samples.m->frames, params, progress, report);
}

} // namespace fuselab
