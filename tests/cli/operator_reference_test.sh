#!/usr/bin/env bash
# The README's operator reference must equal what `fuselab-cli ops --markdown` prints now, so it
# cannot go stale. Usage: operator_reference_test.sh FUSELAB_CLI README
set -euo pipefail
cli="$1"
readme="$2"
expected="$(mktemp)"
committed="$(mktemp)"
trap 'rm -f "$expected" "$committed"' EXIT
env -u FUSELAB_PLUGIN_PATH "$cli" ops --markdown > "$expected"
awk '/<!-- operator-reference:end -->/ { inside = 0 } inside { print } /<!-- operator-reference:begin -->/ { inside = 1 }' "$readme" > "$committed"
if [ ! -s "$committed" ]; then
  echo "FAIL: $readme has no text between the operator-reference markers" >&2
  exit 1
fi
if ! diff -u "$committed" "$expected"; then
  echo "FAIL: the README's operator reference is stale: run scripts/update-operator-reference.sh" >&2
  exit 1
fi
echo "PASS: README operator reference matches fuselab-cli ops --markdown ($(wc -l < "$expected") lines)"
