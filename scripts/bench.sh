#!/bin/sh
# make bench: times paiban on
#   startup   `paiban --version` (exec, dynamic linking, exit)
#   essay-cold, essay-warm
#             the essay (zh-Hant, print) with an empty persistent cache
#             (emptied before every run) and with a warm one
#   ed-jN-cold, ed-jN-warm
#             all manuscripts in the print and ebook profiles (8 PDFs), one
#             run with -j 1 and -j N (N = the cores), cold and warm cache;
#             ed-j1-1core-warm: -j 1 pinned to one core (taskset), since -j 1
#             itself uses a second core (paragraphs, streams, the commit
#             thread): -j N over it is what the cores give
#   all-jN-warm
#             the same plus the EPUBs (what `make` renders), warm cache
#   book10, book50, book200
#             the essay's body repeated 10, 50 and 200 times, one chapter each;
#             book200-1t on one thread (paragraphs and streams not in
#             parallel)
#   para200k  one paragraph of 200,000 characters
#   word100k  one "word" of 100,000 letters (emergency breaks)
#   paras5k   5,000 tiny paragraphs
#   batch-jN  100 manuscripts (copies of the essay) in one run with -j N,
#             N = 1 and the number of cores, and -j 1 on one core
#             (batch-j1-1core): how the batch scales
#   watch     `paiban watch` on the essay: the render time it prints after
#             each of RUNS one-paragraph edits (fonts, OpenCC and patterns
#             kept in memory; inotify latency not included)
# RUNS times each (default 11; 3 for the large inputs) and prints the median
# wall time with min and max, pages per second and peak resident memory
# (GNU time).  Quote medians and ratios: the machine is noisy.
set -eu
PAIBAN=${1:-build/paiban}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-11}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# The benchmark's own persistent cache (src/base/cache.c).
PAIBAN_CACHE_DIR="$TMP/cache"
export PAIBAN_CACHE_DIR
# Run before every timed run of a "-cold" benchmark.
PREP=:

essay="$ROOT/manuscripts/essay.zh-Hant.md"
body=$(awk 'BEGIN{n=0} /^---$/{n++; next} n>=2' "$essay")
for n in 10 50 200; do
  {
    printf -- '---\ntitle: 長篇基準測試\nlang: zh-Hant\n---\n\n'
    i=1
    while [ $i -le $n ]; do
      printf '## 第 %d 章\n\n%s\n\n' "$i" "$body"
      i=$((i + 1))
    done
  } >"$TMP/book$n.md"
done
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
    $PREP
    start=$(date +%s%N)
    if [ -x /usr/bin/time ]; then
      /usr/bin/time -f '%M' -o "$TMP/rss" "$@" >/dev/null 2>&1
      r=$(tail -n 1 "$TMP/rss")
      [ "$r" -gt "$rss" ] && rss=$r
    else
      "$@" >/dev/null 2>&1
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
  bytes=0
  [ -n "$pdf" ] && bytes=$(cat $pdf | wc -c)
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
cold() { rm -rf "$PAIBAN_CACHE_DIR"; }
bench startup "$RUNS" "" -- "$PAIBAN" --version
PREP=cold
bench essay-cold "$RUNS" "$TMP/essay.pdf" -- "$PAIBAN" -q -o "$TMP/essay.pdf" "$essay"
PREP=:
bench essay-warm "$RUNS" "$TMP/essay.pdf" -- "$PAIBAN" -q -o "$TMP/essay.pdf" "$essay"
for j in 1 $(nproc); do
  PREP=cold
  bench "ed-j$j-cold" "$RUNS" "$TMP/editions/*.pdf" -- "$PAIBAN" -q -j "$j" \
    --profile print,ebook -o "$TMP/editions/" "$ROOT"/manuscripts/*.md
  PREP=:
  bench "ed-j$j-warm" "$RUNS" "$TMP/editions/*.pdf" -- "$PAIBAN" -q -j "$j" \
    --profile print,ebook -o "$TMP/editions/" "$ROOT"/manuscripts/*.md
done
# One core: taskset (util-linux) pins the process and all its threads.
ONE_CORE="taskset -c 0"
$ONE_CORE true 2>/dev/null || ONE_CORE=
[ -n "$ONE_CORE" ] &&
  bench ed-j1-1core-warm "$RUNS" "$TMP/editions/*.pdf" -- $ONE_CORE "$PAIBAN" -q -j 1 \
    --profile print,ebook -o "$TMP/editions/" "$ROOT"/manuscripts/*.md
for j in 1 $(nproc); do
  bench "all-j$j-warm" "$RUNS" "$TMP/editions/*.pdf" -- "$PAIBAN" -q -j "$j" \
    --profile print,ebook,epub -o "$TMP/editions/" "$ROOT"/manuscripts/*.md
done
for n in 10 50 200; do
  bench "book$n" 3 "$TMP/book$n.pdf" -- "$PAIBAN" -q -o "$TMP/book$n.pdf" "$TMP/book$n.md"
done
bench book200-1t 3 "$TMP/book200.pdf" -- env PAIBAN_THREADS=1 "$PAIBAN" -q -o "$TMP/book200.pdf" "$TMP/book200.md"
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
[ -n "$ONE_CORE" ] &&
  bench batch-j1-1core 3 "$TMP/batch-out/*.pdf" -- $ONE_CORE "$PAIBAN" -q -j 1 \
    -o "$TMP/batch-out/" "$TMP/batch"

# watch: one-paragraph edits of the essay; the render times watch prints.
mkdir -p "$TMP/watch"
cp "$essay" "$TMP/watch/essay.md"
"$PAIBAN" watch -o "$TMP/watch/essay.pdf" "$TMP/watch/essay.md" 2>"$TMP/watch/log" &
wpid=$!
wait_renders() { # N: until watch has printed N render lines (at most 10 s)
  k=0
  while [ "$(grep -c ' ms$' "$TMP/watch/log")" -lt "$1" ] && [ $k -lt 100 ]; do
    sleep 0.1
    k=$((k + 1))
  done
}
wait_renders 1
i=1
while [ $i -le "$RUNS" ]; do
  # Edit the first paragraph of the body (a different word each time).
  sed -i "0,/。/s/。/${i}。/" "$TMP/watch/essay.md"
  wait_renders $((i + 1))
  i=$((i + 1))
done
kill -INT $wpid
wait $wpid || true
grep ' ms$' "$TMP/watch/log" | tail -n +2 | sed -E 's/.* ([0-9]+) ms$/\1/' | sort -n |
  awk -v runs="$RUNS" '{a[NR]=$1} END{
    if (NR == 0) { print "watch     no re-render seen"; exit }
    printf "watch     median %8.1f ms (min %.1f, max %.1f, %2d edits) re-render inside paiban watch\n",
      a[int((NR+1)/2)], a[1], a[NR], NR }'
