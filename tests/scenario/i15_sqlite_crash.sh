#!/usr/bin/env bash
# Issue 15: the SQLite sink across kill -9. The incremental pipeline
#   sx-read --trigger available-now --checkpoint | sx-window --tumbling 5m
#   --by event_type --mode update --checkpoint | sx-sink --db sqlite:...
#   --mode update --checkpoint
# is run once per new input file (32 files), failure-free into one database,
# and, into another, with each run killed (kill -9 of a random stage, by its
# pid, at a random moment) and restarted until it completes; then with the
# fault points around the database's commit (SX_FAULT=db-before-commit,
# db-after-commit: the table one epoch ahead of the checkpoint). The final
# tables must be equal row for row, and equal to the counts and sums of the
# input computed by jq.
source "$(dirname "$0")/common.sh" "$1"
command -v sqlite3 > /dev/null || fail "sqlite3 (the shell) is needed to read the tables"

# stage PIDFILE CMD...: runs CMD with its pid in PIDFILE.
stage() { sh -c 'echo $$ > "$0"; exec "$@"' "$@"; }

run() {  # run DIR [VAR=VALUE...]: one attempt; its status
  local d=$1
  shift
  stage "$d/read.pid" env "$@" sx-read --checkpoint "$d/ck" --time-field timestamp \
      --watermark 10m --trigger available-now --max-records-per-trigger 100 "$d/in/" 2> /dev/null \
    | stage "$d/window.pid" env "$@" sx-window --checkpoint "$d/ck" --tumbling 5m \
      --by event_type --agg count --agg 'sum(value) as total' --mode update 2> /dev/null \
    | stage "$d/sink.pid" env "$@" sx-sink --checkpoint "$d/ck" --db "sqlite:$d/r.db" \
      --table w --mode update 2> /dev/null
}

table() { sqlite3 "$1/r.db" 'SELECT * FROM w ORDER BY window_start, event_type'; }

sx-gen --events 24000 --seed 15 --time-step 200ms > all.ndjson
split -l 750 -d -a 2 all.ndjson part_
parts=(part_*)
expect_eq "${#parts[@]}" 32 "input files"

# The failure-free runs, one per new file; how long the fastest took.
mkdir -p ref/in
min_ms=100000
for p in "${parts[@]}"; do
  cp "$p" ref/in/
  t0=$EPOCHREALTIME
  run ref || fail "a failure-free run failed"
  ms=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }')
  [ "$ms" -ge "$min_ms" ] || min_ms=$ms
done
table ref > want.txt
# The same from the input, by jq: per 5-minute window and event type, the
# count and the sum (sx-window's sums of these two-decimal values are doubles:
# compared rounded to the cent).
jq -r '[(.timestamp | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601 / 300 | floor * 300 | todate),
        .event_type, .value] | @tsv' all.ndjson \
  | awk -F'\t' '{ k = $1 "|" $2; n[k]++; s[k] += $3 } END { for (k in n) printf "%s|%d|%.2f\n", k, n[k], s[k] }' \
  | LC_ALL=C sort > jq.txt
awk -F'|' '{ printf "%s|%s|%d|%.2f\n", $1, $3, $4, $5 }' want.txt | LC_ALL=C sort > sx.txt
cmp sx.txt jq.txt || fail "the table differs from the input's counts and sums"
[ "$(wc -l < want.txt)" -gt 20 ] || fail "expected more than 20 rows"

# Kills: each new file's run is killed at a random moment within the fastest
# failure-free run (tried again until a kill lands), then run to completion.
RANDOM=15
mkdir -p crash/in
kills=0
for p in "${parts[@]}"; do
  cp "$p" crash/in/
  for attempt in $(seq 1 20); do
    rm -f crash/*.pid
    (run crash) &
    job=$!
    at=$((RANDOM % (min_ms / 2 + 1)))
    sleep "$(printf "%d.%03d" $((at / 1000)) $((at % 1000)))"
    # The stages of this attempt still running (by their command lines).
    victims=()
    for _ in $(seq 1 100); do
      for s in read window sink; do
        pid=$(cat "crash/$s.pid" 2> /dev/null || true)
        if [ -n "$pid" ] && grep -qaF -- "crash/ck" "/proc/$pid/cmdline" 2> /dev/null; then
          victims+=("$pid")
        fi
      done
      [ ${#victims[@]} -eq 0 ] || break
      [ -e crash/sink.pid ] && ! kill -0 "$(cat crash/sink.pid)" 2> /dev/null && break
      sleep 0.01
    done
    landed=0
    if [ ${#victims[@]} -gt 0 ] && kill -9 "${victims[$((RANDOM % ${#victims[@]}))]}" 2> /dev/null; then
      kills=$((kills + 1))
      landed=1
    fi
    wait "$job" || true
    [ $landed -eq 0 ] || break
  done
  run crash || run crash || fail "the pipeline did not complete after the kills"
done
[ "$kills" -ge 20 ] || fail "only $kills kills landed (at least 20 wanted)"
table crash > got.txt
cmp got.txt want.txt || fail "after $kills kills the table differs from the failure-free one"

# Fault points: the sink killed just before and just after the database's
# commit, on every other file.
mkdir -p fault/in
i=0
for p in "${parts[@]}"; do
  cp "$p" fault/in/
  i=$((i + 1))
  point=db-after-commit
  [ $((i % 2)) -eq 0 ] || point=db-before-commit
  if run fault SX_FAULT=$point; then fail "SX_FAULT=$point did not stop the pipeline"; fi
  run fault || fail "the pipeline did not complete after SX_FAULT=$point"
done
table fault > got.txt
cmp got.txt want.txt || fail "after the fault points the table differs from the failure-free one"
echo "i15_sqlite_crash: ok ($kills kills, 32 fault points, $(wc -l < want.txt) rows)"
