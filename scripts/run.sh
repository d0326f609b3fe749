#!/usr/bin/env bash
# The run command: installs what is needed, builds, and runs the main job on the built-in
# sample scene. With a display it opens the GUI; without one it says so and runs the same
# pipeline headless, writing its outputs to out/sample/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
out="out/sample"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x build/app/fuselab ]; then
  exec build/app/fuselab "$@"
fi
echo "run: no display found (DISPLAY and WAYLAND_DISPLAY are unset): running the sample pipeline headless into $out/"
exec build/app/fuselab-cli sample -o "$out" "$@"
