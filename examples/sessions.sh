#!/usr/bin/env bash
# Seed scenario: user sessions split by 30 minutes of inactivity. 20000
# generated events one second apart (5.5 hours) from 2000 users, a 10-minute
# watermark; each session is written once, when the watermark passes its end
# (its last event + 30 minutes). Shown: how many sessions, and the 5 busiest.
set -euo pipefail
sx-gen --events 20000 --seed 3 --users 2000 --time-step 1s \
  | sx-read --time-field timestamp --watermark 10m \
  | sx-window --session 30m --by user_id --agg count --agg 'sum(value) as total_value' \
      --agg 'first(event_type) as first_event' --agg 'last(event_type) as last_event' \
  | sx-sink > sessions.ndjson.tmp
trap 'rm -f sessions.ndjson.tmp' EXIT
echo "$(wc -l < sessions.ndjson.tmp) sessions; the busiest:"
jq -s -c 'sort_by(-.count, .window_start) | .[:5][]' sessions.ndjson.tmp
