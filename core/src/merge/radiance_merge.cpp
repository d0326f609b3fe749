// Radiance merge: ln E = Σ_j w(Z_j)(ln f⁻¹(Z_j) − ln Δt_j) / Σ_j w(Z_j), per channel, plus the
// saturation check and the explicit handling of clipped and black samples described in
// hdr_merge.hpp.
//
// Speed: every frame is read through per-channel tables (for 8-bit stacks one 16-byte entry
// per frame, channel and code holding w, w·(g − ln Δt) and the saturation evidence; 65536-entry
// shared tables of w and g for 16-bit and float frames), rows run on the worker pool in bands
// (progress and cancellation between bands), and the final exp is a branch-free polynomial
// the compiler vectorises (relative error ~2e-7, at float resolution). 4 × 12 MP 8-bit
// (meflut-1) on this 2-core machine: 0.15 s wall, 0.26 s CPU; the loop before tables and the
// vectorised exp took 0.6 s. tests/benchmark/merge_benchmark.cpp measures it.
#include "merge_internal.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>

namespace fuselab {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();
constexpr float kPosInf = std::numeric_limits<float>::infinity();
// The saturation check drops a frame only when a darker frame saw at least half a stop more
// light than would clip it: recovered curves are least certain at their top codes, and an error
// there must not decide which frames count. Real inconsistencies are far larger (a darker
// frame that clips itself is a whole exposure step, ln 4 for 2-stop brackets, beyond). Only
// codes in the upper half count as evidence: lower codes are noisy, and a recovered curve's
// toe is flattened by smoothing, so they would "see" light that was never there.
constexpr double kSaturationMarginLn = 0.34657359027997264; // ln √2
// Stacks up to this many frames get the table-driven fast path and the saturation check.
constexpr int kMaxFastFrames = 32;

// e^x for x in float range: 2^(x·log2 e) split into an integer power (exponent bits) and
// 2^f, f in [−0.5, 0.5], by a degree-6 Taylor series of e^(f ln 2) (truncation error
// (0.5·ln 2)^7/7! ≈ 1.2e-7 relative). Results saturate at FLT_MAX-ish / FLT_MIN-ish instead of
// inf/0, which keeps the merge finite and positive.
inline float fastExp(float x)
{
    x = std::min(std::max(x, -87.0f), 88.0f);
    const float t = x * 1.44269504088896341f;
    const float rounded = (t + 12582912.0f) - 12582912.0f; // round to nearest, vectorisable
    const float f = (t - rounded) * 0.693147180559945309f;
    float p = 1.0f / 720.0f;
    p = p * f + 1.0f / 120.0f;
    p = p * f + 1.0f / 24.0f;
    p = p * f + 1.0f / 6.0f;
    p = p * f + 0.5f;
    p = p * f + 1.0f;
    p = p * f + 1.0f;
    const std::int32_t e = std::int32_t(rounded) + 127;
    std::uint32_t bits = std::uint32_t(std::max(1, std::min(254, e))) << 23;
    float scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

// Vectorised with SSE2 (4 lanes) thanks to -fno-trapping-math on this file (core/CMakeLists.txt).
void expInPlace(float* __restrict values, std::size_t count)
{
    for (std::size_t k = 0; k < count; ++k) values[k] = fastExp(values[k]);
}

// Stands for "no reading" in the saturation check's running maximum.
constexpr float kNoEvidence = -1e30f;

// Per colour channel, for one code count (256 or 65536): {w(z), g(z)} side by side so the hot
// loop fetches both with one load.

struct CodeTables {
    int codes = 0;
    std::vector<std::vector<float>> weightAndLog; // [c][2z] = w, [c][2z+1] = g
    std::vector<std::vector<float>> logInv;       // [c][z] = g(z), finite
};

CodeTables makeTables(int codes, const CameraResponse& response, MergeWeighting weighting, int channels)
{
    CodeTables t;
    t.codes = codes;
    for (int c = 0; c < channels; ++c) {
        const std::vector<double> g = logInverseResponse(response, c, codes);
        std::vector<float> pairs(static_cast<std::size_t>(2 * codes));
        for (int z = 0; z < codes; ++z) {
            pairs[std::size_t(2 * z)] = float(mergeWeight(weighting, double(z) / double(codes - 1)));
            pairs[std::size_t(2 * z + 1)] = float(g[std::size_t(z)]);
        }
        t.weightAndLog.push_back(std::move(pairs));
        t.logInv.emplace_back(g.begin(), g.end());
    }
    return t;
}

struct FrameView {
    RowSampleType type = RowSampleType::U8;
    const CodeTables* tables = nullptr;
    float lnTime = 0.0f;
    int top = 255;               // the clipped code
    float saturatedLn[3] = {};   // per channel: g(top) − ln Δt, the least light that clips this frame
};

// One row of one frame as codes: 8- and 16-bit rows are used in place, float rows are
// quantised to 16-bit codes in the worker's scratch buffer.
struct RowCodes {
    const std::uint8_t* codes8 = nullptr;
    const std::uint16_t* codes16 = nullptr;
};

RowCodes rowCodes(const FrameView& f, const void* row, std::size_t samples, std::vector<std::uint16_t>& scratch)
{
    RowCodes r;
    switch (f.type) {
    case RowSampleType::U8: r.codes8 = static_cast<const std::uint8_t*>(row); break;
    case RowSampleType::U16: r.codes16 = static_cast<const std::uint16_t*>(row); break;
    case RowSampleType::Float: {
        const float* src = static_cast<const float*>(row);
        scratch.resize(samples);
        for (std::size_t i = 0; i < samples; ++i) {
            const float v = src[i];
            scratch[i] = v > 0.0f ? std::uint16_t(std::lround(std::min(v, 1.0f) * 65535.0f)) : std::uint16_t(0);
        }
        r.codes16 = scratch.data();
        break;
    }
    }
    return r;
}

inline int codeOf(const RowCodes& r, std::size_t i)
{
    return r.codes8 ? int(r.codes8[i]) : int(r.codes16[i]);
}

// Where no frame carries weight. Any clipped frame means a highlight: the darkest clipped
// frame's top code is the least light it can have been (frames are sorted darkest first).
// Otherwise the darkest value the brightest black frame can represent.
float fallbackLogRadiance(const std::vector<FrameView>& frames, const std::vector<RowCodes>& rows, std::size_t i, int c,
                          bool& clipped)
{
    float bottom = kPosInf;
    for (std::size_t j = 0; j < frames.size(); ++j) {
        const FrameView& f = frames[j];
        const float* g = f.tables->logInv[std::size_t(c)].data();
        const int z = codeOf(rows[j], i);
        if (z >= f.top) {
            clipped = true;
            return g[f.top] - f.lnTime;
        }
        if (z == 0) bottom = std::min(bottom, g[0] - f.lnTime);
    }
    clipped = false;
    if (bottom < kPosInf) return bottom;
    // Unreachable in practice (the darkest frame is never dropped); keep its reading.
    const FrameView& f = frames.front();
    return f.tables->logInv[std::size_t(c)][std::size_t(codeOf(rows.front(), i))] - f.lnTime;
}

// What one frame says about one sample: its weight w, w·(ln E estimate), and the estimate
// as evidence for the saturation check (kNoEvidence below the middle code: lower codes are
// noisy, and a recovered curve's toe is flattened by smoothing, so they would "see" light that
// was never there).
struct Reading {
    float weight, weightedLn, evidence;
};

// 8-bit stacks: per frame and channel a 256-entry table of readings, padded to 16 bytes so one
// aligned load fetches an entry; each sample costs a byte load and a table load.
struct EightBitSource {
    const std::uint8_t* row[kMaxFastFrames];
    const float* tables; // [(j·channels + c)·1024 + 4z]: one contiguous block, addressed by offset
    int channels;
    Reading read(int j, int c, std::size_t i) const
    {
        const float* entry = tables + (std::size_t(j * channels + c) << 10) + 4 * std::size_t(row[j][i]);
        return {entry[0], entry[1], entry[2]};
    }
};

// Any mix of code types: the shared per-code-count tables, ln Δt applied here.
struct GenericSource {
    const std::vector<FrameView>* frames;
    const std::vector<RowCodes>* rows;
    Reading read(int j, int c, std::size_t i) const
    {
        const FrameView& f = (*frames)[std::size_t(j)];
        const int z = codeOf((*rows)[std::size_t(j)], i);
        const float* pair = f.tables->weightAndLog[std::size_t(c)].data() + 2 * z;
        const float e = pair[1] - f.lnTime;
        return {pair[0], pair[0] * e, z > f.top / 2 ? e : kNoEvidence};
    }
};

// One row of ln E into dst. Frames run darkest first; with the saturation check, a frame whose
// saturation level lies below what a darker frame already saw is dropped (see hdr_merge.hpp).
template <int Channels, bool Check, typename Source>
void mergeRowLog(const Source& source, const std::vector<FrameView>& frames, const std::vector<RowCodes>& rows,
                 int width, int stride, float* dst, std::int64_t& clipped, std::int64_t& black)
{
    const int nf = int(frames.size());
    float saturated[kMaxFastFrames * 3] = {};
    for (int j = 0; j < nf && j < kMaxFastFrames; ++j)
        for (int c = 0; c < Channels; ++c) saturated[j * Channels + c] = frames[std::size_t(j)].saturatedLn[c];
    for (int x = 0; x < width; ++x) {
        const std::size_t src = std::size_t(x) * std::size_t(stride);
        float weightSum[Channels] = {}, weighted[Channels] = {}, brightest[Channels];
        for (int c = 0; c < Channels; ++c) brightest[c] = kNoEvidence;
        for (int j = 0; j < nf; ++j)
            for (int c = 0; c < Channels; ++c) {
                const Reading r = source.read(j, c, src + std::size_t(c));
                if (Check) {
                    const float keep = brightest[c] < saturated[j * Channels + c] ? 1.0f : 0.0f;
                    weightSum[c] += keep * r.weight;
                    weighted[c] += keep * r.weightedLn;
                    brightest[c] = std::max(brightest[c], r.evidence);
                } else {
                    weightSum[c] += r.weight;
                    weighted[c] += r.weightedLn;
                }
            }
        for (int c = 0; c < Channels; ++c) {
            float v;
            if (weightSum[c] > 0.0f) {
                v = weighted[c] / weightSum[c];
            } else {
                bool isClipped = false;
                v = fallbackLogRadiance(frames, rows, src + std::size_t(c), c, isClipped);
                clipped += isClipped;
                black += !isClipped;
            }
            dst[std::size_t(x) * Channels + std::size_t(c)] = v;
        }
    }
}

template <typename Source>
void mergeRowLog(const Source& source, int channels, bool check, const std::vector<FrameView>& frames,
                 const std::vector<RowCodes>& rows, int width, int stride, float* dst, std::int64_t& clipped,
                 std::int64_t& black)
{
    if (channels == 3 && check) mergeRowLog<3, true>(source, frames, rows, width, stride, dst, clipped, black);
    else if (channels == 3) mergeRowLog<3, false>(source, frames, rows, width, stride, dst, clipped, black);
    else if (check) mergeRowLog<1, true>(source, frames, rows, width, stride, dst, clipped, black);
    else mergeRowLog<1, false>(source, frames, rows, width, stride, dst, clipped, black);
}

std::vector<float> makeEightBitTables(const std::vector<FrameView>& frames, int channels)
{
    std::vector<float> storage(frames.size() * std::size_t(channels) * 1024);
    for (std::size_t j = 0; j < frames.size(); ++j)
        for (int c = 0; c < channels; ++c) {
            float* dst = storage.data() + (j * std::size_t(channels) + std::size_t(c)) * 1024;
            const float* pairs = frames[j].tables->weightAndLog[std::size_t(c)].data();
            for (int z = 0; z < 256; ++z) {
                const float e = pairs[2 * z + 1] - frames[j].lnTime;
                dst[4 * z] = pairs[2 * z];
                dst[4 * z + 1] = pairs[2 * z] * e;
                dst[4 * z + 2] = z > 127 ? e : kNoEvidence;
                dst[4 * z + 3] = 0.0f;
            }
        }
    return storage;
}

// Frames ordered by closeness in exposure to the reference (ties: the darker first), for the
// motion fallback.
std::vector<int> framesByDistanceFrom(const std::vector<FrameView>& frames, int reference)
{
    std::vector<int> order(frames.size());
    std::iota(order.begin(), order.end(), 0);
    const float ref = frames[std::size_t(reference)].lnTime;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        const float da = std::fabs(frames[std::size_t(a)].lnTime - ref), db = std::fabs(frames[std::size_t(b)].lnTime - ref);
        if (da != db) return da < db;
        return frames[std::size_t(a)].lnTime < frames[std::size_t(b)].lnTime;
    });
    return order;
}

} // namespace

struct RadianceRowMerger::Impl {
    int channels = 3, stride = 3;
    bool allEightBit = false, check = true;
    CodeTables tables8, tables16;
    std::vector<FrameView> frames;   // darkest first
    std::vector<std::size_t> order;  // frames[k] is the caller's frame order[k]
    std::vector<float> eightBitTables;
    std::vector<int> fallbackOrder;  // with a motion reference
};

RadianceRowMerger::RadianceRowMerger(const std::vector<FrameInfo>& frames, int channels, const CameraResponse& response,
                                     const MergeParams& params, int motionReferenceIndex)
    : m(std::make_unique<Impl>())
{
    if (frames.empty()) throw Error("radiance merge needs at least one frame");
    m->channels = merge_detail::colourChannels(channels);
    m->stride = channels;
    // Frames darkest first (the saturation check and the clipped fallback rely on it).
    m->order.resize(frames.size());
    std::iota(m->order.begin(), m->order.end(), std::size_t(0));
    std::stable_sort(m->order.begin(), m->order.end(), [&](std::size_t a, std::size_t b) { return frames[a].relativeTime < frames[b].relativeTime; });

    // Radiance in units of the middle exposure: 1.0 is what saturates the middle frame. EXIF
    // times give absolute exposures around 2^-16 (1/1000 s at f/8), and E = X/Δt in those units
    // overflows half-float EXR (65504) for any bright highlight.
    const double lnReferenceTime = std::log(frames[m->order[(m->order.size() - 1) / 2]].relativeTime);

    // Tables per code count in use (8-bit frames: 256; 16-bit and float frames: 65536).
    m->frames.resize(frames.size());
    int motionReference = -1;
    for (std::size_t k = 0; k < m->order.size(); ++k) {
        const std::size_t j = m->order[k];
        if (int(j) == motionReferenceIndex) motionReference = int(k);
        const bool eightBit = frames[j].sampleType == RowSampleType::U8;
        CodeTables& t = eightBit ? m->tables8 : m->tables16;
        if (t.codes == 0) t = makeTables(eightBit ? 256 : 65536, response, params.weighting, m->channels);
        FrameView& f = m->frames[k];
        f.type = frames[j].sampleType;
        f.tables = &t;
        f.lnTime = float(std::log(frames[j].relativeTime) - lnReferenceTime);
        f.top = t.codes - 1;
        for (int c = 0; c < m->channels; ++c)
            f.saturatedLn[c] = t.logInv[std::size_t(c)][std::size_t(f.top)] - f.lnTime + float(kSaturationMarginLn);
    }
    m->allEightBit = m->frames.size() <= std::size_t(kMaxFastFrames);
    for (const FrameView& f : m->frames) m->allEightBit = m->allEightBit && f.type == RowSampleType::U8;
    if (m->allEightBit) m->eightBitTables = makeEightBitTables(m->frames, m->channels);
    if (motionReference >= 0) m->fallbackOrder = framesByDistanceFrom(m->frames, motionReference);
    m->check = params.saturationCheck && m->frames.size() <= std::size_t(kMaxFastFrames);
}

RadianceRowMerger::~RadianceRowMerger() = default;

int RadianceRowMerger::outputChannels() const { return m->channels; }

void RadianceRowMerger::mergeRow(const void* const* rows, int width, const float* motionRow, float* dst, MergeCounts& counts) const
{
    const std::vector<FrameView>& frames = m->frames;
    const int channels = m->channels, stride = m->stride;
    thread_local std::vector<std::vector<std::uint16_t>> scratch;
    scratch.resize(frames.size());
    std::vector<RowCodes> codes(frames.size());
    for (std::size_t k = 0; k < frames.size(); ++k)
        codes[k] = rowCodes(frames[k], rows[m->order[k]], std::size_t(width) * std::size_t(stride), scratch[k]);
    if (m->allEightBit) {
        EightBitSource source;
        source.channels = channels;
        source.tables = m->eightBitTables.data();
        for (std::size_t k = 0; k < frames.size(); ++k) source.row[k] = codes[k].codes8;
        mergeRowLog(source, channels, m->check, frames, codes, width, stride, dst, counts.clippedEverywhere, counts.blackEverywhere);
    } else {
        mergeRowLog(GenericSource{&frames, &codes}, channels, m->check, frames, codes, width, stride, dst, counts.clippedEverywhere,
                    counts.blackEverywhere);
    }
    expInPlace(dst, std::size_t(width) * std::size_t(channels));
    if (!motionRow || m->fallbackOrder.empty()) return;
    for (int x = 0; x < width; ++x) {
        const float mx = std::min(1.0f, motionRow[x]);
        if (!(mx > 0.0f)) continue;
        // The reference alone, or the nearest frame that is well exposed here.
        const std::size_t src = std::size_t(x) * std::size_t(stride);
        for (int j : m->fallbackOrder) {
            const FrameView& f = frames[std::size_t(j)];
            float lnE[3];
            bool usable = true;
            for (int c = 0; c < channels && usable; ++c) {
                const int z = codeOf(codes[std::size_t(j)], src + std::size_t(c));
                usable = z > 0 && z < f.top;
                lnE[c] = f.tables->logInv[std::size_t(c)][std::size_t(z)] - f.lnTime;
            }
            if (!usable) continue;
            for (int c = 0; c < channels; ++c) {
                float& v = dst[std::size_t(x) * std::size_t(channels) + std::size_t(c)];
                v = (1.0f - mx) * v + mx * fastExp(lnE[c]);
            }
            break;
        }
    }
}

Image mergeRadiance(const ExposureStack& stack, const CameraResponse& response, const MergeParams& params,
                    ProgressSink& progress, MergeStats* stats)
{
    progress.checkCancelled();
    merge_detail::validateFrames(stack, 1, "radiance merge");
    const std::vector<double> times = stack.relativeExposureTimes();
    const int width = stack.width(), height = stack.height();
    const MotionMask* motion = params.motion;
    if (motion) {
        if (motion->mask.width() != width || motion->mask.height() != height || motion->mask.channels() != 1)
            throw Error("the motion mask must be one channel of the stack's size (" + std::to_string(width) + "x" +
                        std::to_string(height) + ")");
        if (motion->referenceIndex < 0 || motion->referenceIndex >= int(stack.size()))
            throw Error("the motion mask's reference frame " + std::to_string(motion->referenceIndex) + " is not in the stack");
    }
    std::vector<RadianceRowMerger::FrameInfo> info;
    for (std::size_t j = 0; j < stack.size(); ++j) info.push_back({rowSampleTypeOf(stack.frames[j].pixels), times[j]});
    const RadianceRowMerger merger(info, stack.channels(), response, params, motion ? motion->referenceIndex : -1);
    progress.report(0.02, "merging radiance");
    progress.checkCancelled();

    Image out = Image::uninitialised(width, height, merger.outputChannels(), ColourEncoding::Linear);
    std::atomic<std::int64_t> clippedEverywhere{0}, blackEverywhere{0};
    const int band = std::max(32, height / 16);
    for (int y0 = 0; y0 < height; y0 += band) {
        const int y1 = std::min(height, y0 + band);
        parallelFor(y0, y1, 4, [&](int r0, int r1) {
            std::vector<const void*> rows(stack.size());
            MergeCounts counts;
            for (int y = r0; y < r1; ++y) {
                for (std::size_t j = 0; j < stack.size(); ++j) rows[j] = rowOf(stack.frames[j].pixels, y);
                merger.mergeRow(rows.data(), width, motion ? motion->mask.row(y) : nullptr, out.row(y), counts);
            }
            clippedEverywhere += counts.clippedEverywhere;
            blackEverywhere += counts.blackEverywhere;
        });
        progress.report(0.02 + 0.98 * double(y1) / double(height), "merging radiance");
        progress.checkCancelled();
    }
    if (stats) {
        const double total = double(width) * double(height) * double(merger.outputChannels());
        stats->clippedEverywhereFraction = double(clippedEverywhere.load()) / total;
        stats->blackEverywhereFraction = double(blackEverywhere.load()) / total;
    }
    return out;
}

} // namespace fuselab
