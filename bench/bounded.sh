#!/usr/bin/env bash
# Bounded input is a batch: sx-read over a file, without --watermark, into
# sx-window in append mode (the default) gives, row for row, the windows of
# DuckDB's GROUP BY over the same file (the queries of bench/window.sh:
# tumbling 5m, sliding 10m/5m, sessions 30m by user_id; count, sum, avg).
# Sums and averages are compared to 9 significant digits (the engines add in
# different orders); everything else exactly. An unbounded input (stdin from
# a pipe) must still be refused.
#
# Usage: bench/bounded.sh [--sizes 1000000]
#   SX_BIN=build/bin    where the sx tools are
# Not a timing benchmark: it prints "agree" or the first differing rows, and
# exits 1 on a difference.
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh
parse_sizes bench/bounded.sh 13 1000000 "$@"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=${SX_BIN:-build/bin}
need_tools bench/bounded.sh "$bin" sx-gen sx-read sx-window
duckdb_setup

aggs=(--agg count --agg 'sum(value)' --agg 'avg(value)')
declare -A win=(
  [tumbling]="--tumbling 5m --by event_type"
  [sliding]="--window 10m --slide 5m --by event_type"
  [sessions]="--session 30m --by user_id"
)
# One line per row: bounds without the zone letter or trailing zeros, the key, the
# count, and sum and avg to 9 significant digits.
norm='def t: sub(" "; "T") | sub("Z$"; "")
    | if test("\\.") then sub("0+$"; "") | sub("\\.$"; "") else . end;
  def g: if . == null then "null" else tostring end;
  select(has("@sx") | not) | [(.window_start | t), (.window_end | t), (.event_type // .user_id | tostring),
   (.count | tostring), (.sum_value | g), (.avg_value | g)] | @tsv'
round='BEGIN { FS = OFS = "\t" } { $5 = sprintf("%.9g", $5); $6 = sprintf("%.9g", $6); print }'
status=0
for n in "${sizes[@]}"; do
  file=$(events_file "$n" "$bin")
  for q in tumbling sliding sessions; do
    # shellcheck disable=SC2086  # ${win[$q]} is a list of flags
    "$bin/sx-read" --time-field timestamp "$file" | "$bin/sx-window" ${win[$q]} "${aggs[@]}" |
      jq -r "$norm" | awk "$round" | LC_ALL=C sort > "$tmp/sx"
    node bench/duckdb_query.mjs 1 "$file" "$q" --rows |
      jq -r "$norm" | awk "$round" | LC_ALL=C sort > "$tmp/duckdb"
    if cmp -s "$tmp/sx" "$tmp/duckdb"; then
      echo "$n events, $q: agree ($(wc -l < "$tmp/sx") windows)"
    else
      echo "$n events, $q: DIFFER (sx $(wc -l < "$tmp/sx") rows, DuckDB $(wc -l < "$tmp/duckdb"))"
      diff "$tmp/sx" "$tmp/duckdb" | head -6
      status=1
    fi
  done
  # Unbounded (a pipe): append without a watermark is still refused.
  if cat "$file" | "$bin/sx-read" --time-field timestamp |
    "$bin/sx-window" --tumbling 5m "${aggs[@]}" > /dev/null 2> "$tmp/err"; then
    echo "$n events, unbounded: NOT refused"
    status=1
  else
    echo "$n events, unbounded: refused ($(head -c 100 "$tmp/err")...)"
  fi
done
exit $status
