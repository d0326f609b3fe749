// Private: include LAST in a kernel source. When that source is compiled for x86-64-v3,
// every function defined after this point targets AVX2/FMA; functions from the headers
// above (std::vector, our inline helpers) keep the baseline target, so the out-of-line
// copies the linker merges across the two builds are always baseline code.
#if defined(FUSELAB_ISA_V3) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC target("arch=x86-64-v3")
#endif
