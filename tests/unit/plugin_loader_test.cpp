// The plugin loader: what it refuses and why (wrong ABI version, other C++ ABI, a file that
// is not a library, no entry point, a registration that throws, an id clash), that it never
// stops at a bad plugin, and that a plugin's library stays loaded exactly as long as one of
// its operators lives. The test plugins come from tests/plugins/test_plugin.cpp.
#include "test_support.hpp"

#include "fuselab/builtin_operators.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/plugin_loader.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <fstream>

using namespace fuselab;
using namespace fuselab::test;

namespace {

std::string testPlugin(const std::string& name)
{
    return std::string(FUSELAB_TEST_PLUGIN_DIR) + "/" + name + ".so";
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

/// Whether the dynamic linker still has the library mapped (RTLD_NOLOAD never loads it).
bool isLoaded(const std::string& path)
{
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (!handle) return false;
    dlclose(handle); // RTLD_NOLOAD took a reference too
    return true;
}

FuseLabPluginInfo compatibleInfo()
{
    return plugin::describePlugin("hand-made", "1.0", "built by the test", [](OperatorRegistry&) {}, kFuseLabVersion);
}

} // namespace

TEST(PluginPath, ColonSeparatedFoldersSkipEmptyEntries)
{
    const std::vector<PluginFolder> folders = parsePluginPath("/a/b::/c:");
    ASSERT_EQ(folders.size(), 2u);
    EXPECT_EQ(folders[0].path, "/a/b");
    EXPECT_EQ(folders[1].path, "/c");
    EXPECT_EQ(folders[0].origin, PluginFolderOrigin::Environment);
    EXPECT_TRUE(parsePluginPath("").empty());
}

TEST(PluginPath, DefaultsStartNextToTheExecutableAndEndWithTheEnvironment)
{
    ::setenv("FUSELAB_PLUGIN_PATH", "/first:/second", 1);
    const std::vector<PluginFolder> folders = defaultPluginFolders();
    ::unsetenv("FUSELAB_PLUGIN_PATH");
    ASSERT_GE(folders.size(), 4u);
    EXPECT_EQ(folders.front().origin, PluginFolderOrigin::Installed);
    EXPECT_TRUE(contains(folders.front().path, "fuselab/plugins")) << folders.front().path;
    // This test program lives one folder below the build tree's top, like fuselab-cli.
    EXPECT_EQ(folders[1].origin, PluginFolderOrigin::BuildTree);
    EXPECT_EQ(std::filesystem::path(folders[1].path), std::filesystem::path(FUSELAB_BUILD_PLUGIN_DIR).lexically_normal());
    EXPECT_EQ(folders[folders.size() - 2].path, "/first");
    EXPECT_EQ(folders.back().path, "/second");
}

TEST(PluginCompatibility, ChecksMagicAbiStdlibAndLayoutInThatOrder)
{
    EXPECT_EQ(describePluginIncompatibility(compatibleInfo()), "");

    FuseLabPluginInfo info = compatibleInfo();
    info.magic = 0x12345678u;
    info.abiVersion = 999; // not read: the magic comes first
    EXPECT_EQ(describePluginIncompatibility(info),
              "not a FuseLab plugin: its info block starts with 0x12345678, expected 0x464c5047");

    info = compatibleInfo();
    info.abiVersion = 2;
    info.layout.image = 1; // not read either: the ABI version decides the rest's layout
    EXPECT_EQ(describePluginIncompatibility(info),
              std::string("built for plugin ABI version 2, this FuseLab expects version 1; rebuild it against FuseLab ") +
                  kFuseLabVersion);

    info = compatibleInfo();
    info.cxxStringAbi = 0;
    EXPECT_TRUE(contains(describePluginIncompatibility(info), "_GLIBCXX_USE_CXX11_ABI=0, FuseLab with =1"));

    info = compatibleInfo();
    info.stdlibDebug = 1;
    EXPECT_TRUE(contains(describePluginIncompatibility(info), "built with _GLIBCXX_DEBUG"));

    info = compatibleInfo();
    info.layout.operatorOutput += 8;
    info.layout.paramSpec = 7;
    const std::string layout = describePluginIncompatibility(info);
    EXPECT_TRUE(contains(layout, "sizeof(ParamSpec) 7 in the plugin, " + std::to_string(sizeof(ParamSpec)) + " here"))
        << layout;
    EXPECT_TRUE(contains(layout, "sizeof(OperatorOutput) " + std::to_string(sizeof(OperatorOutput) + 8)));

    info = compatibleInfo();
    info.registerOperators = nullptr;
    EXPECT_EQ(describePluginIncompatibility(info), "its info block has no register function");
}

TEST(PluginLoader, LoadsAGoodPluginAndReportsItsOperators)
{
    OperatorRegistry registry;
    const PluginRecord r = loadPlugin(testPlugin("good"), registry);
    EXPECT_EQ(r.status, PluginStatus::Loaded) << r.message;
    EXPECT_EQ(r.name, "test-plugin");
    EXPECT_EQ(r.version, "0.1");
    EXPECT_EQ(r.operatorIds, std::vector<std::string>{"test-halve"});
    EXPECT_EQ(r.message, "1 operator: test-halve");
    ASSERT_NE(registry.find("test-halve"), nullptr);

    Image in(3, 2, 1);
    in.fill(0.8f);
    OperatorInput input;
    input.images.push_back(in);
    NullProgress progress;
    const OperatorOutput out = runOperator(registry.get("test-halve"), input, {}, progress);
    EXPECT_FLOAT_EQ(out.image.at(2, 1), 0.4f);
}

TEST(PluginLoader, RefusesAPluginBuiltForAnotherAbiVersion)
{
    OperatorRegistry registry;
    registerBuiltinOperators(registry);
    const std::size_t before = registry.size();
    const PluginRecord r = loadPlugin(testPlugin("wrong_abi"), registry);
    EXPECT_EQ(r.status, PluginStatus::Refused);
    EXPECT_EQ(r.path, testPlugin("wrong_abi"));
    EXPECT_EQ(r.message, std::string("built for plugin ABI version 999, this FuseLab expects version 1; rebuild it "
                                     "against FuseLab ") + kFuseLabVersion);
    EXPECT_EQ(r.name, "") << "a mismatched plugin's strings must not be trusted";
    EXPECT_EQ(registry.size(), before);
    EXPECT_EQ(registry.find("test-halve"), nullptr);
}

TEST(PluginLoader, RefusesAPluginBuiltWithTheOldStringAbiBeforeTouchingIt)
{
    OperatorRegistry registry;
    const PluginRecord r = loadPlugin(testPlugin("old_string_abi"), registry);
    EXPECT_EQ(r.status, PluginStatus::Refused);
    EXPECT_EQ(r.message, "built with _GLIBCXX_USE_CXX11_ABI=0, FuseLab with =1 (std::string and std::list differ "
                         "between the two); rebuild it without overriding that macro");
    EXPECT_EQ(registry.size(), 0u);
}

TEST(PluginLoader, RefusesAPluginBuiltWithTheDebugStandardLibrary)
{
    OperatorRegistry registry;
    const PluginRecord r = loadPlugin(testPlugin("debug_stdlib"), registry);
    EXPECT_EQ(r.status, PluginStatus::Refused);
    EXPECT_EQ(r.message, "built with _GLIBCXX_DEBUG, FuseLab without it (container layouts differ); build both the same way");
}

TEST(PluginLoader, RefusesCorruptFilesWithTheDynamicLinkersMessage)
{
    TempDir dir;
    writeBytes(dir.file("garbage.so"), std::vector<std::uint8_t>(4096, 0xAB));
    writeBytes(dir.file("empty.so"), {});
    {
        std::ofstream text(dir.file("text.so"));
        text << "this is not a shared library\n";
    }
    // An ELF header cut short: the magic is right, the rest is missing.
    writeBytes(dir.file("truncated.so"), {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
    OperatorRegistry registry;
    for (const char* name : {"garbage.so", "empty.so", "text.so", "truncated.so"}) {
        const PluginRecord r = loadPlugin(dir.file(name), registry);
        EXPECT_EQ(r.status, PluginStatus::Refused) << name;
        // dlopen's own text names the file and the problem ("invalid ELF header", "file too short").
        EXPECT_EQ(r.message.rfind("cannot load the library: " + dir.file(name) + ": ", 0), 0u) << r.message;
        EXPECT_TRUE(contains(r.message, "invalid ELF header") || contains(r.message, "file too short")) << r.message;
    }
    const PluginRecord missing = loadPlugin(dir.file("absent.so"), registry);
    EXPECT_TRUE(contains(missing.message, "No such file")) << missing.message;
    EXPECT_EQ(registry.size(), 0u);
}

TEST(PluginLoader, RefusesALibraryWithoutTheEntryPoint)
{
    OperatorRegistry registry;
    const PluginRecord r = loadPlugin(testPlugin("no_entry"), registry);
    EXPECT_EQ(r.status, PluginStatus::Refused);
    EXPECT_EQ(r.message, "not a FuseLab plugin: it exports no fuselab_plugin_info function");
}

TEST(PluginLoader, RefusesAPluginWhoseRegistrationThrows)
{
    OperatorRegistry registry;
    const PluginRecord r = loadPlugin(testPlugin("throws"), registry);
    EXPECT_EQ(r.status, PluginStatus::Refused);
    EXPECT_EQ(r.message, "its registration failed: the test plugin refuses to register");
    EXPECT_EQ(r.name, "test-plugin");
    EXPECT_EQ(registry.size(), 0u);
}

TEST(PluginLoader, RefusesAnIdClashWithABuiltInAndKeepsTheBuiltIn)
{
    OperatorRegistry registry;
    registerBuiltinOperators(registry);
    const std::size_t before = registry.size();
    PluginReport report = loadPlugins({{FUSELAB_TEST_PLUGIN_DIR "/duplicate_id.so", PluginFolderOrigin::Explicit}}, registry);
    ASSERT_EQ(report.plugins.size(), 1u);
    EXPECT_EQ(report.plugins[0].status, PluginStatus::Refused);
    EXPECT_EQ(report.plugins[0].message,
              "operator id 'exposure' (already registered by a built-in operator); the plugin was not loaded");
    EXPECT_EQ(registry.size(), before);
    EXPECT_EQ(registry.get("exposure").info().name, "Exposure and gamma");
}

TEST(PluginLoader, ASecondCopyOfAPluginIsRefusedAndTheSameFileIsLoadedOnce)
{
    TempDir copies;
    std::filesystem::copy_file(testPlugin("good"), copies.file("good-copy.so"));
    OperatorRegistry registry;
    const PluginFolder single{testPlugin("good"), PluginFolderOrigin::Explicit};
    const PluginFolder copyFolder{copies.path(), PluginFolderOrigin::Environment};
    // The same file named twice counts once; a copy elsewhere clashes with the first.
    const PluginReport report = loadPlugins({single, single, copyFolder}, registry);
    ASSERT_EQ(report.plugins.size(), 2u);
    EXPECT_EQ(report.plugins[0].status, PluginStatus::Loaded);
    EXPECT_EQ(report.plugins[1].status, PluginStatus::Refused);
    EXPECT_EQ(report.plugins[1].message, "operator id 'test-halve' (already registered by plugin " + testPlugin("good") +
                                             "); the plugin was not loaded");
    EXPECT_EQ(report.loadedCount(), 1u);
    EXPECT_EQ(report.refusedCount(), 1u);
}

TEST(PluginLoader, ABrokenPluginNeverStopsTheOthers)
{
    TempDir dir;
    writeBytes(dir.file("a-broken.so"), std::vector<std::uint8_t>(100, 0));
    std::filesystem::copy_file(testPlugin("wrong_abi"), dir.file("b-wrong-abi.so"));
    std::filesystem::copy_file(testPlugin("good"), dir.file("c-good.so"));
    std::filesystem::create_directory(dir.file("d-folder.so")); // not a file: skipped
    writeBytes(dir.file("notes.txt"), {'x'});                   // not *.so: skipped
    OperatorRegistry registry;
    const PluginReport report = loadPlugins({{dir.path(), PluginFolderOrigin::Explicit},
                                             {dir.file("absent-folder"), PluginFolderOrigin::Environment}},
                                            registry);
    ASSERT_EQ(report.folders.size(), 2u);
    EXPECT_TRUE(report.folders[0].exists);
    EXPECT_FALSE(report.folders[1].exists);
    ASSERT_EQ(report.plugins.size(), 3u);
    EXPECT_EQ(report.plugins[0].status, PluginStatus::Refused);
    EXPECT_EQ(report.plugins[1].status, PluginStatus::Refused);
    EXPECT_TRUE(contains(report.plugins[1].message, "plugin ABI version 999"));
    EXPECT_EQ(report.plugins[2].status, PluginStatus::Loaded) << report.plugins[2].message;
    EXPECT_NE(registry.find("test-halve"), nullptr);
}

TEST(PluginLoader, TheLibraryStaysLoadedWhileOneOfItsOperatorsLives)
{
    // A private copy, so no other test's handle keeps it loaded.
    TempDir dir;
    const std::string path = dir.file("lifetime.so");
    std::filesystem::copy_file(testPlugin("good"), path);
    std::shared_ptr<const Operator> survivor;
    {
        OperatorRegistry registry;
        ASSERT_EQ(loadPlugin(path, registry).status, PluginStatus::Loaded);
        EXPECT_TRUE(isLoaded(path));
        survivor = registry.findShared("test-halve");
    }
    // The registry is gone; the operator's code must still be there.
    ASSERT_TRUE(isLoaded(path));
    Image in(2, 2, 3);
    in.fill(1.0f);
    OperatorInput input;
    input.images.push_back(in);
    NullProgress progress;
    EXPECT_FLOAT_EQ(runOperator(*survivor, input, {}, progress).image.at(1, 1, 2), 0.5f);
    EXPECT_EQ(survivor->info().id, "test-halve");
    survivor.reset();
    EXPECT_FALSE(isLoaded(path)) << "the last operator is gone, so the library should be closed";

    // A refused plugin's library is closed straight away, after its exception is gone.
    const std::string throwing = dir.file("throwing.so");
    std::filesystem::copy_file(testPlugin("throws"), throwing);
    OperatorRegistry registry;
    EXPECT_EQ(loadPlugin(throwing, registry).status, PluginStatus::Refused);
    EXPECT_FALSE(isLoaded(throwing));
}
