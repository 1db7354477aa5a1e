#!/usr/bin/env bash
# Expressions benchmark: the seed's filter as a stateless sx-map stage, and a
# percentile per window, next to what a user would otherwise run on the same
# file, measured in the same run.
#   filter      sx-read FILE | sx-map --where WHERE (its data records counted
#               by grep -vc), WHERE = event_type = "purchase" AND value > 100,
#               against
#               sx-read FILE | sx-sink | wc -l (the stream carried through one
#               stage that does nothing: the floor is sx-map >= 0.8x its
#               events/s), jq -c 'select(...)' and Miller's filter (floor:
#               sx >= 20x both); every engine must count the same records.
#   percentile  sx-read | sx-window --tumbling 5m --by event_type
#               --agg 'percentile_approx(value, 0.95)' against DuckDB's
#               approx_quantile with threads=1 (bench/duckdb_quantile.mjs;
#               floor: sx >= 1.5x); skipped, with a note, while sx-window refuses the aggregate.
#
# Usage: bench/expressions.sh [--sizes 10000000]
#   BENCH_RUNS=3        runs of sx and DuckDB, taken in turn; the best wall
#                       time of each counts
#   BENCH_PEERS_ALL=1   run jq and Miller on every size (default: on 1M events
#                       only, their events/s extrapolated to the larger sizes)
#   SX_BIN=build/bin    where the sx tools are
# Data: bench/out/events-<N>.ndjson, made by sx-gen once and reused. Results:
# the table on stdout, also kept in bench/out/expressions.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh
parse_sizes bench/expressions.sh 24 10000000 "$@"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

scripts/setup.sh --bench   # the peers (Miller, GNU time) from Debian packages
have jq || bench_need_debian jq
bin=${SX_BIN:-build/bin}
runs=${BENCH_RUNS:-3}
peers_all=${BENCH_PEERS_ALL:-0}
peer_base=1000000   # jq's and Miller's size unless BENCH_PEERS_ALL=1

need_tools bench/expressions.sh "$bin" sx-gen sx-read sx-map sx-sink sx-window
out=bench/out
mkdir -p "$out"

where='event_type = "purchase" AND value > 100'
jq_select='select(.event_type == "purchase" and .value > 100)'
# shellcheck disable=SC2016  # Miller's $fields, not the shell's
mlr_filter='$event_type == "purchase" && $value > 100'
pct_agg='percentile_approx(value, 0.95)'
# Does this sx-window build have percentile_approx? (helper work of issue 14)
pct_ok=1
pct_note=""
if ! "$bin/sx-window" --tumbling 5m --agg "$pct_agg" < /dev/null > /dev/null 2> "$tmp/pct.err"; then
  if grep -q "percentile_approx" "$tmp/pct.err"; then
    pct_ok=0
    pct_note="percentile: skipped, sx-window refuses --agg '$pct_agg': $(head -c 160 "$tmp/pct.err")..."
  fi
fi
[ "$pct_ok" = 1 ] && duckdb_setup   # node, npm, and DuckDB into bench/node_modules

declare -A secs events result rss_of label
declare -A peer_secs peer_rss peer_result   # jq and Miller by "engine n"

# interleave N RUNS KEY CMD [KEY CMD ...]: RUNS rounds of every CMD in turn
# (a slow spell of the machine hits every engine alike); keeps each one's best
# wall time, its peak RSS, and the first run's output ($tmp/out) as its result.
interleave() {
  local n=$1 r=$2 i j k
  shift 2
  local -a keys=() cmds=()
  while [ $# -gt 0 ]; do keys+=("$1"); cmds+=("$2"); shift 2; done
  for ((i = 0; i < r; i++)); do
    for j in "${!keys[@]}"; do
      k=${keys[$j]}
      measure "${cmds[$j]}"
      if [ -z "${secs[$k]:-}" ] || awk -v a="$wall" -v b="${secs[$k]}" 'BEGIN { exit !(a < b) }'; then
        secs[$k]=$wall
      fi
      rss_of[$k]=$(max_rss "${rss_of[$k]:-}" "$rss_list")
      events[$k]=$n
      if [ "$i" = 0 ]; then result[$k]=$(tr -d ' \n' < "$tmp/out" | sed 's/^rows=//'); fi
    done
  done
}

report=$tmp/report.txt
{
  echo "sx expressions benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  host_line
  echo "tools: $("$bin/sx-map" --version), $(jq --version), $(mlr --version)"
  echo "wall time: best of $runs runs (jq, Miller: 1 run); events/s = N / wall seconds;" \
    "RSS: peak per process, MB (a+b+c: each sx stage)"
} | tee "$report"

for n in "${sizes[@]}"; do
  file=$(events_file "$n" "$bin")
  bytes=$(stat -L -c %s "$file")
  peer_n=$n
  if [ "$peers_all" != 1 ] && [ "$n" -gt "$peer_base" ]; then peer_n=$peer_base; fi
  peer_file=$(events_file "$peer_n" "$bin")
  cat "$file" "$peer_file" > /dev/null  # into the page cache

  secs=()
  events=()
  result=()
  rss_of=()
  label=()
  label[filter/sx]="sx-read | sx-map --where"
  label[filter/pass]="sx-read | sx-sink (no filter)"
  interleave "$n" "$runs" \
    filter/sx "rss 1 '$bin/sx-read' '$file' | rss 2 '$bin/sx-map' --where '$where' \
      | { grep -vc '^{\"@sx\":' || true; } > '$tmp/out'" \
    filter/pass "rss 1 '$bin/sx-read' '$file' | rss 2 '$bin/sx-sink' | wc -l > '$tmp/out'"

  # jq and Miller: measured once per size, reused for larger sizes.
  for e in jq mlr; do
    label[filter/$e]=$([ "$e" = jq ] && echo "jq -c 'select(...)'" || echo "Miller filter")
    [ "$peer_n" != "$n" ] && label[filter/$e]+=" (on $peer_n, extrapolated)"
    if [ -z "${peer_secs[$e/$peer_n]:-}" ]; then
      if [ "$e" = jq ]; then
        measure "rss 1 jq -c '$jq_select' '$peer_file' | wc -l > '$tmp/out'"
      else
        measure "rss 1 mlr --ijson --ojsonl filter '$mlr_filter' '$peer_file' | wc -l > '$tmp/out'"
      fi
      peer_secs[$e/$peer_n]=$wall
      peer_rss[$e/$peer_n]=$rss_list
      peer_result[$e/$peer_n]=$(tr -d ' \n' < "$tmp/out")
    fi
    secs[filter/$e]=${peer_secs[$e/$peer_n]}
    events[filter/$e]=$peer_n
    rss_of[filter/$e]=${peer_rss[$e/$peer_n]}
    result[filter/$e]=${peer_result[$e/$peer_n]}
  done
  # The sx filter's count on the peers' file, to check the answers agree.
  if [ "$peer_n" != "$n" ] && [ -z "${peer_result[sx/$peer_n]:-}" ]; then
    peer_result[sx/$peer_n]=$("$bin/sx-read" "$peer_file" | "$bin/sx-map" --where "$where" \
      | "$bin/sx-sink" | wc -l)
  fi

  if [ "$pct_ok" = 1 ]; then
    label[percentile/sx]="sx-read | sx-window"
    label[percentile/duckdb1]="DuckDB threads=1"
    interleave "$n" "$runs" \
      percentile/sx "rss 1 '$bin/sx-read' --time-field timestamp --watermark 10m '$file' \
        | rss 2 '$bin/sx-window' --tumbling 5m --by event_type --agg '$pct_agg' \
        | rss 3 '$bin/sx-sink' | wc -l > '$tmp/out'" \
      percentile/duckdb1 "rss 1 node bench/duckdb_quantile.mjs 1 '$file' > '$tmp/out'"
  fi

  {
    echo
    echo "== $n events, $(awk -v b="$bytes" 'BEGIN { printf "%.0f MB", b / 1e6 }') ($file)"
    printf '%-11s %-46s %8s %9s  %-11s %9s\n' query engine seconds events/s "peak RSS MB" rows
    for k in filter/sx filter/pass filter/jq filter/mlr percentile/sx percentile/duckdb1; do
      [ -n "${secs[$k]:-}" ] || continue
      r=$(rate "$k")
      t=${secs[$k]}
      # Extrapolated: the time N events would take at the measured rate.
      [ "${events[$k]}" != "$n" ] && t=$(awk -v n="$n" -v r="$r" 'BEGIN { printf "~%.1f", n / r }')
      printf '%-11s %-46s %8s %9s  %-11s %9s\n' "${k%%/*}" "${label[$k]}" "$t" "$(fmt_rate "$r")" \
        "${rss_of[$k]}" "${result[$k]}"
    done
    echo "ratios (events/s over the other's; floors from issue 14):"
    echo "  filter: sx-map/passthrough $(ratio filter/sx filter/pass 0.8)," \
      "sx/jq $(ratio filter/sx filter/jq 20), sx/Miller $(ratio filter/sx filter/mlr 20)"
    if [ "$pct_ok" = 1 ]; then
      echo "  percentile: sx/DuckDB-1-thread $(ratio percentile/sx percentile/duckdb1 1.5)"
    fi
    # The engines must agree on the number of records kept (and of windows).
    sx_at_peer=${result[filter/sx]}
    [ "$peer_n" != "$n" ] && sx_at_peer=${peer_result[sx/$peer_n]}
    check="results: filter"
    if [ "${result[filter/jq]}" = "$sx_at_peer" ] && [ "${result[filter/mlr]}" = "$sx_at_peer" ]; then
      check+=" agree ($sx_at_peer records of $peer_n)"
    else
      check+=" DIFFER (on $peer_n: sx=$sx_at_peer jq=${result[filter/jq]} mlr=${result[filter/mlr]})"
    fi
    if [ "$pct_ok" = 1 ]; then
      if [ "${result[percentile/sx]}" = "${result[percentile/duckdb1]}" ]; then
        check+="; percentile agree (${result[percentile/sx]} windows x event types)"
      else
        check+="; percentile DIFFER (rows: sx=${result[percentile/sx]} duckdb=${result[percentile/duckdb1]})"
      fi
    fi
    echo "$check"
    if [ -n "$pct_note" ]; then echo "$pct_note"; fi
  } | tee -a "$report"
done
cp "$report" "$out/expressions.txt"
