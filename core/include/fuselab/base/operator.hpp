// The operator interface: every processing step a user can choose.
//
// An operator describes itself (info(), params(), inputKind()) and runs on inputs with a
// set of parameter values, reporting progress and honouring cancellation. Front ends never
// know a particular operator: they generate widgets and options from params().
// Operators are stateless and const: run() may be called from several threads at once.
#pragma once

#include "fuselab/colour_space.hpp"
#include "fuselab/base/events.hpp"
#include "fuselab/base/exposure.hpp"
#include "fuselab/base/image.hpp"
#include "fuselab/base/params.hpp"
#include "fuselab/base/progress.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace fuselab {

/// Category ids (free text so plugins may add their own; these are the built-in ones).
namespace category {
inline constexpr const char* fusion = "fusion";
inline constexpr const char* merge = "merge";
inline constexpr const char* tonemap = "tonemap";
inline constexpr const char* alignment = "alignment";
inline constexpr const char* metric = "metric";
inline constexpr const char* adjust = "adjust";
inline constexpr const char* attribution = "attribution";
inline constexpr const char* evaluation = "evaluation";
inline constexpr const char* events = "events";
} // namespace category

/// Conventions between operators and the front ends that chain them (no front end spells them).
namespace convention {
/// A fusion operator that can show why it blended as it did offers this boolean parameter; set,
/// its output carries one weight map per input as the extras "weight_<k>".
inline constexpr const char* weightMapsParam = "weight_maps";
/// An alignment operator returns input k, aligned, as the extra of this name.
inline std::string alignedFrameExtra(std::size_t k) { return "aligned_" + std::to_string(k); }
inline bool isAlignedFrameExtra(std::string_view name) { return name.rfind("aligned_", 0) == 0; }
} // namespace convention

struct OperatorInfo {
    std::string id;          ///< stable id, lowercase with '-' ("mertens", "tonemap-pq")
    std::string name;        ///< display name
    std::string category;    ///< one of fuselab::category or a plugin's own
    int version = 1;         ///< bumped whenever params() change meaning; sessions migrate by it
    std::string description; ///< one sentence
    std::string reference;   ///< paper or standard the operator implements
};

/// What run() needs.
enum class InputKind {
    Image,         ///< one image (images[0]); tone mappers, adjustments
    Stack,         ///< an exposure stack; fusion, merge, alignment
    ImageAndStack, ///< a result (images[0]) judged against its stack; metrics
    Events,        ///< an event stream (events); images[0], when present, is a reference frame
                   ///< (e.g. the intensity the event-derived frame starts from); representations
};
std::string_view toString(InputKind kind);

struct OperatorInput {
    const ExposureStack* stack = nullptr; ///< not owned; must outlive run()
    std::vector<Image> images;
    /// Events, time-ordered, with their geometry (not owned; must outlive run()). The
    /// operator picks its window from its own parameters (window, window_us, count,
    /// start_us), so front ends pass the whole stream they hold.
    const EventStream* events = nullptr;
    /// Painted deghosting decisions for stack operators (deghost.hpp makeConsistentStack: one
    /// 8-bit channel at stack size, code k = take from frame k, 0 = automatic); not owned.
    const Image8* deghostSources = nullptr;
    /// The primaries of every input image's RGB (the run's working space, colour_space.hpp);
    /// operators that write a standard space (PQ/HLG: Rec. 2020) convert from it.
    RgbPrimaries workingPrimaries = RgbPrimaries::Rec709;
};

struct NamedImage {
    std::string name; ///< "weight_0", "motion_mask", "quality_map"
    Image image;
};

struct OperatorOutput {
    Image image;                           ///< main result; empty for pure metrics
    std::vector<NamedImage> extras;        ///< maps for overlays
    std::map<std::string, double> scalars; ///< metric values, estimated shifts, …
    std::vector<std::string> notes;        ///< warnings worth showing the user
};

class Operator {
public:
    virtual ~Operator() = default;
    virtual OperatorInfo info() const = 0;
    virtual std::vector<ParamSpec> params() const = 0;
    virtual InputKind inputKind() const = 0;
    /// values holds every parameter (already resolved and validated by runOperator).
    /// Throws fuselab::Error on bad input and fuselab::Cancelled when progress asks to stop.
    virtual OperatorOutput run(const OperatorInput& input, const ParamValues& values,
                               ProgressSink& progress) const = 0;
};

/// An operator that can make its main image in integer samples directly (no float copy of a
/// large result). A separate interface, so Operator's layout (the plugin ABI) stays as it is.
class MakesTypedImage {
public:
    virtual ~MakesTypedImage() = default;
    /// As Operator::run, with the main image made in `type` and returned; `rest` receives the
    /// extras, scalars and notes (its image stays empty). `values` already resolved.
    virtual SampleImage runTyped(const OperatorInput& input, const ParamValues& values, FusedSampleType type, OperatorOutput& rest,
                                 ProgressSink& progress) const = 0;
};

/// Resolves `overrides` against the operator's specs (defaults + validation), checks the
/// inputs match inputKind(), then runs. Throws fuselab::Error / fuselab::Cancelled.
OperatorOutput runOperator(const Operator& op, const OperatorInput& input,
                           const ParamValues& overrides, ProgressSink& progress);
/// runOperator with the main image in `type`: through MakesTypedImage where the operator has
/// it, else the float result as it is (writers quantise it). `rest` receives everything else.
SampleImage runOperatorTyped(const Operator& op, const OperatorInput& input, const ParamValues& overrides, FusedSampleType type,
                             OperatorOutput& rest, ProgressSink& progress);

/// Operators by id; owns them. Not a singleton: each front end makes one and fills it
/// (registerBuiltinOperators, then plugins).
class OperatorRegistry {
public:
    /// Throws fuselab::Error when the id is taken or a spec is malformed.
    void add(std::shared_ptr<const Operator> op);
    const Operator* find(std::string_view id) const;
    /// The registry's own shared_ptr (shared ownership; null when absent), for moving
    /// operators between registries (the plugin loader does).
    std::shared_ptr<const Operator> findShared(std::string_view id) const;
    /// Throws fuselab::Error("unknown operator 'x'") listing near matches.
    const Operator& get(std::string_view id) const;
    /// Sorted by category, then id.
    std::vector<const Operator*> all() const;
    std::vector<const Operator*> inCategory(std::string_view category) const;
    std::size_t size() const { return m_ops.size(); }

private:
    std::map<std::string, std::shared_ptr<const Operator>, std::less<>> m_ops;
};

} // namespace fuselab
