#!/bin/sh
# Golden tests of the layout and of the stages before it.  Every
# tests/golden/NAME.md and tests/typography/NAME.md is typeset with `paiban --dump lines` and compared
# with NAME.expected; the manuscripts named in STAGE_GOLDENS are also
# dumped at the break-item and line-break stages (--dump items, --dump
# breaks) and compared with NAME.items.expected and NAME.breaks.expected,
# as libraqm and SILE test their stages.  `make update-golden` (this script
# with --update) rewrites the expected files on purpose, and records the
# font files they were made with in fonts.sha256; review the diff before
# committing it.
. "$(dirname "$0")/lib.sh"
STAGE_GOLDENS="punct-clusters mixed-narrow hanging en-narrow vertical-stress"
update=0
[ "${1:-}" = "--update" ] && update=1
G="$ROOT/tests/golden"

# The font files behind every pattern of the bundled font profiles, with
# their hashes: a layout golden holds only for the fonts it was made with.
font_hashes() {
  sed -n 's/^[a-z.]* *= *//p' "$ROOT"/fonts/*.conf | tr ',' '\n' |
    sed 's/^ *//; s/ *$//' | grep . | sort -u | while read -r pattern; do
      file=$(fc-match -f '%{file}' "$pattern" 2>/dev/null)
      hash=$(sha256sum "$file" 2>/dev/null | cut -c1-16)
      printf '%s  %s  %s\n' "${hash:-missing}" "$pattern" "$file"
    done
}
fonts_note=""
font_hashes >"$TMP/fonts.sha256"
if [ $update = 1 ]; then
  cp "$TMP/fonts.sha256" "$G/fonts.sha256"
elif ! diff -u "$G/fonts.sha256" "$TMP/fonts.sha256" >"$TMP/fonts.diff" 2>&1; then
  fonts_note=" (NOTE: this machine's fonts differ from those the goldens were made with; see above)"
  echo "NOTE: the fonts differ from tests/golden/fonts.sha256 — golden layouts may differ for that reason alone:" >&2
  grep '^[-+][^-+]' "$TMP/fonts.diff" >&2
fi

# compare NAME KIND EXPECTED [DIR]: dump DIR/NAME.md (DIR: tests/golden)
# as KIND and compare.
compare() {
  name=$1 kind=$2 exp=$3 dir=${4:-$G}
  got="$TMP/$name.$kind.dump"
  # Run from its directory so positions and diagnostics carry short paths.
  if ! (cd "$dir" && "$PAIBAN" -q --dump "$kind" "$name.md") >"$got" 2>"$TMP/$name.err"; then
    fail "golden $name ($kind): paiban failed: $(head -n 3 "$TMP/$name.err")"
    return
  fi
  if [ $update = 1 ]; then
    cp "$got" "$exp"
    echo "updated $exp"
    pass
  elif [ ! -f "$exp" ]; then
    fail "golden $name ($kind): no expected file (run make update-golden)"
  elif diff -u "$exp" "$got" >"$TMP/$name.diff"; then
    pass
  else
    fail "golden $name ($kind) differs from $exp$fonts_note:"
    head -n 40 "$TMP/$name.diff" >&2
  fi
}

# The bundled vertical edition is a golden too (its layout shows every
# column of the essay).
(cd "$ROOT/manuscripts" && "$PAIBAN" -q --dump lines essay.zh-Hant.vertical.md) \
  >"$TMP/essay-vertical.dump" 2>"$TMP/essay-vertical.err"
if [ $update = 1 ]; then
  cp "$TMP/essay-vertical.dump" "$G/essay-vertical.expected"; pass
elif diff -u "$G/essay-vertical.expected" "$TMP/essay-vertical.dump" >"$TMP/ev.diff" 2>&1; then
  pass
else
  fail "golden essay-vertical differs from $G/essay-vertical.expected$fonts_note:"
  head -n 40 "$TMP/ev.diff" >&2
fi

for md in "$G"/*.md; do
  name=$(basename "$md" .md)
  compare "$name" lines "$G/$name.expected"
  case " $STAGE_GOLDENS " in
  *" $name "*)
    compare "$name" items "$G/$name.items.expected"
    compare "$name" breaks "$G/$name.breaks.expected" ;;
  esac
done
# The typography manuscripts (issue 9): a page of every element per language.
for md in "$ROOT"/tests/typography/*.md; do
  name=$(basename "$md" .md)
  compare "$name" lines "$ROOT/tests/typography/$name.expected" "$ROOT/tests/typography"
done
summary golden
