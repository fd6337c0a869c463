#!/bin/sh
# EPUB 3 output: every manuscript in manuscripts/ (what `make` renders) and
# tests/epub/book.md (every kind of block and inline markup) as EPUB, checked
# with EPUBCheck (0 errors, 0 warnings), with tests/epubtest.py (container,
# languages, text against the manuscript, Han–Latin spacing, shared marks,
# the vertical edition's writing mode, spine direction and tate-chu-yoko),
# for determinism and size; the first content document of each edition
# printed by headless Chromium with only the EPUB's fonts available; golden
# files for book.md's package document, navigation, first content document
# and style sheet (tests/epub/*.expected; `make update-golden` rewrites
# them).
. "$(dirname "$0")/lib.sh"
update=0
[ "${1:-}" = "--update" ] && update=1
EPUBCHECK=${EPUBCHECK:-/usr/share/java/epubcheck.jar}
# A short-lived JVM starts twice as fast with the client compiler only.
epubcheck() {
  java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$EPUBCHECK" "$1" >"$1.check" 2>&1
}

if [ $update = 0 ]; then
  have_epubcheck=1
  if ! command -v java >/dev/null 2>&1 || [ ! -f "$EPUBCHECK" ]; then
    have_epubcheck=0
    echo "SKIP: EPUBCheck ($EPUBCHECK) or java is not installed (scripts/deps.sh --test)"
  fi
  pids=""
  # book.md also in columns (--writing-mode vertical-rl).
  for job in "$ROOT"/manuscripts/*.md "$ROOT/tests/epub/book.md" "vertical:$ROOT/tests/epub/book.md"; do
    md=${job#vertical:}
    name=$(basename "$md" .md)
    wm=""
    [ "$md" != "$job" ] && { name="$name.vertical"; wm="--writing-mode vertical-rl"; }
    epub="$TMP/$name.epub"
    if ! "$PAIBAN" -q --profile epub $wm -o "$epub" "$md" 2>"$TMP/err"; then
      fail "$name: EPUB render failed: $(head -n 3 "$TMP/err")"
      continue
    fi
    [ -s "$TMP/err" ] && fail "$name: EPUB render warned: $(head -n 3 "$TMP/err")" || pass
    # EPUBCheck, two at a time in the background (a JVM start is slow).
    if [ $have_epubcheck = 1 ]; then
      epubcheck "$epub" &
      pids="$pids $!"
      set -- $pids
      [ $# -ge 2 ] && { wait "$1"; pids=$(echo "$pids" | cut -d' ' -f3-); }
    fi
    # Same input, same bytes.
    "$PAIBAN" -q --profile epub $wm -o "$TMP/$name.again.epub" "$md" 2>/dev/null
    cmp -s "$epub" "$TMP/$name.again.epub" && pass || fail "$name: two runs give different EPUBs"
    # A derived edition is checked against OpenCC's own conversion.
    text=$(manuscript_text "$md" "$TMP/$name.source.md")
    # A vertical edition: columns, pages right to left, tate-chu-yoko.
    vert=""
    if [ -n "$wm" ] || grep -q '^writing-mode: *vertical-rl' "$md"; then
      tcy=$(sed -n 's/^tate-chu-yoko: *//p' "$md")
      vert="--vertical=${tcy:-2}"
    fi
    python3 "$ROOT/tests/epubtest.py" "$epub" "$text" $vert >"$TMP/check" 2>&1
    n=$(grep -c '^ok' "$TMP/check"); PASSED=$((PASSED + n))
    grep -v '^ok' "$TMP/check" | while read -r line; do echo "FAIL: $name: $line" >&2; done
    n=$(grep -vc '^ok' "$TMP/check"); FAILED=$((FAILED + n))
  done
  wait
  if [ $have_epubcheck = 1 ]; then
    for c in "$TMP"/*.epub.check; do
      case "$c" in *.again.epub.check) continue ;; esac
      grep -q "Messages: 0 fatals / 0 errors / 0 warnings" "$c" && pass ||
        fail "EPUBCheck $(basename "$c" .check): $(grep -E '^(ERROR|WARNING|FATAL)|Messages' "$c" | head -n 5)"
    done
  fi

  # The command line: all three profiles in one run, the default output
  # name, usage errors, front-matter errors, atomic output.
  mkdir -p "$TMP/cli/out" && cd "$TMP/cli" || exit 1
  printf -- '---\ntitle: 測試\nlang: zh-Hant\n---\n\n中文段落，含有 English 與數字 2024。\n' >good.md
  # status WANT PATTERN ARGS...: paiban exits with WANT and stderr matches.
  status() {
    want=$1 pattern=$2
    shift 2
    timeout 20 "$PAIBAN" "$@" >/dev/null 2>err.txt
    got=$?
    [ "$got" = "$want" ] && { [ -z "$pattern" ] || grep -Eq -- "$pattern" err.txt; } && pass ||
      fail "paiban $*: exit $got (want $want), stderr: $(head -c 200 err.txt)"
  }
  status 0 "" -q --profile print,ebook,epub -o out/ good.md
  [ -s out/good.pdf ] && [ -s out/good.ebook.pdf ] && [ -s out/good.epub ] && pass ||
    fail "--profile print,ebook,epub wrote: $(ls out)"
  status 0 "good.epub: EPUB" --profile epub good.md
  [ "$(head -c 58 good.epub | tail -c 20)" = "application/epub+zip" ] && pass ||
    fail "--profile epub does not write good.epub with the mimetype first"
  status 2 "--profile must be" --profile epub,poster good.md
  status 2 "an EPUB has none" --profile epub --dump lines good.md
  cp good.epub kept.epub
  printf -- '---\nlang: zh-Hant\nepub-fonts: maybe\n---\n\n文字\n' >badkey.md
  status 1 "^badkey.md:3:13: error: unknown value 'maybe' for 'epub-fonts'" --profile epub -o kept.epub badkey.md
  cmp -s good.epub kept.epub && pass || fail "a failed EPUB render replaced the previous file"
  status 1 "nodir/x.epub.*error" --profile epub -o nodir/x.epub good.md
  ls -a | grep -q '^\.[^.].*\.[A-Za-z0-9]\{6\}$' && fail "a temporary file was left behind" || pass
  # Without a date in the front matter, SOURCE_DATE_EPOCH dates the book
  # and every entry (UTC); without either, 1980-01-01.
  SOURCE_DATE_EPOCH=1700000000 "$PAIBAN" -q --profile epub -o sde.epub good.md
  env -u SOURCE_DATE_EPOCH "$PAIBAN" -q --profile epub -o nodate.epub good.md
  python3 - sde.epub nodate.epub <<'PY' && pass || fail "SOURCE_DATE_EPOCH does not date the EPUB"
import sys, zipfile
a, b = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2])
ok = ">2023-11-14T22:13:20Z<" in a.read("EPUB/package.opf").decode()
ok = ok and all(i.date_time == (2023, 11, 14, 22, 13, 20) for i in a.infolist())
ok = ok and ">1980-01-01T00:00:00Z<" in b.read("EPUB/package.opf").decode()
sys.exit(0 if ok else 1)
PY
  cd "$ROOT" || exit 1

  # The essay with its fonts stays small.
  size=$(wc -c <"$TMP/essay.zh-Hant.epub" 2>/dev/null || echo 0)
  [ "$size" -gt 0 ] && [ "$size" -lt 307200 ] && pass || fail "essay EPUB is $size bytes (budget 300 KB)"

  # epub-fonts: none: no font files, the installed families by name.
  sed 's/^lang: en$/lang: en\nepub-fonts: none/' "$ROOT/manuscripts/essay.en.md" >"$TMP/nofonts.md"
  if "$PAIBAN" -q --profile epub -o "$TMP/nofonts.epub" "$TMP/nofonts.md" 2>"$TMP/err"; then
    python3 - "$TMP/nofonts.epub" <<'PY' && pass || fail "epub-fonts: none still embeds fonts or names no family"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
css = z.read("EPUB/style.css").decode()
ok = not any(n.startswith("EPUB/fonts/") for n in z.namelist())
ok = ok and "@font-face" not in css and '"Noto Serif"' in css
sys.exit(0 if ok else 1)
PY
    python3 "$ROOT/tests/epubtest.py" "$TMP/nofonts.epub" "$TMP/nofonts.md" >"$TMP/check" 2>&1 && pass ||
      fail "epub-fonts: none: $(grep -v '^ok' "$TMP/check" | head -n 3)"
  else
    fail "epub-fonts: none: render failed: $(head -n 3 "$TMP/err")"
  fi

  # A real engine (CHROMIUM=path, or empty to skip): Chromium prints each
  # edition's first content document with the EPUB's style sheet and fonts
  # (the vertical edition in columns, read with pdftotext -raw and -bbox).
  # Its fontconfig sees DejaVu only (Chromium needs some font of its own;
  # with none at all it drops glyphs), so a Noto face in the PDF can only
  # come from the EPUB, and a DejaVu face would mean a character the
  # subsets lack.
  CHROMIUM=${CHROMIUM-$(command -v chromium || command -v chromium-browser || true)}
  if [ -z "$CHROMIUM" ]; then
    echo "SKIP: chromium is not installed; the EPUB render test did not run (scripts/deps.sh --test)"
  else
    printf '<?xml version="1.0"?>\n<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>%s/fc-cache</cachedir></fontconfig>\n' "$TMP" >"$TMP/fonts.conf"
    for md in "$ROOT"/manuscripts/*.md; do
      name=$(basename "$md" .md)
      [ -f "$TMP/$name.epub" ] || continue
      dir="$TMP/$name.unzipped"
      mkdir -p "$dir" && (cd "$dir" && unzip -q "$TMP/$name.epub")
      FONTCONFIG_FILE="$TMP/fonts.conf" timeout 60 "$CHROMIUM" --headless --no-sandbox \
        --disable-gpu --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --user-data-dir="$TMP/chromium-profile" \
        --allow-file-access-from-files --no-pdf-header-footer \
        --print-to-pdf="$TMP/$name.chromium.pdf" "file://$dir/EPUB/c001.xhtml" >"$TMP/chromium.log" 2>&1
      if [ ! -s "$TMP/$name.chromium.pdf" ]; then
        fail "$name: Chromium printed nothing: $(tail -n 3 "$TMP/chromium.log")"
        continue
      fi
      python3 "$ROOT/tests/epubtest.py" --render "$TMP/$name.chromium.pdf" "$TMP/$name.epub" >"$TMP/check" 2>&1
      n=$(grep -c '^ok' "$TMP/check"); PASSED=$((PASSED + n))
      grep -v '^ok' "$TMP/check" | while read -r line; do echo "FAIL: $name (Chromium): $line" >&2; done
      n=$(grep -vc '^ok' "$TMP/check"); FAILED=$((FAILED + n))
    done
  fi
fi

# Golden files: book.md's package document, navigation, first content
# document and style sheet.
book="$TMP/golden-book.epub"
if (cd "$ROOT/tests/epub" && "$PAIBAN" -q --profile epub -o "$book" book.md) 2>"$TMP/err"; then
  mkdir -p "$TMP/golden" && (cd "$TMP/golden" && unzip -q -o "$book")
  for f in package.opf nav.xhtml c001.xhtml style.css; do
    exp="$ROOT/tests/epub/book.$f.expected"
    if [ $update = 1 ]; then
      cp "$TMP/golden/EPUB/$f" "$exp"
      echo "updated $exp"
      pass
    elif diff -u "$exp" "$TMP/golden/EPUB/$f" >"$TMP/golden.diff" 2>&1; then
      pass
    else
      fail "EPUB golden $f differs from $exp:"
      head -n 30 "$TMP/golden.diff" >&2
    fi
  done
else
  fail "golden book.md: EPUB render failed: $(head -n 3 "$TMP/err")"
fi
summary epub
