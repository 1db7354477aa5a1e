# Sourced by the database sink scenarios (i15_sqlite_crash.sh, i15_postgres.sh):
# db_crash DIR_PREFIX URL_OF TABLE_OF runs the issue's crash test against one
# database sink. URL_OF D prints the --db URL of run directory D (each of the
# three runs writes its own database or schema); TABLE_OF D prints its table
# "w" sorted, one row a line, fields separated by '|'.
#   The incremental pipeline
#     sx-read --trigger available-now --checkpoint | sx-window --tumbling 5m
#     --by event_type --mode update --checkpoint | sx-sink --db URL --mode update
#   is run once per new input file (32 files), failure-free; then, in another
#   database, with each run killed (kill -9 of a random stage, by its pid, at
#   a random moment) and restarted until it completes; then with the fault
#   points around the database's commit (SX_FAULT=db-before-commit,
#   db-after-commit: the table one epoch ahead of the checkpoint). The final
#   tables must be equal row for row, and equal to the counts and sums of the
#   input computed by jq. Sets db_crash_kills and db_crash_rows.
# stage PIDFILE CMD...: runs CMD with its pid in PIDFILE.
stage() { sh -c 'echo $$ > "$0"; exec "$@"' "$@"; }

db_crash() {
local url_of=$2 table_of=$3 prefix=$1
run() {  # run DIR [VAR=VALUE...]: one attempt; its status
  local d=$1
  shift
  stage "$d/read.pid" env "$@" sx-read --checkpoint "$d/ck" --time-field timestamp \
      --watermark 10m --trigger available-now --max-records-per-trigger 100 "$d/in/" 2>> "$d/err" \
    | stage "$d/window.pid" env "$@" sx-window --checkpoint "$d/ck" --tumbling 5m \
      --by event_type --agg count --agg 'sum(value) as total' --mode update 2>> "$d/err" \
    | stage "$d/sink.pid" env "$@" sx-sink --checkpoint "$d/ck" --db "$($url_of "$d")" \
      --table w --mode update 2>> "$d/err"
}

table() { $table_of "$1"; }

sx-gen --events 24000 --seed 15 --time-step 200ms > all.ndjson
split -l 750 -d -a 2 all.ndjson part_
parts=(part_*)
expect_eq "${#parts[@]}" 32 "input files"

# The failure-free runs, one per new file; how long the fastest took.
mkdir -p "$prefix"ref/in
min_ms=100000
for p in "${parts[@]}"; do
  cp "$p" "$prefix"ref/in/
  t0=$EPOCHREALTIME
  run "$prefix"ref || fail "a failure-free run failed: $(tail -3 "$prefix"ref/err)"
  ms=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }')
  [ "$ms" -ge "$min_ms" ] || min_ms=$ms
done
table "$prefix"ref > want.txt
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

# Kills: each new file's run is killed at a random moment early in the run
# (tried again until a kill lands), then run to completion.
RANDOM=15
mkdir -p "$prefix"crash/in
kills=0
for p in "${parts[@]}"; do
  cp "$p" "$prefix"crash/in/
  for attempt in $(seq 1 20); do
    rm -f "$prefix"crash/*.pid
    (run "$prefix"crash) &
    job=$!
    # Within the first 40 ms (or half the fastest run): a loaded machine
    # slows the runs down, not the kills.
    cap=$((min_ms / 2 < 40 ? min_ms / 2 : 40))
    at=$((RANDOM % (cap + 1)))
    sleep "$(printf "%d.%03d" $((at / 1000)) $((at % 1000)))"
    # The stages of this attempt still running (by their command lines),
    # found with shell builtins only: a run takes a few tens of ms, and a
    # fork or two per check (cat, grep) let it end before the kill.
    victims=()
    for _ in $(seq 1 100); do
      for s in read window sink; do
        pid=
        [ -s "$prefix""crash/$s.pid" ] && read -r pid < "$prefix""crash/$s.pid" || true
        if [ -n "$pid" ] && mapfile -d '' -t argv < "/proc/$pid/cmdline" 2> /dev/null &&
          [[ " ${argv[*]} " == *"${prefix}crash/ck"* ]]; then
          victims+=("$pid")
        fi
      done
      [ ${#victims[@]} -eq 0 ] || break
      [ -e "$prefix"crash/sink.pid ] && ! kill -0 "$(cat "$prefix"crash/sink.pid)" 2> /dev/null && break
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
  run "$prefix"crash || run "$prefix"crash || fail "the pipeline did not complete after the kills: $(tail -3 "$prefix"crash/err)"
done
[ "$kills" -ge 20 ] || fail "only $kills kills landed (at least 20 wanted)"
table "$prefix"crash > got.txt
cmp got.txt want.txt || fail "after $kills kills the table differs from the failure-free one"

# Fault points: the sink killed just before and just after the database's
# commit, on every other file.
mkdir -p "$prefix"fault/in
i=0
for p in "${parts[@]}"; do
  cp "$p" "$prefix"fault/in/
  i=$((i + 1))
  point=db-after-commit
  [ $((i % 2)) -eq 0 ] || point=db-before-commit
  if run "$prefix"fault SX_FAULT=$point; then fail "SX_FAULT=$point did not stop the pipeline"; fi
  run "$prefix"fault || fail "the pipeline did not complete after SX_FAULT=$point: $(tail -3 "$prefix"fault/err)"
done
table "$prefix"fault > got.txt
cmp got.txt want.txt || fail "after the fault points the table differs from the failure-free one"
db_crash_kills=$kills
db_crash_rows=$(wc -l < want.txt)
}
