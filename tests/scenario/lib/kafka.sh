# Sourced by the Kafka scenarios (after common.sh): a mock Kafka cluster on
# loopback (build/bin/sx_test_kafka_mock: librdkafka's mock cluster) for the
# scenario's life, and helpers around kcat, the independent second client.
#   kafka_start [--brokers N] [--topic NAME:PARTITIONS]...   sets $KAFKA (bootstrap servers)
#   kafka_cmd COMMAND...    a command to the cluster (down 1, up 1, topic T 3, topic T 2 4 + grow T 3, ...); fails on error
#   kafka_produce TOPIC [kcat -P options]   stdin's lines as messages (-K: for keys, -p N: a partition)
#   kafka_consume TOPIC [kcat -C options]   every message to stdout, then exit
#   kafka_stop              (also at exit)
command -v kcat >/dev/null || fail "kcat is missing (scripts/setup.sh installs it)"
[ -x "$BIN/sx_test_kafka_mock" ] || fail "$BIN/sx_test_kafka_mock is missing (built with the tests)"

kafka_start() {
  mkfifo "$WORK/.kafka.in"
  "$BIN/sx_test_kafka_mock" "$@" < "$WORK/.kafka.in" > "$WORK/.kafka.out" 2> "$WORK/.kafka.err" &
  KAFKA_PID=$!
  exec {KAFKA_FD}> "$WORK/.kafka.in"
  wait_until 10 test -s "$WORK/.kafka.out" || fail "the Kafka mock did not start: $(cat "$WORK/.kafka.err")"
  KAFKA=$(head -1 "$WORK/.kafka.out")
  KAFKA_ANSWERS=1
  export KAFKA
}

kafka_answered() { [ "$(wc -l < "$WORK/.kafka.out")" -ge "$KAFKA_ANSWERS" ]; }

kafka_cmd() {
  echo "$*" >&"$KAFKA_FD"
  KAFKA_ANSWERS=$((KAFKA_ANSWERS + 1))
  wait_until 10 kafka_answered || fail "kafka_cmd $*: no answer"
  local got
  got=$(sed -n "${KAFKA_ANSWERS}p" "$WORK/.kafka.out")
  [ "$got" = ok ] || fail "kafka_cmd $*: $got"
}

kafka_produce() {
  local topic=$1
  shift
  kcat -P -b "$KAFKA" -t "$topic" -X log_level=3 "$@"
}

kafka_consume() {
  local topic=$1
  shift
  kcat -C -b "$KAFKA" -t "$topic" -e -q -X log_level=3 "$@"
}

kafka_stop() {
  [ -n "${KAFKA_PID:-}" ] || return 0
  exec {KAFKA_FD}>&-
  wait "$KAFKA_PID" 2>/dev/null || true
  KAFKA_PID=
}
