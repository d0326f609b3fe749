#!/usr/bin/env bash
# Issue 19: the GUI knows no operator. Every operator id `fuselab-cli ops` lists is searched for as a
# string literal in ui/'s code (comments aside); defaults come from core (defaultOperatorOf), output
# names and shared parameters from fuselab::convention.
#   ui_names_no_operator.sh FUSELAB_CLI SOURCE_DIR
set -euo pipefail
cli=$1
src=$2
ids=$("$cli" ops --json | grep -E '^    "id": "' | sed -E 's/^    "id": "([^"]+)".*/\1/')
[ -n "$ids" ] || { echo "no operator ids from '$cli ops --json'"; exit 1; }
found=0
for id in $ids; do
  # Matches outside // comments only.
  while IFS= read -r hit; do
    [ -z "$hit" ] && continue
    code=${hit#*:*:}
    code=${code%%//*}
    if [[ "$code" == *"\"$id\""* ]]; then
      echo "ui/ names operator '$id': $hit"
      found=1
    fi
  done < <(grep -rn --include='*.cpp' --include='*.hpp' -F "\"$id\"" "$src/ui" || true)
done
count=$(echo "$ids" | wc -w)
if [ "$found" -ne 0 ]; then
  echo "FAIL: ui/ names operators (use defaultOperatorOf, the registry's categories or fuselab::convention)"
  exit 1
fi
echo "ui/ names none of the $count registered operators"
