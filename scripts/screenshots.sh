#!/usr/bin/env bash
# Makes the README's GUI tour screenshots with the application itself, under Xvfb (or Qt's
# offscreen platform where Xvfb is missing): docs/screenshots/*.png.
#   bash scripts/screenshots.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
app="$build/app/fuselab"
out=docs/screenshots
data=../shared/data/brackets/meflut-1
mkdir -p "$out"
[ -x "$app" ] || { echo "screenshots: $app is not built" >&2; exit 1; }

run() { # run NAME ARGS...
  local name=$1; shift
  local settings; settings=$(mktemp -d)
  # A fresh settings folder: the tour shows defaults, not this machine's remembered values.
  if command -v xvfb-run >/dev/null 2>&1; then
    XDG_CONFIG_HOME="$settings" timeout 600 xvfb-run -a -s "-screen 0 1600x1000x24" "$app" --screenshot "$out/$name.png" "$@"
  else
    XDG_CONFIG_HOME="$settings" QT_QPA_PLATFORM=offscreen timeout 600 "$app" --screenshot "$out/$name.png" "$@"
  fi
  rm -rf "$settings"
}

run 01-sample-fused --analysis histogram
run 02-sample-weights --show-weights 0
run 03-sample-hdr --hdr --analysis response
if [ -d "$data" ]; then
  run 04-meflut-before-after --before-after --ev 2,0,-2,-4 "$data"
  run 05-meflut-metrics --analysis metrics --ev 2,0,-2,-4 "$data"
fi
if QT_QPA_PLATFORM=offscreen "$app" --help 2>/dev/null | grep -q -- --train; then
  # Fine-tuning the shipped model on the real stack where it trails Mertens most (meflut-1),
  # judged on that stack, charted live.
  if [ -d "$data" ]; then run 06-training --train 30 "$data"; else run 06-training --train 24; fi
fi
if QT_QPA_PLATFORM=offscreen "$app" --help 2>/dev/null | grep -q -- --explain; then
  run 07-attribution --explain saliency,ig,gradcam # per-exposure maps of a drawn region, side by side, with their curves
fi
# Deghosting: a generated stack with an object crossing it, its path painted to come from the
# middle frame (grey level 2), the painted decisions shown as the overlay.
moving=$(mktemp -d)
"$build/app/fuselab-cli" synth --size 960x640 --exposures 3 --ev-step 2 --noise --moving-object 0.1 --object-step 90 --seed 3 \
  --quiet -o "$moving/stack" >/dev/null
convert -size 960x640 xc:black -fill "rgb(2,2,2)" -draw "rectangle 160,300 500,470" -depth 8 -define png:color-type=0 "$moving/mask.png"
run 08-deghost-painted --deghost-mask "$moving/mask.png" "$moving/stack"
rm -rf "$moving"
# Evaluation: the bench over six of the real brackets (the same code as fuselab-cli bench).
if [ -d ../shared/data/real/brackets ]; then
  scenes=$(mktemp -d)
  for s in hdrps-bandon-sunset-1 hdrps-cades-cove hdrps-devils-tower hdrps-flamingo merianos-flowers merianos-searock; do
    ln -s "$(cd ../shared/data/real/brackets && pwd)/$s" "$scenes/$s"
  done
  run 09-evaluation --evaluate "$scenes" --evaluate-methods fusion-gff,learned
  rm -rf "$scenes"
fi
echo "screenshots in $out/"
