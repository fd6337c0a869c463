#!/bin/sh
# Issue 12: the command line people trust.  Data loss (full disk, output
# over an input), crash containment in batches, signals, non-regular
# inputs, links and paths, standard input/output, diagnostics with a caret.
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1

run() { timeout 20 "$PAIBAN" "$@" >"$TMP/out.txt" 2>"$TMP/err.txt"; echo $? >"$TMP/rc.txt"; }
rc() { cat "$TMP/rc.txt"; }
# want NAME STATUS PATTERN: the last run's status and stderr.
want() {
  if [ "$(rc)" != "$2" ]; then
    fail "$1: exit status $(rc), expected $2: $(head -c 300 "$TMP/err.txt")"
  elif [ -n "$3" ] && ! grep -Eq -- "$3" "$TMP/err.txt"; then
    fail "$1: stderr does not match /$3/: $(head -c 300 "$TMP/err.txt")"
  else
    pass
  fi
}
no_file() { if [ -e "$1" ]; then fail "$2: $1 exists"; else pass; fi; }
no_tmp() { # no temporary output file left in directory $1
  if ls -a "$1" | grep -q '^\..*\.[A-Za-z0-9]\{6\}$'; then
    fail "$2: a temporary file was left: $(ls -a "$1" | tr '\n' ' ')"
  else pass; fi
}

printf -- '---\ntitle: 測試\n---\n\n中文段落，含有 English 與數字 2024。\n' >good.md
cp good.md keep.md

# --- 1. a full disk never replaces a good file ----------------------------
"$PAIBAN" -q -o good.pdf good.md
if unshare -m true 2>/dev/null; then
  python3 -c "print('中文字句，' * 20000)" >big.md
  unshare -m sh -c '
    mkdir -p mnt && mount -t tmpfs -o size=256k tmpfs mnt || exit 3
    cp good.pdf mnt/out.pdf
    # Fill the rest of the disk.
    dd if=/dev/zero of=mnt/fill bs=4k 2>/dev/null
    "$1" -q -o mnt/out.pdf big.md >/dev/null 2>err-full.txt; echo $? >rc-full.txt
    cmp -s good.pdf mnt/out.pdf && echo same >cmp-full.txt
    ls -a mnt >ls-full.txt
    "$1" -q --dump glyphs -o mnt/out.pdf big.md >/dev/null 2>err-full2.txt; echo $? >rc-full2.txt
    cmp -s good.pdf mnt/out.pdf && echo same >cmp-full2.txt
    umount mnt' sh "$PAIBAN"
  if [ -f rc-full.txt ]; then
    [ "$(cat rc-full.txt)" = 1 ] && pass || fail "full disk: exit status $(cat rc-full.txt)"
    grep -q "No space left on device" err-full.txt && pass || fail "full disk: message $(cat err-full.txt)"
    [ -f cmp-full.txt ] && pass || fail "full disk: the old PDF was damaged"
    grep -q '^\.out' ls-full.txt && fail "full disk: temporary file left" || pass
    [ "$(cat rc-full2.txt)" = 1 ] && grep -q "No space left" err-full2.txt && [ -f cmp-full2.txt ] &&
      pass || fail "full disk, dump: $(cat err-full2.txt)"
  else
    fail "full disk: could not mount a tmpfs"
  fi
else
  echo "robust: cannot unshare a mount namespace; full-disk PDF test skipped" >&2
fi
# Standard output on a full device.
"$PAIBAN" -q --dump glyphs good.md >/dev/full 2>err.txt
[ $? = 1 ] && grep -q "No space left on device" err.txt && pass || fail "dump to /dev/full: $(cat err.txt)"
"$PAIBAN" -q -o - good.md >/dev/full 2>err.txt
[ $? = 1 ] && grep -q "No space left on device" err.txt && pass || fail "PDF to /dev/full: $(cat err.txt)"
run -q -o /dev/full good.md; want "PDF to -o /dev/full" 1 "^/dev/full: error: cannot write output: No space left on device"
run -q --dump lines -o /dev/full good.md; want "dump to -o /dev/full" 1 "^/dev/full: error: cannot write output: No space left on device"
run -q -o /dev/null good.md; want "-o /dev/null" 0 ""
[ -c /dev/null ] && pass || fail "-o /dev/null replaced the device"
mkfifo outfifo
run -q -o outfifo good.md; want "-o FIFO nobody reads" 1 "^outfifo: error: cannot write output: no process reads this FIFO"
# A file-size limit (EFBIG) is reported and keeps the old file.
cp good.pdf limit.pdf
(ulimit -f 8; trap '' XFSZ; exec "$PAIBAN" -q -o limit.pdf big.md) 2>err.txt
st=$?
[ $st = 1 ] && grep -q "File too large" err.txt && cmp -s good.pdf limit.pdf && pass ||
  fail "file-size limit: status $st: $(cat err.txt)"
no_tmp . "file-size limit"

# --- 2. never write over an input ----------------------------------------
run -q -o good.md good.md; want "output is the input" 1 "is this manuscript itself"
cmp -s good.md keep.md && pass || fail "output is the input: manuscript damaged"
ln -sf good.md link.pdf
run -q -o link.pdf good.md; want "output is a symlink to the input" 1 "is this manuscript itself"
cmp -s good.md keep.md && pass || fail "symlink output: manuscript damaged"
run -q --dump lines -o good.md good.md; want "dump over the input" 1 "is this manuscript itself"
cmp -s good.md keep.md && pass || fail "dump over the input: manuscript damaged"
run -q -o ./good.md good.md; want "output is the input, other spelling" 1 "is this manuscript itself"
cmp -s good.md keep.md && pass || fail "other spelling: manuscript damaged"
mkdir -p o1
run -q -o o1 good.md ./good.md; want "two spellings, one output" 1 "same output"
[ -e o1/good.pdf ] && fail "two spellings: something was written" || pass
printf -- '---\nderive-from: good.md\nconvert: t2s\n---\n' >derived.md
run -q -o good.md derived.md; want "output is the original of a derived edition" 1 "is the original"
cmp -s good.md keep.md && pass || fail "derived: the original was damaged"

# --- 3. libunibreak's characters (U+FFFF, flags) ---------------------------
printf 'x\357\277\277y 中文\n' >ffff.md
printf '\357\277\277中文段落\n' >ffff0.md
printf 'flags \360\237\207\271\360\237\207\274 \360\237\207\257\360\237\207\265 台灣\n' >flag.md
for f in ffff ffff0 flag; do
  run -q -o $f.pdf $f.md; want "libunibreak: $f" 0 ""
done
"$PAIBAN" -q --dump glyphs ffff0.md >a.dump 2>/dev/null
"$PAIBAN" -q --dump glyphs ffff0.md >b.dump 2>/dev/null
[ -s a.dump ] && cmp -s a.dump b.dump && pass || fail "U+FFFF at a paragraph's start: runs differ"

# --- 4. a crash does not take the batch down -------------------------------
mkdir -p batch bout
python3 -c "print(('中文字句，' * 1000 + '\\n\\n') * 380)" >batch/a-huge.md
for i in 1 2 3; do cp good.md batch/doc$i.md; done
for j in 1 2; do
  rm -f bout/*
  "$PAIBAN" -q -j $j -o bout batch 2>err.txt &
  pid=$!
  w=""
  i=0
  # With -j1 the only worker starts with the huge manuscript (job 0).  With
  # -j2 either worker may take it (they take jobs from a shared counter):
  # the other renders the three small ones and exits, and the worker left
  # is the one on the huge manuscript.
  while [ $j = 2 ] && [ "$(ls bout/doc*.pdf 2>/dev/null | wc -l)" -lt 3 ] && [ $i -lt 1000 ]; do
    i=$((i + 1)); sleep 0.01
  done
  i=0
  while [ -z "$w" ] && [ $i -lt 500 ]; do
    w=$(ps -o pid=,stat= --ppid $pid 2>/dev/null | awk '$2 !~ /^Z/ {print $1; exit}')
    i=$((i + 1)); sleep 0.01
  done
  [ -n "$w" ] && kill -SEGV "$w"
  wait $pid
  st=$?
  [ $st = 1 ] && pass || fail "crash, -j$j: exit status $st"
  grep -q "a-huge.md: error: not rendered: paiban crashed on it" err.txt && pass ||
    fail "crash, -j$j: the lost manuscript is not named: $(cat err.txt)"
  n=$(ls bout/doc*.pdf 2>/dev/null | wc -l)
  [ "$n" = 3 ] && pass || fail "crash, -j$j: $n of the 3 other manuscripts rendered"
  no_tmp bout "crash -j$j"
done

# A crash while the job before is still being saved (its fsync and rename
# run on the worker's commit thread, src/cli/commit.h): the parent saves
# that finished file itself, so only the job the worker was on is lost.
# fsync is made slow (1.5 s) by a preloaded shim to hold that moment open.
cat >slowsync.c <<'EOS'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>
int fsync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  const char *ms = getenv("SLOW_FSYNC_MS");
  long n = ms ? atol(ms) : 0;
  struct timespec ts = {n / 1000, (n % 1000) * 1000000L};
  if (n > 0) nanosleep(&ts, NULL);
  return real(fd);
}
EOS
if cc -shared -fPIC -o slowsync.so slowsync.c -ldl 2>/dev/null; then
  mkdir -p saving sout
  cp good.md saving/a1.md
  cp batch/a-huge.md saving/a2-huge.md
  cp good.md saving/a3.md
  SLOW_FSYNC_MS=1500 LD_PRELOAD="$PWD/slowsync.so" ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
    "$PAIBAN" -j 1 -o sout saving 2>err.txt &
  pid=$!
  # a1's PDF is complete in its temporary file (handed to the commit thread,
  # whose fsync now sleeps) while the worker renders the huge a2.
  i=0
  until tail -c 6 sout/.a1.pdf.* 2>/dev/null | grep -q '%%EOF' || [ $i -ge 1000 ]; do
    i=$((i + 1)); sleep 0.01
  done
  sleep 0.2
  w=$(ps -o pid=,stat= --ppid $pid 2>/dev/null | awk '$2 !~ /^Z/ {print $1; exit}')
  [ -n "$w" ] && kill -SEGV "$w"
  wait $pid
  st=$?
  [ $st = 1 ] && pass || fail "crash while saving: exit status $st"
  head -c 5 sout/a1.pdf 2>/dev/null | grep -q '%PDF-' && pass ||
    fail "crash while saving: the job before was not saved: $(cat err.txt)"
  grep -q "sout/a1.pdf: written; its worker then crashed" err.txt && pass ||
    fail "crash while saving: the saved job is not named: $(cat err.txt)"
  grep -q "a2-huge.md: error: not rendered: paiban crashed on it" err.txt && pass ||
    fail "crash while saving: the lost manuscript is not named: $(cat err.txt)"
  grep -q "a1.md: error" err.txt && fail "crash while saving: a1 reported lost: $(cat err.txt)" || pass
  [ -s sout/a3.pdf ] && [ ! -e sout/a2-huge.pdf ] && pass ||
    fail "crash while saving: outputs $(ls sout)"
  no_tmp sout "crash while saving"
else
  echo "robust: no C compiler for the fsync shim; crash-while-saving test skipped" >&2
fi

# --- 5. signals reach the workers -----------------------------------------
rm -f bout/*
cp batch/a-huge.md batch/b-huge.md
"$PAIBAN" -q -j 2 -o bout batch 2>/dev/null &
pid=$!
ws=""
i=0
while [ "$(echo $ws | wc -w)" -lt 2 ] && [ $i -lt 500 ]; do
  ws=$(ps -o pid= --ppid $pid 2>/dev/null); i=$((i + 1)); sleep 0.01
done
kill -TERM $pid
wait $pid
st=$?
[ $st = 143 ] && pass || fail "SIGTERM: parent status $st"
sleep 0.3
alive=""
for w in $ws; do kill -0 "$w" 2>/dev/null && alive="$alive $w"; done
[ -z "$alive" ] && pass || { fail "SIGTERM: workers still running:$alive"; kill -KILL $alive; }
no_tmp bout "SIGTERM"
ls bout/*huge* >/dev/null 2>&1 && fail "SIGTERM: a worker went on writing" || pass
rm -f batch/*huge.md

# --- 6. linear time, bounded memory ------------------------------------------
python3 -c "print('中文' + '——' * 20000 + '中文')" >dashes.md
start=$(date +%s)
run -q -o dashes.pdf dashes.md; want "40,000 dashes" 0 ""
[ $(($(date +%s) - start)) -le 5 ] && pass || fail "40,000 dashes took over 5 s"
python3 -c "print(''.join(chr(c) for c in range(0xF0000, 0xF0000 + 60000)))" >missing.md
start=$(date +%s)
run -q -o missing.pdf missing.md; want "60,000 distinct missing characters" 0 ""
[ $(($(date +%s) - start)) -le 5 ] && pass || fail "60,000 missing characters took over 5 s"
python3 -c "print('前言。\n\n' + '中文字句，' * 220000)" >monster.md
run -q -o monster.pdf monster.md; want "a 1.1-million-character paragraph" 1 "^monster.md:3:1: error: this paragraph has 1100000 characters"
no_file monster.pdf "monster paragraph"
truncate -s 17M big17.md
run -q -o big17.pdf big17.md; want "a 17 MiB manuscript" 1 "^big17.md: error: cannot read: larger than 16 MiB"
rm -f big17.md
python3 -c "print(('中文字句，' * 1000 + '\\n\\n') * 401)" >monsterdoc.md
run -q -o monsterdoc.pdf monsterdoc.md; want "a 2,005,000-character document" 1 "^monsterdoc.md:801:1: error: the manuscript passes 2000000 characters here"

# --- 7. overflow and silent loss ----------------------------------------------
python3 -c "print('正文[^1]。\n\n[^1]: ' + '註釋文字，' * 15000)" >longnote.md
run -q -o longnote.pdf longnote.md; want "a footnote of 2,500 lines" 0 ""
python3 -c "print('# ' + '長' * 12000)" >longhead.md
run -q -o lh.pdf longhead.md; want "a 12,000-character heading" 1 "^longhead.md:1:1: error: this heading has 12000"
python3 -c "print('---\ntitle: ' + '題' * 20000 + '\n---\n\n正文。')" >longtitle.md
run -q -o lt.pdf longtitle.md; want "a 60 KB title" 1 "^longtitle.md:2:[0-9]+: error: the value of 'title' is 20000 characters long"
python3 -c "print('[連結](https://example.org/' + 'a' * 70000 + ')')" >longurl.md
run -o lu.pdf longurl.md; want "a 70 KB link target" 0 "warning: link target .* is longer than 16,000 bytes"
python3 -c "
print(''.join('注[^%d]。' % i for i in range(1, 66001)))
print()
for i in range(1, 66001): print('[^%d]: 註%d。\n' % (i, i))" >fn66k.md
run -q -o fn.pdf fn66k.md; want "66,000 footnotes" 1 "^fn66k.md:131073:[0-9]+: error: footnote number 65536"
[ "$(wc -l <err.txt)" = 1 ] && pass || fail "66,000 footnotes: one error, not one per note"

# --- 12. only web and mail links ---------------------------------------------------
printf '[a](javascript:alert(1)) [b](file:///etc/passwd) [c](https://example.org) [d](mailto:x@example.org)\n' >links.md
run -o links.pdf links.md; want "javascript: link" 0 "^links.md:1:2: warning: link target 'javascript:alert\\(1\\)' is not a web"
grep -q "file:///etc/passwd' is not a web" err.txt && pass || fail "file: link not reported: $(cat err.txt)"
qpdf --qdf --object-streams=disable links.pdf links.qdf 2>/dev/null
grep -aq "javascript" links.qdf && fail "javascript: link in the PDF" || pass
grep -aq "/URI (https://example.org)" links.qdf && grep -aq "mailto:x@example.org" links.qdf && pass ||
  fail "web and mail links are kept"

# --- 8. fonts that cannot be embedded are refused at the profile line ------
if fc-list ':fontformat=Type 1' family | grep -q "Nimbus Roman"; then
  mkdir -p t1fonts
  printf 'body.latin = Nimbus Roman:fontformat=Type 1\nbody.cjk = Noto Serif CJK TC\n' >t1fonts/t1.conf
  printf -- '---\nfonts: t1\nlang: en\n---\n\nHello.\n' >t1.md
  run -q --fonts t1fonts -o t1.pdf t1.md
  want "Type 1 font" 1 "^t1fonts/t1.conf:1:14: error: font 'Nimbus Roman:fontformat=Type 1' cannot be used: .* Type 1 font"
else
  echo "robust: no Type 1 font (fonts-urw-base35); Type 1 test skipped" >&2
fi

# --- 9. regular files only --------------------------------------------------
mkfifo fifo.md
run -q -o fifo.pdf fifo.md; want "FIFO as input" 1 "^fifo.md: error: .*not a regular file"
run -q -o z.pdf /dev/zero; want "/dev/zero as input" 1 "not a regular file"
mkdir -p fonts-bad && mkfifo fonts-bad/fifo.conf && ln -sf /dev/zero fonts-bad/zero.conf && mkdir -p fonts-bad/dir.conf
for p in fifo zero dir; do
  printf -- '---\nfonts: %s\n---\n\n正文。\n' $p >prof-$p.md
  run -q --fonts fonts-bad -o p.pdf prof-$p.md; want "font profile: $p" 1 "^prof-$p.md:2:8: error: font profile '$p' .*is not a regular file"
  run --fonts fonts-bad fonts $p; want "paiban fonts: $p" 1 "cannot read font profile '$p': (not a regular file|is a directory)"
done
printf -- '---\nderive-from: fifo.md\nconvert: t2s\n---\n' >dfifo.md
run -q -o d.pdf dfifo.md; want "FIFO as original" 1 "not a regular file"

# --- 10. SOURCE_DATE_EPOCH, long output names -----------------------------
SOURCE_DATE_EPOCH=abc timeout 20 "$PAIBAN" -q -o e.pdf good.md 2>err.txt
[ $? = 1 ] && grep -q "SOURCE_DATE_EPOCH" err.txt && pass || fail "SOURCE_DATE_EPOCH=abc: $(cat err.txt)"
printf '第一行\n看圖 ![一張圖](pic.png) 這裡。\n' >img.md
run -o img.pdf img.md; want "an image inside text is warned about at its position" 0 "^img.md:2:4: warning: an image inside text is not drawn .*'pic.png'"
long=$(python3 -c "print('n' * 251)")
run -q -o "$long.pdf" good.md; want "255-byte output name" 0 ""
[ -s "$long.pdf" ] && pass || fail "255-byte output name: no file"

# --- 12. derive-from stays in the manuscript's tree -------------------------
mkdir -p sub
printf -- '---\nderive-from: ../good.md\nconvert: t2s\n---\n' >sub/up.md
run -q -o up.pdf sub/up.md; want "derive-from outside" 1 "^sub/up.md:2:[0-9]+: error: .*outside"
run -q --allow-outside -o up.pdf sub/up.md; want "derive-from outside, allowed" 0 ""
printf -- '---\nderive-from: %s/good.md\nconvert: t2s\n---\n' "$TMP" >sub/abs.md
run -q -o abs.pdf sub/abs.md; want "derive-from an absolute path" 1 "outside"

# --- standard input and output ----------------------------------------------
"$PAIBAN" -q - <good.md >stdin.pdf 2>err.txt
[ "$(head -c 5 stdin.pdf)" = "%PDF-" ] && pass || fail "stdin to stdout: $(cat err.txt)"
"$PAIBAN" -q -o - good.md >stdout.pdf 2>err.txt
cmp -s stdout.pdf good.pdf && pass || fail "-o - writes the same PDF to standard output"
printf 'ab\377cd\n' | "$PAIBAN" -q -o x.pdf - 2>err.txt
grep -q "^<stdin>:1:3: error" err.txt && pass || fail "stdin diagnostics: $(cat err.txt)"

# --- diagnostics ---------------------------------------------------------------
printf -- '第一行\n中文\377字\n' >caret.md
run --diagnostic-format human -o c.pdf caret.md; want "human diagnostics" 1 "caret.md:2:3: error"
sed -n 3p err.txt | grep -q '^2 | 中文' && pass || fail "human: source line: $(cat err.txt)"
sed -n 4p err.txt | grep -q '^  |     \^$' && pass || fail "human: caret under column 3 (after two CJK characters): $(cat err.txt)"
run --diagnostic-format short -o c.pdf caret.md
[ "$(wc -l <err.txt)" = 1 ] && pass || fail "short diagnostics: one line"
run --diagnostic-format long caret.md; want "bad --diagnostic-format" 2 "must be short or human"
ctl=$(printf 'a\033[31mb.md')
run -q "$ctl"; want "control bytes in a path are escaped" 1 'a\\x1B\[31mb.md: error'
python3 -c "print('x' * 3000 + '\x07')" >longmsg.md
run -q -o l.pdf longmsg.md; want "long line diagnostics" 1 "longmsg.md:1:3001: error"
run -q --diagnostic-format human -o l.pdf longmsg.md
# A window of the line around the column: "… " and 40 characters before it.
[ "$(sed -n 4p err.txt)" = "  | $(printf '%42s' '')^" ] && sed -n 3p err.txt | grep -q '^1 | … x\{40\}' && pass ||
  fail "human: a long line is shown around its column: $(cat err.txt)"

# --- a failing original is reported once in a batch with its edition ----------
mkdir -p dbl dblout
printf -- '---\ntitle: 原\n---\n\nab\377cd\n' >dbl/orig.md
printf -- '---\nderive-from: orig.md\nconvert: t2s\n---\n' >dbl/der.md
run -q -o dblout dbl/orig.md dbl/der.md; want "original and edition in one batch" 1 "^dbl/der.md:2:14: error: the original 'dbl/orig.md' has errors"
[ "$(grep -c 'invalid UTF-8' err.txt)" = 1 ] && pass || fail "the original's error is printed more than once: $(cat err.txt)"
run -q -o dblout dbl/der.md; want "edition alone names the original's error" 1 "^dbl/orig.md:5:3: error: invalid UTF-8"

run -q ''; want "empty input name" 2 "an input name is empty"
run -q -o '' good.md; want "empty output name" 2 "-o needs a file or directory name"

# --- libraries loaded on demand (OpenCC, libxml2, libzip) ------------------------
# They are found by soname when an edition needs them; one that is missing
# or is not the library it should be is a clear error for that render, at
# the line that asked for it, and nothing is written.  A stand-in library
# with no functions, found first through LD_LIBRARY_PATH, plays the part.
if command -v cc >/dev/null 2>&1; then
  mkdir -p fakelib
  printf 'int pb_not_the_library;\n' >fakelib/empty.c
  for so in libopencc.so.1.1 libxml2.so.2; do
    cc -shared -fPIC -o "fakelib/$so" fakelib/empty.c 2>/dev/null
  done
  mkdir -p derived
  cp "$ROOT/manuscripts/essay.zh-Hant.md" derived/
  printf -- '---\nlang: zh-Hans\nderive-from: essay.zh-Hant.md\nconvert: tw2sp\n---\n' >derived/hans.md
  LD_LIBRARY_PATH="$TMP/fakelib" run --no-cache -o derived/hans.pdf derived/hans.md
  want "OpenCC not the library" 1 "^derived/hans.md:4:10: error: libopencc.so.1.1 lacks OpenCC's C functions"
  no_file derived/hans.pdf "OpenCC not the library"
  LD_LIBRARY_PATH="$TMP/fakelib" run --no-cache --profile epub -o lib.epub good.md
  want "libxml2 not the library" 1 "^lib.epub: error: cannot write the EPUB: libxml2.so.2 lacks xml"
  no_file lib.epub "libxml2 not the library"
  # The PDF of the same manuscript needs neither.
  LD_LIBRARY_PATH="$TMP/fakelib" run --no-cache -o lib.pdf good.md
  want "PDF without the on-demand libraries" 0 ""
else
  echo "robust: no C compiler; on-demand library errors not checked" >&2
fi

# --- man page and fonts ---------------------------------------------------------
"$PAIBAN" --man >paiban.1 && grep -q '^\.TH PAIBAN 1' paiban.1 && grep -q 'diagnostic' paiban.1 && pass ||
  fail "--man prints a man page with every option"
# The man page lists every front-matter key of the key table (--list-keys).
missing_keys=""
for k in $("$PAIBAN" --list-keys=markdown | sed -n 's/^| `\([a-z-]*\)` .*/\1/p'); do
  grep -qx -- ".B $(echo "$k" | sed 's/-/\\\\-/g')" paiban.1 || missing_keys="$missing_keys $k"
done
[ -z "$missing_keys" ] && grep -q '^\.SH FRONT MATTER' paiban.1 && pass ||
  fail "man page lacks front-matter keys:$missing_keys"
"$PAIBAN" fonts >fonts.txt 2>&1
grep -q "^profile zh-Hant" fonts.txt && grep -q "body.cjk" fonts.txt && pass || fail "paiban fonts: $(head -5 fonts.txt)"
"$PAIBAN" fonts good.md >fonts.txt 2>&1
grep -q "^profile zh-Hant (for good.md)" fonts.txt && pass || fail "paiban fonts MANUSCRIPT: $(head -3 fonts.txt)"
mkdir -p fp
printf 'body.cjk = Noto Serif CJK TC\nfallback = Noto Sans, No Such Font Family\n' >fp/x.conf
"$PAIBAN" fonts --fonts fp x >fonts.txt 2>&1
grep -q "No Such Font Family — MISSING: not installed" fonts.txt && grep -q "body.latin *(none" fonts.txt && pass ||
  fail "paiban fonts lists what is missing: $(cat fonts.txt)"
printf 'body.cjk = No Such Font Family\n' >fp/y.conf
"$PAIBAN" fonts --fonts fp y >fonts.txt 2>&1
[ $? = 1 ] && grep -q "^fp/y.conf:1:12: error: font 'No Such Font Family' cannot be found" fonts.txt && pass ||
  fail "paiban fonts: a missing body font is an error at its line: $(cat fonts.txt)"

# --- make install PREFIX=... (then moved: profiles are found from the binary) --
# (-o: install the binary under test as it is, never rebuild it here.)
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$ROOT" --no-print-directory -s -o "$BUILD/paiban" BUILD="$BUILD" "$@"; }
if mk install PREFIX="$TMP/prefix" >inst.log 2>&1; then
  mv "$TMP/prefix" "$TMP/moved"
  [ -x moved/bin/paiban ] && [ -f moved/share/man/man1/paiban.1 ] && [ -f moved/share/paiban/fonts/zh-Hant.conf ] &&
    pass || fail "install: files missing: $(find moved | head -20)"
  echo 'bogus line' >>moved/share/paiban/fonts/zh-Hant.conf
  (unset PAIBAN_FONT_DIR; moved/bin/paiban -q -o inst.pdf good.md) 2>err.txt
  grep -q "moved/share/paiban/fonts/zh-Hant.conf:[0-9]*:1: error" err.txt && pass ||
    fail "installed binary does not use its own profiles: $(cat err.txt)"
  for o in $("$PAIBAN" --help | grep -o -- '--[a-z-]*' | sort -u); do
    grep -q -- "$(echo "$o" | sed 's/-/\\\\-/g')" moved/share/man/man1/paiban.1 || fail "man page lacks $o"
  done
  pass
  mk uninstall PREFIX="$TMP/moved" >/dev/null 2>&1
  [ ! -e moved/bin/paiban ] && [ ! -e moved/share/paiban ] && pass || fail "uninstall left files: $(find moved -type f)"
else
  fail "make install: $(cat inst.log)"
fi

summary robust
