// Private: the fusion kernels, compiled for each instruction set (core/src/isa), and the
// checks the public fusion entry points make before dispatching to them.
#pragma once

#include "fuselab/banded_fusion.hpp"
#include "fuselab/mertens.hpp"

#include "../isa/isa_choice.hpp"

#include <vector>

namespace fuselab {

/// Throws fuselab::Error for exponents, σ, optimum, levels or floor out of range.
void validateMertensParams(const MertensParams& params);

/// A linear-light frame through the sRGB transfer curve, in its own sample type (Mertens's
/// measures are defined on display values); other frames as they are.
SampleImage displayEncodedFrame(const SampleImage& frame);

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
#endif

} // namespace fuselab
