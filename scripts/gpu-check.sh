#!/usr/bin/env bash
# The learned fusion's GPU checks in one run, for a machine with an NVIDIA GPU (issue 18, item 4):
#   1. training steps/s on CPU and CUDA side by side (fuselab-bench-train, same batch),
#   2. learned fusion of a 4K (3840×2160) 3-exposure stack on both devices (the "4K in under
#      20 ms on a GPU" target),
#   3. the CPU/CUDA parity test (TorchTraining.CpuAndCudaAgree: same steps, same losses).
# Debian's libtorch-dev is CPU-only: build core/learn against a CUDA LibTorch first (README,
# "GPU"), e.g.  cmake -S . -B build-cuda -DCMAKE_PREFIX_PATH=/path/to/libtorch && cmake --build build-cuda
#   scripts/gpu-check.sh [BUILD_DIR] [OUT_DIR]       (defaults: build, ./gpu-check)
# Writes OUT_DIR/gpu-check.txt with every figure; exits non-zero when CUDA is not usable.
set -euo pipefail
build="${1:-build}"
out="${2:-gpu-check}"
mkdir -p "$out"
log="$out/gpu-check.txt"
: > "$log"
say() { echo "$*" | tee -a "$log"; }
say "== $(date -u +%FT%TZ) $(uname -n)"
command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee -a "$log"
bench="$build/core/learn/fuselab-bench-train"
[ -x "$bench" ] || { say "missing $bench: build first"; exit 2; }
say "== training steps/s and 4K learned fusion, CPU and CUDA in one run"
"$bench" --devices cpu,cuda --batch 8 --patch 128 --exposures 4 --steps 20 --warmup 3 --fuse 3840x2160 --fuse-runs 5 2>&1 | tee -a "$log"
say "== CPU/CUDA parity"
"$build/tests/fuselab_torch_tests" --gtest_filter='TorchTraining.CpuAndCudaAgree' 2>&1 | tee -a "$log"
grep -q "\[  PASSED  \] 1 test" "$log" || { say "parity test did not pass (or CUDA was not seen: it then skips)"; exit 1; }
grep -q "SKIPPED" "$log" && { say "CUDA not available to LibTorch: parity skipped"; exit 1; }
say "== done: $log"
