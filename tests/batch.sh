#!/bin/sh
# Batches on several worker processes (src/cli/main.c, pool.c): what the
# parent preloads (font sets, OpenCC, hyphenation) and the order jobs go
# out in change no byte: -j 1 and -j 2, with a cold cache, a warm one and
# none, give the same PDFs and EPUBs as one render per file; an error is
# still reported once, by its job, with its position.
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1
ms="$ROOT/manuscripts"
export SOURCE_DATE_EPOCH=1700000000
set -- "$ms"/*.md
# One process per output, no cache: the reference.
mkdir ref
for m in "$@"; do
  b=$(basename "$m" .md)
  "$PAIBAN" -q --no-cache -o "ref/$b.pdf" "$m" --profile print 2>/dev/null
  "$PAIBAN" -q --no-cache -o "ref/$b.ebook.pdf" "$m" --profile ebook 2>/dev/null
  "$PAIBAN" -q --no-cache -o "ref/$b.epub" "$m" --profile epub 2>/dev/null
done
same_as_ref() { # DIR WHAT
  n=0
  for f in ref/*; do
    n=$((n + 1))
    cmp -s "$f" "$1/$(basename "$f")" || { fail "$2: $(basename "$f") differs"; return; }
  done
  [ "$n" -eq $((3 * nms)) ] && pass || fail "$2: $n outputs"
}
nms=$#
for j in 1 2; do
  for mode in cold warm none; do
    d="j$j-$mode"
    mkdir "$d"
    case $mode in
      cold) export PAIBAN_CACHE_DIR="$TMP/cache-j$j"; opt= ;;
      warm) opt= ;;
      none) opt=--no-cache ;;
    esac
    "$PAIBAN" -q -j $j $opt --profile print,ebook,epub -o "$d" "$@" 2>"$d.err"
    [ $? -eq 0 ] && pass || fail "-j $j ($mode cache) failed: $(head -c 300 "$d.err")"
    same_as_ref "$d" "-j $j, $mode cache"
  done
done
# Without -j: as fast as the cores allow, and the same bytes.
mkdir jdef
"$PAIBAN" -q --profile print,ebook,epub -o jdef "$@" 2>/dev/null
same_as_ref jdef "the default -j"
# A bad manuscript among good ones: its error is printed once (the parent's
# preload says nothing), with its position, and the others are rendered.
mkdir bad bout
printf -- '---\nlang: zh-Hant\nfont-size: huge\n---\n\n正文。\n' >bad/a.md
printf -- '---\nlang: zh-Hant\nderive-from: missing.md\nconvert: tw2sp\n---\n' >bad/b.md
cp "$ms/essay.en.md" bad/c.md
"$PAIBAN" -q -j 2 --profile print,ebook -o bout bad/a.md bad/b.md bad/c.md 2>bad.err
[ $? -eq 1 ] && pass || fail "a batch with errors exits 1"
n=$(grep -c 'a.md:3:[0-9]*: error' bad.err)
[ "$n" -eq 2 ] && pass || fail "the front-matter error is reported once per edition ($n): $(cat bad.err)"
n=$(grep -c "b.md:3:[0-9]*: error: cannot read the original" bad.err)
[ "$n" -eq 2 ] && pass || fail "the missing original is reported once per edition ($n): $(cat bad.err)"
[ -s bout/c.pdf ] && [ -s bout/c.ebook.pdf ] && pass || fail "the good manuscript is rendered"
[ ! -e bout/a.pdf ] && [ ! -e bout/b.pdf ] && pass || fail "a bad manuscript leaves no output"
# A worker renders the next job while the one before is synced and renamed
# on its commit thread (src/cli/commit.h): each job is still reported
# whole, in order on one worker — its summary line, then its diagnostics
# — and only once its file is in place.
mkdir order oout
for n in 1 2 3 4; do
  printf -- '---\nlang: zh-Hant\n---\n' >"order/m$n.md"
done
printf -- '---\nlang: zh-Hant\npaper: a9\n---\n正文。\n' >order/m3.md
"$PAIBAN" -j 1 -o oout order 2>order.err
[ $? -eq 1 ] && pass || fail "a batch with one bad job exits 1"
grep -v '^ ' order.err | sed -e 's/, [0-9]* ms$//' -e 's/:[0-9]*:[0-9]*: /: /' \
  -e 's/^\(order\/m[0-9].md: [a-z]*\):.*/\1/' >order.got
printf '%s\n' 'oout/m1.pdf: 1 page' 'order/m1.md: warning' 'oout/m2.pdf: 1 page' \
  'order/m2.md: warning' 'order/m3.md: error' 'oout/m4.pdf: 1 page' \
  'order/m4.md: warning' >order.want
cmp -s order.got order.want && pass ||
  fail "reports out of order: $(tr '\n' '|' <order.got) (stderr: $(head -c 600 order.err))"
[ -s oout/m1.pdf ] && [ -s oout/m4.pdf ] && [ ! -e oout/m3.pdf ] && pass ||
  fail "the good jobs' files are in place: $(ls oout)"
ls -a oout | grep -q '^\.m' && fail "a temporary file is left: $(ls -a oout)" || pass
summary batch
