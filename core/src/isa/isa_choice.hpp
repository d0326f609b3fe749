// Private: the run-time choice between the baseline and the x86-64-v3 copies of the kernels
// that isa.hpp / isa_target.hpp compile twice. FUSELAB_ISA=base in the environment forces the
// baseline (tests compare both).
#pragma once

namespace fuselab {

/// True when the CPU supports x86-64-v3, the v3 copy was built, and FUSELAB_ISA≠base.
bool useIsaV3();

} // namespace fuselab

/// `ret ns::call` from the copy the CPU runs best (isa_v3 where useIsaV3(), else isa_base).
#ifdef FUSELAB_HAVE_ISA_V3
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
