#!/usr/bin/env bash
# Issue 16: sx-read --kafka on librdkafka's mock cluster, kcat producing.
# Every expectation is worked out from what the test produced: partition 0
# holds n=1..4, partition 1 n=5..6, partition 2 n=7..9; an epoch reads its
# ranges partition after partition, so records come in that order.
source "$(dirname "$0")/common.sh" "$1"
source "$ROOT/tests/scenario/lib/kafka.sh"
kafka_start --brokers 3 --topic t:3 --topic tx:1 --topic other:1 --topic big:1 --topic live:2

put() { # put TOPIC PARTITION N...: records {"n":N}
  local topic=$1 part=$2
  shift 2
  for n in "$@"; do echo "{\"n\":$n}"; done | kafka_produce "$topic" -p "$part"
}
ns() { grep -v '"@sx"' "$1" | jq -r .n | tr '\n' ' ' | sed 's/ $//'; }
put t 0 1 2 3 4
put t 1 5 6
put t 2 7 8 9

# subscribe, every starting-offsets form, assign, pattern
sx-read --kafka "$KAFKA" --subscribe t --starting-offsets earliest --ending-offsets latest > all.out
expect_eq "$(ns all.out)" "1 2 3 4 5 6 7 8 9" "subscribe, earliest"
expect_eq "$(head -1 all.out | jq -c '.bounded')" "true" "--ending-offsets latest: a bounded stream"
sx-read --kafka "$KAFKA" --subscribe t --ending-offsets latest > latest.out
expect_eq "$(ns latest.out)" "" "latest (the default): nothing old"
sx-read --kafka "$KAFKA" --subscribe t --starting-offsets '{"t":{"0":2,"1":-1,"2":-2}}' \
  --ending-offsets latest > json.out
expect_eq "$(ns json.out)" "3 4 7 8 9" "JSON: offset 2, latest, earliest"
sx-read --kafka "$KAFKA" --assign '{"t":[1,2]}' --starting-offsets earliest --ending-offsets latest > assign.out
expect_eq "$(ns assign.out)" "5 6 7 8 9" "assign"
put tx 0 100
put other 0 200
sx-read --kafka "$KAFKA" --subscribe-pattern 't.*' --starting-offsets earliest --ending-offsets latest > pattern.out
expect_eq "$(ns pattern.out)" "1 2 3 4 5 6 7 8 9 100" "pattern: t and tx, not other"
sx-read --kafka "$KAFKA" --subscribe t,tx --starting-offsets earliest --ending-offsets latest > two.out
expect_eq "$(ns two.out)" "1 2 3 4 5 6 7 8 9 100" "two topics"

# --max-offsets-per-trigger 4, Spark's rate limit: 9 offsets (4, 2, 3) ->
# epoch 0 takes floor/ceil of 4*4/9, 4*2/9, 4*3/9 = 1, 1, 1; epoch 1 of the
# 6 left (3, 1, 2): 2, 1, 1; epoch 2 the 2 left.
sx-read --kafka "$KAFKA" --subscribe t --starting-offsets earliest --max-offsets-per-trigger 4 \
  --checkpoint ck --trigger available-now | tee stream.out | sx-sink --checkpoint ck --format ndjson > max.out
expect_eq "$(grep -o '"n":[0-9]*\|"epoch","id":[0-9]*' stream.out | tr -d '"' | tr '\n' ' ')" \
  "n:1 n:5 n:7 epoch,id:0 n:2 n:3 n:6 n:8 epoch,id:1 n:4 n:9 epoch,id:2 " "epochs of at most 4 offsets"
expect_eq "$(ns max.out)" "1 5 7 2 3 6 8 4 9" "the sink has every record once"
# The offsets are in the checkpoint: the next run reads only what is new.
put t 1 10
sx-read --kafka "$KAFKA" --subscribe t --max-offsets-per-trigger 4 --checkpoint ck --trigger available-now \
  | sx-sink --checkpoint ck --format ndjson > next.out
expect_eq "$(ns next.out)" "10" "a later run goes on after the committed offsets"
sx-read --kafka "$KAFKA" --subscribe t --checkpoint ck --trigger available-now | sx-sink --checkpoint ck > none.out
expect_eq "$(ns none.out)" "" "nothing new, nothing read"

# A stream that --ending-offsets latest ended takes no more: a rerun with
# nothing new succeeds, one with new messages is refused (exit 2).
timed=(--kafka-metadata kafka --time-field kafka.timestamp --ending-offsets latest --checkpoint ck3)
sx-read --kafka "$KAFKA" --subscribe t --starting-offsets earliest "${timed[@]}" | sx-sink --checkpoint ck3 > ended.out
expect_eq "$(grep -c . ended.out)" 10 "the ended stream's records"
sx-read --kafka "$KAFKA" --subscribe t "${timed[@]}" | sx-sink --checkpoint ck3 > again.out
expect_eq "$(ns again.out)" "" "nothing new after the end: nothing read"
put t 2 11
rc=0
sx-read --kafka "$KAFKA" --subscribe t "${timed[@]}" > /dev/null 2> ended.err || rc=$?
expect_eq "$rc" 2 "new messages after the end: refused"
grep -q "holds a stream that has ended.*t/2 from offset 3 on would be late" ended.err || fail "ended: $(cat ended.err)"

# The message metadata, and the Kafka timestamp as event time.
printf 'k1:{"n":1}\nk2:{"n":2}\n' | kafka_produce tx -K: -H source=test
before=$(date -u +%s)
sx-read --kafka "$KAFKA" --subscribe tx --starting-offsets '{"tx":{"0":1}}' --ending-offsets latest \
  --kafka-metadata kafka --time-field kafka.timestamp --watermark 1m > meta.out
expect_eq "$(grep -v '"@sx"' meta.out | jq -c '[.n, .kafka.topic, .kafka.partition, .kafka.offset, .kafka.key, .kafka.headers, .kafka.timestampType]' | tr '\n' ' ')" \
  '[1,"tx",0,1,"k1",[{"key":"source","value":"test"}],0] [2,"tx",0,2,"k2",[{"key":"source","value":"test"}],0] ' \
  "metadata fields"
ts=$(grep -v '"@sx"' meta.out | jq -r '.kafka.timestamp' | sort | tail -1)
secs=$(date -u -d "$ts" +%s)
[ "$secs" -ge $((before - 60)) ] && [ "$secs" -le $((before + 60)) ] || fail "kafka.timestamp $ts is not the produce time"
# The watermark after the epoch: the newest timestamp minus 1m (Spark's rule).
wm=$(grep '"watermark"' meta.out | grep -v '+inf' | grep -v '1970' | head -1 | jq -r .t)
expect_eq "$(date -u -d "$wm" +%s)" "$((secs - 60))" "the watermark follows the Kafka timestamps"

# Offsets gone (the mock keeps 5 MB a partition, dropping the oldest
# batches): an error naming the partition and the range, or, with
# --fail-on-data-loss false, a warning and the rest.
pad=$(printf 'x%.0s' $(seq 200))
seq 0 39999 | sed "s/.*/{\"n\":&,\"pad\":\"$pad\"}/" | kafka_produce big -X batch.num.messages=1000
first=$(kafka_consume big -o beginning -c 1 -f '%o\n')
[ "$first" -gt 0 ] || fail "the mock kept every offset of big; the data-loss cases need some dropped"
rc=0
sx-read --kafka "$KAFKA" --subscribe big --starting-offsets '{"big":{"0":5}}' --ending-offsets latest > /dev/null 2> loss.err || rc=$?
expect_eq "$rc" "1" "data loss: exit 1"
expect_eq "$(cat loss.err)" "sx-read: error: kafka big/0: offsets 5 to $((first - 1)) are gone (deleted by retention?); the partition now starts at $first. Some data was lost before sx-read read it; to skip what is gone and go on, run with --fail-on-data-loss false" "data loss: the message"
sx-read --kafka "$KAFKA" --subscribe big --starting-offsets '{"big":{"0":5}}' --ending-offsets latest \
  --fail-on-data-loss false > skip.out 2> skip.err
expect_eq "$(grep -vc '"@sx"' skip.out)" "$((40000 - first))" "data loss skipped: the rest is read"
grep -q "warning: kafka big/0: offsets 5 to $((first - 1)) are gone" skip.err || fail "no data-loss warning: $(cat skip.err)"

# A continuous run: a topic created while it runs is picked up (from its
# earliest offset, as Spark); the brokers down and back lose nothing.
sx-read --kafka "$KAFKA" --subscribe-pattern 'live.*' --starting-offsets earliest > live.out 2> live.err &
reader=$!
put live 0 1
put live 1 2
wait_until 10 grep -q '"n":2' live.out || fail "continuous: records not read: $(cat live.err)"
kafka_cmd topic live2 1
put live2 0 3
wait_until 10 grep -q '"n":3' live.out || fail "a new topic matching the pattern was not picked up"
kafka_cmd down 1
kafka_cmd down 2
kafka_cmd down 3
sleep 2
kafka_cmd up 1
kafka_cmd up 2
kafka_cmd up 3
put live 0 4
put live 1 5
wait_until 20 grep -q '"n":5' live.out || fail "after the brokers came back: $(cat live.err)"
wait_until 20 grep -q '"n":4' live.out || fail "after the brokers came back, n=4: $(cat live.err)"
kill -TERM "$reader"
wait "$reader" || true
expect_eq "$(ns live.out | tr ' ' '\n' | sort -n | tr '\n' ' ')" "1 2 3 4 5 " "continuous: every record once"

# A partition added while running is picked up, from its earliest offset (as
# Spark does). Topic grow is made of 4 partitions of which clients see 2; "grow"
# raises the count as Kafka's CreatePartitions would (the helper says why it
# is done that way: the 2.0.2 mock has no CreatePartitions).
kafka_cmd topic grow 2 4
put grow 0 1
put grow 1 2
if put grow 2 99 2> /dev/null; then fail "partition 2 of grow exists before it is added"; fi
sx-read --kafka "$KAFKA" --subscribe grow --starting-offsets earliest > grow.out 2> grow.err &
reader=$!
wait_until 10 grep -q '"n":2' grow.out || fail "grow: records not read: $(cat grow.err)"
kafka_cmd grow grow 3
put grow 2 3 4
wait_until 10 grep -q '"n":4' grow.out || fail "a partition added while running was not picked up: $(cat grow.err)"
put grow 0 5
wait_until 10 grep -q '"n":5' grow.out || fail "grow: partition 0 after the new one: $(cat grow.err)"
kill -TERM "$reader"
wait "$reader" || true
expect_eq "$(ns grow.out)" "1 2 3 4 5" "a partition added while running: every record once, in order of arrival"
# Under cron: a partition added between two runs is read whole by the next
# run, and nothing the first run committed comes again.
sx-read --kafka "$KAFKA" --subscribe grow --starting-offsets earliest --checkpoint gck \
  --trigger available-now | sx-sink --checkpoint gck > grow1.out
expect_eq "$(ns grow1.out | tr ' ' '\n' | sort -n | tr '\n' ' ')" "1 2 3 4 5 " "grow under cron: the first run"
kafka_cmd grow grow 4
put grow 3 6 7
put grow 1 8
# (--starting-offsets latest here: it applies to a checkpoint's first run only,
# so neither partition 3, new, nor partition 1 starts at its end.)
sx-read --kafka "$KAFKA" --subscribe grow --starting-offsets latest --checkpoint gck \
  --trigger available-now | sx-sink --checkpoint gck > grow2.out
expect_eq "$(ns grow2.out | tr ' ' '\n' | sort -n | tr '\n' ' ')" "6 7 8 " "a partition added between cron runs: read from its start"

# Brokers down for longer than --kafka-timeout: a clear error, exit 1.
kafka_cmd down 1
kafka_cmd down 2
kafka_cmd down 3
rc=0
sx-read --kafka "$KAFKA" --subscribe t --kafka-timeout 1s --ending-offsets latest > /dev/null 2> down.err || rc=$?
expect_eq "$rc" "1" "brokers down: exit 1"
grep -q "are the brokers up and reachable? (--kafka-timeout D waits longer)" down.err || fail "down: $(cat down.err)"
echo "i16_kafka_source: ok"
