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
# The EPUB's font subsets come from the cache already deflated: the same
# container bytes cold, warm and without the cache.
for m in essay.zh-Hant essay.en; do
  PAIBAN_CACHE_DIR=$C "$PAIBAN" -q --profile epub -o cold.epub "$ms/$m.md" 2>/dev/null
  PAIBAN_CACHE_DIR=$C "$PAIBAN" -q --profile epub -o warm.epub "$ms/$m.md" 2>/dev/null
  "$PAIBAN" -q --no-cache --profile epub -o none.epub "$ms/$m.md" 2>/dev/null
  [ -s cold.epub ] && cmp -s cold.epub warm.epub && cmp -s cold.epub none.epub && pass ||
    fail "$m: the cache changes the EPUB"
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
# Whole entries under one another's names (each one intact, but not the
# value of the key its name is) are not trusted either: an entry is bound
# to its key.
R="$TMP/c4"
for m in essay.zh-Hant essay.en; do
  PAIBAN_CACHE_DIR=$R "$PAIBAN" -q -o "$m.warm.pdf" "$ms/$m.md" 2>/dev/null
done
set -- $(find "$R" -type f -name '[0-9a-f]*' | sort)
first=$1
mv "$first" "$R/rotating"
while [ $# -gt 1 ]; do mv "$2" "$1"; shift; done
mv "$R/rotating" "$1"
for m in essay.zh-Hant essay.en; do
  PAIBAN_CACHE_DIR=$R "$PAIBAN" -q -o "$m.moved.pdf" "$ms/$m.md" 2>/dev/null
  cmp -s "$m.moved.pdf" "$m.warm.pdf" && pass ||
    fail "$m: entries under the wrong names change the PDF"
done
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
  # A warm cache holds the compiled hyphenation patterns and the OpenCC
  # conversion: the Simplified edition (converted, with English names to
  # hyphenate) reads neither pattern file nor OpenCC's dictionaries, and
  # loads no libopencc; the bytes are those of a cold render.
  PAIBAN_CACHE_DIR=$W strace -f -e trace=open,openat -o trace3.txt \
    "$PAIBAN" -q -o h1.pdf "$ms/essay.zh-Hans.md" 2>/dev/null
  grep -q "libopencc" trace3.txt && pass || fail "a cold render does not convert with OpenCC"
  PAIBAN_CACHE_DIR=$W strace -f -e trace=open,openat -o trace4.txt \
    "$PAIBAN" -q -o h2.pdf "$ms/essay.zh-Hans.md" 2>/dev/null
  grep -Eq "libopencc|\.ocd2" trace4.txt && fail "a warm cache still loads OpenCC" || pass
  grep -q "hyph_en_US.dic" trace4.txt && fail "a warm cache still parses the hyphenation patterns" || pass
  "$PAIBAN" -q --no-cache -o h3.pdf "$ms/essay.zh-Hans.md" 2>/dev/null
  cmp -s h1.pdf h2.pdf && cmp -s h1.pdf h3.pdf && pass ||
    fail "cached patterns or conversions change the PDF"
  # A changed original is converted anew, not taken from the cache.
  mkdir -p edit
  sed 's/美國/美利堅/' "$ms/essay.zh-Hant.md" >edit/essay.zh-Hant.md
  cp "$ms/essay.zh-Hans.md" edit/
  PAIBAN_CACHE_DIR=$W "$PAIBAN" -q -o e1.pdf edit/essay.zh-Hans.md 2>/dev/null
  pdftotext e1.pdf - 2>/dev/null | grep -q "美利坚" && pass ||
    fail "an edited original is not converted anew"
else
  echo "SKIP: strace is not installed (fontconfig-free warm renders not checked)"
fi
# Start-up maps only what every render needs: OpenCC, libxml2 and libzip
# (and the C++ runtime, ICU and libcrypto they bring) are loaded with
# dlopen by the editions that convert and the EPUBs.
if command -v ldd >/dev/null 2>&1; then
  # (Not libstdc++ itself: the sanitizer build links it on purpose.)
  libs=$(ldd "$PAIBAN" | grep -Eo 'lib(opencc|marisa|xml2|zip|icuuc|crypto)[^ ]*' | tr '\n' ' ')
  [ -z "$libs" ] && pass || fail "paiban links at start-up: $libs"
fi
summary cache
