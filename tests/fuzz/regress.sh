#!/bin/sh
# Fuzzing regressions: runs the paiban CLI on every seed input
# (tests/fuzz/corpus) and every input fuzzing once found a bug with
# (tests/fuzz/regressions), rendering to PDF, to a glyph dump and to EPUB
# (and a regression also as an ebook stage dump and vertically).  Each run
# must end within 10 s with status 0 (rendered) or 1 (the document has
# errors) -- never a signal, never 2 -- and print no sanitizer report (this
# matters under `make test-asan`, where $PAIBAN is the ASan/UBSan build).
FUZZ_BUILD=${BUILD:-build}
. "$(dirname "$0")/../lib.sh"
# lib.sh takes ROOT as the parent of the script's directory; this script
# sits one level deeper, so find the root (and the binary) again.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
case "$FUZZ_BUILD" in /*) BUILD=$FUZZ_BUILD ;; *) BUILD="$ROOT/$FUZZ_BUILD" ;; esac
PAIBAN="$BUILD/paiban"

SAN_PATTERN='AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|MemorySanitizer|ThreadSanitizer|runtime error:|Sanitizer CHECK failed'

# run_one NAME INPUT ARGS...: runs paiban ARGS... INPUT and judges it.
run_one() {
  what=$1 input=$2
  shift 2
  timeout 10 "$PAIBAN" "$@" "$input" >/dev/null 2>"$TMP/err"
  rc=$?
  if [ "$rc" -eq 124 ]; then
    fail "$what: took longer than 10 s"
  elif [ "$rc" -gt 128 ]; then
    fail "$what: killed by signal $((rc - 128)): $(tail -n 5 "$TMP/err")"
  elif [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    fail "$what: exit status $rc: $(grep -E "$SAN_PATTERN|#[0-9]+ " "$TMP/err" | head -n 12)"
  elif grep -q "paiban crashed on it" "$TMP/err"; then
    # The CLI contains a crash to its worker process and exits 1.
    fail "$what: crashed: $(grep -E "crashed|$SAN_PATTERN|#[0-9]+ " "$TMP/err" | head -n 12)"
  elif grep -Eq "$SAN_PATTERN" "$TMP/err"; then
    fail "$what: sanitizer report: $(grep -E "$SAN_PATTERN|#[0-9]+ " "$TMP/err" | head -n 12)"
  else
    pass
  fi
}

# fuzz_render runs each input beside the seeds and the test images, with
# the profile, writing mode and dump picked by the input's hash: a
# regression is replayed the same way (copied beside card.png and
# card.jpg) in each of those choices.
DOCS="$TMP/docs"
mkdir -p "$DOCS"
cp "$ROOT"/tests/fuzz/corpus/* "$ROOT"/tests/images/card.png \
  "$ROOT"/tests/images/card.jpg "$DOCS"/

n=0
for f in "$ROOT"/tests/fuzz/corpus/* "$ROOT"/tests/fuzz/regressions/*; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  name=${f#"$ROOT"/tests/fuzz/}
  case $name in
    regressions/*) cp "$f" "$DOCS/fuzz.md"; f="$DOCS/fuzz.md" ;;
  esac
  run_one "$name (pdf)" "$f" -q -o "$TMP/out.pdf"
  run_one "$name (dump)" "$f" -q --dump glyphs
  run_one "$name (epub)" "$f" -q --profile epub -o "$TMP/out.epub"
  case $name in
    regressions/*)
      run_one "$name (ebook, items)" "$f" -q --profile ebook --dump items
      run_one "$name (vertical, breaks)" "$f" -q --writing-mode vertical-rl --dump breaks
      run_one "$name (vertical pdf)" "$f" -q --writing-mode vertical-rl -o "$TMP/out.pdf" ;;
  esac
  rm -f "$TMP/out.pdf" "$TMP/out.epub"
done
[ "$n" -gt 0 ] && pass || fail "no inputs found in tests/fuzz/corpus"

summary fuzz-regressions
