#!/bin/sh
# Command-line behaviour and every bad-input class: each case expects a
# diagnostic "path:line:col: error: ...", exit status 1 (2 for usage
# errors), and no output file damaged or left behind.
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1

# expect_error NAME EXPECTED_STATUS PATTERN -- ARGS...: runs paiban, checks
# the status, that stderr matches PATTERN (grep -E), and that no temporary
# file was left in the current directory.
expect() {
  name=$1 want=$2 pattern=$3
  shift 4
  timeout 20 "$PAIBAN" "$@" >"$TMP/out.txt" 2>"$TMP/err.txt"
  got=$?
  if [ "$got" != "$want" ]; then
    fail "$name: exit status $got, expected $want; stderr: $(head -c 300 "$TMP/err.txt")"
    return
  fi
  if [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$TMP/err.txt"; then
    fail "$name: stderr does not match /$pattern/: $(head -c 300 "$TMP/err.txt")"
    return
  fi
  if ls -a | grep -q '^\.[^.].*\.[A-Za-z0-9]\{6\}$'; then
    fail "$name: a temporary file was left behind: $(ls -a | tr '\n' ' ')"
    return
  fi
  pass
}
no_file() { if [ -e "$1" ]; then fail "$2: $1 exists"; else pass; fi; }

printf -- '---\ntitle: 測試\nlang: zh-Hant\n---\n\n中文段落，含有 English 與數字 2024。\n' >good.md

# --- usage ---------------------------------------------------------------
expect "help" 0 "" -- --help
expect "version" 0 "" -- --version
grep -q "^paiban [0-9]" out.txt && pass || fail "version prints 'paiban N.N.N'"
expect "no arguments" 2 "usage" --
expect "unknown option" 2 "unknown option" -- --frobnicate good.md
expect "bad -j" 2 "-j needs a number" -- -j 0 good.md
expect "bad --dump" 2 "--dump must be" -- --dump words good.md
expect "bad --profile" 2 "--profile must be" -- --profile poster good.md

# --- a good render -------------------------------------------------------
expect "render" 0 "" -- -q -o good.pdf good.md
[ "$(head -c 8 good.pdf)" = "%PDF-1.6" ] && pass || fail "output is PDF 1.6"
expect "render again" 0 "" -- -q -o good2.pdf good.md
cmp -s good.pdf good2.pdf && pass || fail "two renders are byte-identical"
expect "default output next to input" 0 "" -- -q good.md
[ -s good.pdf ] && pass || fail "good.md renders to good.pdf by default"

# --- bad bytes -----------------------------------------------------------
printf -- 'line one\nline two\nab\377cd\n' >badutf8.md
expect "invalid UTF-8" 1 "^badutf8.md:3:3: error: .*UTF-8" -- -o badutf8.pdf badutf8.md
no_file badutf8.pdf "invalid UTF-8"
printf -- '第一行\n第二\000行\n' >nul.md
expect "NUL byte" 1 "^nul.md:2:3: error: .*NUL" -- -o nul.pdf nul.md
no_file nul.pdf "NUL byte"
printf -- 'bell \007 here\n' >ctrl.md
expect "control character" 1 "^ctrl.md:1:6: error: .*U\\+0007" -- -o ctrl.pdf ctrl.md
printf -- '\357\273\277---\ntitle: BOM\n---\n\n有 BOM 的稿件。\n' >bom.md
expect "byte-order mark" 0 "" -- -q -o bom.pdf bom.md
printf -- '---\r\ntitle: CRLF\r\n---\r\n\r\n第一段，\r\n續行。\r\n' >crlf.md
printf -- '---\ntitle: CRLF\n---\n\n第一段，\n續行。\n' >lf.md
"$PAIBAN" -q --dump lines crlf.md >crlf.dump 2>/dev/null
"$PAIBAN" -q --dump lines lf.md >lf.dump 2>/dev/null
[ -s lf.dump ] && cmp -s crlf.dump lf.dump && pass || fail "CRLF and LF manuscripts lay out alike"
: >empty.md
expect "empty file" 0 "warning: .*no text" -- -o empty.pdf empty.md
[ -s empty.pdf ] && pass || fail "empty manuscript still gives a PDF"

# --- front matter --------------------------------------------------------
printf -- '---\ntitle: 無結尾\n\n正文。\n' >unterminated.md
expect "unterminated front matter" 1 "^unterminated.md:1:1: error: .*front matter" -- -o u.pdf unterminated.md
no_file u.pdf "unterminated front matter"
printf -- '---\ntitle: [unclosed\n---\n\n正文。\n' >notyaml.md
expect "front matter not YAML" 1 "^notyaml.md:[23]:[0-9]+: error:" -- -o n.pdf notyaml.md
printf -- '---\n- a\n- b\n---\n\n正文。\n' >notmap.md
expect "front matter not a mapping" 1 "^notmap.md:2:[0-9]+: error:" -- -o n.pdf notmap.md
printf -- '---\ntitle: 未知鍵\ncolour: red\n---\n\n正文。\n' >unknownkey.md
expect "unknown key is a warning" 0 "^unknownkey.md:3:1: warning: .*colour" -- -o k.pdf unknownkey.md
printf -- '---\ntitle: 負\nfont-size: -3\n---\n\n正文。\n' >negsize.md
expect "negative size" 1 "^negsize.md:3:[0-9]+: error: .*font-size" -- -o n.pdf negsize.md
printf -- '---\npaper: A9\n---\n\n正文。\n' >paper.md
expect "unknown paper" 1 "^paper.md:2:[0-9]+: error: .*paper" -- -o n.pdf paper.md
printf -- '---\nlang: tlh\n---\n\n正文。\n' >lang.md
expect "unknown language" 1 "^lang.md:2:[0-9]+: error: .*language" -- -o n.pdf lang.md
printf -- '---\ntitle: a\ntitle: b\n---\n\n正文。\n' >dup.md
expect "duplicate key" 1 "^dup.md:3:[0-9]+: error: .*title" -- -o n.pdf dup.md
no_file n.pdf "front-matter errors"
# Typed values: each checked once, at its position (issues 9, 12).
for bad in 2024-13-05 2024-02-30 2024-02-31; do
  printf -- '---\ntitle: 日期\ndate: %s\n---\n\n正文。\n' "$bad" >baddate.md
  expect "date $bad" 1 "^baddate.md:3:7: error: 'date' must be a date that exists" -- -o bd.pdf baddate.md
done
no_file bd.pdf "invalid dates"
printf -- '---\ntitle: 登月\ndate: 1969-07-20\n---\n\n正文。\n' >olddate.md
expect "date before 1970" 0 "" -- -q -o od.pdf olddate.md
pdfinfo od.pdf 2>/dev/null | grep -q "^CreationDate: *Sun Jul 20 00:00:00 1969" && pass ||
  fail "a date before 1970 is the PDF's creation date"
printf -- '---\nbleed: %s.%s\n---\n\n正文。\n' "$(printf '9%.0s' $(seq 400))" "$(printf '0%.0s' $(seq 400))" >nanbleed.md
expect "NaN-like bleed" 1 "^nanbleed.md:2:8: error: 'bleed' must be a number from 0 to 20 mm" -- -o nb.pdf nanbleed.md
printf -- '---\nfont-size: 0.0000000001\n---\n\n正文。\n' >tinysize.md
expect "tiny font-size" 1 "^tinysize.md:2:12: error: 'font-size' must be a number from 4 to 72 pt" -- -o ts.pdf tinysize.md
printf -- '---\nfont-size: 1e10\n---\n\n正文。\n' >hugesize.md
expect "huge font-size" 1 "^hugesize.md:2:12: error: 'font-size' must be a number from 4 to 72 pt" -- -o hs.pdf hugesize.md
printf -- '---\ntitle: 轉換\nconvert: tw2sp\n---\n\n正文。\n' >convonly.md
expect "convert without derive-from" 1 "^convonly.md:3:10: error: 'convert' needs 'derive-from'" -- -o co.pdf convonly.md
printf -- '---\nx: &v 12\nfont-size: *v\n---\n\n正文。\n' >alias.md
expect "alias" 1 "^alias.md:3:12: error: .*does not support YAML aliases" -- -o al.pdf alias.md
grep -q "single value" err.txt && fail "alias: no 'single value' message" || pass
printf -- '---\ntitle: [a, b\nlang: en\n---\n\n正文。\n' >brokenyaml.md
expect "broken YAML" 1 "^brokenyaml.md:3:[0-9]+: error: invalid YAML" -- -o by.pdf brokenyaml.md
[ "$(wc -l <err.txt)" -eq 1 ] && pass || fail "broken YAML: one message, not $(wc -l <err.txt)"
python3 -c "print('---\n' + 'k' * 1048576 + ': v\n---\n\n正文。')" >longkey.md
expect "1 MB key" 1 "^longkey.md:2:1: error: front-matter key is 1048576 characters long" -- -o lk.pdf longkey.md
python3 -c "print('---\ntitle: ' + '長' * 70000 + '\n---\n\n正文。')" >longtitle.md
expect "70,000-character title" 1 "^longtitle.md:2:8: error: the value of 'title' is 70000 characters long; at most 1000" -- -o lt.pdf longtitle.md
# libyaml counts U+2028 as a line break; positions count only real lines.
printf -- '---\ntitle: a\342\200\250b\nfoo: [\n---\n\n正文。\n' >u2028yaml.md
expect "YAML error after U+2028" 1 "^u2028yaml.md:3:1: error: invalid YAML" -- -o uy.pdf u2028yaml.md
printf -- '---\nlnag: en\n---\n\nText.\n' >typo.md
expect "unknown key suggestion" 0 "^typo.md:2:1: warning: unknown front-matter key 'lnag' \(ignored\); did you mean 'lang'\?" -- -o ty.pdf typo.md
printf -- '---\ntitle: 字型\nfonts: nosuch\n---\n\n正文。\n' >nofonts.md
expect "missing fonts profile" 1 "^nofonts.md:3:8: error: font profile 'nosuch' not found" -- -o nf.pdf nofonts.md
SOURCE_DATE_EPOCH=abc
export SOURCE_DATE_EPOCH
expect "SOURCE_DATE_EPOCH not a number" 1 "error: SOURCE_DATE_EPOCH must be a whole number" -- -o sde.pdf good.md
SOURCE_DATE_EPOCH=86400
expect "SOURCE_DATE_EPOCH" 0 "" -- -q -o sde.pdf good.md
pdfinfo sde.pdf 2>/dev/null | grep -q "^CreationDate: *Fri Jan  2 00:00:00 1970" && pass ||
  fail "SOURCE_DATE_EPOCH is the creation date"
unset SOURCE_DATE_EPOCH
no_file nb.pdf "front-matter value errors"
no_file nf.pdf "missing fonts profile"

# The key table: --help lists it, and README.md's table is its output.
expect "help lists the keys" 0 "" -- --help
grep -q "^  font-size .*from 4 to 72 pt" out.txt && pass || fail "--help lists the front-matter keys"
expect "list keys" 0 "" -- --list-keys=markdown
sed -n '/^<!-- keys: paiban --list-keys=markdown -->$/,/^<!-- end keys -->$/p' "$ROOT/README.md" |
  sed '1d;$d' >readme-keys.md
[ -s readme-keys.md ] && cmp -s readme-keys.md out.txt && pass ||
  fail "README.md's key table is not 'paiban --list-keys=markdown' (run it and paste): $(diff readme-keys.md out.txt | head -5)"
expect "bad --list-keys" 2 "--list-keys takes" -- --list-keys=html

# --- fonts ---------------------------------------------------------------
mkdir -p fonts
printf 'body.cjk = No Such Font Family\nbody.latin = Noto Serif\n' >fonts/zh-Hant.conf
expect "font not found" 1 "zh-Hant.conf:1:[0-9]+: error: font 'No Such Font Family' cannot be found" -- --fonts fonts -o f.pdf good.md
no_file f.pdf "font not found"
printf -- '私用區字元 \356\200\200 在此。\n' >missing.md
expect "character in no font" 0 "^missing.md:1:7: warning: character U\\+E000" -- -o m.pdf missing.md

# --- derived editions ---------------------------------------------------------
printf -- '---\ntitle: 原文\nlang: zh-Hant\n---\n\n這是「軟體」的資訊。\n' >orig.md
printf -- '---\nlang: zh-Hans\nderive-from: orig.md\nconvert: tw2sp\n---\n' >derived.md
expect "derived edition" 0 "" -- -q -o derived.pdf derived.md
pdftotext -raw derived.pdf - 2>/dev/null | tr -d ' \n' | grep -q '这是“软件”的信息。' && pass ||
  fail "derived edition is OpenCC's conversion with mainland quotes"
printf -- '---\nlang: zh-Hans\nderive-from: nothere.md\nconvert: tw2sp\n---\n' >derived2.md
expect "derive-from a missing file" 1 "^derived2.md:3:[0-9]+: error: .*nothere.md" -- -o d2.pdf derived2.md
printf -- '---\nlang: zh-Hans\nderive-from: derived.md\n---\n' >derived3.md
expect "derive-from a derived file" 1 "^derived3.md:3:[0-9]+: error: .*itself derived" -- -o d3.pdf derived3.md
printf -- '---\nlang: zh-Hans\nderive-from: orig.md\nconvert: klingon\n---\n' >derived4.md
expect "unknown conversion" 1 "^derived4.md:4:[0-9]+: error: .*convert" -- -o d4.pdf derived4.md

# --- book parts ------------------------------------------------------------
# A footnote is set at the foot of the page that cites it.
python3 -c "
paras = ['第%d段的內容是一些中文字句，用來填滿頁面。' % (i + 1) * 3 for i in range(40)]
paras[30] += '這裡引用一個註腳[^far]。'
print('---\ntitle: 註腳位置\n---\n\n' + '\n\n'.join(paras) + '\n\n[^far]: 這個註腳必須在引用它的那一頁。')
" >footnotes.md
expect "footnotes" 0 "" -- -q -o footnotes.pdf footnotes.md
pages=$(pdfinfo footnotes.pdf 2>/dev/null | awk '/^Pages:/{print $2}')
ref=0 note=0 p=1
while [ "$p" -le "${pages:-0}" ]; do
  t=$(pdftotext -raw -f $p -l $p footnotes.pdf - 2>/dev/null | tr -d ' \n')
  case "$t" in *引用一個註腳*) ref=$p ;; esac
  case "$t" in *這個註腳必須在引用它的那一頁*) note=$p ;; esac
  p=$((p + 1))
done
[ "$ref" -gt 1 ] && [ "$ref" = "$note" ] && pass || fail "footnote on page $note, cited on page $ref"
# Every note is printed, once, even when citations repeat on one line.
printf 'A[^1] b[^2] a[^1] b[^2] c[^3].\n\n[^1]: one\n\n[^2]: two\n\n[^3]: three\n' >fnrep.md
"$PAIBAN" -q --dump lines fnrep.md >fnrep.dump 2>/dev/null
[ "$(grep -c '^  line footnote' fnrep.dump)" = 3 ] && grep -q '|3three|' fnrep.dump && pass ||
  fail "repeated citations: $(grep footnote fnrep.dump | tr '\n' ' ')"
# A note longer than half a page continues on the next pages; none is lost.
python3 -c "print('Cite[^b] here.\n\n' + '正文。' * 20 + '\n\n[^b]: ' + ' '.join('w%d' % i for i in range(3000)))" >fnlong.md
expect "a very long footnote" 0 "" -- -q -o fnlong.pdf fnlong.md
pdftotext -raw fnlong.pdf - 2>/dev/null | tr -s ' \n' '  ' | grep -q "w0 w1 .* w2999" && pass || fail "long footnote text lost"
# A hard line break ends the line.
printf 'line one\\\nline two\n' >hard.md
[ "$("$PAIBAN" -q --dump lines hard.md | grep -c '^  line body')" = 2 ] && pass || fail "hard line break ignored"
# Derived towards zh-Hant: English apostrophes stay apostrophes.
printf -- '---\nlang: zh-Hans\n---\n\n他说 It’s fine，“中文”。\n' >hans-orig.md
printf -- '---\nlang: zh-Hant\nderive-from: hans-orig.md\nconvert: s2t\n---\n' >hant-ed.md
"$PAIBAN" -q --dump lines hant-ed.md 2>/dev/null | grep -q 'It’s fine，「中文」' && pass || fail "quote conversion towards zh-Hant"
# A derived edition whose original has a NUL byte fails with the original's position.
printf -- '---\nlang: zh-Hant\n---\n\n正文\000。\n' >nulorig.md
printf -- '---\nlang: zh-Hans\nderive-from: nulorig.md\nconvert: tw2sp\n---\n' >nuled.md
expect "derived from a file with a NUL byte" 1 "^nulorig.md:5:3: error: .*NUL" -- -o nuled.pdf nuled.md
# Blank lines in code blocks are kept.
printf '```\nline1\n\nline3\n```\n' >code.md
[ "$("$PAIBAN" -q --dump lines code.md | grep -c '^  line body')" = 3 ] && pass || fail "blank code line dropped"

# The ebook's contents link to the headings' pages.
printf -- '---\ntitle: 目錄測試\n---\n\n# 第一章\n\n正文。\n\n# 第二章\n\n正文。\n' >toc.md
expect "ebook contents" 0 "" -- -q --profile ebook -o toc.pdf toc.md
qpdf --qdf --object-streams=disable toc.pdf toc.qdf 2>/dev/null
[ "$(grep -ac '/Subtype /Link' toc.qdf)" -ge 2 ] && pass || fail "ebook contents entries are links"
[ "$(grep -ac '/Title' toc.qdf)" -ge 3 ] && pass || fail "bookmarks for the title and both headings"

# --- outputs -------------------------------------------------------------
expect "missing output directory" 1 "^no/such/dir/x.pdf: error: " -- -o no/such/dir/x.pdf good.md
mkdir -p ro && chmod 555 ro
if [ "$(id -u)" != 0 ]; then
  expect "unwritable output directory" 1 "^ro/x.pdf: error: " -- -o ro/x.pdf good.md
fi
cp good.pdf keep.pdf
expect "failed render keeps the old output" 1 "error" -- -o keep.pdf badutf8.md
cmp -s keep.pdf good.pdf && pass || fail "a failed render clobbered the previous output"
mkdir -p adir
expect "input is a directory without manuscripts" 1 "^adir: error: .*no \\*\\.md" -- adir
expect "missing input" 1 "^nosuch.md: error: cannot read" -- nosuch.md
mkdir -p a b outdir
cp good.md a/same.md
cp good.md b/same.md
expect "two inputs, one output" 1 "would write the same output" -- -o outdir a/same.md b/same.md
# In a long batch the clash found is the first job's, against the first
# input that makes it (outputs and inputs are compared sorted, not pair by
# pair); nothing is rendered.
mkdir -p many/a many/b many/out
for i in 01 02 03 04 05 06 07 08 09 10 11 12; do cp good.md "many/a/m$i.md"; done
cp good.md many/b/m07.md
cp good.md many/b/m03.md
expect "the first clash of a long batch" 1 "^many/b/m07.md: error: would write the same output 'many/out/m07.pdf' as 'many/a/m07.md'" -- -q -o many/out many/a many/b/m07.md many/b/m03.md
[ "$(grep -c error "$TMP/err.txt")" = 1 ] && pass || fail "a clash is reported once: $(cat "$TMP/err.txt")"
[ -z "$(ls many/out)" ] && pass || fail "a batch with a clash wrote: $(ls many/out)"
ln -s ../a/m05.md many/out/m05.pdf
expect "an output over an input among many" 1 "^many/a/m05.md: error: the output 'many/out/m05.pdf' is this manuscript itself" -- -q -o many/out many/a
cmp -s many/a/m05.md good.md && pass || fail "the input behind a symbolic link was written over"
expect "several inputs need an output directory" 2 "must be an existing directory" -- -o single.pdf a/same.md good.md
expect "two profiles need an output directory" 2 "must be an existing directory" -- --profile print,ebook -o single.pdf good.md

# An interrupted render (SIGTERM while the PDF is being written) leaves
# neither a partial output nor its temporary file.
python3 -c "print(('中文字句，' * 1000 + '\\n\\n') * 360)" >huge.md
"$PAIBAN" -q -o huge.pdf huge.md 2>/dev/null &
pid=$!
i=0
while [ $i -lt 3000 ] && ! ls .huge.pdf.* >/dev/null 2>&1; do sleep 0.01; i=$((i + 1)); done
kill -TERM $pid 2>/dev/null
wait $pid
if ls .huge.pdf.* >/dev/null 2>&1 || [ -e huge.pdf ]; then
  fail "interrupted render left files: $(ls -a | grep huge)"
else
  pass
fi
rm -f huge.md

# Both profiles in one run: NAME.pdf and NAME.ebook.pdf.
mkdir -p both
expect "print and ebook in one run" 0 "" -- -q --profile print,ebook -o both/ good.md
[ -s both/good.pdf ] && [ -s both/good.ebook.pdf ] && pass || fail "both profiles: $(ls both)"
pdfinfo both/good.ebook.pdf 2>/dev/null | grep -q "255.1" && pass || fail "both profiles: the ebook has the ebook page"

# --- batch -------------------------------------------------------------------
mkdir -p batch batchout
for i in 1 2 3 4 5; do cp good.md "batch/doc$i.md"; done
cp badutf8.md batch/doc3.md
expect "batch with one failure" 1 "doc3.md:3:3: error" -- -q -j 2 -o batchout batch
n=$(ls batchout/*.pdf 2>/dev/null | wc -l)
[ "$n" = 4 ] && pass || fail "batch: the 4 good manuscripts rendered ($n PDFs)"

# --- hostile sizes (bounded time: timeout in expect) ---------------------------
python3 -c "print('a' * 100000)" >longword.md
expect "100,000-letter word" 0 "^longword.md:1:1: warning: overfull line avoided" -- -o lw.pdf longword.md
[ "$(grep -c warning "$TMP/err.txt")" -le 3 ] && pass || fail "100,000-letter word: a few warnings, not one per line"
[ "$(pdfinfo lw.pdf 2>/dev/null | awk '/^Pages:/{print $2}')" -gt 10 ] && pass || fail "100,000-letter word: broken into lines on many pages"
python3 -c "print('中文字句，' * 40000)" >longpara.md
expect "200,000-character paragraph" 0 "" -- -q -o lp.pdf longpara.md
python3 -c "
for i in range(5000): print('第%d段。\n' % i)" >many.md
expect "5,000 tiny paragraphs" 0 "" -- -q -o many.pdf many.md
python3 -c "print('> ' * 5000 + '深')" >deep.md
expect "block quotes nested 5,000 deep" 1 "^deep.md:1:[0-9]+: error: .*nest" -- -o deep.pdf deep.md
no_file deep.pdf "deep nesting"

# --- Chinese whitespace rules (docs/DESIGN.md §3) -----------------------------------
printf '這是一段硬換行的\n中文稿件，換行處\n不應出現空格。\n' >wrapped.md
printf '這是一段硬換行的中文稿件，換行處不應出現空格。\n' >unwrapped.md
"$PAIBAN" -q --dump glyphs wrapped.md >w.dump 2>/dev/null
"$PAIBAN" -q --dump glyphs unwrapped.md >u.dump 2>/dev/null
sed 's/ @[0-9]*:[0-9]*//' w.dump >w2.dump
sed 's/ @[0-9]*:[0-9]*//' u.dump >u2.dump
[ -s w2.dump ] && cmp -s w2.dump u2.dump && pass || fail "hard-wrapped and unwrapped Chinese lay out alike"
printf '在 2024 年，OpenAI 與 Google 都在。\n' >spaced.md
printf '在2024年，OpenAI與Google都在。\n' >unspaced.md
"$PAIBAN" -q --dump glyphs spaced.md | sed 's/ @[0-9]*:[0-9]*//' >s.dump 2>/dev/null
"$PAIBAN" -q --dump glyphs unspaced.md | sed 's/ @[0-9]*:[0-9]*//' >n.dump 2>/dev/null
[ -s s.dump ] && cmp -s s.dump n.dump && pass || fail "'在 2024 年' and '在2024年' lay out alike"

# --- Chinese emphasis (issue 9 item 12) -----------------------------------------
# Mainland default: emphasis dots, one under each emphasised Han character
# (not under its punctuation or Latin), in the body face.
printf -- '---\nlang: zh-Hans\n---\n\n这是*强调，的A文字*。\n' >dots.md
"$PAIBAN" -q --dump glyphs dots.md >dots.dump 2>/dev/null
[ "$(grep -c '^    dot ' dots.dump)" = 5 ] && pass || fail "emphasis dots: $(grep -c '^    dot ' dots.dump) dots, not 5"
! grep -q 'UKai' dots.dump && pass || fail "emphasis dots still use the Kai face"
printf -- '---\nlang: zh-Hans\nemphasis: kai\n---\n\n这是*强调的文字*。\n' >kai.md
"$PAIBAN" -q --dump glyphs kai.md >kai.dump 2>/dev/null
! grep -q '^    dot ' kai.dump && grep -q 'UKai' kai.dump && pass || fail "emphasis: kai gives dots or no Kai"
# Kai is drawn at the size that matches the body's ink box (> the body size).
kai_size=$(grep 'UKai' kai.dump | head -n 1 | sed -E 's/.* ([0-9.]+)pt .*/\1/')
python3 -c "import sys; sys.exit(0 if 10.6 < float('$kai_size') < 13.0 else 1)" && pass ||
  fail "Kai emphasis drawn at $kai_size pt, not scaled to the body's ink"
printf -- '---\nemphasis: bold\n---\n\n字\n' >badem.md
expect "emphasis: bad value" 1 "^badem.md:2:[0-9]+: error: .*emphasis" -- -o badem.pdf badem.md
# A Chinese quotation is set in Kai (its emphasis in the body face); the
# English in it and the text around it are not.
printf -- '---\nlang: zh-Hant\n---\n\n前文。\n\n> 學而時習之，*不亦*說乎 Latin\n\n後文。\n' >quote.md
"$PAIBAN" -q --dump glyphs quote.md >quote.dump 2>/dev/null
[ "$(grep -c 'UKai.*|[學而時習之說乎]|' quote.dump)" = 7 ] && ! grep -q 'UKai.*|[前後不亦L]|' quote.dump &&
  pass || fail "Chinese quotation not in Kai (or emphasis/Latin/other text in Kai)"
# The dots are drawn in the PDF and both renderers accept them.
"$PAIBAN" -q -o dots.pdf dots.md 2>/dev/null && qpdf --check dots.pdf >/dev/null 2>&1 &&
  [ -z "$(mutool draw -q -o /dev/null dots.pdf 2>&1 | grep -v ICC)" ] && pass || fail "emphasis dots: bad PDF"

# In a vertical column the dots stand to the right of their characters
# (clreq), each at the middle of its character's em along the column.
printf -- '---\nlang: zh-Hans\nwriting-mode: vertical-rl\n---\n\n这是*强调*的文字。\n' >vdots.md
"$PAIBAN" -q --dump glyphs vdots.md >vdots.dump 2>/dev/null
python3 - vdots.dump <<'PY' && pass || fail "vertical emphasis dots not right of their characters"
import re, sys
rows = open(sys.argv[1]).read().split("\n")
dots, prev = 0, None
for r in rows:
    g = re.match(r" +glyph .* ([0-9.]+)pt x= *([0-9.-]+) y= *([0-9.-]+) upright \|(.)\|", r)
    if g:
        prev = (float(g[1]), float(g[2]), float(g[3]), g[4])
    d = re.match(r" +dot +[0-9.]+pt x= *([0-9.-]+) y= *([0-9.-]+)", r)
    if d:
        size, x, top, ch = prev
        dx, dy = float(d[1]), float(d[2])
        assert ch in "强调", ch
        assert x + 0.5 * size < dx < x + size, (dx, x)
        assert abs(dy - (top - size / 2)) < 0.05, (dy, top)
        dots += 1
sys.exit(0 if dots == 2 else 1)
PY

# --- Loose lines (issue 9 item 2) ----------------------------------------------
# A paragraph that cannot be set within clreq's limits (a long camelCase
# word in a narrow measure) is set and reported once, at its line, as a
# loose line quoting its first characters — not also as underfull.
printf -- '---\nlang: zh-Hant\nmeasure: 12\n---\n\n來自中國的李飛飛就是外來的人才她在ImageNetProject項目的貢獻引發了現代深度學習的浪潮。\n' >loose.md
"$PAIBAN" -o loose.pdf loose.md >/dev/null 2>loose.err
grep -q '^loose.md:6:1: warning: loose line "來自中國的李飛飛就是…": Han–Han spacing 1\.[0-9]* em' loose.err &&
  ! grep -q '^loose.md:6:1: warning: underfull' loose.err && pass ||
  fail "loose line not reported at 6:1: $(head -n 2 loose.err)"

summary cli
