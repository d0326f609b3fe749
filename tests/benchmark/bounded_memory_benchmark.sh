#!/usr/bin/env bash
# Issue 21's figures: fusion and merge of brackets too large to hold whole, in one run, side by side.
#   bounded_memory_benchmark.sh FUSELAB_CLI BENCH_FUSION [STACK_DIR]
# Makes 12000×9000 (108 MP) and 23094×17320 (400 MP) JPEG brackets from meflut-1 (bicubic, q95),
# then measures whole processes with /usr/bin/time: FuseLab's whole-image fusion (12 and 108 MP),
# its banded fusion with a 1 GiB budget (12, 108, 400 MP) and enfuse 4.2 (108 MP); the learned
# fusion whole and in bands (108 MP, when the build has LibTorch); FuseLab's
# whole-image Debevec merge (108 MP), its row-by-row merge within 1 GiB (108, 400 MP) and
# luminance-hdr-cli 2.6's Debevec merge (108 MP, given 15 minutes); and prints seconds, peak
# memory and bytes of peak per output pixel. Targets: banded 108 MP peak < 1.5 GB, its time ≤
# 1.2 × the whole-image run's and ≥ 5× faster than the peer; 400 MP under 1.5 GB. FuseLab runs
# without deghosting (the peers have none); banded outputs are compared with the whole-image
# outputs byte for byte.
set -u
cli=$1
bench=$2
stack=${3:-"$(cd "$(dirname "$0")/../.." && pwd)/../shared/data/brackets/meflut-1"}
if [ ! -d "$stack" ]; then
  echo "bounded_memory_benchmark: $stack is absent; nothing to measure (skipped)"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
budget_mb=1024
status=0

measure() { # measure NAME CMD... → "seconds KiB" in $work/NAME.one
  local name=$1; shift
  if ! /usr/bin/time -f "%e %M" -o "$work/$name.one" "$@" >/dev/null 2>"$work/$name.err"; then
    echo "  ($name failed: $(tail -1 "$work/$name.err"))"
    status=1
  fi
}
seconds() { awk '{print $1}' "$work/$1.one" 2>/dev/null || echo nan; }
peak_mib() { awk '{printf "%.0f", $2 / 1024}' "$work/$1.one" 2>/dev/null || echo nan; }

"$bench" --only upscale --stack "$stack" --size 12000x9000 -o "$work/s108" || exit 1
"$bench" --only upscale --stack "$stack" --size 23094x17320 -o "$work/s400" || exit 1
s12=("$stack"/*.jpg)

measure whole12 "$cli" fuse --quiet --no-deghost "${s12[@]}" -o "$work/whole12.tif"
measure band12 "$cli" fuse --quiet --no-deghost --memory-mb "$budget_mb" "${s12[@]}" -o "$work/band12.tif"
measure whole108 "$cli" fuse --quiet --no-deghost "$work"/s108/*.jpg -o "$work/whole108.tif"
measure band108 "$cli" fuse --quiet --no-deghost --memory-mb "$budget_mb" "$work"/s108/*.jpg -o "$work/band108.tif"
cmp -s "$work/whole108.tif" "$work/band108.tif" && same108=yes || { same108=NO; status=1; }
rm -f "$work/whole108.tif" "$work/band108.tif"
# The learned fusion (when this build has it): weights from the network, blended in bands.
have_learned=no
if "$cli" fuse --help 2>/dev/null | grep -q learned && "$cli" fuse --quiet --method learned "${s12[@]}" -o "$work/probe.tif" 2>/dev/null; then
  have_learned=yes
  measure lwhole108 "$cli" fuse --quiet --method learned "$work"/s108/*.jpg -o "$work/lwhole108.tif"
  measure lband108 "$cli" fuse --quiet --method learned --memory-mb "$budget_mb" "$work"/s108/*.jpg -o "$work/lband108.tif"
  cmp -s "$work/lwhole108.tif" "$work/lband108.tif" && lsame108=yes || { lsame108=NO; status=1; }
  rm -f "$work/lwhole108.tif" "$work/lband108.tif" "$work/probe.tif"
fi
have_enfuse=no
if command -v enfuse >/dev/null 2>&1; then
  have_enfuse=yes
  measure enfuse108 enfuse --exposure-weight=1 --saturation-weight=1 --contrast-weight=1 -o "$work/enfuse108.tif" "$work"/s108/*.jpg
  rm -f "$work/enfuse108.tif"
fi
measure band400 "$cli" fuse --quiet --no-deghost --memory-mb "$budget_mb" "$work"/s400/*.jpg -o "$work/band400.tif"
rm -f "$work/band400.tif"

evs="2,0,-2,-4"
measure mwhole108 "$cli" merge --quiet --no-deghost --ev "$evs" "$work"/s108/*.jpg -o "$work/mwhole108.exr"
measure mband108 "$cli" merge --quiet --no-deghost --memory-mb "$budget_mb" --ev "$evs" "$work"/s108/*.jpg -o "$work/mband108.exr"
cmp -s "$work/mwhole108.exr" "$work/mband108.exr" && msame108=yes || { msame108=NO; status=1; }
rm -f "$work/mwhole108.exr" "$work/mband108.exr"
have_lhdr=no
if command -v luminance-hdr-cli >/dev/null 2>&1; then
  have_lhdr=yes
  measure lhdr108 timeout 900 luminance-hdr-cli -e "$evs" --hdrModel debevec -s "$work/lhdr108.exr" "$work"/s108/*.jpg
  [ -s "$work/lhdr108.exr" ] || have_lhdr=no
  rm -f "$work/lhdr108.exr"
fi
measure mband400 "$cli" merge --quiet --no-deghost --memory-mb "$budget_mb" --ev "$evs" "$work"/s400/*.jpg -o "$work/mband400.exr"
rm -f "$work/mband400.exr"

printf '\nBounded-memory fusion, 4 JPEG frames from %s, %s cores, budget %d MiB\n' "$stack" "$(nproc)" "$budget_mb"
printf '  %-44s %9s %10s %12s\n' job seconds "peak MiB" "bytes/pixel"
row() { # row NAME LABEL MEGAPIXELS
  [ -s "$work/$1.one" ] || return
  printf '  %-44s %9.2f %10s %12.1f\n' "$2" "$(seconds "$1")" "$(peak_mib "$1")" \
    "$(awk -v k="$(awk '{print $2}' "$work/$1.one")" -v mp="$3" 'BEGIN{print k * 1024 / (mp * 1e6)}')"
}
row whole12 "FuseLab fuse, whole image, 12 MP" 12
row band12 "FuseLab fuse --memory-mb $budget_mb, 12 MP" 12
row whole108 "FuseLab fuse, whole image, 108 MP" 108
row band108 "FuseLab fuse --memory-mb $budget_mb, 108 MP" 108
row enfuse108 "enfuse 4.2 (1,1,1), 108 MP" 108
row lwhole108 "FuseLab fuse --method learned, whole, 108 MP" 108
row lband108 "FuseLab fuse --method learned --memory-mb, 108 MP" 108
row band400 "FuseLab fuse --memory-mb $budget_mb, 400 MP" 400.0
row mwhole108 "FuseLab merge (Debevec), whole image, 108 MP" 108
row mband108 "FuseLab merge --memory-mb $budget_mb, 108 MP" 108
row lhdr108 "luminance-hdr-cli 2.6 Debevec, 108 MP" 108
row mband400 "FuseLab merge --memory-mb $budget_mb, 400 MP" 400.0

check() { # check LABEL VALUE OP LIMIT
  if awk -v v="$2" -v l="$4" "BEGIN{exit !(v $3 l)}"; then echo "  met:     $1 ($2 $3 $4)"; else echo "  NOT met: $1 ($2, target $3 $4)"; status=1; fi
}
echo
echo "  banded 108 MP output equals the whole-image output byte for byte: $same108"
check "banded 108 MP peak MiB" "$(peak_mib band108)" "<" 1500
check "banded 108 MP time / whole-image time" "$(awk -v a="$(seconds band108)" -v b="$(seconds whole108)" 'BEGIN{printf "%.2f", a / b}')" "<=" 1.2
[ "$have_enfuse" = yes ] && check "enfuse time / banded 108 MP time" "$(awk -v a="$(seconds enfuse108)" -v b="$(seconds band108)" 'BEGIN{printf "%.2f", a / b}')" ">=" 5
check "banded 400 MP peak MiB" "$(peak_mib band400)" "<" 1500
if [ "$have_learned" = yes ]; then
  echo "  banded learned 108 MP output equals the whole-image output byte for byte: $lsame108"
  check "banded learned 108 MP peak MiB" "$(peak_mib lband108)" "<" 1500
  check "banded learned 108 MP time / whole-image time" "$(awk -v a="$(seconds lband108)" -v b="$(seconds lwhole108)" 'BEGIN{printf "%.2f", a / b}')" "<=" 1.2
fi
echo "  row-by-row 108 MP merge equals the whole-image merge byte for byte: $msame108"
check "row-by-row merge 108 MP peak MiB" "$(peak_mib mband108)" "<" 1500
check "row-by-row merge 108 MP time / whole-image time" "$(awk -v a="$(seconds mband108)" -v b="$(seconds mwhole108)" 'BEGIN{printf "%.2f", a / b}')" "<=" 1.2
if [ "$have_lhdr" = yes ]; then
  check "luminance-hdr-cli time / row-by-row merge 108 MP time" "$(awk -v a="$(seconds lhdr108)" -v b="$(seconds mband108)" 'BEGIN{printf "%.2f", a / b}')" ">=" 5
else
  echo "  luminance-hdr-cli did not complete the 108 MP merge (or is absent): no merge ratio"
fi
check "row-by-row merge 400 MP peak MiB" "$(peak_mib mband400)" "<" 1500
exit $status
