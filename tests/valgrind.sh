#!/bin/sh
# valgrind memcheck on the real CLI (`make valgrind`): renders the
# Traditional Chinese (also in columns) and the English essay to PDF, an
# EPUB of every kind of markup (tests/epub/book.md) and the same in columns
# (vertical EPUB), and
# writes a glyph dump,
# each under memcheck with full leak checking.  Any invalid access, use of
# uninitialised memory, or definite/indirect/possible leak fails the run;
# "still reachable" memory (fontconfig's and FreeType's caches) is allowed.
# Suppressions for system libraries' one-time caches only: tests/valgrind.supp.
#   usage: tests/valgrind.sh [PATH/TO/paiban]
# Prints "valgrind: N passed, N failed".
. "$(dirname "$0")/lib.sh"
PAIBAN=${1:-$PAIBAN}
case "$PAIBAN" in /*) ;; *) PAIBAN="$(pwd)/$PAIBAN" ;; esac
cd "$ROOT" || exit 1

if ! command -v valgrind >/dev/null 2>&1; then
  fail "valgrind is not installed"
  summary valgrind
  exit 1
fi
if [ ! -x "$PAIBAN" ]; then
  fail "$PAIBAN is not built"
  summary valgrind
  exit 1
fi

SUPP=
[ -s "$ROOT/tests/valgrind.supp" ] && SUPP="--suppressions=$ROOT/tests/valgrind.supp"

# vg NAME ARGS...: runs paiban ARGS... under memcheck.
vg() {
  name=$1
  shift
  log="$TMP/$name.log"
  # shellcheck disable=SC2086 # $SUPP is one word or none
  valgrind --tool=memcheck --leak-check=full \
    --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible \
    --error-exitcode=99 --num-callers=30 --track-origins=yes \
    $SUPP --log-file="$log" "$PAIBAN" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
  rc=$?
  if [ "$rc" -eq 0 ]; then
    pass
    echo "ok: $name ($(grep -E 'ERROR SUMMARY' "$log" | sed 's/^==[0-9]*== //'))"
  else
    fail "$name: exit status $rc ($(grep -E 'ERROR SUMMARY' "$log" | sed 's/^==[0-9]*== //'))"
    # The error and leak records, without the "==PID== " prefix.
    sed 's/^==[0-9]*== //' "$log" |
      sed -n '/^\(Invalid\|Conditional\|Use of\|Syscall\|Mismatched\|Source and dest\|.* bytes in .* blocks are \(definitely\|indirectly\|possibly\)\)/,/^$/p' |
      head -n 200 >&2
    tail -n 5 "$TMP/$name.err" >&2
  fi
}

vg essay-zh-Hant -q -o "$TMP/zh.pdf" manuscripts/essay.zh-Hant.md
vg essay-en -q -o "$TMP/en.pdf" manuscripts/essay.en.md
vg essay-vertical -q -o "$TMP/vertical.pdf" manuscripts/essay.zh-Hant.vertical.md
vg epub-book -q --profile epub -o "$TMP/book.epub" tests/epub/book.md
vg epub-book-vertical -q --profile epub --writing-mode vertical-rl -o "$TMP/bookv.epub" tests/epub/book.md
vg dump-glyphs -q --dump glyphs -o "$TMP/zh.dump.txt" manuscripts/essay.zh-Hant.md

summary valgrind
