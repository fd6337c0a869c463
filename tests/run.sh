#!/bin/sh
# Runs every test: unit programs (build/tests/*), golden dumps, CLI and
# bad-input tests, end-to-end PDF checks, EPUB checks.  Prints each part's counts and
# the total as the last line: "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
total_pass=0
total_fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

add_counts() { # reads "...: N passed, M failed" lines from $log
  line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  if [ -z "$line" ]; then
    total_fail=$((total_fail + 1))
    echo "FAIL: $1 printed no result (crashed?)" >&2
    tail -n 20 "$log" >&2
    return
  fi
  p=$(echo "$line" | sed -E 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\1/')
  f=$(echo "$line" | sed -E 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\2/')
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
  echo "$line"
}

for t in "$BUILD"/tests/*; do
  [ -x "$t" ] || continue
  "$t" >"$log" 2>&1
  rc=$?
  grep -E '^(FAIL|.*check failed|.*failed:)' "$log" >&2
  add_counts "$t"
  if [ $rc -ne 0 ] && ! grep -qE '[1-9][0-9]* failed' "$log"; then
    total_fail=$((total_fail + 1))
    echo "FAIL: $t exited with status $rc" >&2
  fi
done
for s in tests/docs.sh tests/golden.sh tests/cache.sh tests/threads.sh tests/batch.sh tests/watch.sh tests/cli.sh tests/robust.sh tests/images.sh tests/e2e.sh tests/epub.sh tests/fuzz/regress.sh; do
  [ -f "$s" ] || continue
  sh "$s" >"$log" 2>&1
  grep -E '^(FAIL|SKIP)' "$log" >&2
  add_counts "$s"
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
