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
