#!/usr/bin/env bash
# Retrains the shipped exposure model resources/models/fusion-exposure-v3.pt with FuseLab's own
# command, from nothing downloaded and no pretrained weights, in two stages:
#   1. generated scenes only (400 steps, seed 1): resources/models/fusion-exposure-v1.pt;
#   2. from it, 800 steps at learning rate 3e-4 on the real HDR radiance maps of
#      ../shared/data/real/hdr/train (CC0 Poly Haven, BSD-3-Clause openexr-images) exposed
#      through simulated cameras, 30 % of batches still generated scenes; validated on the
#      held-out maps hdr/val and ../shared/data/exr/{MtTamWest,Desk,StillLife}.exr.
# The research-use brackets of ../shared/data/real/brackets are not used (they evaluate it).
# Deterministic for a given seed, FuseLab version and thread count (LibTorch's CPU reductions
# depend on the split). About 3 + 6 minutes on the 2-core machine (2026-12-07).
#   scripts/train-shipped-model.sh [OUT.pt] [--stage2-only]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="${FUSELAB_CLI:-$here/build/app/fuselab-cli}"
data="${FUSELAB_SHARED_DATA:-$here/../shared/data}"
out="${1:-$here/resources/models/fusion-exposure-v3.pt}"
stage1="$here/resources/models/fusion-exposure-v1.pt"
common=(--log-every 50 --threads 2 --param seed=1 --param batch=8 --param patch_px=128 --param checkpoint_every=0)
if [ "${2:-}" != "--stage2-only" ]; then
  "$cli" train --data synthetic --steps 400 "${common[@]}" --param validate_every=100 -o "$stage1"
fi
"$cli" train --data "hdr:$data/real/hdr/train" --init "$stage1" --steps 800 "${common[@]}" \
  --param learning_rate=0.0003 --param validate_every=100 \
  --validation-hdr "$data/real/hdr/val,$data/exr/MtTamWest.exr,$data/exr/Desk.exr,$data/exr/StillLife.exr" \
  -o "$out"
