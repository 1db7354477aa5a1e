#!/usr/bin/env bash
# Window benchmark: three windowed aggregations over an event stream, run by
# sx (sx-read | sx-window, append mode) next to what a user would otherwise
# run on the same file, measured in the same run: DuckDB (through its Node
# API, threads=1 and its default of one thread per core) and Miller.
#   tumbling  5m windows by event_type: count, sum(value), avg(value)
#   sliding   10m windows sliding by 5m, the same aggregates
#   sessions  session windows with a 30m gap by user_id, the same aggregates
#
# Usage: bench/window.sh [--sizes 1000000,10000000]
#   BENCH_RUNS=3        runs of sx and DuckDB, taken in turn; the best wall
#                       time of each counts
#   BENCH_MLR_ALL=1     run Miller on every size (default: on 1M events only,
#                       its events/s extrapolated to the larger sizes)
#   SX_BIN=build/bin    where the sx tools are
# Data: bench/out/events-<N>.ndjson, made by sx-gen once and reused. DuckDB:
# @duckdb/node-api, installed with npm into bench/node_modules. Results: the
# table on stdout, also kept in bench/out/window.txt.
# The Miller programs below are arrays, used as "mlr_${q}[@]"; their $fields
# and commas are Miller's:
# shellcheck disable=SC2016,SC2034,SC2054
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh
parse_sizes bench/window.sh 17 1000000,10000000 "$@"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

scripts/setup.sh --bench   # the peers (Miller, GNU time) from Debian packages
bin=${SX_BIN:-build/bin}
runs=${BENCH_RUNS:-3}
mlr_all=${BENCH_MLR_ALL:-0}
mlr_base=1000000   # Miller's size unless BENCH_MLR_ALL=1

need_tools bench/window.sh "$bin" sx-gen sx-read sx-sink sx-window
duckdb_setup   # node, npm, and DuckDB into bench/node_modules: see bench/lib.sh

out=bench/out
mkdir -p "$out"
cores=$(nproc)

# The sx pipelines: sx-read FILE | sx-window WINDOW --by KEY --agg ...
aggs="--agg count --agg 'sum(value)' --agg 'avg(value)'"
declare -A sx_window=(
  [tumbling]="--tumbling 5m --by event_type $aggs"
  [sliding]="--window 10m --slide 5m --by event_type $aggs"
  [sessions]="--session 30m --by user_id $aggs"
)
# The Miller pipelines (mlr --ijson --ojsonl), same output fields as sx-window.
# Tumbling and sliding: the window start from the parsed timestamp, then
# stats1 by window and event_type (sliding: each event emitted once per window).
# Sessions: sort by user and time, then one pass that closes a session at a
# gap of 30 minutes or more.
ts='strptime($timestamp, "%Y-%m-%dT%H:%M:%SZ")'
rename=('then' rename value_count,count,value_sum,sum_value,value_mean,avg_value)
mlr_tumbling=(--ijson --ojsonl
  put "t = $ts; \$window_start = t - t % 300"
  'then' stats1 -a count,sum,mean -f value -g window_start,event_type
  'then' put '$window_end = sec2gmt($window_start + 300); $window_start = sec2gmt($window_start)'
  'then' reorder -f window_start,window_end "${rename[@]}")
mlr_sliding=(--ijson --ojsonl
  put -q "t = $ts; b = t - t % 300;
    emit1 {\"window_start\": b, \"event_type\": \$event_type, \"value\": \$value};
    emit1 {\"window_start\": b - 300, \"event_type\": \$event_type, \"value\": \$value}"
  'then' stats1 -a count,sum,mean -f value -g window_start,event_type
  'then' put '$window_end = sec2gmt($window_start + 600); $window_start = sec2gmt($window_start)'
  'then' reorder -f window_start,window_end "${rename[@]}")
mlr_sessions=(--ijson --ojsonl
  put "\$t = $ts"
  'then' sort -nf user_id -nf t
  'then' put -q 'func session(map s, num last): map {
      return {"window_start": sec2gmt(s["start"], 6), "window_end": sec2gmt(last + 1800, 6),
              "user_id": s["user_id"], "count": s["count"], "sum_value": s["sum"],
              "avg_value": s["sum"] / s["count"]}
    }
    if (is_absent(@user) || $user_id != @user || $t - @last >= 1800) {
      if (!is_absent(@user)) { emit1 session(@s, @last) }
      @s = {"user_id": $user_id, "start": $t, "count": 0, "sum": 0};
    }
    @user = $user_id; @last = $t; @s["count"] += 1; @s["sum"] += $value;
    end { if (!is_absent(@user)) { emit1 session(@s, @last) } }')
# Miller's sort keeps every record: about 4.5 GB per million events.
mlr_sessions_gb_per_m=4.5

# The result of the last command, "ROWS COUNT": windows written and the sum
# of their count field (for sx: the data records, through sx-sink).
summary() {
  case $1 in
    sx) "$bin/sx-sink" < "$tmp/out" | jq -n -r '[inputs | .count] | "\(length) \(add // 0)"' ;;
    duckdb) sed -E 's/rows=([0-9]+) count=([0-9]+)/\1 \2/' "$tmp/out" ;;
    mlr) jq -n -r '[inputs | .count] | "\(length) \(add // 0)"' "$tmp/out" ;;
  esac
}
rm -f "$tmp/out"

declare -A secs events result rss_of label
declare -A mlr_secs mlr_rss mlr_result   # Miller measurements by "query n"
# run KEY ENGINE N RUNS CMD: measures CMD (N events), keeps its numbers under KEY.
run() {
  local key=$1 engine=$2 n=$3 r=$4 cmd=$5
  best_of "$r" "$cmd"
  secs[$key]=$wall
  events[$key]=$n
  rss_of[$key]=$rss_list
  result[$key]=$(summary "$engine")
}

# interleave Q N RUNS ENGINE CMD [ENGINE CMD ...]: RUNS rounds of every CMD in
# turn, so that a slow spell of the machine (a VM's speed drifts by a third
# from minute to minute) hits every engine alike; keeps each one's best wall
# time under Q/ENGINE. ENGINE duckdb1 is summarised as duckdb.
interleave() {
  local q=$1 n=$2 r=$3 i j k
  shift 3
  local -a engines=() cmds=()
  while [ $# -gt 0 ]; do engines+=("$1"); cmds+=("$2"); shift 2; done
  for ((i = 0; i < r; i++)); do
    for j in "${!engines[@]}"; do
      k=$q/${engines[$j]}
      measure "${cmds[$j]}"
      if [ -z "${secs[$k]:-}" ] || awk -v a="$wall" -v b="${secs[$k]}" 'BEGIN { exit !(a < b) }'; then
        secs[$k]=$wall
      fi
      rss_of[$k]=$(max_rss "${rss_of[$k]:-}" "$rss_list")
      events[$k]=$n
      if [ "$i" = 0 ]; then result[$k]=$(summary "${engines[$j]%1}"); fi
    done
  done
}

report=$tmp/report.txt
{
  echo "sx window benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  host_line
  echo "tools: $("$bin/sx-window" --version), $(node bench/duckdb_query.mjs --version)," \
    "$(mlr --version)"
  echo "wall time: best of $runs runs (Miller: 1 run); events/s = N / wall seconds;" \
    "RSS: peak per process, MB (a+b: sx-read+sx-window)"
} | tee "$report"

for n in "${sizes[@]}"; do
  file=$(events_file "$n" "$bin")
  bytes=$(stat -c %s "$file")
  mlr_n=$n
  if [ "$mlr_all" != 1 ] && [ "$n" -gt "$mlr_base" ]; then mlr_n=$mlr_base; fi
  mlr_file=$(events_file "$mlr_n" "$bin")
  cat "$file" "$mlr_file" > /dev/null  # into the page cache

  secs=()
  events=()
  result=()
  rss_of=()
  label=()
  for q in tumbling sliding sessions; do
    label[$q/sx]="sx-read | sx-window"
    label[$q/duckdb1]="DuckDB threads=1"
    label[$q/duckdb]="DuckDB threads=default ($cores)"
    interleave "$q" "$n" "$runs" \
      sx "rss 1 '$bin/sx-read' --time-field timestamp --watermark 10m '$file' \
        | rss 2 '$bin/sx-window' ${sx_window[$q]} > '$tmp/out'" \
      duckdb1 "rss 1 node bench/duckdb_query.mjs 1 '$file' $q > '$tmp/out'" \
      duckdb "rss 1 node bench/duckdb_query.mjs 0 '$file' $q > '$tmp/out'"

    # Miller: measured once per query and size, reused for larger sizes.
    label[$q/mlr]="Miller"
    [ "$mlr_n" != "$n" ] && label[$q/mlr]="Miller (on $mlr_n, extrapolated)"
    if [ -z "${mlr_secs[$q/$mlr_n]:-}" ]; then
      need=$(awk -v n="$mlr_n" -v g="$mlr_sessions_gb_per_m" 'BEGIN { printf "%.0f", n / 1e6 * g }')
      avail=$(awk '/MemAvailable/ { printf "%.0f", $2 / 1048576 * 0.8 }' /proc/meminfo)
      if [ "$q" = sessions ] && [ "$need" -gt "$avail" ]; then
        mlr_secs[$q/$mlr_n]=skip
        mlr_result[$q/$mlr_n]="skipped: needs about $need GB of memory"
      else
        mlr_args="mlr_${q}[@]"
        run "$q/mlr" mlr "$mlr_n" 1 "rss 1 mlr \"\${$mlr_args}\" '$mlr_file' > '$tmp/out'"
        mlr_secs[$q/$mlr_n]=${secs[$q/mlr]}
        mlr_rss[$q/$mlr_n]=${rss_of[$q/mlr]}
        mlr_result[$q/$mlr_n]=${result[$q/mlr]}
      fi
    fi
    if [ "${mlr_secs[$q/$mlr_n]}" != skip ]; then
      secs[$q/mlr]=${mlr_secs[$q/$mlr_n]}
      events[$q/mlr]=$mlr_n
      rss_of[$q/mlr]=${mlr_rss[$q/$mlr_n]}
      result[$q/mlr]=${mlr_result[$q/$mlr_n]}
    fi
  done

  {
    echo
    echo "== $n events, $(awk -v b="$bytes" 'BEGIN { printf "%.0f MB", b / 1e6 }') ($file)"
    printf '%-9s %-34s %8s %9s  %-11s %7s %9s\n' query engine seconds events/s "peak RSS MB" windows count
    for q in tumbling sliding sessions; do
      for e in sx duckdb1 duckdb mlr; do
        k=$q/$e
        if [ -z "${secs[$k]:-}" ]; then
          printf '%-9s %-34s %s\n' "$q" "${label[$k]}" "${mlr_result[$q/$mlr_n]}"
          continue
        fi
        r=$(rate "$k")
        t=${secs[$k]}
        # Extrapolated: the time N events would take at the measured rate.
        [ "${events[$k]}" != "$n" ] && t=$(awk -v n="$n" -v r="$r" 'BEGIN { printf "~%.1f", n / r }')
        read -r rows count <<< "${result[$k]}"
        printf '%-9s %-34s %8s %9s  %-11s %7s %9s\n' "$q" "${label[$k]}" "$t" "$(fmt_rate "$r")" \
          "${rss_of[$k]}" "$rows" "$count"
      done
    done
    echo "ratios (sx events/s over the other's; floors from the sx-window goals):"
    for q in tumbling sliding sessions; do
      f1="" f2="" mem=""
      if [ "$q" != sessions ]; then f1=1.5 f2=0.8; fi
      if [ "$q" = tumbling ]; then
        mem=$(awk -v l="${rss_of[$q/sx]}" 'BEGIN { n = split(l, p, "+"); for (i = 1; i <= n; i++) s += p[i]
          printf "; sx peak RSS %s = %d MB (floor < 50: %s)", l, s, (s < 50 ? "ok" : "ABOVE") }')
      fi
      echo "  $q: sx/DuckDB-1-thread $(ratio "$q/sx" "$q/duckdb1" "$f1")," \
        "sx/DuckDB-default $(ratio "$q/sx" "$q/duckdb" "$f2"), sx/Miller $(ratio "$q/sx" "$q/mlr" 20)$mem"
    done
    # The engines must agree on the number of windows and events counted.
    check="results:"
    for q in tumbling sliding sessions; do
      bad=""
      for e in duckdb1 duckdb mlr; do
        if [ -z "${result[$q/$e]:-}" ] || [ "${events[$q/$e]}" != "$n" ]; then continue; fi
        [ "${result[$q/$e]}" = "${result[$q/sx]}" ] || bad+=" $e=${result[$q/$e]// //}"
      done
      if [ -z "$bad" ]; then
        check+=" $q agree (${result[$q/sx]// / windows, count });"
      else
        check+=" $q DIFFER (windows/count: sx=${result[$q/sx]// //}$bad);"
      fi
    done
    echo "${check%;}"
  } | tee -a "$report"
done

# State is bounded by the watermark: read as a stream (stdin: an epoch every
# 100000 records, so windows keep closing), sx-window's peak memory does not
# grow with the number of events.
{
  echo
  echo "state: sx-window peak RSS when windows keep closing (stdin, an epoch per 100000 events)"
  for n in "${sizes[@]}"; do
    file=$(events_file "$n" "$bin")
    line="  $n events:"
    for q in tumbling sessions; do
      spec=(--tumbling 5m --by event_type)
      [ "$q" = sessions ] && spec=(--session 30m --by user_id)
      "$bin/sx-read" --time-field timestamp --watermark 10m < "$file" \
        | /usr/bin/time -f %M -o "$tmp/state.rss" "$bin/sx-window" "${spec[@]}" --agg count \
            --agg 'sum(value)' --agg 'avg(value)' > /dev/null
      line+=" $q $(awk '{ printf "%.1f MB", $1 / 1024 }' "$tmp/state.rss");"
    done
    echo "${line%;}"
  done
} | tee -a "$report"
cp "$report" "$out/window.txt"
