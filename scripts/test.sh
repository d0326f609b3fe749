#!/usr/bin/env bash
# The test command: installs what is needed, builds, and runs every default test
# (all ctest labels except `benchmark`). CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
export QT_QPA_PLATFORM=offscreen
cd build
ctest -LE benchmark -j "$(nproc 2>/dev/null || echo 2)" --output-on-failure --timeout 900
