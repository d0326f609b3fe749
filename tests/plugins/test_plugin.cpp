// A tiny plugin for the loader tests, compiled several times with different definitions
// (tests/CMakeLists.txt) into <build>/tests/test-plugins/, never into <build>/plugins:
//   TEST_PLUGIN_CLAIMED_ABI=N   claims plugin ABI version N in its info block
//   TEST_PLUGIN_OPERATOR_ID="x" registers its operator under id x (a clash with a built-in)
//   TEST_PLUGIN_THROW           its register function throws fuselab::Error
//   TEST_PLUGIN_NO_ENTRY        exports no fuselab_plugin_info at all
// and with compiler flags that change the C++ ABI (_GLIBCXX_USE_CXX11_ABI=0, _GLIBCXX_DEBUG).
// With those flags only functions without std::string or containers in their signature may
// be called from here, so the library still loads and the loader's own checks are what refuse it.
#include "fuselab/plugin_api.hpp"

#ifdef TEST_PLUGIN_THROW
#include "fuselab/base/error.hpp"
#endif

#ifndef TEST_PLUGIN_OPERATOR_ID
#define TEST_PLUGIN_OPERATOR_ID "test-halve"
#endif

namespace {

using namespace fuselab;

class HalveOperator final : public Operator {
public:
    OperatorInfo info() const override
    {
        return {TEST_PLUGIN_OPERATOR_ID, "Halve (loader test)", category::adjust, 1,
                "Multiplies every sample by 0.5.", ""};
    }
    std::vector<ParamSpec> params() const override { return {}; }
    InputKind inputKind() const override { return InputKind::Image; }
    OperatorOutput run(const OperatorInput& input, const ParamValues&, ProgressSink& progress) const override
    {
        Image img = input.images.front().clone();
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width() * img.channels(); ++x) img.row(y)[x] *= 0.5f;
        progress.report(1.0, "halve");
        OperatorOutput out;
        out.image = img;
        return out;
    }
};

[[maybe_unused]] void registerTestOperators(OperatorRegistry& registry)
{
#ifdef TEST_PLUGIN_THROW
    throw Error("the test plugin refuses to register");
#endif
    registry.add(std::make_shared<HalveOperator>());
}

} // namespace

#if defined(TEST_PLUGIN_CLAIMED_ABI)
extern "C" FUSELAB_PLUGIN_EXPORT const FuseLabPluginInfo* fuselab_plugin_info(void)
{
    static FuseLabPluginInfo info = fuselab::plugin::describePlugin("test-wrong-abi", "0.1", "Claims another plugin ABI",
                                                                    registerTestOperators, fuselab::kFuseLabVersion);
    info.abiVersion = TEST_PLUGIN_CLAIMED_ABI;
    return &info;
}
#elif !defined(TEST_PLUGIN_NO_ENTRY)
FUSELAB_PLUGIN("test-plugin", "0.1", "A plugin for the loader tests", registerTestOperators)
#else
// Something to export, so this is an ordinary library that merely is not a plugin.
extern "C" FUSELAB_PLUGIN_EXPORT int fuselab_test_not_a_plugin(void)
{
    return 42;
}
#endif
