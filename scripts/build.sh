#!/usr/bin/env bash
# Configures and builds FuseLab into build/ (Release, Ninja, ccache when present).
# Usage: scripts/build.sh [extra cmake -D options...]
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CCACHE_DIR:=$HOME/.cache/ccache}"
export CCACHE_DIR
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j "$jobs"
