#!/usr/bin/env bash
# sx-window end to end on generated data: append output does not depend on
# where epochs fall (when no record is late), chained rollups equal direct
# windows, late data is counted and kept, and session/sliding windows agree
# with a batch computation done by jq.
source "$(dirname "$0")/common.sh" "$1"
# Late events up to 5 minutes behind; a 15-minute watermark leaves none late.
sx-gen --events 20000 --seed 11 --late-fraction 0.05 --late-max 5m --duplicate-fraction 0.01 \
  --users 40 > gen.ndjson

# Replay determinism: byte-identical data output for any epoch size.
for spec in "--tumbling 5m --by event_type" "--window 10m --slide 3m --by event_type" \
            "--session 2m --by user_id"; do
  ref=""
  for n in 1 7 1000 0; do
    limit=()
    [ "$n" -gt 0 ] && limit=(--max-records-per-trigger "$n")
    # shellcheck disable=SC2086
    sum=$(sx-read --time-field timestamp --watermark 15m "${limit[@]}" gen.ndjson \
      | sx-window $spec --agg count --agg 'sum(value)' --agg 'max(value)' 2> err.txt \
      | sx-sink | md5sum)
    expect_eq "$(cat err.txt)" "" "$spec: no late records with a generous watermark"
    if [ -z "$ref" ]; then ref=$sum; else expect_eq "$sum" "$ref" "$spec, $n records per epoch"; fi
  done
done

# Chained rollups: 1-minute counts summed into hours equal hourly counts.
sx-read --time-field timestamp --watermark 15m gen.ndjson \
  | sx-window --tumbling 1m --by event_type --agg count --agg 'sum(value)' \
  | sx-window --tumbling 1h --by event_type --agg 'sum(count) as count' --agg 'sum(sum_value) as sum_value' \
  | sx-sink > chained.ndjson
sx-read --time-field timestamp --watermark 15m gen.ndjson \
  | sx-window --tumbling 1h --by event_type --agg count --agg 'sum(value)' | sx-sink > direct.ndjson
[ "$(wc -l < direct.ndjson)" -ge 4 ] || fail "too few hourly rows"
cmp <(jq -c '[.window_start, .window_end, .event_type, .count]' chained.ndjson) \
    <(jq -c '[.window_start, .window_end, .event_type, .count]' direct.ndjson) \
  || fail "chained rollup counts differ from direct hourly windows"
# Double sums may differ in the last bits (another order of additions).
paste <(jq .sum_value chained.ndjson) <(jq .sum_value direct.ndjson) \
  | awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > 1e-6 * ($2 < 0 ? -$2 : $2)) exit 1 }' \
  || fail "chained rollup sums differ from direct hourly windows"
expect_eq "$(jq -s 'map(.count) | add' direct.ndjson)" 20000 "every event counted once"

# A batch cross-check by jq: tumbling 5-minute counts per event_type.
jq -r '.timestamp | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601 | . - (. % 300) | todate' gen.ndjson \
  | paste - <(jq -r .event_type gen.ndjson) | sort | uniq -c \
  | awk '{ printf "%s %s %d\n", $2, $3, $1 }' > want.txt
sx-read --time-field timestamp --watermark 15m gen.ndjson \
  | sx-window --tumbling 5m --by event_type | sx-sink \
  | jq -r '"\(.window_start) \(.event_type) \(.count)"' | sort > got.txt
[ "$(wc -l < want.txt)" -gt 20 ] || fail "jq computed too few windows"
cmp want.txt got.txt || fail "tumbling counts differ from jq's batch computation"

# A small watermark makes the late events late: counted, kept, not applied.
sx-read --time-field timestamp --watermark 10s --max-records-per-trigger 100 gen.ndjson \
  | sx-window --tumbling 1m --agg count --late late.ndjson 2> err.txt | sx-sink > small.ndjson
late=$(wc -l < late.ndjson)
[ "$late" -gt 100 ] || fail "expected many late records, got $late"
grep -q "warning: $late late records not applied" err.txt || fail "late summary: $(cat err.txt)"
expect_eq "$(( $(jq -s 'map(.count) | add' small.ndjson) + late ))" 20000 "applied + late = input"
expect_eq "$(jq -r .reason late.ndjson | grep -vc '^late: ')" 0 "late reasons"
# The state limit is a clear error, not an out-of-memory kill.
code=0
sx-read --time-field timestamp gen.ndjson \
  | sx-window --by event_id --agg count --max-state-rows 500 > /dev/null 2> err.txt || code=$?
expect_eq "$code" 1 "exit code past --max-state-rows"
grep -qE 'sx-window: error: stdin:[0-9]+: the state holds more than 500 rows' err.txt || fail "state limit message: $(cat err.txt)"
echo "window: ok ($late late of 20000 with a 10s watermark)"
