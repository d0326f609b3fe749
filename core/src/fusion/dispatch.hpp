// Private: run-time choice between the baseline and the x86-64-v3 copies of the fusion
// kernels. FUSELAB_ISA=base in the environment forces the baseline (tests compare both).
#pragma once

#include "fuselab/banded_fusion.hpp"
#include "fuselab/mertens.hpp"

#include <vector>

namespace fuselab {

/// Throws fuselab::Error for exponents, σ, optimum, levels or floor out of range.
void validateMertensParams(const MertensParams& params);

/// A linear-light frame through the sRGB transfer curve, in its own sample type (Mertens's
/// measures are defined on display values); other frames as they are.
SampleImage displayEncodedFrame(const SampleImage& frame);

/// True when the CPU supports x86-64-v3, the v3 copy was built, and FUSELAB_ISA≠base.
bool useIsaV3();

#define FUSELAB_DECLARE_KERNELS(ns)                                                                                  \
    namespace ns {                                                                                                   \
    Image pyramidBlendImpl(const std::vector<Image>& images, const std::vector<Image>& weights, int levels);        \
    FusionResult fuseMertensImpl(const ExposureStack& stack, const MertensParams& params, const FusionOptions& options, \
                                 ProgressSink& progress);                                                            \
    void fuseMertensBandedImpl(const std::vector<FrameRowReader*>& frames, const MertensParams& params,               \
                               const BandedFusionPlan& plan, const BandedFusionOptions& options, FusedRowWriter& out, \
                               ProgressSink& progress);                                                               \
    }

FUSELAB_DECLARE_KERNELS(isa_base)
#ifdef FUSELAB_HAVE_ISA_V3
FUSELAB_DECLARE_KERNELS(isa_v3)
#define FUSELAB_DISPATCH(ret, call)                                                                                  \
    do {                                                                                                             \
        if (useIsaV3()) { ret isa_v3::call; }                                                                        \
        ret isa_base::call;                                                                                          \
    } while (0)
#else
#define FUSELAB_DISPATCH(ret, call)                                                                                  \
    do {                                                                                                             \
        ret isa_base::call;                                                                                          \
    } while (0)
#endif

} // namespace fuselab
