#!/usr/bin/env bash
# Issue 15: sx-sink --db postgresql://... against a real PostgreSQL server
# (Debian's postgresql package), started here in a temporary directory on a
# Unix socket only (initdb and pg_ctl, as the postgres user when run as root:
# the server refuses root), and always stopped at the end.
#  * append, update and complete into tables, over incremental available-now
#    runs: the tables equal what one batch would hold;
#  * a value of the wrong kind, and a row the table refuses (NOT NULL): the
#    sink stops naming the record, the epoch's transaction is rolled back;
#    the password of the URL is in no message and no checkpoint file;
#  * the crash test of tests/scenario/lib/db_crash.sh (20+ kill -9 and the
#    fault points around the commit);
#  * the server restarted in the middle of a run: the sink connects again and
#    the table ends equal to the failure-free one;
#  * no server: retried for --db-timeout, then a clear error.
source "$(dirname "$0")/common.sh" "$1"
source "$ROOT/tests/scenario/lib/db_crash.sh"
command -v psql > /dev/null || fail "psql is needed to read the tables"

# The server (tests/helpers/pg_server.sh), always stopped at the end.
pg=$(mktemp -u /tmp/sx-pg.XXXXXX)
server() { "$ROOT/tests/helpers/pg_server.sh" "$@" "$pg"; }
trap 'server stop; cleanup' EXIT
server start
base="postgresql://postgres:s3cret@/postgres?host=$pg"
q() { psql "$base" -XAtq -c "$1"; }
url() { echo "postgresql://postgres:s3cret@/$1?host=$pg"; }

# ---- modes, incremental runs ----
mkdir data
cat > a.ndjson <<'DATA'
{"ts":"2024-01-01T00:00:10Z","user":"a","n":1}
{"ts":"2024-01-01T00:00:20Z","user":"b","n":2}
DATA
cat > b.ndjson <<'DATA'
{"ts":"2024-01-01T00:00:30Z","user":"a","n":3}
{"ts":"2024-01-01T00:01:05Z","user":"c","n":4}
DATA
u=$(url postgres)
pipeline() {  # pipeline MODE TABLE: one available-now run over data/
  case $1 in
    append) sx-read --time-field ts --trigger available-now --checkpoint "ck-$2" data/ \
      | sx-sink --checkpoint "ck-$2" --db "$u" --table "$2" ;;
    update) sx-read --time-field ts --trigger available-now --checkpoint "ck-$2" data/ \
      | sx-window --checkpoint "ck-$2" --tumbling 1m --by user --agg count --agg 'sum(n) as total' \
          --mode update \
      | sx-sink --checkpoint "ck-$2" --db "$u" --table "$2" --mode update ;;
    complete) sx-read --time-field ts --trigger available-now --checkpoint "ck-$2" data/ \
      | sx-window --checkpoint "ck-$2" --by user --agg count --mode complete \
      | sx-sink --checkpoint "ck-$2" --db "$u" --table "$2" --mode complete ;;
  esac
}
cp a.ndjson data/
for m in append update complete; do pipeline $m "t_$m"; done
cp b.ndjson data/
for m in append update complete; do pipeline $m "t_$m"; pipeline $m "t_$m"; done
expect_eq "$(q "SELECT string_agg(to_char(ts AT TIME ZONE 'UTC', 'HH24:MI:SS') || ' ' || \"user\" || ' ' || n, ', ' ORDER BY ts) FROM t_append")" \
  "00:00:10 a 1, 00:00:20 b 2, 00:00:30 a 3, 00:01:05 c 4" "append: the rows, each once"
expect_eq "$(q "SELECT string_agg(to_char(window_start AT TIME ZONE 'UTC', 'HH24:MI') || ' ' || \"user\" || ' ' || count || ' ' || total, ', ' ORDER BY window_start, \"user\") FROM t_update")" \
  "00:00 a 2 4, 00:00 b 1 2, 00:01 c 1 4" "update: a's row of 00:00 upserted (1 -> 2), not added"
expect_eq "$(q "SELECT string_agg(\"user\" || '=' || count, ' ' ORDER BY \"user\") FROM t_complete")" \
  "a=2 b=1 c=1" "complete: the last epoch's table"
expect_eq "$(q "SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 't_update'")" \
  "window_start timestamp with time zone, window_end timestamp with time zone, user text, count bigint, total bigint" \
  "update: the table's types from the values"
expect_eq "$(q "SELECT count(*) FROM sx_commits")" 3 "one sx_commits row per pipeline and table"

# ---- refusals: rolled back, named, no password shown ----
q "CREATE TABLE strict (ts TIMESTAMPTZ, \"user\" TEXT NOT NULL, n BIGINT)"
q "INSERT INTO strict VALUES ('2020-01-01T00:00:00Z', 'z', 0)"
printf '%s\n' '{"ts":"2024-01-01T00:00:10Z","user":"a","n":1}' '{"ts":"2024-01-01T00:00:20Z","user":"b","n":"two"}' > bad1.ndjson
printf '%s\n' '{"ts":"2024-01-01T00:00:10Z","user":"a","n":1}' '{"ts":"2024-01-01T00:00:20Z","user":null,"n":2}' > bad2.ndjson
if sx-read --time-field ts --checkpoint ck-bad bad1.ndjson | sx-sink --checkpoint ck-bad --db "$u" --table strict 2> err1.txt; then
  fail "a string for a bigint column was written"
fi
grep -qF 'sx-sink: error: stdin:3: field "n" is a string but column n of postgresql database postgres on socket' err1.txt \
  || fail "the wrong kind's message: $(cat err1.txt)"
if sx-read --time-field ts bad2.ndjson | sx-sink --db "$u" --table strict 2> err2.txt; then
  fail "a null for a NOT NULL column was written"
fi
grep -qE '^sx-sink: error: stdin:3: postgresql database postgres on socket .* table strict refused the epoch \(copying the epoch.s rows; its transaction is rolled back\): null value in column "user" of relation "strict" violates not-null constraint \(Failing row contains' err2.txt \
  || fail "the refused row's message: $(cat err2.txt)"
expect_eq "$(q "SELECT count(*) FROM strict")" 1 "the refused epochs rolled back"
if grep -rqF s3cret err1.txt err2.txt ck-bad ck-t_update; then fail "the password shows"; fi
sx-sink --db "postgresql://postgres:s3cret@/nosuchdb?host=$pg" --table t < a.ndjson 2> err3.txt && fail "no such database"
grep -qF 'postgres:***@/nosuchdb' err3.txt || fail "the connection error: $(cat err3.txt)"
if grep -qF s3cret err3.txt; then fail "the password shows in a connection error"; fi

# ---- kill -9 and fault points ----
for d in ref crash fault; do q "CREATE DATABASE crash_$d"; done
pg_url() { url "crash_$(basename "$1")"; }
pg_table() {
  psql "$(pg_url "$1")" -XAtq -c "SELECT to_char(window_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), to_char(window_end AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), event_type, count, total FROM w ORDER BY 1, 3"
}
db_crash "" pg_url pg_table

# ---- the server restarted during a run ----
q "CREATE DATABASE restarted"
mkdir -p rs/in
cp part_* rs/in/
(sx-read --checkpoint rs/ck --time-field timestamp --watermark 10m --max-records-per-trigger 20 rs/in/ \
  | sx-window --checkpoint rs/ck --tumbling 5m --by event_type --agg count --agg 'sum(value) as total' --mode update \
  | sx-sink --checkpoint rs/ck --db "$(url restarted)" --table w --mode update --db-timeout 60s) 2> rs/err &
job=$!
# The newest commit (older ones are pruned) reaches 20: restart then.
newest() { ls rs/ck/_commits 2> /dev/null | grep -v LOCK | sort -n | tail -1; }
reached() { [ "$(newest)" -ge 20 ] 2> /dev/null; }
wait_until 20 reached || fail "the run did not commit epoch 20: $(cat rs/err)"
kill -0 "$job" 2> /dev/null || fail "the run ended before the restart (make it longer)"
server restart
wait "$job" || fail "the run did not survive the server's restart: $(cat rs/err)"
got=$(psql "$(url restarted)" -XAtq -c "SELECT to_char(window_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), to_char(window_end AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), event_type, count, total FROM w ORDER BY 1, 3")
[ "$got" = "$(cat want.txt)" ] || fail "after the server's restart the table differs from the failure-free one"

# ---- the server gone: bounded retries, then a clear error ----
server stop
t0=$EPOCHREALTIME
if sx-sink --db "$(url postgres)" --table t --db-timeout 1s < a.ndjson 2> down.txt; then
  fail "the sink wrote with no server"
fi
grep -qF '(retried for --db-timeout; is the server running?)' down.txt || fail "no server: $(cat down.txt)"
if grep -qF s3cret down.txt; then fail "the password shows"; fi
took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }')
[ "$took" -ge 700 ] && [ "$took" -lt 10000 ] || fail "retried for ${took}ms, not about --db-timeout 1s"
echo "i15_postgres: ok (3 modes, refusals, $db_crash_kills kills and 32 fault points, a server restart, no server; $db_crash_rows rows)"
