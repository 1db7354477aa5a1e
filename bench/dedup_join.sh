#!/usr/bin/env bash
# Dedup and join benchmark: sx-dedup (drop the events whose event_id was seen
# before) and sx-join (add each event's user from a static CSV table) next to
# what a user would otherwise run on the same file, measured in the same run:
# DuckDB (through its Node API, threads=1 and its default of one thread per
# core), GNU datamash rmdup (dedup only) and Miller. Then whether sx-dedup's
# peak memory stays flat when a stream whose watermark keeps advancing is made
# 5x longer.
#
# Usage: bench/dedup_join.sh [--sizes 1000000,10000000]
#   BENCH_RUNS=3                runs of sx, DuckDB and datamash; the best wall time counts
#   BENCH_MLR_ALL=1             run Miller on every size (default: on 1M events only,
#                               its events/s extrapolated to the larger sizes)
#   BENCH_FLAT_EVENTS=2000000   the shorter stream of the memory check (the longer: 5x)
#   SX_BIN=build/bin            where the sx tools are
# Data: bench/out/events-<N>.ndjson, made by sx-gen once and reused;
# bench/out/users.csv (sx-gen --users-table, 1000 users); for datamash,
# bench/out/events-<N>.tsv, converted by jq once (not timed). DuckDB:
# @duckdb/node-api, installed with npm into bench/node_modules. Results: the
# tables on stdout, also kept in bench/out/dedup_join.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh
parse_sizes bench/dedup_join.sh 20 1000000,10000000 "$@"
flat_n=${BENCH_FLAT_EVENTS:-2000000}
need_size bench/dedup_join.sh "$flat_n"
tmp=$(mktemp -d)
# The sx tools' stderr (their summaries) goes to $tmp/err: shown if a command fails.
on_exit() {
  local status=$?
  if [ "$status" -ne 0 ] && [ -s "$tmp/err" ]; then cat "$tmp/err" >&2; fi
  rm -rf "$tmp"
}
trap on_exit EXIT

scripts/setup.sh --bench   # the peers (Miller, datamash, GNU time) from Debian packages
bin=${SX_BIN:-build/bin}
runs=${BENCH_RUNS:-3}
mlr_all=${BENCH_MLR_ALL:-0}
mlr_base=1000000   # Miller's size unless BENCH_MLR_ALL=1

need_tools bench/dedup_join.sh "$bin" sx-gen sx-read sx-sink sx-dedup sx-join
duckdb_setup   # node, npm, and DuckDB into bench/node_modules: see bench/lib.sh

out=bench/out
mkdir -p "$out"
cores=$(nproc)
users=$out/users.csv
if [ ! -s "$users" ]; then
  echo "generating $users ..." >&2
  "$bin/sx-gen" --events 0 --users 1000 --users-table "$users.tmp" > /dev/null
  mv "$users.tmp" "$users"
fi
# tsv_file NDJSON: the events as TSV for datamash (event_id first), made by jq
# once and remade when the NDJSON file is newer.
tsv_file() {
  local tsv=${1%.ndjson}.tsv
  if [ ! -s "$tsv" ] || [ "$1" -nt "$tsv" ]; then
    echo "converting $1 to $tsv for datamash (jq, not timed) ..." >&2
    jq -r '[.event_id, .timestamp, .user_id, .event_type, .value, .session_id] | @tsv' "$1" > "$tsv.tmp"
    mv "$tsv.tmp" "$tsv"
  fi
  echo "$tsv"
}

declare -A secs events rows rss_of label
declare -A mlr_secs mlr_rss mlr_rows   # Miller measurements by "query/n"
# run KEY N RUNS CMD COUNT: measures CMD (N events), keeps its numbers under
# KEY; COUNT, run once afterwards (untimed), prints the rows of the result.
run() {
  local key=$1 n=$2 r=$3 cmd=$4 count=$5
  best_of "$r" "$cmd"
  secs[$key]=$wall
  events[$key]=$n
  rss_of[$key]=$rss_list
  rows[$key]=$(eval "$count")
}
# total_rss KEY: the sum of a row's peak RSS list, MB.
total_rss() { awk -v l="${rss_of[$1]}" 'BEGIN { n = split(l, p, "+"); for (i = 1; i <= n; i++) s += p[i]; print s }'; }
sx_count() { echo "'$bin/sx-sink' | wc -l"; }   # the data records of an sx tool's output

report=$tmp/report.txt
{
  echo "sx dedup and join benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  host_line
  echo "tools: $("$bin/sx-dedup" --version), $("$bin/sx-join" --version)," \
    "$(node bench/duckdb_dedup_join.mjs --version), $(datamash --version | head -n 1), $(mlr --version)"
  echo "wall time: best of $runs runs (Miller: 1 run); events/s = N / wall seconds;" \
    "RSS: peak per process, MB (a+b: sx-read+sx-dedup or sx-join); rows: records written"
  echo "users: $users, $(($(wc -l < "$users") - 1)) users"
} | tee "$report"

for n in "${sizes[@]}"; do
  file=$(events_file "$n" "$bin")
  tsv=$(tsv_file "$file")
  bytes=$(stat -c %s "$file")
  mlr_n=$n
  if [ "$mlr_all" != 1 ] && [ "$n" -gt "$mlr_base" ]; then mlr_n=$mlr_base; fi
  mlr_file=$(events_file "$mlr_n" "$bin")
  cat "$file" "$tsv" "$mlr_file" > /dev/null  # into the page cache

  secs=()
  events=()
  rows=()
  rss_of=()
  label=()
  duckdb_rows="sed 's/^rows=//' '$tmp/out'"

  # Dedup by event_id: the first record of each event_id, in full.
  label[dedup/sx]="sx-dedup --key event_id FILE"
  run dedup/sx "$n" "$runs" "rss 1 '$bin/sx-dedup' --key event_id '$file' > /dev/null 2> '$tmp/err'" \
    "'$bin/sx-dedup' --key event_id '$file' 2> '$tmp/err' | $(sx_count)"
  label[dedup/sxr]="sx-read | sx-dedup --key event_id"
  run dedup/sxr "$n" "$runs" "rss 1 '$bin/sx-read' --time-field timestamp '$file' \
      | rss 2 '$bin/sx-dedup' --key event_id > /dev/null 2> '$tmp/err'" \
    "'$bin/sx-read' --time-field timestamp '$file' | '$bin/sx-dedup' --key event_id 2> '$tmp/err' \
      | $(sx_count)"
  label[dedup/duckdb1]="DuckDB threads=1"
  run dedup/duckdb1 "$n" "$runs" "rss 1 node bench/duckdb_dedup_join.mjs 1 '$file' dedup > '$tmp/out'" \
    "$duckdb_rows"
  label[dedup/duckdb]="DuckDB threads=default ($cores)"
  run dedup/duckdb "$n" "$runs" "rss 1 node bench/duckdb_dedup_join.mjs 0 '$file' dedup > '$tmp/out'" \
    "$duckdb_rows"
  label[dedup/datamash]="datamash rmdup 1 (TSV input)"
  run dedup/datamash "$n" "$runs" "rss 1 datamash rmdup 1 < '$tsv' > /dev/null" \
    "datamash rmdup 1 < '$tsv' | wc -l"

  # Join on user_id: every event with its user's name and tier.
  label[join/sx]="sx-join --static users.csv --on user_id FILE"
  run join/sx "$n" "$runs" "rss 1 '$bin/sx-join' --static '$users' --on user_id '$file' \
      > /dev/null 2> '$tmp/err'" \
    "'$bin/sx-join' --static '$users' --on user_id '$file' 2> '$tmp/err' | $(sx_count)"
  label[join/sxr]="sx-read | sx-join"
  run join/sxr "$n" "$runs" "rss 1 '$bin/sx-read' --time-field timestamp '$file' \
      | rss 2 '$bin/sx-join' --static '$users' --on user_id > /dev/null 2> '$tmp/err'" \
    "'$bin/sx-read' --time-field timestamp '$file' \
      | '$bin/sx-join' --static '$users' --on user_id 2> '$tmp/err' | $(sx_count)"
  label[join/duckdb1]="DuckDB threads=1"
  run join/duckdb1 "$n" "$runs" \
    "rss 1 node bench/duckdb_dedup_join.mjs 1 '$file' join '$users' > '$tmp/out'" "$duckdb_rows"
  label[join/duckdb]="DuckDB threads=default ($cores)"
  run join/duckdb "$n" "$runs" \
    "rss 1 node bench/duckdb_dedup_join.mjs 0 '$file' join '$users' > '$tmp/out'" "$duckdb_rows"

  # Miller: measured once per query and size, reused for larger sizes; its
  # output is counted by wc -l in the timed pipeline.
  for q in dedup join; do
    label[$q/mlr]="Miller"
    [ "$mlr_n" != "$n" ] && label[$q/mlr]="Miller (on $mlr_n, extrapolated)"
    if [ -z "${mlr_secs[$q/$mlr_n]:-}" ]; then
      if [ "$q" = dedup ]; then
        mlr_cmd="mlr --ijson --ojsonl head -n 1 -g event_id '$mlr_file'"
      else
        mlr_cmd="mlr --ijson --ojsonl join -j user_id -i csv -f '$users' '$mlr_file'"
      fi
      run "$q/mlr" "$mlr_n" 1 "rss 1 $mlr_cmd | wc -l > '$tmp/out'" "cat '$tmp/out'"
      mlr_secs[$q/$mlr_n]=${secs[$q/mlr]}
      mlr_rss[$q/$mlr_n]=${rss_of[$q/mlr]}
      mlr_rows[$q/$mlr_n]=${rows[$q/mlr]}
    fi
    secs[$q/mlr]=${mlr_secs[$q/$mlr_n]}
    events[$q/mlr]=$mlr_n
    rss_of[$q/mlr]=${mlr_rss[$q/$mlr_n]}
    rows[$q/mlr]=${mlr_rows[$q/$mlr_n]}
  done

  {
    echo
    echo "== $n events, $(awk -v b="$bytes" 'BEGIN { printf "%.0f MB", b / 1e6 }') ($file)"
    printf '%-6s %-45s %8s %9s  %-11s %9s\n' query engine seconds events/s "peak RSS MB" rows
    for k in dedup/sx dedup/sxr dedup/duckdb1 dedup/duckdb dedup/datamash dedup/mlr \
      join/sx join/sxr join/duckdb1 join/duckdb join/mlr; do
      r=$(rate "$k")
      t=${secs[$k]}
      # Extrapolated: the time N events would take at the measured rate.
      [ "${events[$k]}" != "$n" ] && t=$(awk -v n="$n" -v r="$r" 'BEGIN { printf "~%.1f", n / r }')
      printf '%-6s %-45s %8s %9s  %-11s %9s\n' "${k%%/*}" "${label[$k]}" "$t" "$(fmt_rate "$r")" \
        "${rss_of[$k]}" "${rows[$k]}"
    done
    echo "ratios (events/s of sx-dedup or sx-join over the other's; floors from the goals):"
    for q in dedup join; do
      tool=sx-$q
      line="  $q: $tool/DuckDB-1-thread $(ratio "$q/sx" "$q/duckdb1" 3),"
      line+=" $tool/DuckDB-default $(ratio "$q/sx" "$q/duckdb"),"
      [ "$q" = dedup ] && line+=" $tool/datamash $(ratio "$q/sx" "$q/datamash" 1),"
      line+=" $tool/Miller $(ratio "$q/sx" "$q/mlr" 20);"
      line+=" sx-read|$tool/DuckDB-1-thread $(ratio "$q/sxr" "$q/duckdb1")"
      echo "$line"
    done
    # Memory: sx-dedup against the leaner of DuckDB's two runs, and per key.
    awk -v sx="$(total_rss dedup/sx)" -v d1="$(total_rss dedup/duckdb1)" -v d="$(total_rss dedup/duckdb)" \
      -v keys="${rows[dedup/sx]}" 'BEGIN {
      db = (d1 < d ? d1 : d); x = sx / db
      printf "  dedup memory: sx-dedup %d MB = %.2fx DuckDB'\''s %d MB (floor < 0.33: %s);", sx, x, db,
        (x < 1 / 3 ? "ok" : "ABOVE")
      printf " %.0f bytes of peak RSS per distinct key (%d keys)\n", sx * 1048576 / keys, keys }'
    # The engines must write the same number of rows: N minus the duplicates
    # for dedup, N for the join (every user_id is in the table).
    check="results:"
    for q in dedup join; do
      bad=""
      for k in "${!rows[@]}"; do
        if [[ $k != "$q"/* ]] || [ "${events[$k]}" != "$n" ]; then continue; fi
        [ "${rows[$k]}" = "${rows[$q/sx]}" ] || bad+=" ${k#*/}=${rows[$k]}"
      done
      if [ "$q" = join ] && [ "${rows[$q/sx]}" != "$n" ]; then bad+=" (expected $n)"; fi
      if [ -n "$bad" ]; then
        check+=" $q rows DIFFER (sx=${rows[$q/sx]}$bad);"
      elif [ "$q" = dedup ]; then
        kept=${rows[$q/sx]}
        check+=" dedup rows agree ($kept = N - $((n - kept)) duplicates);"
      else
        check+=" join rows agree (${rows[$q/sx]} = N);"
      fi
    done
    echo "${check%;}"
    [ "$mlr_n" != "$n" ] && echo "  (Miller's rows are those of its $mlr_n-event run: ${rows[dedup/mlr]} and ${rows[join/mlr]})"
    echo "  (datamash reads the TSV conversion, $(awk -v b="$(stat -c %s "$tsv")" 'BEGIN { printf "%.0f MB", b / 1e6 }'); its time excludes the conversion)"
  } | tee -a "$report"
done

# State is bounded by the watermark: read as a stream (stdin: an epoch every
# 100000 records, each followed by a watermark 1h behind the latest event),
# sx-dedup forgets keys the watermark has passed, so its peak memory should not
# grow when the stream is 5x longer (the same data, its first flat_n lines).
long_n=$((flat_n * 5))
long_file=$(events_file "$long_n" "$bin")
short_file=$tmp/prefix.ndjson
head -n "$flat_n" "$long_file" > "$short_file"
{
  echo
  echo "state: sx-dedup peak RSS as the stream grows 5x (sx-read --watermark 1h < FILE, an epoch per 100000 events)"
  printf '  %-36s %16s %16s %7s  %s\n' "sx-dedup" "$flat_n events" "$long_n events" growth "verdict (flat: <= +25%)"
  for args in "--key event_id,timestamp" "--within-watermark --key event_id"; do
    mb=()
    for f in "$short_file" "$long_file"; do
      measure "'$bin/sx-read' --time-field timestamp --watermark 1h < '$f' \
        | rss 1 '$bin/sx-dedup' $args > /dev/null 2> '$tmp/err'"
      mb+=("$(awk '{ printf "%.1f", $1 / 1024 }' "$tmp/rss.1")")
    done
    awk -v a="$args" -v s="${mb[0]}" -v l="${mb[1]}" 'BEGIN {
      g = (l / s - 1) * 100
      printf "  %-36s %13.1f MB %13.1f MB %+6.0f%%  %s\n", a, s, l, g, (g <= 25 ? "flat" : "GROWS") }'
  done
} | tee -a "$report"
cp "$report" "$out/dedup_join.txt"
