#!/bin/sh
# Paragraphs shaped and broken on several threads (src/galley/prefill.c):
# every manuscript, golden input and typography page, a long book, and
# documents that report things (missing characters, loose lines, missing
# hyphenation patterns) give the same layout dump, the same PDF bytes and
# the same diagnostics, in the same order, with 1, 2 and 5 threads.
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1
export SOURCE_DATE_EPOCH=1700000000

# A book: the essay's body ten times over, one chapter each.
essay="$ROOT/manuscripts/essay.zh-Hant.md"
{
  printf -- '---\ntitle: 十章\nlang: zh-Hant\n---\n\n'
  i=1
  while [ $i -le 10 ]; do
    printf '## 第 %d 章\n\n' $i
    awk 'BEGIN{n=0} /^---$/{n++; next} n>=2' "$essay"
    i=$((i + 1))
  done
} >book.md
# Reports on the way: a character no font has (twice: reported once), a
# narrow measure with long words (loose and overfull lines), and English
# that needs hyphenation patterns that are not there.
cat >reports.md <<'EOF'
---
title: 報告
lang: zh-Hant
---

第一段有一個沒有字型的字：𓀀，還有很多中文字句，中文字句，中文字句，中文字句。

第二段再一次：𓀀。Antidisestablishmentarianism 與 Pneumonoultramicroscopicsilicovolcanoconiosis 這兩個字很長。

第三段是普通的段落，中文字句，中文字句，中文字句，中文字句，中文字句，中文字句。
EOF
cat >nohyph.md <<'EOF'
---
title: Patterns
lang: en
---

Typesetting characteristically incomprehensible responsibilities internationally requires hyphenation everywhere.

Another paragraph of extraordinarily unpronounceable administrative terminology needs hyphenation as well.

And a third one, so that the threads have something to share.
EOF

n=0
for md in "$ROOT"/manuscripts/*.md "$ROOT"/tests/golden/*.md \
  "$ROOT"/tests/typography/*.md book.md reports.md nohyph.md; do
  [ -f "$md" ] || continue
  name=$(basename "$md" .md)
  env=""
  [ "$name" = nohyph ] && env="PAIBAN_HYPHEN_DIR=$TMP/none"
  for t in 1 2 5; do
    # Not -q: the warnings are compared (less the timing line).
    env $env PAIBAN_THREADS=$t "$PAIBAN" --no-cache --dump glyphs \
      -o "$name.$t.dump" "$md" 2>&1 | grep -Ev ': [0-9]+ pages?, [0-9]+ ms$' >"$name.$t.err"
    env $env PAIBAN_THREADS=$t "$PAIBAN" -q --no-cache -o "$name.$t.pdf" "$md" \
      2>/dev/null
  done
  for t in 2 5; do
    if [ -s "$name.1.dump" ] && cmp -s "$name.1.dump" "$name.$t.dump"; then pass
    else fail "$name: the layout differs with $t threads"; fi
    if cmp -s "$name.1.err" "$name.$t.err"; then pass
    else fail "$name: the diagnostics differ with $t threads: $(diff "$name.1.err" "$name.$t.err" | head -5)"; fi
    if [ -s "$name.1.pdf" ] && cmp -s "$name.1.pdf" "$name.$t.pdf"; then pass
    else fail "$name: the PDF differs with $t threads"; fi
  done
  n=$((n + 1))
done
[ "$n" -ge 10 ] && pass || fail "only $n documents compared"
# The reporting documents did report (so the comparison means something).
grep -q "U+13000" reports.1.err && pass || fail "reports.md: no missing-character warning: $(cat reports.1.err)"
[ "$(grep -c "U+13000" reports.1.err)" = 1 ] && pass || fail "reports.md: the missing character is reported more than once"
grep -q "hyphenation patterns" nohyph.1.err && pass || fail "nohyph.md: no warning about missing patterns: $(cat nohyph.1.err)"
[ "$(grep -c "hyphenation patterns" nohyph.5.err)" = 1 ] && pass ||
  fail "nohyph.md: the missing patterns are reported more than once with 5 threads"
summary threads
