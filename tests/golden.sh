#!/bin/sh
# Golden layout tests: every tests/golden/NAME.md is typeset with
# `paiban --dump lines` and compared with tests/golden/NAME.expected.
# `make update-golden` (this script with --update) rewrites the expected
# files on purpose; review the diff before committing it.
. "$(dirname "$0")/lib.sh"
update=0
[ "${1:-}" = "--update" ] && update=1
for md in "$ROOT"/tests/golden/*.md; do
  name=$(basename "$md" .md)
  exp="$ROOT/tests/golden/$name.expected"
  got="$TMP/$name.dump"
  # The dump names source positions relative to the manuscript; run from
  # tests/golden so diagnostics carry short paths too.
  if ! (cd "$ROOT/tests/golden" && "$PAIBAN" -q --dump lines "$name.md") >"$got" 2>"$TMP/$name.err"; then
    fail "golden $name: paiban failed: $(head -n 3 "$TMP/$name.err")"
    continue
  fi
  if [ $update = 1 ]; then
    cp "$got" "$exp"
    echo "updated $exp"
    pass
  elif [ ! -f "$exp" ]; then
    fail "golden $name: no expected file (run make update-golden)"
  elif diff -u "$exp" "$got" >"$TMP/$name.diff"; then
    pass
  else
    fail "golden $name differs from $exp:"
    head -n 40 "$TMP/$name.diff" >&2
  fi
done
summary golden
