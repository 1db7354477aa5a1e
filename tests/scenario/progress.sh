#!/usr/bin/env bash
# --progress: every stage of a pipeline appends one NDJSON record per epoch to
# one file; the records parse, and their row counts add up to the input.
source "$(dirname "$0")/common.sh" "$1"
sx-gen --events 30000 --seed 6 --duplicate-fraction 0.03 --users 50 --users-table users.csv > events.ndjson
sx-read --time-field timestamp --watermark 10m --max-records-per-trigger 4000 --progress p.ndjson \
    --no-progress-line events.ndjson \
  | sx-dedup --key event_id --progress p.ndjson 2> /dev/null \
  | sx-join --static users.csv --on user_id --progress p.ndjson \
  | tee joined.ndjson \
  | sx-window --tumbling 1m --by tier --progress p.ndjson > /dev/null
sx-sink < joined.ndjson > out.ndjson
jq -e . p.ndjson > /dev/null || fail "progress records do not parse as JSON"
sum() { jq -s "map(select(.stage == \"$1\") | .$2) | add" p.ndjson; }
expect_eq "$(sum sx-read numInputRows)" 30000 "sx-read's input rows"
expect_eq "$(sum sx-dedup numInputRows)" 30000 "sx-dedup's input rows"
expect_eq "$(sum sx-join numInputRows)" "$(sum sx-dedup numOutputRows)" "join input = dedup output"
expect_eq "$(sum sx-join numOutputRows)" "$(wc -l < out.ndjson)" "join output = records written"
expect_eq "$(sum sx-window numInputRows)" "$(wc -l < out.ndjson)" "window input = join output"
[ "$(sum sx-window numOutputRows)" -gt 0 ] || fail "sx-window reports no output rows"
# 30000 records in epochs of 4000: 8 data epochs, then the final one.
expect_eq "$(jq -s 'map(select(.stage == "sx-read")) | length' p.ndjson)" 9 "one record per epoch"
expect_eq "$(jq -s 'map(select(.stage == "sx-dedup")) | map(.batchId) | . == [range(0; 9)]' p.ndjson)" \
  true "batch ids in order"
[ "$(jq -s 'map(select(.stage == "sx-dedup")) | last | .numRowsTotal' p.ndjson)" -gt 20000 ] \
  || fail "sx-dedup reports no state"
echo "progress: ok"
