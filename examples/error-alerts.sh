#!/usr/bin/env bash
# The seed's foreachBatch alert: per 15-minute window, purchases and all
# events, and an alert when (purchase_count > 5) OR (total_events > 100).
# The main results go to the terminal as a table; a tee sends the same rows
# to a second branch, sx-map --where, which keeps the alerting windows in an
# alerts file (in production: a file a notifier watches, or a command).
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# 10:00-10:15: 7 purchases, 3 views (alert: purchases); 10:15-10:30: 2
# purchases, 120 views (alert: traffic); 10:30-10:45: 3 purchases, 4 views.
{
  for i in 1 2 3 4 5 6 7; do
    printf '{"ts":"2024-05-01T10:0%d:00Z","event_type":"purchase","user_id":"u%d"}\n' "$i" "$i"
  done
  for i in 1 2 3; do printf '{"ts":"2024-05-01T10:1%d:00Z","event_type":"view"}\n' "$i"; done
  printf '{"ts":"2024-05-01T10:16:00Z","event_type":"purchase"}\n'
  printf '{"ts":"2024-05-01T10:17:00Z","event_type":"purchase"}\n'
  for i in $(seq 10 129); do printf '{"ts":"2024-05-01T10:20:%02d.%03dZ","event_type":"view"}\n' $((i % 60)) "$i"; done
  for i in 1 2 3; do printf '{"ts":"2024-05-01T10:3%d:00Z","event_type":"purchase"}\n' "$i"; done
  for i in 4 5 6 7; do printf '{"ts":"2024-05-01T10:3%d:00Z","event_type":"view"}\n' "$i"; done
} > "$dir/events.ndjson"
# The closing '| cat' waits for the alert branch too: it holds the same
# stdout, so cat ends only when both branches have ended.
{
  sx-read --time-field ts --watermark 1m "$dir/events.ndjson" \
    | sx-window --tumbling 15m \
      --agg 'count_if(event_type=purchase) as purchase_count' --agg 'count as total_events' \
    | tee >(sx-map --where 'purchase_count > 5 OR total_events > 100' \
            | sx-sink --output "$dir/alerts.ndjson") \
    | sx-sink --format table --empty-batches skip
} | cat
echo "== alerts"
cat "$dir/alerts.ndjson"
# Worked out by hand: the first two windows alert, the third does not.
[ "$(wc -l < "$dir/alerts.ndjson")" -eq 2 ] || { echo "expected 2 alerts" >&2; exit 1; }
