# Shared helpers for the shell test scripts.  Each script sources this,
# calls pass/fail (or check CMD...), and ends with `summary NAME`, which
# prints "NAME: N passed, N failed" for tests/run.sh to add up.
set -u
PASSED=0
FAILED=0
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
PAIBAN="$BUILD/paiban"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/paiban-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

pass() { PASSED=$((PASSED + 1)); }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $*" >&2; }
# check DESCRIPTION COMMAND...: passes when the command exits 0.
check() {
  desc=$1
  shift
  if "$@" >/dev/null 2>&1; then pass; else fail "$desc"; fi
}
summary() { echo "$1: $PASSED passed, $FAILED failed"; [ "$FAILED" -eq 0 ]; }
# manuscript_text MD OUT: prints the path of MD's text as the tests expect
# it — MD itself; for a derived edition (derive-from) without convert, the
# original; with convert, OUT, written as OpenCC's own conversion of the
# original (the opencc command, independent of paiban's use of the
# library) with mainland quotes.
manuscript_text() {
  from=$(sed -n 's/^derive-from: *//p' "$1")
  conv=$(sed -n 's/^convert: *//p' "$1")
  if [ -z "$from" ]; then
    echo "$1"
    return
  fi
  if [ -z "$conv" ]; then
    # derive-from without convert: the original's text as it is.
    echo "$(dirname "$1")/$from"
    return
  fi
  opencc -c "$conv" -i "$(dirname "$1")/$from" |
    sed 's/「/“/g; s/」/”/g; s/『/‘/g; s/』/’/g' >"$2"
  echo "$2"
}
