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
kafka_start --brokers 3 --topic f:2 --topic o:6

stage() { sh -c 'echo $$ > "$0"; exec "$@"' "$@"; }
run() {  # run TOPIC [VAR=VALUE...]: one attempt; its status
  local topic=$1
  shift
  stage read.pid env "$@" sx-read --checkpoint "ck.$topic" --max-records-per-trigger 1000 \
      in.ndjson 2>> err \
    | stage sink.pid env "$@" sx-sink --kafka "$KAFKA" --topic "$topic" --key user_id \
      --checkpoint "ck.$topic" --kafka-timeout 20s --kafka-option compression.type=zstd 2>> err
}

# zstd keeps the topic under the mock's 5 MB a partition.
sx-gen --events 100000 --seed 16 > in.ndjson
LC_ALL=C sort in.ndjson > want

# check TOPIC KILLS: the topic holds every record once (read_committed and
# read_uncommitted), each keyed by its user_id.
check() {
  kafka_consume "$1" -X isolation.level=read_committed -f '%s\n' | LC_ALL=C sort > got
  cmp -s got want || fail "$1 after $2 kills: $(wc -l < got) messages for $(wc -l < want) \
records, $(comm -13 want got | wc -l) extra, $(comm -23 want got | wc -l) missing"
  kafka_consume "$1" -f '%s\n' | LC_ALL=C sort > got
  cmp -s got want || fail "$1: read_uncommitted after $2 kills differs"
  kafka_consume "$1" -f '%k %s\n' | awk '{ split($2, a, "\"user_id\":"); split(a[2], b, ","); \
    if (b[1] != $1) bad++ } END { exit bad > 0 }' || fail "$1: a key is not the record's user_id"
}

# Random kills (at least 12), each run restarted until it completes: a run
# that completes before 12 kills landed is checked, and the next round
# starts over on a new topic and checkpoint (a loaded machine may run a
# pipeline through in few attempts).
RANDOM=16
kills=0
attempts=0
round=1
kafka_cmd topic t1 6
round_kills=0
completed=0
while [ $attempts -lt 200 ]; do
  attempts=$((attempts + 1))
  rm -f read.pid sink.pid
  (run t$round) &
  job=$!
  at=$((RANDOM % 150))
  sleep "$(printf '0.%03d' "$at")"
  victim=read.pid
  [ $((RANDOM % 3)) -eq 0 ] || victim=sink.pid  # the sink, two times in three
  pid=$(cat "$victim" 2> /dev/null || true)
  if [ -n "$pid" ] && grep -qaF -- "ck.t$round" "/proc/$pid/cmdline" 2> /dev/null \
      && kill -9 "$pid" 2> /dev/null; then
    kills=$((kills + 1))
    round_kills=$((round_kills + 1))
  fi
  wait "$job" || continue
  check t$round $round_kills  # this round completed
  [ $kills -lt 12 ] || { completed=1; break; }
  round=$((round + 1))
  round_kills=0
  kafka_cmd topic t$round 6
done
[ $completed -eq 1 ] || fail "the pipeline did not complete in $attempts attempts: $(tail -3 err)"
found=$(grep -c 'already there' err || true)

# The fault point between the last acknowledgement and the commit: every
# epoch's messages are in the topic, its commit is not; the restart skips
# them all.
for i in 1 2 3 4; do
  if run f SX_FAULT=kafka-before-commit; then fail "SX_FAULT=kafka-before-commit did not stop"; fi
done
run f || fail "the pipeline did not complete after the fault points: $(tail -3 err)"
check f 0
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
check o 0

echo "i16_kafka_sink_crash: ok ($kills kills in $attempts attempts over $round runs, $found restarts found messages of their epoch)"
