#!/usr/bin/env bash
# Issue 16, the Kafka sink (man sx-sink, KAFKA SINK), on librdkafka's mock
# cluster, read back with kcat: every data record once, in order within a
# partition, keys as --key says; a broker down and back within
# --kafka-timeout delivers everything once; down beyond it fails with a
# message naming the brokers; --checkpoint adds the sx-epoch and sx-sink
# headers and commits each epoch.
source "$(dirname "$0")/common.sh" "$1"
source "$ROOT/tests/scenario/lib/kafka.sh"
kafka_start --brokers 3 --topic plain:1 --topic keyed:6 --topic ckpt:3 --topic outage:6 \
  --topic short:3 --topic bad:1 --topic w:1

# Control records are not messages; the values are the records' bytes as they came.
printf '%s\n' '{"@sx":"stream","version":1}' '{"a": 1,  "s":"x"}' '{"@sx":"epoch","id":0}' \
  '{"a":2}' '{"@sx":"epoch","id":1}' > in.ndjson
sx-sink --kafka "$KAFKA" --topic plain in.ndjson
expect_eq "$(kafka_consume plain -f '%k|%s\n')" '|{"a": 1,  "s":"x"}
|{"a":2}' "plain values"

# --key: a string's text, other values their JSON; missing or null: no key.
printf '%s\n' '{"u":"ann","n":1}' '{"u":7,"n":2}' '{"u":{"x":[1, 2]},"n":3}' '{"n":4}' \
  '{"u":null,"n":5}' '{"u":true,"n":6}' '{"u":"a\"b","n":7}' '{"u":"ann","n":8}' > keyed.ndjson
sx-sink --kafka "$KAFKA" --topic keyed --key u keyed.ndjson
kafka_consume keyed -f '%k|%s\n' | LC_ALL=C sort > got
expect_eq "$(cat got)" "$(LC_ALL=C sort <<'END'
ann|{"u":"ann","n":1}
7|{"u":7,"n":2}
{"x":[1, 2]}|{"u":{"x":[1, 2]},"n":3}
|{"n":4}
|{"u":null,"n":5}
true|{"u":true,"n":6}
a"b|{"u":"a\"b","n":7}
ann|{"u":"ann","n":8}
END
)" "keys"
# kcat -K shows null keys as empty; -f %K is the key's length, -1 for null.
expect_eq "$(kafka_consume keyed -f '%K %s\n' | grep -c '^-1 ')" 2 "null keys"
# One key, one partition (in order there).
expect_eq "$(kafka_consume keyed -f '%k %p\n' | grep '^ann ' | cut -d' ' -f2 | sort -u | wc -l)" 1 \
  "a key's partition"

# A key lands where Java's clients (Spark, Kafka Streams) put it: murmur2, as
# kcat with librdkafka's murmur2_random partitioner.
kafka_cmd topic java 6
kafka_cmd topic ours 6
printf '%s\n' ann bob cid dan eve fay gus hal ivy jon | awk '{ print $1 ":{\"u\":\"" $1 "\"}" }' \
  | kafka_produce java -K: -X partitioner=murmur2_random
printf '%s\n' ann bob cid dan eve fay gus hal ivy jon | awk '{ print "{\"u\":\"" $1 "\"}" }' \
  | sx-sink --kafka "$KAFKA" --topic ours --key u
expect_eq "$(kafka_consume ours -f '%k %p\n' | sort)" "$(kafka_consume java -f '%k %p\n' | sort)" \
  "partitions of keys"
[ "$(kafka_consume ours -f '%p\n' | sort -u | wc -l)" -gt 2 ] || fail "keys all on few partitions"

# --key reads the record: one that is not JSON is bad input (--on-error).
printf '%s\n' '{"u":"a"}' 'not json' '{"u":"b"}' > bad.ndjson
status=0
sx-sink --kafka "$KAFKA" --topic bad --key u bad.ndjson 2> err || status=$?
expect_eq "$status" 1 "bad input's exit status"
grep -q 'bad.ndjson:2' err || fail "bad input message: $(cat err)"
sx-sink --kafka "$KAFKA" --topic bad --key u --on-error skip bad.ndjson 2> err
grep -q 'skipped 1 bad' err || fail "skip summary: $(cat err)"
expect_eq "$(kafka_consume bad -f '%k %s\n' | tail -2)" 'a {"u":"a"}
b {"u":"b"}' "bad input skipped"

# A bigger run, read back with read_committed: equal to the input.
sx-gen --events 20000 --seed 3 > big.ndjson
sx-sink --kafka "$KAFKA" --topic keyed --key user_id big.ndjson
kafka_consume keyed -X isolation.level=read_committed -f '%s\n' | grep user_id | sort > got
sort big.ndjson > want
cmp -s got want || fail "keyed: read back $(wc -l < got) messages, not the input's $(wc -l < want)"

# --checkpoint: headers sx-epoch and sx-sink, one commit per epoch.
sx-sink --kafka "$KAFKA" --topic ckpt --checkpoint ck in.ndjson
expect_eq "$(kafka_consume ckpt -f '%h %s\n' | sed 's/sx-sink=[0-9a-f]\{32\}/sx-sink=ID/' | sort)" \
  'sx-epoch=0,sx-sink=ID {"a": 1,  "s":"x"}
sx-epoch=1,sx-sink=ID {"a":2}' "headers"
ls ck/_commits | grep -qx 1 || fail "epoch 1 not committed"
# Epochs again from the same checkpoint: refused, nothing written twice.
if sx-sink --kafka "$KAFKA" --topic ckpt --checkpoint ck in.ndjson 2> err; then
  fail "a replay from epoch 0 was taken"
fi
grep -q 'epoch' err || fail "replay message: $(cat err)"
expect_eq "$(kafka_consume ckpt | wc -l)" 2 "no message twice"

# A replay that does not bring the records the first run wrote for the epoch
# (killed after the acknowledgements, before the commit): what matches is not
# written again, the rest is, and a warning says what stays in the topic.
printf '%s\n' '{"r":"a"}' '{"r":"b"}' '{"@sx":"epoch","id":0}' > w1.ndjson
printf '%s\n' '{"r":"a"}' '{"r":"c"}' '{"@sx":"epoch","id":0}' > w2.ndjson
status=0
{ SX_FAULT=kafka-before-commit sx-sink --kafka "$KAFKA" --topic w --checkpoint ckw w1.ndjson \
  || status=$?; } 2> /dev/null
expect_eq "$status" 137 "SX_FAULT=kafka-before-commit"
sx-sink --kafka "$KAFKA" --topic w --checkpoint ckw w2.ndjson 2> err
expect_eq "$(cat err)" "sx-sink: Kafka topic w: 2 messages of epoch 0 already there (written before \
the restart); not written again
sx-sink: warning: Kafka topic w: epoch 0 replayed without 1 of the records a run before the \
restart wrote for it (they stay in the topic): the stages upstream do not replay an epoch as it was" \
  "replay messages"
expect_eq "$(kafka_consume w)" '{"r":"a"}
{"r":"b"}
{"r":"c"}' "replayed epoch"

# A broker down and back within --kafka-timeout: everything, once.
sx-gen --events 30000 --seed 5 > out.ndjson
kafka_cmd down 2
( sleep 2; echo up 2 >&"$KAFKA_FD" ) &
up=$!
sx-sink --kafka "$KAFKA" --topic outage --kafka-timeout 30s out.ndjson
wait "$up"
KAFKA_ANSWERS=$((KAFKA_ANSWERS + 1))
wait_until 10 kafka_answered || fail "up 2: no answer"
kafka_consume outage -f '%s\n' | sort > got
sort out.ndjson > want
cmp -s got want || fail "outage: read back $(wc -l < got) messages for $(wc -l < want) records"

# Down beyond --kafka-timeout: exit 1, a message naming the brokers and what to do.
kafka_cmd down 1
kafka_cmd down 2
kafka_cmd down 3
start=$(date +%s)
status=0
sx-sink --kafka "$KAFKA" --topic short --kafka-timeout 2s out.ndjson 2> err || status=$?
expect_eq "$status" 1 "exit status after the timeout"
[ $(( $(date +%s) - start )) -lt 20 ] || fail "the timeout was not kept"
grep -q "sx-sink: error: Kafka topic short" err || fail "message: $(cat err)"
grep -q "not acknowledged within --kafka-timeout 2s" err || fail "message: $(cat err)"
grep -qF "check that the brokers $KAFKA are up and reachable, or raise --kafka-timeout" err \
  || fail "message: $(cat err)"
kafka_cmd up 1
kafka_cmd up 2
kafka_cmd up 3
echo "ok"
