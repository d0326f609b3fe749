#!/usr/bin/env bash
# Retrains the shipped frame/event model resources/models/fusion-events-v1.pt with FuseLab's own
# command on simulated frame/event sequences (README: Frame/event learned fusion). SPEC §5's
# unsupervised objective plus an L1 term against the simulator's true radiance (weight_truth):
# without it the network learns to copy F (validation PSNR-μ equal to "frame alone").
# About 10 minutes on a 2-core machine; deterministic for a given seed and thread count.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="${FUSELAB_CLI:-$here/build/app/fuselab-cli}"
out="${1:-$here/resources/models/fusion-events-v1.pt}"
"$cli" train --data synthetic-events --steps 300 --log-every 25 --threads 2 \
  --param seed=1 --param batch=8 --param patch_px=128 --param low_res_min_px=24 --param low_res_max_px=128 \
  --param weight_truth=1000 --param validate_every=100 --param checkpoint_every=0 \
  -o "$out"
