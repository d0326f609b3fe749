// Private: the fusion kernels are compiled twice — for the x86-64 baseline and for
// x86-64-v3 (AVX2, FMA) — each copy in its own namespace, and picked at run time
// (dispatch.cpp). FUSELAB_ISA names the namespace of the copy being compiled.
#pragma once

#ifndef FUSELAB_ISA
#define FUSELAB_ISA isa_base
#endif
