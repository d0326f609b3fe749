#!/usr/bin/env bash
# Regenerates the README's operator reference (between the operator-reference markers) from
# the operators' own specs: `fuselab-cli ops --markdown` of a full build (LibTorch and plugins).
# tests/cli/operator_reference_test.sh fails when the committed text differs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="${1:-$here/build/app/fuselab-cli}"
readme="$here/README.md"
generated="$(mktemp)"
trap 'rm -f "$generated" "$readme.tmp"' EXIT
env -u FUSELAB_PLUGIN_PATH "$cli" ops --markdown > "$generated"
awk -v gen="$generated" '
  /<!-- operator-reference:begin -->/ { print; while ((getline line < gen) > 0) print line; skipping = 1; next }
  /<!-- operator-reference:end -->/   { skipping = 0 }
  !skipping { print }
' "$readme" > "$readme.tmp"
grep -q "operator-reference:end" "$readme.tmp" || { echo "README.md lacks the operator-reference markers" >&2; exit 1; }
mv "$readme.tmp" "$readme"
echo "updated the operator reference in $readme"
