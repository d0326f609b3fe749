// The C-ABI entry point read by LearnLibrary after dlopen() (torch-free translation unit).
#include "fuselab/learn/learn_library.hpp"

#include "fuselab/base/parallel.hpp"

namespace {

const fuselab::learn::LearnEntryPoints& table()
{
    static const fuselab::learn::LearnEntryPoints entries = [] {
        using namespace fuselab::learn;
        LearnEntryPoints t;
        t.abiVersion = kLearnAbiVersion;
        t.backendInfo = &backendInfo;
        t.configureThreads = &configureThreads;
        t.loadModel = &loadFusionModel;
        t.createModel = &createFusionModel;
        t.createTrainer = &createTrainer;
        t.resumeTrainer = &resumeTrainer;
        t.mefSsim = &mefSsim;
        t.distributedBackends = &distributedBackends;
        // attribution (issue 9)
        t.attribute = &fuselab::learn::attribute;
        t.modelRandomisationCheck = &fuselab::learn::modelRandomisationCheck;
        t.dataRandomisationCheck = &fuselab::learn::dataRandomisationCheck;
        t.deletionInsertionCurves = &fuselab::learn::deletionInsertionCurves;
        t.picCurves = &fuselab::learn::picCurves;
        t.attributionCurves = &fuselab::learn::attributionCurves;
        t.attributionCurvesForEach = &fuselab::learn::attributionCurvesForEach;
        // LibTorch on Debian starts with half the cores; follow FuseLab's worker count instead
        // (already set from --threads by the time anything loads this library).
        configureThreads(fuselab::workerThreads());
        return t;
    }();
    return entries;
}

} // namespace

extern "C" __attribute__((visibility("default"))) const fuselab::learn::LearnEntryPoints*
fuselab_learn_entry_points(int abiVersion)
{
    if (abiVersion != fuselab::learn::kLearnAbiVersion) return nullptr;
    return &table();
}
