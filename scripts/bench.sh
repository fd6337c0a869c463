#!/bin/sh
# make bench: renders the essay and a long book (the essay repeated to about
# 300 pages) several times each and prints the median wall time, pages per
# second and peak resident memory.  Uses GNU time when present for the RSS.
set -eu
PAIBAN=${1:-build/paiban}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-11}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

essay="$ROOT/manuscripts/essay.zh-Hant.md"
# The long book: front matter once, then the essay's body 100 times, each
# copy under its own heading.
{
  printf -- '---\ntitle: 長篇基準測試\nlang: zh-Hant\n---\n\n'
  body=$(awk 'BEGIN{n=0} /^---$/{n++; next} n>=2' "$essay")
  i=1
  while [ $i -le 100 ]; do
    printf '## 第 %d 章\n\n%s\n\n' "$i" "$body"
    i=$((i + 1))
  done
} >"$TMP/book.md"

bench_one() { # NAME INPUT
  name=$1 input=$2
  times=""
  rss=0
  pages=0
  i=0
  while [ $i -lt "$RUNS" ]; do
    start=$(date +%s%N)
    if [ -x /usr/bin/time ]; then
      /usr/bin/time -f '%M' -o "$TMP/rss" "$PAIBAN" -q -o "$TMP/out.pdf" "$input"
      r=$(tail -n 1 "$TMP/rss")
      [ "$r" -gt "$rss" ] && rss=$r
    else
      "$PAIBAN" -q -o "$TMP/out.pdf" "$input"
    fi
    end=$(date +%s%N)
    times="$times $(( (end - start) / 1000 ))"
    i=$((i + 1))
  done
  pages=$(pdfinfo "$TMP/out.pdf" | awk '/^Pages:/{print $2}')
  bytes=$(wc -c <"$TMP/out.pdf")
  median=$(echo $times | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  min=$(echo $times | tr ' ' '\n' | sort -n | head -n 1)
  max=$(echo $times | tr ' ' '\n' | sort -n | tail -n 1)
  awk -v n="$name" -v med="$median" -v mn="$min" -v mx="$max" -v p="$pages" \
      -v b="$bytes" -v rss="$rss" -v runs="$RUNS" 'BEGIN{
    printf "%-6s median %8.1f ms (min %.1f, max %.1f, %d runs)  %4d pages  %7.1f pages/s  %8d bytes  peak RSS %s\n",
      n, med/1000, mn/1000, mx/1000, runs, p, p/(med/1e6), b,
      (rss > 0 ? sprintf("%.1f MiB", rss/1024) : "n/a (install GNU time)") }'
}

echo "paiban $("$PAIBAN" --version | cut -d' ' -f2) on $(nproc) cores"
bench_one essay "$essay"
bench_one book "$TMP/book.md"
