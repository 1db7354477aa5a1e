#!/usr/bin/env bash
# Issue 16, the Kafka sink exactly-once (man sx-sink, KAFKA SINK): the
# pipeline sx-read --checkpoint C --max-records-per-trigger N FILE | sx-sink
# --kafka ... --checkpoint C, killed with kill -9 (a random stage, at a
# random moment) again and again, and at the fault point between the last
# acknowledgement and the checkpoint's commit (SX_FAULT=kafka-before-commit),
# restarted each time until it completes: the topic ends with every record
# exactly once, read back with kcat in read_committed and read_uncommitted
# isolation alike; the restarts said what they found already there.
source "$(dirname "$0")/common.sh" "$1"
source "$ROOT/tests/scenario/lib/kafka.sh"
kafka_start --brokers 3 --topic t:6 --topic f:2 --topic o:6

stage() { sh -c 'echo $$ > "$0"; exec "$@"' "$@"; }
run() {  # run TOPIC [VAR=VALUE...]: one attempt; its status
  local topic=$1
  shift
  stage read.pid env "$@" sx-read --checkpoint "ck.$topic" --max-records-per-trigger 500 \
      in.ndjson 2>> err \
    | stage sink.pid env "$@" sx-sink --kafka "$KAFKA" --topic "$topic" --key user_id \
      --checkpoint "ck.$topic" --kafka-timeout 20s --kafka-option compression.type=zstd 2>> err
}

# zstd keeps the topic under the mock's 5 MB a partition.
sx-gen --events 100000 --seed 16 > in.ndjson
LC_ALL=C sort in.ndjson > want

# Random kills until at least 12 landed, restarting after each.
RANDOM=16
kills=0
attempts=0
while [ $kills -lt 12 ] && [ $attempts -lt 60 ]; do
  attempts=$((attempts + 1))
  rm -f read.pid sink.pid
  (run t) &
  job=$!
  at=$((RANDOM % 150))
  sleep "$(printf '0.%03d' "$at")"
  victim=read.pid
  [ $((RANDOM % 3)) -eq 0 ] || victim=sink.pid  # the sink, two times in three
  pid=$(cat "$victim" 2> /dev/null || true)
  if [ -n "$pid" ] && grep -qaF -- ck.t "/proc/$pid/cmdline" 2> /dev/null \
      && kill -9 "$pid" 2> /dev/null; then
    kills=$((kills + 1))
  fi
  wait "$job" && break  # completed: the rest would find nothing new
done
[ $kills -ge 10 ] || fail "only $kills kills landed in $attempts attempts"
run t || run t || fail "the pipeline did not complete after the kills: $(tail -3 err)"
kafka_consume t -X isolation.level=read_committed -f '%s\n' | LC_ALL=C sort > got
cmp -s got want || fail "after $kills kills: $(wc -l < got) messages for $(wc -l < want) records, \
$(comm -13 want got | wc -l) extra, $(comm -23 want got | wc -l) missing"
kafka_consume t -f '%s\n' | LC_ALL=C sort > got
cmp -s got want || fail "read_uncommitted after $kills kills differs"
# Each message once, and its key the record's user_id.
kafka_consume t -f '%k %s\n' | awk '{ split($2, a, "\"user_id\":"); split(a[2], b, ","); \
  if (b[1] != $1) bad++ } END { exit bad > 0 }' || fail "a key is not the record's user_id"
found=$(grep -c 'already there' err || true)

# The fault point between the last acknowledgement and the commit: every
# epoch's messages are in the topic, its commit is not; the restart skips
# them all.
for i in 1 2 3 4; do
  if run f SX_FAULT=kafka-before-commit; then fail "SX_FAULT=kafka-before-commit did not stop"; fi
done
run f || fail "the pipeline did not complete after the fault points: $(tail -3 err)"
kafka_consume f -X isolation.level=read_committed -f '%s\n' | LC_ALL=C sort > got
cmp -s got want || fail "after the fault points: $(wc -l < got) messages for $(wc -l < want)"
[ "$(grep -c 'of epoch [0-9]* already there' err)" -ge 4 ] || fail "the restarts found nothing: $(tail -3 err)"
# A broker down past --kafka-timeout in the middle of a run (slowed down by
# 100 ms of round trip to each broker): the open epoch's messages to the
# other brokers' partitions are written, the rest time out, the run fails
# (exit 1, that epoch not committed); the restart with the broker back
# writes only the rest.
for b in 1 2 3; do kafka_cmd rtt $b 100; done
status=0
(sx-read --checkpoint ck.o --max-records-per-trigger 5000 in.ndjson 2>> err \
  | sx-sink --kafka "$KAFKA" --topic o --key user_id --checkpoint ck.o --kafka-timeout 2s \
    --kafka-option compression.type=zstd --kafka-option linger.ms=50 2> out.err) &
job=$!
wait_until 20 test -e ck.o/_commits/1 || fail "no epoch committed: $(cat out.err)"
kafka_cmd down 1
wait "$job" || status=$?
expect_eq "$status" 1 "a broker down past --kafka-timeout"
grep -q 'not acknowledged within --kafka-timeout 2s' out.err || fail "message: $(cat out.err)"
grep -q 'Nothing of this epoch is committed: run again' out.err || fail "message: $(cat out.err)"
kafka_cmd up 1
for b in 1 2 3; do kafka_cmd rtt $b 0; done
partial=$(kafka_consume o | wc -l)
[ "$partial" -lt 100000 ] || fail "the outage left $partial messages"
sx-read --checkpoint ck.o --max-records-per-trigger 5000 in.ndjson 2>> err \
  | sx-sink --kafka "$KAFKA" --topic o --key user_id --checkpoint ck.o 2> out.err \
  || fail "the run after the outage failed: $(cat out.err)"
grep -q "messages\? of epoch [0-9]* already there" out.err || fail "no note: $(cat out.err)"
kafka_consume o -X isolation.level=read_committed -f '%s\n' | LC_ALL=C sort > got
cmp -s got want || fail "after the outage: $(wc -l < got) messages for $(wc -l < want)"

echo "i16_kafka_sink_crash: ok ($kills kills in $attempts attempts, $found restarts found messages of their epoch)"
