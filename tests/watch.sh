#!/bin/sh
# `paiban watch` (src/cli/watch.c): renders, renders again on each save of
# the manuscript or of its original, keeps the last good PDF when a save
# has errors, gives the same bytes as a fresh render after an edit and its
# revert, and ends cleanly (status 0, no temporary file) on SIGINT.
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1
export SOURCE_DATE_EPOCH=1700000000
ms="$ROOT/manuscripts"
mkdir w
cp "$ms/essay.zh-Hant.md" w/e.md
cp w/e.md e.orig
printf -- '---\nlang: zh-Hans\nderive-from: e.md\nconvert: tw2sp\n---\n' >w/s.md
# until SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds.
until_ok() {
  n=$(($1 * 10))
  shift
  while [ $n -gt 0 ]; do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
    n=$((n - 1))
  done
  return 1
}
has_text() { pdftotext "$1" - 2>/dev/null | tr -d ' \n' | grep -q "$2"; }
"$PAIBAN" watch -o out.pdf w/e.md 2>log &
pid=$!
"$PAIBAN" watch w/s.md 2>slog &
spid=$!
until_ok 20 test -s out.pdf && until_ok 20 test -s w/s.pdf && pass || fail "watch wrote no first PDF: $(cat log slog)"
cp out.pdf first.pdf
cp w/s.pdf sfirst.pdf
"$PAIBAN" -q -o fresh.pdf w/e.md 2>/dev/null
cmp -s first.pdf fresh.pdf && pass || fail "watch's first PDF differs from a render"
# An edit: a new paragraph appears in the PDF, and in the derived edition.
printf '\n山水人天大小多少。\n' >>w/e.md
until_ok 20 has_text out.pdf "山水人天大小多少" && pass || fail "the edit is not in the PDF: $(cat log)"
until_ok 20 has_text w/s.pdf "山水人天大小多少" && pass || fail "the original's edit is not in the derived PDF: $(cat slog)"
# Paragraphs copied from the paragraph cache: the same bytes as a fresh
# render of the edited manuscript.
"$PAIBAN" -q -o edited.pdf w/e.md 2>/dev/null
cmp -s out.pdf edited.pdf && pass || fail "watch's PDF after an edit differs from a fresh render"
# An editor's save (a new file renamed over the manuscript), then the
# revert: the same bytes as the first render.
cp e.orig w/e.md.new && mv w/e.md.new w/e.md
until_ok 20 cmp -s out.pdf first.pdf && pass || fail "after edit and revert the PDF differs from the first render"
until_ok 20 cmp -s w/s.pdf sfirst.pdf && pass || fail "after edit and revert the derived PDF differs"
# A save with an error: reported with its position, the last good PDF stays.
sed 's/^lang: zh-Hant$/lang: zh-Hant\nfont-size: huge/' e.orig >w/e.md
until_ok 20 grep -q 'e.md:[0-9]*:[0-9]*: error' log && pass || fail "the error is not reported: $(cat log)"
sleep 0.3
cmp -s out.pdf first.pdf && pass || fail "an error replaced the last good PDF"
# Fixed again: rendered again.
printf '\n修好了。\n' >>w/e.md
sed -i '/^font-size: huge$/d' w/e.md
until_ok 20 has_text out.pdf "修好了" && pass || fail "watch stopped after an error: $(cat log)"
kill -INT $pid $spid
wait $pid
rc=$?
wait $spid
src=$?
[ $rc -eq 0 ] && [ $src -eq 0 ] && pass || fail "SIGINT ends watch with status $rc/$src"
left=$(ls -A w | grep -v -x -e e.md -e s.md -e s.pdf)
[ -z "$left" ] && pass || fail "files left behind: $left"
# Usage errors.
"$PAIBAN" watch 2>err.txt
[ $? -eq 2 ] && pass || fail "watch without a manuscript is a usage error"
"$PAIBAN" watch --profile epub w/e.md 2>err.txt
[ $? -eq 2 ] && pass || fail "watch of an EPUB is a usage error"
summary watch
