#!/usr/bin/env bash
# Builds the Debian package into build-deb/ (installs to /usr inside the package).
#   bash packaging/build-deb.sh        → build-deb/fuselab_<version>_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CCACHE_DIR:=$HOME/.cache/ccache}"
export CCACHE_DIR
cmake -S . -B build-deb -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DFUSELAB_BUILD_TESTS=OFF -DFUSELAB_BUILD_BENCHMARKS=OFF
cmake --build build-deb -j "$(nproc 2>/dev/null || echo 2)"
(cd build-deb && cpack -G DEB)
ls -1 build-deb/*.deb
