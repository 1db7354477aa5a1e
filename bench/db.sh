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
#   pg_append      sx-sink --db postgresql://... (append, one transaction:
#                  COPY) into a server started by tests/helpers/pg_server.sh
#   psql_copy      psql's \copy of the same rows as CSV (target: sx >= 0.7x)
#   pg_update      as sqlite_update, into PostgreSQL (a staging table, then
#                  INSERT ... ON CONFLICT), epochs of 100000
# Usage: bench/db.sh [--sizes 1000000]; BENCH_RUNS=3 runs each, the best
# counts. Results on stdout and in bench/out/db.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh
parse_sizes bench/db.sh 19 1000000 "$@"
tmp=$(mktemp -d)
pg=$(mktemp -u /tmp/sx-pg-bench.XXXXXX)
trap 'tests/helpers/pg_server.sh stop "$pg"; rm -rf "$tmp"' EXIT

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
  echo "peers: sqlite3 $(sqlite3 --version | cut -d' ' -f1), $(psql --version)"
} > "$tmp/report"
tests/helpers/pg_server.sh start "$pg"
pgurl="postgresql://postgres@/postgres?host=$pg"
pgq() { psql "$pgurl" -XAtq -c "$1"; }

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
  cols="event_id TEXT, timestamp TIMESTAMPTZ, user_id BIGINT, event_type TEXT, value DOUBLE PRECISION, session_id TEXT"
  run pg_append "$n" "pgq 'DROP TABLE IF EXISTS t'" \
    "rss 1 $bin/sx-sink --db '$pgurl' --table t < $tmp/rows.sx"
  [ "$(pgq 'SELECT COUNT(*) FROM t')" = "$n" ] || { echo "sx: not $n rows in PostgreSQL" >&2; exit 1; }
  run psql_copy "$n" "pgq 'DROP TABLE IF EXISTS t'; pgq 'CREATE TABLE t ($cols)'" \
    "rss 1 psql '$pgurl' -Xq -c '\\copy t FROM $tmp/rows.csv WITH (FORMAT csv, HEADER)'"
  [ "$(pgq 'SELECT COUNT(*) FROM t')" = "$n" ] || { echo "psql: not $n rows" >&2; exit 1; }
  run pg_update "$n" \
    "pgq 'DROP TABLE IF EXISTS t'; $bin/sx-sink --db '$pgurl' --table t --mode update --key event_id < $tmp/rows.sx" \
    "rss 1 $bin/sx-sink --db '$pgurl' --table t --mode update --key event_id < $tmp/update.sx"
  [ "$(pgq 'SELECT COUNT(*) FROM t')" = "$n" ] || { echo "pg update: not $n rows" >&2; exit 1; }
  {
    echo
    echo "## $n rows (best of $runs)"
    printf '%-24s %8s %10s %12s\n' "run" "wall s" "rows/s" "peak RSS MB"
    for k in sqlite_append sqlite3_import sqlite_update pg_append psql_copy pg_update; do
      printf '%-24s %8s %10s %12s\n' "$k" "${secs[$k]}" "$(fmt_rate "$(rate "$k")")" "${rss[$k]}"
    done
    echo
    echo "SQLite append, sx / sqlite3 .import:  $(ratio sqlite_append sqlite3_import 0.8)"
    echo "SQLite update-mode upserts/s:         $(fmt_rate "$(rate sqlite_update)")"
    echo "PostgreSQL append, sx / psql \\copy:    $(ratio pg_append psql_copy 0.7)"
    echo "PostgreSQL update-mode upserts/s:     $(fmt_rate "$(rate pg_update)")"
  } >> "$tmp/report"
done
cp "$tmp/report" "$out/db.txt"
cat "$tmp/report"
