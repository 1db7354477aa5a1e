#!/usr/bin/env bash
# Input formats benchmark (issue 13): sx reading logs people have, against
# what they would otherwise run on the same file, measured in the same run.
#   combined  nginx "combined" access log -> requests per minute:
#             sx-read --format combined | sx-window --tumbling 1m --agg count,
#             against a gawk script doing the same (splits on blanks: not
#             quote-safe, a user agent with "[" in it would fool it) and
#             against jq -R converting each line to JSON (a capture regex) +
#             the same sx pipeline (the way in before --format).
#             Targets: >= 1x gawk, >= 10x the jq path.
#   csv       CSV -> count and sum(value) per 5 minutes: sx-read --format csv |
#             sx-window, against DuckDB read_csv + GROUP BY with 1 thread
#             (and with its default threads, for reference). Target >= 1.5x.
#   regex     sx-read --format 'regex:...' (the combined log through a
#             pattern with named groups) against sx-read --format combined,
#             both into /dev/null: what a custom format costs.
# Peak memory (RSS, MB) of every process of each pipeline is reported.
#
# Usage: bench/formats.sh [--sizes 1000000]
#   BENCH_RUNS=3        runs of each, taken in turn; the best wall time counts
#   BENCH_JQ_LINES=N    lines the jq path runs on (default 200000; its
#                       lines/s is extrapolated to the size: jq takes minutes)
#   SX_BIN=build/bin    where the sx tools are
# Data: bench/out/access-<N>.log and orders-<N>.csv, made by sx-gen --format
# combined|csv (seed 1, --time-step 100ms) once and reused. Results: the
# table on stdout, also kept in bench/out/formats.txt. Each pipeline's result
# is checked against its peer's (window count and per-window counts).
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh
parse_sizes bench/formats.sh 29 1000000 "$@"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

scripts/setup.sh --bench
bench_need_debian gawk
bin=${SX_BIN:-build/bin}
runs=${BENCH_RUNS:-3}
jq_lines=${BENCH_JQ_LINES:-200000}
need_tools bench/formats.sh "$bin" sx-gen sx-read sx-window
duckdb_setup
out=bench/out
mkdir -p "$out"

data() {  # data NAME EXT N FORMAT: bench/out/NAME-N.EXT, made by sx-gen once
  local file=$out/$1-$3.$2
  if [ ! -s "$file" ]; then
    echo "generating $file ..." >&2
    "$bin/sx-gen" --events "$3" --seed 1 --format "$4" > "$file.tmp"
    mv "$file.tmp" "$file"
  fi
  echo "$file"
}

# nginx's combined format as a pattern with named groups (RE2/PCRE syntax;
# jq's capture uses Oniguruma, which reads it the same).
re_combined='^(?P<remote_addr>\S+) \S+ (?P<remote_user>\S+) \[(?P<time_local>[^\]]+)\] "(?P<request>[^"]*)" (?P<status>\d+) (?P<body_bytes_sent>\d+) "(?P<http_referer>[^"]*)" "(?P<http_user_agent>[^"]*)"$'
re_jq=${re_combined//\?P</?<}
re_jq=${re_jq//\\/\\\\}   # as a jq string literal: \ and " escaped
re_jq=${re_jq//\"/\\\"}
clf_time='%d/%b/%Y:%H:%M:%S %z'
gawk_minutes='{ c[substr($4, 2, 17)]++ } END { for (k in c) print k "\t" c[k] }'

declare -A secs events rss
run() {  # run KEY N CMD: best of $runs, into secs/events/rss
  best_of "$runs" "$3"
  secs[$1]=$wall
  events[$1]=$2
  rss[$1]=$rss_list
}
# The per-window counts of a result, sorted: sx's NDJSON rows, gawk's lines.
sx_counts() { grep -v '"@sx"' "$1" | jq -r '.count' | sort -n; }

{
  echo "# bench/formats.sh, $(date -u +%Y-%m-%dT%H:%MZ), sx $(git rev-parse --short HEAD)"
  host_line
  echo "peers: $(gawk --version | head -1 | cut -d, -f1), $(jq --version)," \
    "$(node bench/duckdb_query.mjs --version)"
} > "$tmp/report"

for n in "${sizes[@]}"; do
  log=$(data access log "$n" combined)
  csv=$(data orders csv "$n" csv)
  jn=$((jq_lines < n ? jq_lines : n))
  head -n "$jn" "$log" > "$tmp/jq.log"
  run sx_combined "$n" "rss 1 $bin/sx-read --format combined --time-field time_local $log \
    | rss 2 $bin/sx-window --tumbling 1m --agg count > $tmp/sx.out"
  run gawk "$n" "rss 1 gawk '$gawk_minutes' $log > $tmp/gawk.out"
  run jq "$jn" "rss 1 jq -R -c 'capture(\"$re_jq\")' $tmp/jq.log \
    | rss 2 $bin/sx-read --time-field time_local --time-format '$clf_time' --watermark 0s \
    | rss 3 $bin/sx-window --tumbling 1m --agg count > $tmp/jq.out"
  run sx_csv "$n" "rss 1 $bin/sx-read --format csv --time-field timestamp $csv \
    | rss 2 $bin/sx-window --tumbling 5m --agg count --agg 'sum(value)' > $tmp/csv.out"
  run duckdb1 "$n" "rss 1 node bench/duckdb_csv.mjs 1 $csv > $tmp/duckdb1.out"
  run duckdb "$n" "rss 1 node bench/duckdb_csv.mjs 0 $csv > $tmp/duckdb.out"
  run sx_read_combined "$n" "rss 1 $bin/sx-read --format combined $log > /dev/null"
  run sx_read_regex "$n" "rss 1 $bin/sx-read --format 'regex:$re_combined' $log > /dev/null"

  # The answers agree: per-minute counts (sx, gawk), the jq path on its lines
  # (against gawk on the same lines), per-5-minute windows and total (sx, DuckDB).
  cut -f2 "$tmp/gawk.out" | sort -n > "$tmp/gawk.counts"
  sx_counts "$tmp/sx.out" > "$tmp/sx.counts"
  cmp -s "$tmp/sx.counts" "$tmp/gawk.counts" || { echo "combined: sx and gawk DIFFER" >&2; exit 1; }
  gawk "$gawk_minutes" "$tmp/jq.log" | cut -f2 | sort -n > "$tmp/gawk_jq.counts"
  sx_counts "$tmp/jq.out" | cmp -s - "$tmp/gawk_jq.counts" || { echo "jq path DIFFERS" >&2; exit 1; }
  want="rows=$(grep -vc '"@sx"' "$tmp/csv.out") count=$(sx_counts "$tmp/csv.out" | paste -sd+ | bc)"
  [ "$want" = "$(cat "$tmp/duckdb1.out")" ] || { echo "csv: sx $want, DuckDB $(cat "$tmp/duckdb1.out")" >&2; exit 1; }

  {
    echo
    echo "## $n lines (best of $runs; jq path on $jn lines)"
    printf '%-44s %8s %10s %12s\n' "pipeline" "wall s" "lines/s" "peak RSS MB"
    for k in sx_combined gawk jq sx_csv duckdb1 duckdb sx_read_combined sx_read_regex; do
      printf '%-44s %8s %10s %12s\n' "$k" "${secs[$k]}" "$(fmt_rate "$(rate "$k")")" "${rss[$k]}"
    done
    echo
    echo "combined, sx / gawk:             $(ratio sx_combined gawk 1)"
    echo "combined, sx / jq path:          $(ratio sx_combined jq 10)"
    echo "csv, sx / DuckDB 1 thread:       $(ratio sx_csv duckdb1 1.5)"
    echo "csv, sx / DuckDB default:        $(ratio sx_csv duckdb)"
    echo "regex format / combined format:  $(ratio sx_read_regex sx_read_combined)"
  } >> "$tmp/report"
done
cp "$tmp/report" "$out/formats.txt"
cat "$tmp/report"
