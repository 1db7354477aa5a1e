#!/usr/bin/env bash
# Database sink benchmark (issue 15), same run, same rows (sx-gen events):
#   sqlite_append  sx-sink --db sqlite:F --table t (append, one epoch: one
#                  transaction; WAL, synchronous=FULL) of N rows, from a file
#                  of the sx stream (sx-read's output, made once)
#   sqlite3_import the sqlite3 shell's `.import --csv` of the same rows as CSV
#                  (target: sx >= 0.8x its rows/s)
#   sqlite_update  sx-sink --mode update --key event_id into a table that
#                  already holds the N rows: N upserts that each replace a row
#                  (upserts/s), epochs of 100000 rows
# PostgreSQL (against psql \copy) comes with the PostgreSQL sink.
# Usage: bench/db.sh [--sizes 1000000]; BENCH_RUNS=3 runs each, the best
# counts. Results on stdout and in bench/out/db.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh
parse_sizes bench/db.sh 14 1000000 "$@"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

scripts/setup.sh --bench
bin=${SX_BIN:-build/bin}
runs=${BENCH_RUNS:-3}
need_tools bench/db.sh "$bin" sx-gen sx-read sx-sink
out=bench/out
mkdir -p "$out"

declare -A secs events rss
run() {  # run KEY N SETUP CMD: SETUP then CMD, best of $runs
  local i best="" peak=""
  for ((i = 0; i < runs; i++)); do
    eval "$3"
    measure "$4"
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
    peak=$(max_rss "$peak" "$rss_list")
  done
  secs[$1]=$best
  events[$1]=$2
  rss[$1]=$peak
}

{
  echo "# bench/db.sh, $(date -u +%Y-%m-%dT%H:%MZ), sx $(git rev-parse --short HEAD)"
  host_line
  echo "peers: sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
} > "$tmp/report"

for n in "${sizes[@]}"; do
  "$bin/sx-gen" --events "$n" --seed 1 | "$bin/sx-read" --time-field timestamp > "$tmp/rows.sx"
  "$bin/sx-sink" --format csv < "$tmp/rows.sx" > "$tmp/rows.csv"
  # The update input: the same rows with new values, in epochs of 100000.
  "$bin/sx-gen" --events "$n" --seed 2 | sed 's/"value":/"value":1/' \
    | "$bin/sx-read" --time-field timestamp --max-records-per-trigger 100000 > "$tmp/update.sx"
  db=$tmp/t.db
  run sqlite_append "$n" "rm -f $db $db-wal $db-shm" \
    "rss 1 $bin/sx-sink --db sqlite:$db --table t < $tmp/rows.sx"
  [ "$(sqlite3 "$db" 'SELECT COUNT(*) FROM t')" = "$n" ] || { echo "sx: not $n rows" >&2; exit 1; }
  run sqlite3_import "$n" "rm -f $db $db-wal $db-shm" \
    "rss 1 sqlite3 $db '.import --csv $tmp/rows.csv t'"
  [ "$(sqlite3 "$db" 'SELECT COUNT(*) FROM t')" = "$n" ] || { echo "sqlite3: not $n rows" >&2; exit 1; }
  run sqlite_update "$n" \
    "rm -f $db $db-wal $db-shm; $bin/sx-sink --db sqlite:$db --table t --mode update --key event_id < $tmp/rows.sx" \
    "rss 1 $bin/sx-sink --db sqlite:$db --table t --mode update --key event_id < $tmp/update.sx"
  [ "$(sqlite3 "$db" 'SELECT COUNT(*) FROM t')" = "$n" ] || { echo "update: not $n rows" >&2; exit 1; }
  {
    echo
    echo "## $n rows (best of $runs)"
    printf '%-24s %8s %10s %12s\n' "run" "wall s" "rows/s" "peak RSS MB"
    for k in sqlite_append sqlite3_import sqlite_update; do
      printf '%-24s %8s %10s %12s\n' "$k" "${secs[$k]}" "$(fmt_rate "$(rate "$k")")" "${rss[$k]}"
    done
    echo
    echo "SQLite append, sx / sqlite3 .import:  $(ratio sqlite_append sqlite3_import 0.8)"
    echo "SQLite update-mode upserts/s:         $(fmt_rate "$(rate sqlite_update)")"
  } >> "$tmp/report"
done
cp "$tmp/report" "$out/db.txt"
cat "$tmp/report"
