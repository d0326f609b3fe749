// The plugin interface: what a plugin author includes to add operators to FuseLab at run time.
//
// A plugin is a shared library (a CMake MODULE, `*.so`) that links fuselab_core, uses only
// FuseLab's public headers, and exports exactly one C function:
//
//     extern "C" const FuseLabPluginInfo* fuselab_plugin_info(void);
//
// Write it with the FUSELAB_PLUGIN macro at the end of one source file:
//
//     void registerMyOperators(fuselab::OperatorRegistry& registry)
//     {
//         registry.add(std::make_shared<MyOperator>());
//     }
//     FUSELAB_PLUGIN("my-plugin", "1.0", "What it adds, in one sentence", registerMyOperators)
//
// The loader (fuselab/plugin_loader.hpp) reads the returned struct BEFORE any C++ object
// crosses the library boundary: first the magic number and the plugin ABI version (the
// only two fields whose place is frozen forever), then the C++ standard library flavour
// (libstdc++'s dual string ABI, _GLIBCXX_USE_CXX11_ABI; its debug mode, _GLIBCXX_DEBUG,
// which changes container layouts) and the sizes of the types that cross the boundary, all
// as the plugin's compiler saw them. Only when every one of them matches does it call
// registerOperators, with a registry of its own; the operators then join the application's
// registry unless one of their ids is already taken (a plugin is accepted whole or not at all).
//
// ABI version rules (FUSELAB_PLUGIN_ABI_VERSION). Bump it in the same commit as any change to:
//  - the layout or meaning of FuseLabPluginInfo / FuseLabPluginLayout below;
//  - Operator's virtual functions (added, removed, reordered, signatures changed);
//  - the data members of OperatorInfo, ParamSpec, ParamChoice, ParamValues, ParamValue,
//    ImageBuffer/Image, SampleImage, StackFrame, FrameExposure, ExifExposure, ExposureStack,
//    OperatorInput, NamedImage, OperatorOutput, ProgressSink or OperatorRegistry (members
//    added, removed, reordered or retyped — even when sizeof happens to stay the same);
//  - the values of enums that cross the boundary (ParamKind, InputKind, ColourEncoding,
//    ExposureSource);
//  - the signature or meaning of an exported core function or class that plugins call.
// Adding a new free function, a new category string or a new non-virtual member function
// does not need a bump (plugins built earlier never call them). The size checks are a safety
// net for forgotten bumps and for plugins built with other flags; they are not a substitute.
//
// What plugins must not do: work in static initialisers (they run inside dlopen, before any
// check); return data whose destruction runs plugin code after the plugin is gone (no custom
// deleters in returned images; Image's own constructors allocate in core and are safe);
// throw anything but fuselab::Error / fuselab::Cancelled from run().
#pragma once

#include "fuselab/base/exposure.hpp"
#include "fuselab/base/image.hpp"
#include "fuselab/base/operator.hpp"
#include "fuselab/base/params.hpp"
#include "fuselab/version.hpp" // generated: kFuseLabVersion, recorded in every plugin

#include <cstdint>
#include <memory>
#include <string>

/// The plugin interface version this header describes; see the bump rules above.
#define FUSELAB_PLUGIN_ABI_VERSION 1

/// "FLPG": tells a FuseLab plugin's info apart from an unrelated symbol of the same name.
#define FUSELAB_PLUGIN_MAGIC 0x464C5047u

/// Makes the entry point visible even when a plugin builds with -fvisibility=hidden.
#if defined(__GNUC__)
#define FUSELAB_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define FUSELAB_PLUGIN_EXPORT
#endif

/// Called once, with a registry that holds nothing else; add every operator of the plugin.
/// May throw fuselab::Error (the plugin is then refused with that message).
using FuseLabRegisterOperatorsFn = void (*)(fuselab::OperatorRegistry& registry);

extern "C" {

/// sizeof of the types that cross the plugin boundary, as the plugin's compiler saw them.
struct FuseLabPluginLayout {
    std::uint32_t stdString;
    std::uint32_t operatorInfo;
    std::uint32_t paramSpec;
    std::uint32_t paramValues;
    std::uint32_t image;
    std::uint32_t sampleImage;
    std::uint32_t stackFrame;
    std::uint32_t exposureStack;
    std::uint32_t operatorInput;
    std::uint32_t operatorOutput;
    std::uint32_t operatorRegistry;
};

/// What fuselab_plugin_info() returns: static data owned by the plugin, valid while loaded.
struct FuseLabPluginInfo {
    // --- frozen for every ABI version: the loader reads these two and nothing else first ---
    std::uint32_t magic;      ///< FUSELAB_PLUGIN_MAGIC
    std::uint32_t abiVersion; ///< FUSELAB_PLUGIN_ABI_VERSION the plugin was compiled against
    // --- the rest belongs to abiVersion ---
    std::uint32_t structSize;   ///< sizeof(FuseLabPluginInfo) in the plugin
    std::int32_t cxxStringAbi;  ///< _GLIBCXX_USE_CXX11_ABI (0 or 1); -1: not libstdc++
    std::int32_t stdlibDebug;   ///< 1 when built with _GLIBCXX_DEBUG (other container layouts)
    std::int32_t stdlibKind;    ///< 1 libstdc++, 2 libc++, 0 other
    FuseLabPluginLayout layout;
    const char* compiler;       ///< the compiler's version text (__VERSION__), for messages
    const char* fuselabVersion; ///< FuseLab version whose headers the plugin was built with
    const char* name;           ///< plugin name, e.g. "filmic-tonemap"
    const char* version;        ///< the plugin's own version, e.g. "1.0"
    const char* description;    ///< one sentence
    FuseLabRegisterOperatorsFn registerOperators;
};

/// The one symbol a plugin exports (the loader looks it up by this name).
typedef const FuseLabPluginInfo* (*FuseLabPluginInfoFn)(void);

} // extern "C"

namespace fuselab::plugin {

inline constexpr std::uint32_t kAbiVersion = FUSELAB_PLUGIN_ABI_VERSION;
inline constexpr const char* kEntryPointName = "fuselab_plugin_info";

/// 1 or 0 for libstdc++'s string ABI in this translation unit; -1 for other libraries.
constexpr std::int32_t compiledCxxStringAbi()
{
#if defined(_GLIBCXX_USE_CXX11_ABI)
    return _GLIBCXX_USE_CXX11_ABI ? 1 : 0;
#else
    return -1;
#endif
}

constexpr std::int32_t compiledStdlibDebug()
{
#if defined(_GLIBCXX_DEBUG)
    return 1;
#else
    return 0;
#endif
}

constexpr std::int32_t compiledStdlibKind()
{
#if defined(__GLIBCXX__)
    return 1;
#elif defined(_LIBCPP_VERSION)
    return 2;
#else
    return 0;
#endif
}

/// The layout as this translation unit's compiler and flags see it.
constexpr FuseLabPluginLayout compiledLayout()
{
    return {std::uint32_t(sizeof(std::string)),    std::uint32_t(sizeof(OperatorInfo)),
            std::uint32_t(sizeof(ParamSpec)),      std::uint32_t(sizeof(ParamValues)),
            std::uint32_t(sizeof(Image)),          std::uint32_t(sizeof(SampleImage)),
            std::uint32_t(sizeof(StackFrame)),     std::uint32_t(sizeof(ExposureStack)),
            std::uint32_t(sizeof(OperatorInput)),  std::uint32_t(sizeof(OperatorOutput)),
            std::uint32_t(sizeof(OperatorRegistry))};
}

/// The complete info block for a plugin compiled in this translation unit.
constexpr FuseLabPluginInfo describePlugin(const char* name, const char* version, const char* description,
                                           FuseLabRegisterOperatorsFn registerOperators, const char* fuselabVersion)
{
    return {FUSELAB_PLUGIN_MAGIC,
            FUSELAB_PLUGIN_ABI_VERSION,
            std::uint32_t(sizeof(FuseLabPluginInfo)),
            compiledCxxStringAbi(),
            compiledStdlibDebug(),
            compiledStdlibKind(),
            compiledLayout(),
#if defined(__VERSION__)
            __VERSION__,
#else
            "unknown compiler",
#endif
            fuselabVersion,
            name,
            version,
            description,
            registerOperators};
}

} // namespace fuselab::plugin

/// Defines the plugin's entry point. Use once per plugin, at namespace scope, outside any
/// namespace. name/version/description are string literals; registerFunction has the type
/// FuseLabRegisterOperatorsFn.
#define FUSELAB_PLUGIN(name, version, description, registerFunction)                                   \
    extern "C" FUSELAB_PLUGIN_EXPORT const FuseLabPluginInfo* fuselab_plugin_info(void)               \
    {                                                                                                   \
        static const FuseLabPluginInfo info =                                                           \
            ::fuselab::plugin::describePlugin(name, version, description, registerFunction,             \
                                              ::fuselab::kFuseLabVersion);                              \
        return &info;                                                                                   \
    }
