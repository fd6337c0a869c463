#!/bin/sh
# make bench: times paiban on
#   essay     the essay (zh-Hant, print)
#   editions  all manuscripts in both profiles, one parallel run (6 PDFs)
#   book      the essay repeated to about 240 pages
#   para200k  one paragraph of 200,000 characters
#   word100k  one "word" of 100,000 letters (emergency breaks)
#   paras5k   5,000 tiny paragraphs
#   batch-jN  100 manuscripts (copies of the essay) in one run with -j N,
#             N = 1 and the number of cores: how the batch scales
# RUNS times each (default 11; 3 for the large inputs) and prints the median
# wall time with min and max, pages per second and peak resident memory
# (GNU time).  Quote medians and ratios: the machine is noisy.
set -eu
PAIBAN=${1:-build/paiban}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-11}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

essay="$ROOT/manuscripts/essay.zh-Hant.md"
body=$(awk 'BEGIN{n=0} /^---$/{n++; next} n>=2' "$essay")
{
  printf -- '---\ntitle: 長篇基準測試\nlang: zh-Hant\n---\n\n'
  i=1
  while [ $i -le 100 ]; do
    printf '## 第 %d 章\n\n%s\n\n' "$i" "$body"
    i=$((i + 1))
  done
} >"$TMP/book.md"
python3 -c "print('中文字句，' * 40000)" >"$TMP/para200k.md"
python3 -c "print('a' * 100000)" >"$TMP/word100k.md"
python3 -c "
for i in range(5000): print('第%d段。\n' % i)" >"$TMP/paras5k.md"
mkdir -p "$TMP/editions"

# bench NAME RUNS PDF -- COMMAND...: runs COMMAND RUNS times.
bench() {
  name=$1 runs=$2 pdf=$3
  shift 4
  times=""
  rss=0
  i=0
  while [ $i -lt "$runs" ]; do
    start=$(date +%s%N)
    if [ -x /usr/bin/time ]; then
      /usr/bin/time -f '%M' -o "$TMP/rss" "$@" 2>/dev/null
      r=$(tail -n 1 "$TMP/rss")
      [ "$r" -gt "$rss" ] && rss=$r
    else
      "$@" 2>/dev/null
    fi
    end=$(date +%s%N)
    times="$times $(((end - start) / 1000))"
    i=$((i + 1))
  done
  pages=0
  for f in $pdf; do
    p=$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/{print $2}')
    pages=$((pages + ${p:-0}))
  done
  bytes=$(cat $pdf | wc -c)
  sorted=$(echo $times | tr ' ' '\n' | sort -n)
  median=$(echo "$sorted" | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  min=$(echo "$sorted" | head -n 1)
  max=$(echo "$sorted" | tail -n 1)
  awk -v n="$name" -v med="$median" -v mn="$min" -v mx="$max" -v p="$pages" \
      -v b="$bytes" -v rss="$rss" -v runs="$runs" 'BEGIN{
    printf "%-9s median %8.1f ms (min %.1f, max %.1f, %2d runs) %4d pages %7.1f pages/s %8d bytes  peak RSS %s\n",
      n, med/1000, mn/1000, mx/1000, runs, p, p/(med/1e6), b,
      (rss > 0 ? sprintf("%.1f MiB", rss/1024) : "n/a") }'
}

echo "paiban $("$PAIBAN" --version | cut -d' ' -f2) on $(nproc) cores"
bench essay "$RUNS" "$TMP/essay.pdf" -- "$PAIBAN" -q -o "$TMP/essay.pdf" "$essay"
bench editions "$RUNS" "$TMP/editions/*.pdf" -- "$PAIBAN" -q --profile print,ebook \
  -o "$TMP/editions/" "$ROOT"/manuscripts/*.md
bench book 5 "$TMP/book.pdf" -- "$PAIBAN" -q -o "$TMP/book.pdf" "$TMP/book.md"
for big in para200k word100k paras5k; do
  bench $big 3 "$TMP/$big.pdf" -- "$PAIBAN" -q -o "$TMP/$big.pdf" "$TMP/$big.md"
done
mkdir -p "$TMP/batch" "$TMP/batch-out"
i=1
while [ $i -le 100 ]; do
  cp "$essay" "$TMP/batch/essay$i.md"
  i=$((i + 1))
done
for j in 1 $(nproc); do
  bench "batch-j$j" 3 "$TMP/batch-out/*.pdf" -- "$PAIBAN" -q -j "$j" \
    -o "$TMP/batch-out/" "$TMP/batch"
done
