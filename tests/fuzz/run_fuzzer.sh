#!/usr/bin/env bash
# run_fuzzer.sh FUZZER FORMAT SHARED_DATA_DIR CORPUS_DIR SECONDS
# Seeds the corpus (first bytes of the real sample, or a tiny valid file), then fuzzes for a
# bounded time. Exit status: the fuzzer's (non-zero on a crash or a broken invariant).
set -euo pipefail
fuzzer=$1 format=$2 data=$3 corpus=$4 seconds=$5
mkdir -p "$corpus"
case "$format" in
  evt2) sample="$data/events/evt2_sample.raw"; bytes=4096; fallback=$'% evt 2.0\n% geometry 64x48\n' ;;
  evt3) sample="$data/events/evt3_sample.raw"; bytes=4096; fallback=$'% evt 3.0\n% geometry 64x48\n' ;;
  aedat4) sample="$data/events/sample.aedat4"; bytes=24000; fallback=$'#!AER-DAT4.0\r\n' ;;
esac
if [ -f "$sample" ]; then head -c "$bytes" "$sample" > "$corpus/seed"; else printf '%s' "$fallback" > "$corpus/seed"; fi
exec "$fuzzer" "$corpus" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1
