#!/usr/bin/env bash
# Issue 16, exactly-once from Kafka: sx-read --kafka | sx-dedup | sx-window |
# sx-sink --path, all with --checkpoint, over 1,000,000 messages (late and
# duplicate events among them) on a 6-partition topic keyed by user_id, in
# epochs of at most 20000 offsets, killed with kill -9 at random moments, one
# random stage at a time, and restarted until a run finishes: the visible
# output must equal the failure-free output, byte for byte (sx-read replays
# an epoch that was not committed with its very offset ranges).
# Then the same pipeline run by cron (--trigger available-now) again and again
# while a producer keeps writing equals one run over everything.
source "$(dirname "$0")/common.sh" "$1"
source "$ROOT/tests/scenario/lib/kafka.sh"
kafka_start --brokers 3 --topic events:6 --topic feed:6
# Keyed by user_id (kcat -K TAB); zstd batches, so that the mock's 5 MB a
# partition holds everything.
keyed() { awk 'match($0, /"user_id":[0-9]+/) { print substr($0, RSTART+10, RLENGTH-10) "\t" $0 }'; }
produce() {
  kafka_produce "$1" -K $'\t' -z zstd -X compression.level=12 -X linger.ms=100 \
    -X batch.size=4000000 -X message.max.bytes=8000000 -X batch.num.messages=100000
}
sx-gen --events 1000000 --seed 4 --late-fraction 0.02 --duplicate-fraction 0.01 > all.ndjson
keyed < all.ndjson | produce events
for p in 0 1 2 3 4 5; do
  expect_eq "$(kafka_consume events -p "$p" -o beginning -c 1 -f '%o')" 0 "the mock kept partition $p whole"
done
visible() { find "$1" -type f -not -path '*/_*' -not -path '*/.*' | sort | xargs cat; }

run() { # run DIR [sx-read flags...]: one attempt of the pipeline; its status
  local dir=$1
  shift
  sx-read --kafka "$KAFKA" --subscribe events --starting-offsets earliest "$@" \
      --checkpoint "$dir/ck" --time-field timestamp --watermark 10m --max-offsets-per-trigger 20000 2> /dev/null \
    | sx-dedup --checkpoint "$dir/ck" --key event_id,timestamp 2> /dev/null \
    | sx-window --checkpoint "$dir/ck" --tumbling 1m --by event_type --agg count \
        --agg 'sum(value)' --agg 'max(value)' 2> /dev/null \
    | sx-sink --checkpoint "$dir/ck" --path "$dir/out" 2> /dev/null
}

mkdir ref
run ref --ending-offsets latest || fail "the failure-free run failed"
visible ref/out > want.ndjson
[ "$(wc -l < want.ndjson)" -gt 1000 ] || fail "the failure-free run wrote too few windows"
# Every event counted once but those late beyond the watermark: the total is
# at most the unique events, and within the late fraction of it.
unique=$(jq -r '[.event_id, .timestamp] | @tsv' all.ndjson | sort -u | wc -l)
total=$(jq -s 'map(.count) | add' want.ndjson)
[ "$total" -le "$unique" ] && [ "$total" -ge $((unique * 97 / 100)) ] ||
  fail "the failure-free run counted $total of $unique unique events"

# The crash runs name their checkpoint by its absolute path, which
# kill_random_stage (common.sh) matches.
mkdir crash
kills=0
RANDOM=16
for attempt in $(seq 1 300); do
  (run "$WORK/crash" --ending-offsets latest) &
  pid=$!
  if kill_random_stage "$pid" crash/ck "0.$((RANDOM % 3))$((RANDOM % 10))"; then
    kills=$((kills + 1))
  fi
  if wait "$pid" 2> /dev/null; then break; fi # a run finished: the stream is done
  [ "$kills" -lt 25 ] || break
done
run "$WORK/crash" --ending-offsets latest || run "$WORK/crash" --ending-offsets latest ||
  fail "the pipeline did not finish after the crashes"
visible crash/out > got.ndjson
cmp got.ndjson want.ndjson ||
  fail "after $kills kills the output differs: $(wc -l < got.ndjson) windows, want $(wc -l < want.ndjson)"
[ "$kills" -ge 20 ] || fail "only $kills kills landed"

# Incremental: cron runs while the producer writes 200,000 events in chunks;
# then one run over everything on a fresh checkpoint. No event is late by
# more than the watermark (1h; a chunk of 20,000 spans about 33 minutes), so both count the same.
sx-gen --events 200000 --seed 9 --duplicate-fraction 0.01 > feed.ndjson
split -l 20000 -d -a 2 feed.ndjson chunk_
cron() { # cron DIR: one available-now run
  sx-read --kafka "$KAFKA" --subscribe feed --starting-offsets earliest --trigger available-now \
      --checkpoint "$1/ck" --time-field timestamp --watermark 1h 2> /dev/null \
    | sx-dedup --checkpoint "$1/ck" --key event_id,timestamp 2> /dev/null \
    | sx-window --checkpoint "$1/ck" --tumbling 10m --by event_type --agg count --agg 'sum(value)' 2> /dev/null \
    | sx-sink --checkpoint "$1/ck" --path "$1/out" 2> /dev/null
}
# The producer keeps pace with the runs (chunk i waits for run i/3 to end),
# so that at least three runs end while it writes, however slow the build
# (ASan) or the machine.
echo 0 > runs.count
runs_ended() { [ "$(cat runs.count)" -ge "$1" ]; }
(
  i=0
  for c in chunk_*; do
    wait_until 300 runs_ended $((i / 3)) || fail "no cron run ended in 300 s"
    keyed < "$c" | produce feed
    sleep 0.2
    i=$((i + 1))
  done
) &
producer=$!
mkdir inc
runs=0
while kill -0 "$producer" 2> /dev/null; do
  cron inc || fail "an incremental run failed"
  runs=$((runs + 1))
  echo "$runs" > runs.new && mv runs.new runs.count
done
wait "$producer"
cron inc || fail "the last incremental run failed"
mkdir once
cron once || fail "the run over everything failed"
# A double sum depends on the order of its additions (the epochs differ, as
# Spark's batches would): sums of 2-decimal values, compared to 0.001.
cents() { jq -c '.sum_value |= (. * 1000 | round)' | sort; }
visible inc/out | cents > inc.ndjson
visible once/out | cents > once.ndjson
[ "$(wc -l < once.ndjson)" -gt 10 ] || fail "the run over everything wrote too few windows"
cmp inc.ndjson once.ndjson || fail "$runs incremental runs differ from one run over everything"
[ "$runs" -ge 3 ] || fail "only $runs incremental runs while the producer wrote"
echo "i16_kafka_crash: ok (survived $kills kills: $(wc -l < got.ndjson) windows identical; $runs incremental runs equal one)"
