#!/usr/bin/env bash
# Retrains the shipped model resources/models/fusion-exposure-v1.pt with FuseLab's own command
# on generated scenes (no downloaded data, no pretrained weights). Deterministic for a given
# seed, FuseLab version and thread count (LibTorch's CPU reductions depend on the split).
# About 20–30 minutes on a 2-core machine. Then: fuselab-bench-learned scores it beside Mertens.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="${FUSELAB_CLI:-$here/build/app/fuselab-cli}"
out="${1:-$here/resources/models/fusion-exposure-v1.pt}"
"$cli" train --data synthetic --steps 400 --log-every 20 --threads 2 \
  --param seed=1 --param batch=8 --param patch_px=128 --param validate_every=100 --param checkpoint_every=0 \
  -o "$out"
