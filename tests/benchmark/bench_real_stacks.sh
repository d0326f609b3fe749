#!/usr/bin/env bash
# fuselab-cli bench over the 32 real brackets (whole stacks and extreme pairs) with mertens,
# learned and fusion-gff, in both metric flavours; prints the tables (README "Evaluation").
#   bench_real_stacks.sh FUSELAB_CLI [OUTDIR]
set -euo pipefail
cli=$1
out=${2:-$(mktemp -d)}
scenes="$(cd "$(dirname "$0")/../.." && pwd)/../shared/data/real/brackets"
if [ ! -d "$scenes" ]; then
  echo "bench_real_stacks: $scenes is absent; nothing to run (skipped)"
  exit 0
fi
methods=mertens,fusion-gff
"$cli" ops --json | grep -q '"learned"' && methods=mertens,learned,fusion-gff
for flavour in fuselab mefb; do
  start=$(date +%s)
  "$cli" bench --quiet --methods "$methods" --baseline mertens --pairs extreme --flavour "$flavour" "$scenes" -o "$out/$flavour"
  echo "== flavour $flavour ($(( $(date +%s) - start )) s): $out/$flavour/table.md"
  cat "$out/$flavour/table.md"
done
