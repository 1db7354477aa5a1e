#!/usr/bin/env bash
# Issue 16, scaling out by partitions (sx-read(1), SCALING OUT): three
# pipelines, each over two partitions of a 6-partition topic keyed by
# user_id (--assign), each with its own checkpoint, run at the same time into
# one SQLite table in update mode, give the table one pipeline over all six
# gives. Every user's events are in one partition, so each (window, user) row
# comes from one pipeline. Events are in time order within a partition and
# the partitions advance together (shares of --max-offsets-per-trigger), so
# with a 1h watermark no event is late in either setup.
source "$(dirname "$0")/common.sh" "$1"
source "$ROOT/tests/scenario/lib/kafka.sh"
kafka_start --brokers 3 --topic clicks:6
sx-gen --events 60000 --seed 3 \
  | awk 'match($0, /"user_id":[0-9]+/) { print substr($0, RSTART+10, RLENGTH-10) "\t" $0 }' \
  | kafka_produce clicks -K $'\t'

pipeline() { # pipeline CHECKPOINT DB [sx-read flags]
  local ck=$1 db=$2
  shift 2
  sx-read --kafka "$KAFKA" "$@" --starting-offsets earliest --ending-offsets latest \
      --max-offsets-per-trigger 5000 --time-field timestamp --watermark 1h --checkpoint "$ck" \
    | sx-window --tumbling 10m --by user_id --agg count --agg 'sum(value)' --mode update --checkpoint "$ck" \
    | sx-sink --db "sqlite:$db" --table clicks_per_user --mode update --checkpoint "$ck" --db-timeout 30s
}
pipeline ck_a scaled.db --assign '{"clicks":[0,1]}' &
a=$!
pipeline ck_b scaled.db --assign '{"clicks":[2,3]}' &
b=$!
pipeline ck_c scaled.db --assign '{"clicks":[4,5]}' &
c=$!
wait "$a" || fail "pipeline a failed"
wait "$b" || fail "pipeline b failed"
wait "$c" || fail "pipeline c failed"
pipeline ck_all one.db --subscribe clicks || fail "the pipeline over all partitions failed"

rows() { sqlite3 -separator ' ' "$1" 'SELECT window_start, user_id, count, sum_value FROM clicks_per_user ORDER BY 1, 2'; }
rows scaled.db > scaled.txt
rows one.db > one.txt
[ "$(wc -l < one.txt)" -gt 1000 ] || fail "too few rows: $(wc -l < one.txt)"
cmp scaled.txt one.txt || fail "three pipelines over two partitions each differ from one over all six"
expect_eq "$(sqlite3 scaled.db 'SELECT SUM(count) FROM clicks_per_user')" 60000 "every event counted once"
expect_eq "$(sqlite3 scaled.db 'SELECT COUNT(*) FROM sx_commits')" 3 "one commit row a pipeline"
echo "i16_kafka_scale_out: ok ($(wc -l < one.txt) rows)"
