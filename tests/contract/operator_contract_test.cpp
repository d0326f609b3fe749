// Every registered operator honours the operator contract: well-formed specs, defaults that
// run on a tiny input, determinism, finite outputs at every parameter's extremes, and
// cancellation. The registry holds the built-ins and, as in the applications, every plugin
// of the build tree's plugins folder.
#include "test_support.hpp"

#include "param_binding_checks.hpp"
#include "fuselab/builtin_operators.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/plugin_loader.hpp"
#include "fuselab/base/events_sim.hpp"
#include "fuselab/base/synthetic.hpp"
#if defined(FUSELAB_HAVE_LEARN)
#include "fuselab/learn/learned_operator.hpp"
#include "fuselab/learn/model_files.hpp"
#include "fuselab/pyramid.hpp"
#endif

#include <cmath>
#include <set>
#include <memory>

using namespace fuselab;
using namespace fuselab::test;

namespace {

struct ContractRegistry {
    OperatorRegistry registry;
    PluginReport plugins;
};

const ContractRegistry& contractRegistry()
{
    static const ContractRegistry c = [] {
        ContractRegistry made;
        registerBuiltinOperators(made.registry);
#if defined(FUSELAB_HAVE_LEARN)
        // As the app registers it: the shipped model, LibTorch loaded on the first run.
        learn::registerLearnOperators(made.registry, learn::resolveShippedModel({FUSELAB_SOURCE_MODELS_DIR}), &pyramidBlend);
#endif
        made.plugins = loadPlugins({{FUSELAB_BUILD_PLUGIN_DIR, PluginFolderOrigin::BuildTree}}, made.registry);
        return made;
    }();
    return c;
}

const OperatorRegistry& registry()
{
    return contractRegistry().registry;
}

struct TinyInputs {
    ExposureStack stack;
    EventStream events; ///< simulated on the same 40×30 scene, camera moving
    OperatorInput forKind(InputKind kind) const
    {
        OperatorInput in;
        if (kind == InputKind::Events) in.events = &events;
        if (kind == InputKind::Image) {
            Image hdr = makeSyntheticScene({"interior", 40, 30, 1});
            in.images.push_back(hdr);
        }
        if (kind == InputKind::Stack || kind == InputKind::ImageAndStack) in.stack = &stack;
        if (kind == InputKind::ImageAndStack) in.images.push_back(stack.frames[1].pixels.toFloat());
        return in;
    }
};

const TinyInputs& tinyInputs()
{
    static const TinyInputs inputs = [] {
        TinyInputs t;
        ExposureSimulation sim;
        sim.stops = {-2.0, 0.0, 2.0};
        const Image scene = makeSyntheticScene({"interior", 40, 30, 1});
        sim.exposureScale = autoExposureScale(scene);
        for (const SimulatedFrame& f : exposeScene(scene, sim)) {
            StackFrame frame;
            frame.path = "synthetic";
            frame.pixels = f.pixels;
            frame.exposure.stops = f.stops;
            frame.exposure.source = ExposureSource::TypedEv;
            t.stack.frames.push_back(frame);
        }
        EventSequenceOptions seq;
        seq.scene = {"interior", 40, 30, 1};
        seq.frames = 3;
        seq.substeps = 4;
        t.events = simulateEventSequence(seq).events;
        return t;
    }();
    return inputs;
}

bool allFinite(const Image& img)
{
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width() * img.channels(); ++x)
            if (!std::isfinite(img.row(y)[x])) return false;
    return true;
}

bool identical(const Image& a, const Image& b)
{
    if (a.width() != b.width() || a.height() != b.height() || a.channels() != b.channels()) return false;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width() * a.channels(); ++x) {
            const float u = a.row(y)[x], v = b.row(y)[x];
            if (!(u == v || (std::isnan(u) && std::isnan(v)))) return false;
        }
    return true;
}

class CountingProgress final : public ProgressSink {
public:
    explicit CountingProgress(int cancelAfterReports) : m_cancelAfter(cancelAfterReports) {}
    void report(double, std::string_view) override { ++m_reports; }
    bool isCancelled() const override { return m_cancelAfter >= 0 && m_reports >= m_cancelAfter; }
    int reports() const { return m_reports; }

private:
    int m_cancelAfter;
    int m_reports = 0;
};

std::vector<std::string> operatorIds()
{
    std::vector<std::string> ids;
    for (const Operator* op : registry().all()) ids.push_back(op->info().id);
    return ids;
}

} // namespace

class OperatorContract : public ::testing::TestWithParam<std::string> {
protected:
    const Operator& op() const { return registry().get(GetParam()); }
};

TEST_P(OperatorContract, SpecsAreWellFormed)
{
    const OperatorInfo info = op().info();
    EXPECT_FALSE(info.name.empty());
    EXPECT_FALSE(info.category.empty());
    EXPECT_FALSE(info.description.empty());
    EXPECT_GE(info.version, 1);
    const auto specs = op().params();
    for (const ParamSpec& s : specs) EXPECT_EQ(describeSpecProblem(s, specs), "") << s.id;
}

// A parameter is declared once: where an operator binds its parameters to options structs
// (param_binding.hpp), each bound spec is one of the operator's, its default is the struct's, and
// values read into the struct and written back are the values given.
TEST_P(OperatorContract, BoundParametersHaveTheStructsDefaults)
{
    const auto* bound = dynamic_cast<const HasParamBinding*>(&op());
    if (!bound || bound->paramBindings().empty()) GTEST_SKIP() << GetParam() << " reads its values itself (no options struct)";
    test::expectBindingsDeclareOnce(GetParam(), op().params(), bound->paramBindings());
}

TEST_P(OperatorContract, DefaultsRunDeterministically)
{
    const OperatorInput in = tinyInputs().forKind(op().inputKind());
    NullProgress p;
    const OperatorOutput a = runOperator(op(), in, {}, p);
    const OperatorOutput b = runOperator(op(), in, {}, p);
    EXPECT_TRUE(!a.image.empty() || !a.scalars.empty()) << "produced nothing";
    if (!a.image.empty()) {
        EXPECT_TRUE(allFinite(a.image));
        EXPECT_TRUE(identical(a.image, b.image)) << "two runs differ";
    }
    EXPECT_EQ(a.scalars.size(), b.scalars.size());
    for (const auto& [k, v] : a.scalars) EXPECT_EQ(v, b.scalars.at(k)) << k;
}

TEST_P(OperatorContract, EveryNumericParameterRunsAtItsLimits)
{
    const OperatorInput in = tinyInputs().forKind(op().inputKind());
    for (const ParamSpec& s : op().params()) {
        std::vector<ParamValue> values;
        if (s.kind == ParamKind::Float) values = {s.minValue, s.maxValue};
        else if (s.kind == ParamKind::Int) values = {std::int64_t(s.minValue), std::int64_t(s.maxValue)};
        else if (s.kind == ParamKind::Bool) values = {true, false};
        else for (const ParamChoice& c : s.choices) values.push_back(c.id);
        for (const ParamValue& v : values) {
            ParamValues overrides;
            overrides.set(s.id, v);
            NullProgress p;
            try {
                const OperatorOutput out = runOperator(op(), in, overrides, p);
                if (!out.image.empty()) {
                    EXPECT_TRUE(allFinite(out.image)) << s.id << "=" << formatParamValue(v);
                }
                for (const auto& [k, x] : out.scalars) EXPECT_FALSE(std::isnan(x)) << k << " with " << s.id << "=" << formatParamValue(v);
            } catch (const Error& e) {
                // A clear refusal is acceptable at an extreme; it must say what is wrong.
                EXPECT_FALSE(std::string(e.what()).empty());
            }
        }
    }
}

TEST_P(OperatorContract, CancellationIsHonoured)
{
    const OperatorInput in = tinyInputs().forKind(op().inputKind());
    CountingProgress cancelled(0);
    EXPECT_THROW(runOperator(op(), in, {}, cancelled), Cancelled);
    // An operator that reports progress more than once must stop once asked to.
    CountingProgress counting(-1);
    runOperator(op(), in, {}, counting);
    if (counting.reports() > 1) {
        CountingProgress cancelAtFirst(1);
        EXPECT_THROW(runOperator(op(), in, {}, cancelAtFirst), Cancelled);
    }
}

INSTANTIATE_TEST_SUITE_P(Registered, OperatorContract, ::testing::ValuesIn(operatorIds()),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                             std::string n = i.param;
                             for (char& c : n) if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             return n;
                         });

TEST(OperatorRegistry, TheBuildTreePluginsJoinedTheContractRegistry)
{
    const PluginReport& report = contractRegistry().plugins;
    for (const PluginRecord& p : report.plugins) EXPECT_EQ(p.status, PluginStatus::Loaded) << p.path << ": " << p.message;
    EXPECT_EQ(report.loadedCount(), 3u);
    for (const char* id : {"tonemap-aces-fit", "tonemap-hable", "fusion-gff", "example-bw-mixer"})
        EXPECT_NE(registry().find(id), nullptr) << id << " is not among the operators under contract";
}

TEST(OperatorRegistry, RefusesDuplicatesAndMalformedSpecs)
{
    OperatorRegistry r;
    registerBuiltinOperators(r);
    EXPECT_THROW(registerBuiltinOperators(r), Error);
    EXPECT_THROW(r.get("no-such-operator"), Error);
}
