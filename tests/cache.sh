#!/bin/sh
# The persistent cache of font subsets (src/base/cache.c, used by the PDF
# backend): the same bytes with a cold cache, a warm one, a damaged one and
# none; entries land in PAIBAN_CACHE_DIR; --no-cache writes none; an
# unusable cache directory is no error.
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1
ms="$ROOT/manuscripts"
export SOURCE_DATE_EPOCH=1700000000
C="$TMP/c1"
for m in essay.zh-Hant essay.zh-Hant.vertical essay.en; do
  PAIBAN_CACHE_DIR=$C "$PAIBAN" -q -o cold.pdf "$ms/$m.md" 2>/dev/null
  PAIBAN_CACHE_DIR=$C "$PAIBAN" -q -o warm.pdf "$ms/$m.md" 2>/dev/null
  "$PAIBAN" -q --no-cache -o none.pdf "$ms/$m.md" 2>/dev/null
  [ -s cold.pdf ] && cmp -s cold.pdf warm.pdf && pass || fail "$m: a warm cache changes the PDF"
  cmp -s cold.pdf none.pdf && pass || fail "$m: --no-cache changes the PDF"
done
n=$(find "$C" -type f | wc -l)
[ "$n" -ge 3 ] && pass || fail "the cache holds the font programs ($n entries)"
# Damaged entries (a flipped byte, a truncated file, garbage) are ignored,
# replaced, and never change the output.
i=0
for f in $(find "$C" -type f | sort); do
  case $((i % 3)) in
    0) printf 'X' | dd of="$f" bs=1 seek=40 conv=notrunc 2>/dev/null ;;
    1) truncate -s 20 "$f" ;;
    2) head -c 300 /dev/urandom >"$f" ;;
  esac
  i=$((i + 1))
done
PAIBAN_CACHE_DIR=$C "$PAIBAN" -q -o damaged.pdf "$ms/essay.en.md" 2>err.txt
"$PAIBAN" -q --no-cache -o fresh.pdf "$ms/essay.en.md" 2>/dev/null
cmp -s damaged.pdf fresh.pdf && pass || fail "a damaged cache changes the PDF"
[ ! -s err.txt ] && pass || fail "a damaged cache is reported: $(head -c 200 err.txt)"
qpdf --check damaged.pdf >/dev/null 2>&1 && pass || fail "a damaged cache gives an invalid PDF"
# --no-cache writes nothing.
PAIBAN_CACHE_DIR="$TMP/c2" "$PAIBAN" -q --no-cache -o x.pdf "$ms/essay.en.md" 2>/dev/null
[ ! -d "$TMP/c2" ] && pass || fail "--no-cache created a cache"
# A cache directory that cannot be made is no error.
: >notadir
PAIBAN_CACHE_DIR="$TMP/notadir/sub" "$PAIBAN" -q -o y.pdf "$ms/essay.en.md" 2>err.txt
[ $? -eq 0 ] && [ -s y.pdf ] && [ ! -s err.txt ] && pass || fail "an unusable cache directory is an error"
cmp -s y.pdf fresh.pdf && pass || fail "an unusable cache directory changes the PDF"
# A warm cache resolves the font profiles without fontconfig: the render
# reads none of fontconfig's configuration files.
if command -v strace >/dev/null 2>&1; then
  W="$TMP/c3"
  PAIBAN_CACHE_DIR=$W "$PAIBAN" -q -o w1.pdf "$ms/essay.zh-Hant.md" 2>/dev/null
  PAIBAN_CACHE_DIR=$W strace -f -e trace=open,openat -o trace.txt \
    "$PAIBAN" -q -o w2.pdf "$ms/essay.zh-Hant.md" 2>/dev/null
  grep -q "fonts.conf" trace.txt && fail "a warm cache still loads fontconfig" || pass
  cmp -s w1.pdf w2.pdf && pass || fail "fontconfig's resolutions from the cache change the PDF"
  # Another fontconfig configuration is another key: resolved anew.
  XDG_CONFIG_HOME="$TMP/xdg" PAIBAN_CACHE_DIR=$W strace -f -e trace=open,openat \
    -o trace2.txt "$PAIBAN" -q -o w3.pdf "$ms/essay.zh-Hant.md" 2>/dev/null
  grep -q "fonts.conf" trace2.txt && pass || fail "a changed fontconfig setup still uses old resolutions"
  cmp -s w1.pdf w3.pdf && pass || fail "re-resolved fonts change the PDF"
else
  echo "SKIP: strace is not installed (fontconfig-free warm renders not checked)"
fi
summary cache
