#!/usr/bin/env bash
# The seed's stateless filters with sx-map --where (Spark SQL expressions,
# man sx-expr): filter(col("event_type") == "purchase"), then
# stream.filter(stream.value > 10), alone and both at once, and the purchases
# over 10 per 15-minute window. A record whose value is missing or not a
# number is not "> 10" (null is not true), as in Spark.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/events.ndjson" <<'NDJSON'
{"ts":"2024-05-01T09:00:05Z","user_id":"u1","event_type":"view","value":3}
{"ts":"2024-05-01T09:01:10Z","user_id":"u2","event_type":"purchase","value":25.5}
{"ts":"2024-05-01T09:03:00Z","user_id":"u1","event_type":"purchase","value":8}
{"ts":"2024-05-01T09:07:42Z","user_id":"u3","event_type":"click","value":40}
{"ts":"2024-05-01T09:12:30Z","user_id":"u2","event_type":"purchase","value":120}
{"ts":"2024-05-01T09:16:00Z","user_id":"u4","event_type":"purchase"}
{"ts":"2024-05-01T09:21:15Z","user_id":"u3","event_type":"purchase","value":"n/a"}
{"ts":"2024-05-01T09:24:59Z","user_id":"u1","event_type":"PURCHASE","value":60}
{"ts":"2024-05-01T09:29:00Z","user_id":"u4","event_type":"purchase","value":11}
NDJSON
echo '== filter(col("event_type") == "purchase")   (case matters: PURCHASE is another value)'
sx-read --time-field ts "$dir/events.ndjson" \
  | sx-map --where 'event_type = "purchase"' \
  | sx-sink --format table --empty-batches skip
echo '== stream.filter(stream.value > 10)'
sx-read --time-field ts "$dir/events.ndjson" \
  | sx-map --where 'value > 10' \
  | sx-sink --format table --empty-batches skip
echo '== both: purchases over 10, as NDJSON'
sx-read --time-field ts "$dir/events.ndjson" \
  | sx-map --where 'event_type = "purchase" AND value > 10' --select 'ts, user_id, value' \
  | sx-sink | tee "$dir/big.ndjson"
echo '== purchases over 10 per 15 minutes'
sx-read --time-field ts "$dir/events.ndjson" \
  | sx-map --where 'event_type = "purchase" AND value > 10' \
  | sx-window --tumbling 15m --agg 'count as purchases' --agg 'sum(value) as revenue' \
  | sx-sink --format table --empty-batches skip
# The answer, worked out by hand: u2's 25.5 and 120, u4's 11.
[ "$(wc -l < "$dir/big.ndjson")" -eq 3 ] || { echo "expected 3 purchases over 10" >&2; exit 1; }
