#!/usr/bin/env bash
# Whole-process timings and peak memory of FuseLab against its peers on the same files, in
# paired runs (A, B, A, B, …) so the machine's noise hits both alike; prints medians and ratios.
#   compare_peers.sh BIN_DIR BENCH_BINARY [STACK_DIR] [RUNS]
# Peers: enfuse 4.2 (weights 1,1,1), OpenCV 4.6 MergeMertens as a program, luminance-hdr-cli 2.6
# (Debevec merge to EXR), and the decode floor (the four JPEGs decoded, nothing else).
# Install the peers with: bash scripts/install-deps.sh --bench
set -u
bin=$1
bench=$2
stack=${3:-"$(cd "$(dirname "$0")/../.." && pwd)/../shared/data/brackets/meflut-1"}
runs=${4:-5}
evs="2,0,-2,-4"
if [ ! -d "$stack" ]; then
  echo "compare_peers: $stack is absent; nothing to compare (skipped)"
  exit 0
fi
files=("$stack"/0.jpg "$stack"/1.jpg "$stack"/2.jpg "$stack"/3.jpg)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
have() { command -v "$1" >/dev/null 2>&1; }

# measure NAME CMD...: appends "seconds KiB" to $out/NAME.times
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/$name.one" "$@" >/dev/null 2>&1 || { echo "  ($name failed)"; return; }
  cat "$out/$name.one" >> "$out/$name.times"
}
median_col() { sort -n -k"$2" "$1" | awk -v c="$2" '{v[NR]=$c} END {if (NR==0) print "nan"; else if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

jobs=(floor ours_fuse opencv_fuse)
have enfuse && jobs+=(enfuse)
jobs+=(ours_merge)
have luminance-hdr-cli && jobs+=(lhdr_merge)

for ((r = 1; r <= runs; ++r)); do
  for j in "${jobs[@]}"; do
    case $j in
      floor) measure floor "$bench" --only decode --stack "$stack" ;;
      ours_fuse) measure ours_fuse "$bin/fuselab-cli" fuse --quiet "${files[@]}" -o "$out/ours.tif" ;;
      opencv_fuse) measure opencv_fuse "$bench" --only opencv --stack "$stack" -o "$out/opencv.tif" ;;
      enfuse) measure enfuse enfuse --exposure-weight=1 --saturation-weight=1 --contrast-weight=1 -o "$out/enfuse.tif" "${files[@]}" ;;
      ours_merge) measure ours_merge "$bin/fuselab-cli" merge --quiet --ev "$evs" "${files[@]}" -o "$out/ours.exr" ;;
      lhdr_merge) measure lhdr_merge luminance-hdr-cli -e "$evs" --hdrModel debevec -s "$out/lhdr.exr" "${files[@]}" ;;
    esac
  done
done

printf '\nWhole processes on %s (4 x JPEG), %d paired runs, %s cores\n' "$stack" "$runs" "$(nproc)"
printf '  %-40s %10s %12s %14s %14s\n' "job" "median s" "peak MiB" "time ratio" "memory ratio"
row() { # row NAME LABEL REFERENCE_NAME
  local f="$out/$1.times"
  [ -s "$f" ] || return
  local t m
  t=$(median_col "$f" 1); m=$(median_col "$f" 2)
  local rt="" rm=""
  if [ -n "${3:-}" ] && [ -s "$out/$3.times" ]; then
    local tr mr
    tr=$(median_col "$out/$3.times" 1); mr=$(median_col "$out/$3.times" 2)
    rt=$(awk -v a="$t" -v b="$tr" 'BEGIN{printf "%.2fx", a/b}')
    rm=$(awk -v a="$m" -v b="$mr" 'BEGIN{printf "%.2fx", a/b}')
  fi
  printf '  %-40s %10.2f %12.0f %14s %14s\n' "$2" "$t" "$(awk -v k="$m" 'BEGIN{print k/1024}')" "$rt" "$rm"
}
row floor "decode floor (4 JPEGs)" ours_fuse
row ours_fuse "FuseLab fuse -> TIFF" ours_fuse
row enfuse "enfuse 4.2 (1,1,1) -> TIFF" ours_fuse
row opencv_fuse "OpenCV MergeMertens(1,1,1) -> TIFF" ours_fuse
row ours_merge "FuseLab merge (Debevec) -> EXR" ours_merge
row lhdr_merge "luminance-hdr-cli 2.6 Debevec -> EXR" ours_merge
echo "  (ratios: peer / FuseLab for time and memory; for the floor, floor / FuseLab)"
echo "  targets: fuse >= 5x faster than enfuse, within 3x of the decode floor, less memory than enfuse;"
echo "           merge >= 5x faster than luminance-hdr-cli with less memory"
