#!/usr/bin/env bash
# Re-measures the tables of README "Attribution → Results" with whichever model is shipped:
# PIC (SIC/AIC) and deletion/insertion AUCs of every method over the real brackets (512 px) and
# three synthetic stacks (320 px), and the sanity checks per method on meflut-1 (256 px).
#   scripts/measure-attribution-tables.sh [CLI] [OUT_DIR] [BRACKETS_DIR]
# Writes the CSVs and summary.json files under OUT_DIR (default build/attribution-tables) and
# prints the three tables in Markdown. ~20 minutes on 2 CPU cores.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cli=${1:-$here/build/app/fuselab-cli}
out=${2:-$here/build/attribution-tables}
brackets=${3:-$here/../shared/data/brackets}
methods=saliency,gradxinput,ig,guided,gradcam,gradcampp,smoothgrad,vargrad,occlusion,random
# Occlusion's default 15 px windows cost (side/15)² network passes per input; 32 px keeps the
# tables' run time reasonable and still resolves the scenes' structures.
occlusion=(--param window=32 --param stride=32)

mkdir -p "$out"
"$cli" pic -q --max-side 512 --methods "$methods" "${occlusion[@]}" "$brackets" -o "$out/brackets.csv"
for scene in interior ramp patches; do
  "$cli" synth -q --scene "$scene" --size 512x384 --exposures 3 --noise --seed 5 -o "$out/synth/$scene"
done
"$cli" pic -q --max-side 320 --methods "$methods" "${occlusion[@]}" "$out/synth" -o "$out/synth.csv"
for m in ${methods//,/ }; do
  "$cli" explain -q --method "$m" --sanity all --max-side 256 "$brackets/meflut-1" -o "$out/sanity/$m"
done

python3 - "$out" "$methods" <<'PY'
import csv, json, sys
out, methods = sys.argv[1], sys.argv[2].split(",")
def auc_table(path, title):
    rows = {r["method"]: r for r in csv.DictReader(open(path)) if r["image"] == "median"}
    print(f"\n{title}\n\n| method | SIC AUC | AIC AUC | deletion AUC | insertion AUC |\n| --- | --- | --- | --- | --- |")
    for m in methods:
        r = rows[m]
        cells = [("—" if r[k] in ("", "nan") else f"{float(r[k]):.3f}") for k in ("sic_auc", "aic_auc", "deletion_auc", "insertion_auc")]
        print(f"| `{m}` | " + " | ".join(cells) + " |")
auc_table(f"{out}/brackets.csv", "Real brackets (median of the scenes in the brackets folder):")
auc_table(f"{out}/synth.csv", "Synthetic stacks (median of interior, patches and ramp):")
print("\nSanity checks (meflut-1, 256 px):\n\n| method | ρ after re-initialising the logits | lowest ρ of the cascade "
      "| ρ with every layer re-initialised | data randomisation ρ (on absolute maps) |\n| --- | --- | --- | --- | --- |")
for m in methods:
    s = json.load(open(f"{out}/sanity/{m}/summary.json"))["sanity"]
    cascade = [step["rank_correlation"] for step in s["model_randomisation"]]
    d = s["data_randomisation"]
    print(f"| `{m}` | {cascade[0]:.2f} | {min(cascade):.2f} | {cascade[-1]:.2f} | "
          f"{d['rank_correlation']:.2f} ({d['rank_correlation_abs']:.2f}) |")
PY
