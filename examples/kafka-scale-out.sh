#!/usr/bin/env bash
# Scaling out by Kafka partitions (sx-read(1), SCALING OUT): the same pipeline
# run three times, each over two partitions of a 6-partition topic keyed by
# user_id (--assign) with its own checkpoint, all upserting into one SQLite
# table; the table equals one pipeline's over the whole topic, as every
# user's events are in one partition. On three machines, each runs its line.
# Uses $KAFKA (HOST:PORT) if set, else the test suite's mock cluster
# (sx_test_kafka_mock, built with the tests) with a topic it fills itself.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -z "${mock:-}" ] || kill "$mock" 2>/dev/null || true' EXIT
cd "$work"
if [ -z "${KAFKA:-}" ]; then
  mkfifo in
  sx_test_kafka_mock --brokers 3 --topic clicks:6 < in > mock.out &
  mock=$!
  exec 3> in
  until [ -s mock.out ]; do sleep 0.1; done
  KAFKA=$(head -1 mock.out)
  # Six users, their clicks keyed by user_id: Kafka puts each user in one partition.
  for minute in 00 01 02; do
    for user in 1 2 3 4 5 6; do
      echo "$user	{\"user_id\":$user,\"ts\":\"2024-05-01T10:$minute:1${user}Z\"}"
    done
  done | kcat -P -b "$KAFKA" -t clicks -K $'\t' -X log_level=3
fi
one() { # one CHECKPOINT sx-read-flags...: one pipeline
  local ck=$1
  shift
  sx-read --kafka "$KAFKA" "$@" --starting-offsets earliest --ending-offsets latest \
      --time-field ts --watermark 1m --checkpoint "$ck" \
    | sx-window --tumbling 1m --by user_id --agg count --mode update --checkpoint "$ck" \
    | sx-sink --db sqlite:clicks.db --table clicks_per_minute --mode update --checkpoint "$ck"
}
one ck-a --assign '{"clicks":[0,1]}' &
a=$!
one ck-b --assign '{"clicks":[2,3]}' &
b=$!
one ck-c --assign '{"clicks":[4,5]}' &
c=$!
wait "$a" "$b" "$c"
sqlite3 -header -column clicks.db \
  'SELECT window_start, COUNT(*) AS users, SUM(count) AS clicks FROM clicks_per_minute GROUP BY 1 ORDER BY 1'
if [ -n "${mock:-}" ]; then # our own data: 3 minutes x 6 users, one click each
  [ "$(sqlite3 clicks.db 'SELECT COUNT(*), SUM(count) FROM clicks_per_minute')" = "18|18" ] ||
    { echo "kafka-scale-out: expected 18 rows of one click" >&2; exit 1; }
fi
