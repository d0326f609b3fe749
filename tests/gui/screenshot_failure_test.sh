#!/usr/bin/env bash
# `fuselab --screenshot` on files that give no stack must say why and exit non-zero, not wait
# for a result that never comes (issue 16). Usage: screenshot_failure_test.sh FUSELAB FUSELAB_CLI
set -u
app="$1"
cli="$2"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$cli" synth --size 64x48 --exposures 2 --quiet -o "$dir/stack" >/dev/null || { echo "FAIL: synth"; exit 1; }
"$cli" run exposure --quiet -o "$dir/good.jpg" "$dir/stack/exposure_00.png" >/dev/null || { echo "FAIL: jpeg"; exit 1; }
head -c 600 "$dir/good.jpg" > "$dir/cut.jpg"
export XDG_CONFIG_HOME="$dir/config"
timeout 120 "$app" --screenshot "$dir/shot.png" "$dir/good.jpg" "$dir/cut.jpg" > "$dir/out.txt" 2>&1
rc=$?
if [ "$rc" -eq 124 ]; then echo "FAIL: fuselab --screenshot waited until the timeout"; exit 1; fi
if [ "$rc" -eq 0 ]; then echo "FAIL: exit 0 although no result could be made"; cat "$dir/out.txt"; exit 1; fi
if [ -e "$dir/shot.png" ]; then echo "FAIL: a screenshot was written"; exit 1; fi
grep -q "cut.jpg" "$dir/out.txt" || { echo "FAIL: the unreadable file is not named:"; cat "$dir/out.txt"; exit 1; }
grep -q "at least two" "$dir/out.txt" || { echo "FAIL: the reason is not given:"; cat "$dir/out.txt"; exit 1; }
echo "PASS: exit $rc, $(grep -c error "$dir/out.txt") error line(s) naming cut.jpg"
