#!/usr/bin/env bash
# Installs every Debian 12 package FuseLab needs to build, test and benchmark.
# Idempotent: packages already present are skipped by apt; safe to run repeatedly.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # imaging core
  libopencv-dev libopenexr-dev libexiv2-dev libjpeg-dev libtiff-dev libpng-dev zlib1g-dev
  # camera RAW
  libraw-dev
  # colour management (Little CMS 2); tificc is the reference in the colour tests
  liblcms2-dev liblcms2-utils
  # sidecar JSON, command line parsing, SHA-256 of inputs
  nlohmann-json3-dev libcli11-dev libssl-dev
  # events: HDF5, LZ4, ZSTD, FlatBuffers (AEDAT 4.0)
  libhdf5-dev liblz4-dev libzstd-dev libflatbuffers-dev flatbuffers-compiler
  # PIC curves: lossless WebP sizes
  libwebp-dev
  # learned fusion
  libtorch-dev libopenblas0-pthread
  # distributed training: Gloo's headers for LibTorch's c10d::ProcessGroupGloo (Debian's libtorch links libgloo)
  libgloo-dev
  # GUI
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libgl-dev
  # tests
  libgtest-dev libgmock-dev libbenchmark-dev
  # GUI screenshots and headless runs, EXIF checks in tests
  xvfb xauth imagemagick libimage-exiftool-perl
  # packaging checks; man pages from --help
  dpkg-dev appstream desktop-file-utils help2man
)

# Peers the benchmarks compare against (only with --bench).
if [ "${1:-}" = "--bench" ]; then
  packages+=(enfuse luminance-hdr time hyperfine)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
