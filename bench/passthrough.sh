#!/usr/bin/env bash
# Passthrough benchmark: how fast does an event stream go through the smallest
# sx pipeline (sx-read | sx-sink: every line validated, its event time parsed,
# epochs and watermarks added and removed again), next to what a user would
# otherwise run on the same file, measured in the same run: cat (the floor),
# jq -c . and Miller (mlr --ijson --ojsonl cat).
#
# Usage: bench/passthrough.sh [--sizes 1000000,10000000]
#   BENCH_SKIP_SLOW=1   skip jq and mlr above 1M events (they take minutes)
#   BENCH_RUNS=3        runs of each fast command; the best wall time counts
#   SX_BIN=build/bin    where the sx tools are
# Data: bench/out/events-<N>.ndjson, made by sx-gen once and reused (delete it
# to regenerate). Results: the table on stdout, also kept in
# bench/out/passthrough.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh
parse_sizes bench/passthrough.sh 15 1000000,10000000 "$@"
scripts/setup.sh --bench   # the peers (jq, Miller, GNU time) from Debian packages
bin=${SX_BIN:-build/bin}
runs=${BENCH_RUNS:-3}
skip_slow=${BENCH_SKIP_SLOW:-0}

need_tools bench/passthrough.sh "$bin" sx-gen sx-read sx-sink

out=bench/out
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT


# row NAME RUNS CMD: measures CMD, adds a table row, keeps its time in secs[NAME].
row() {
  local name=$1 r=$2 cmd=$3
  best_of "$r" "$cmd"
  secs[$name]=$wall
  rows+=("$(awk -v name="$name" -v t="$wall" -v b="$bytes" -v n="$n" -v rss="$rss_list" 'BEGIN {
    printf "%-44s %8.3f %9.1f %12.0f  %s", name, t, b / t / 1e6, n / t, rss }')")
}
# ratio A B: A's throughput over B's (B's time / A's time), or n/a.
ratio() {
  if [ -n "${secs[$1]:-}" ] && [ -n "${secs[$2]:-}" ]; then
    awk -v a="${secs[$1]}" -v b="${secs[$2]}" 'BEGIN { printf "%.2f", b / a }'
  else
    echo "n/a"
  fi
}
declare -A secs
report=$tmp/report.txt
{
  echo "sx passthrough benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
    "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "tools: $("$bin/sx-read" --version), $(jq --version 2>/dev/null || echo 'no jq')," \
    "$(mlr --version 2>/dev/null || echo 'no mlr')"
  echo "wall time: best of $runs runs (jq and mlr: 1 run above 1M events); RSS: peak per process, MB"
} | tee "$report"

for n in "${sizes[@]}"; do
  file=$out/events-$n.ndjson
  gen="$bin/sx-gen --events $n --seed 1 --late-fraction 0.05 --duplicate-fraction 0.02"
  if [ ! -s "$file" ]; then
    echo "generating $file ..." >&2
    $gen > "$file.tmp"
    mv "$file.tmp" "$file"
  fi
  bytes=$(stat -c %s "$file")
  slow_runs=$runs
  [ "$n" -gt 1000000 ] && slow_runs=1

  secs=()
  rows=()
  cat "$file" > /dev/null  # into the page cache
  row "sx-gen (same flags) > /dev/null" "$runs" "rss 1 $gen > /dev/null"
  row "cat FILE | cat" "$runs" "rss 1 cat '$file' | rss 2 cat > /dev/null"
  row "sx-read --time-field timestamp | sx-sink" "$runs" \
    "rss 1 '$bin/sx-read' --time-field timestamp '$file' | rss 2 '$bin/sx-sink' > /dev/null"
  if [ "$skip_slow" = 1 ] && [ "$n" -gt 1000000 ]; then
    rows+=("jq -c . / mlr --ijson --ojsonl cat: skipped (BENCH_SKIP_SLOW=1)")
  else
    if have jq; then row "jq -c ." "$slow_runs" "rss 1 jq -c . '$file' > /dev/null"; fi
    if have mlr; then
      row "mlr --ijson --ojsonl cat" "$slow_runs" "rss 1 mlr --ijson --ojsonl cat '$file' > /dev/null"
    fi
  fi

  sx="sx-read --time-field timestamp | sx-sink"
  {
    echo
    echo "== $n events, $(awk -v b="$bytes" 'BEGIN { printf "%.0f MB", b / 1e6 }') ($file)"
    printf '%-44s %8s %9s %12s  %s\n' command seconds MB/s records/s "peak RSS MB"
    printf '%s\n' "${rows[@]}"
    echo "throughput ratios: sx/cat $(ratio "$sx" "cat FILE | cat")," \
      "sx/jq $(ratio "$sx" "jq -c ."), sx/mlr $(ratio "$sx" "mlr --ijson --ojsonl cat")"
  } | tee -a "$report"
done
cp "$report" "$out/passthrough.txt"
