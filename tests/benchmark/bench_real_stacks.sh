#!/usr/bin/env bash
# fuselab-cli bench over the real stacks issue 18 names — the 32 real brackets plus meflut-1 and
# meflut-3, whole stacks and extreme pairs — with mertens, learned and fusion-gff, in both metric
# flavours; prints the tables (README "Evaluation") and then issue 18's bar for the shipped model,
# each figure beside Mertens's:
#   MEF-SSIM above Mertens on at least 80 % of the 68 (stack, variant) cases and on both means;
#   Qabf and VIF means not below Mertens's (metrics training never sees).
# The baseline is the issue's reference, OpenCV's MergeMertens(1,1,1): FuseLab's Mertens with
# deghosting off (equal to it within 52–59 dB PSNR on real brackets; deghosting, on by default,
# replaces what moved with the reference frame, which MergeMertens does not do).
#   bench_real_stacks.sh FUSELAB_CLI [OUTDIR]
set -euo pipefail
cli=$1
out=${2:-$(mktemp -d)}
data="$(cd "$(dirname "$0")/../.." && pwd)/../shared/data"
if [ ! -d "$data/real/brackets" ]; then
  echo "bench_real_stacks: $data/real/brackets is absent; nothing to run (skipped)"
  exit 0
fi
# bench reads one folder of scenes: link the brackets and the two meflut stacks into one.
scenes="$out/scenes"
mkdir -p "$scenes"
for dir in "$data"/real/brackets/*/ "$data"/brackets/meflut-*/; do
  [ -d "$dir" ] && ln -sfn "$dir" "$scenes/$(basename "$dir")"
done
methods=mertens,fusion-gff
"$cli" ops --json | grep -q '"learned"' && methods=mertens,learned,fusion-gff
for flavour in fuselab mefb; do
  start=$(date +%s)
  "$cli" bench --quiet --methods "$methods" --baseline mertens --param mertens.deghost=false --pairs extreme \
    --flavour "$flavour" "$scenes" -o "$out/$flavour"
  echo "== flavour $flavour ($(( $(date +%s) - start )) s, $(ls "$scenes" | wc -l) stacks): $out/$flavour/table.md"
  cat "$out/$flavour/table.md"
done
case "$methods" in *learned*) ;; *) exit 0 ;; esac

# Issue 18, item 2, from results.csv (scene, variant, method, metric, value).
echo
echo "== issue 18 item 2: learned against mertens (deghost off = MergeMertens(1,1,1))"
printf '%-44s %10s %10s %8s  %s\n' figure learned mertens ratio verdict
for flavour in fuselab mefb; do
  awk -F, -v flavour="$flavour" '
    NR > 1 && ($3 == "learned" || $3 == "mertens") { v[$1 "," $2 "," $3 "," $4] = $5; cases[$1 "," $2] = 1 }
    function mean(method, metric, variant,   c, s, n, parts) {
      s = 0; n = 0
      for (c in cases) { split(c, parts, ","); if (parts[2] != variant) continue
        if ((c "," method "," metric) in v) { s += v[c "," method "," metric]; n++ } }
      return n ? s / n : 0
    }
    function line(name, a, b, ok) { printf "%-44s %10.4f %10.4f %8.4f  %s\n", name, a, b, (b ? a / b : 0), ok ? "met" : "NOT met" }
    END {
      if (flavour == "fuselab") {
        wins = 0; total = 0
        for (c in cases) if ((c ",learned,mef_ssim") in v && (c ",mertens,mef_ssim") in v) {
          total++; if (v[c ",learned,mef_ssim"] > v[c ",mertens,mef_ssim"]) wins++ }
        printf "%-44s %10s %10s %8.4f  %s\n", "MEF-SSIM wins (whole + pair), of " total, wins, "80 %", (total ? wins / total : 0) / 0.8,
          (total && wins >= 0.8 * total) ? "met" : "NOT met"
        a = mean("learned", "mef_ssim", "whole"); b = mean("mertens", "mef_ssim", "whole"); line("MEF-SSIM mean, whole stacks", a, b, a > b)
        a = mean("learned", "mef_ssim", "pair"); b = mean("mertens", "mef_ssim", "pair"); line("MEF-SSIM mean, extreme pairs", a, b, a > b)
      }
      split("whole pair", variants, " ")
      for (i = 1; i <= 2; i++) for (j = 1; j <= 2; j++) {
        metric = j == 1 ? "qabf" : "vif"
        a = mean("learned", metric, variants[i]); b = mean("mertens", metric, variants[i])
        line((metric == "qabf" ? "Qabf" : "VIF") " mean, " (variants[i] == "whole" ? "whole stacks" : "extreme pairs") " (" flavour ")", a, b, a >= b)
      }
    }' "$out/$flavour/results.csv"
done
