#!/usr/bin/env bash
# Configures and builds FuseLab into build/ (Release, Ninja, ccache when present).
# Usage: scripts/build.sh [extra cmake -D options...]
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CCACHE_DIR:=$HOME/.cache/ccache}"
export CCACHE_DIR
# Paths relative to the checkout in ccache's hashes, so a clean clone in another folder (CI)
# reuses what an earlier build on this machine compiled.
: "${CCACHE_BASEDIR:=$PWD}"
export CCACHE_BASEDIR
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j "$jobs"
