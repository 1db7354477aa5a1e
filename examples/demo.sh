#!/usr/bin/env bash
# The demo: 6000 generated clickstream events (100 ms apart, so 10 minutes of
# traffic; 5% of them up to 2 minutes late, 2% re-sent) read with a 2-minute
# watermark in epochs of 1000 records, deduplicated on event id and time,
# counted and averaged per event type in 5-minute tumbling windows, and shown
# as Spark's console shows micro-batches: each window appears once, in the
# batch after the watermark passes its end. The same windows are stored in a
# SQLite file (sx-sink --db, one transaction per epoch), and one query on it
# ends the demo: the events of each type over the whole run.
set -euo pipefail
db=${SX_DEMO_DB:-$(mktemp -d)/demo.db}
# { ... } | cat: cat ends when every writer of its pipe has, the SQLite sink
# in the process substitution included, so the query below sees its commits.
{ sx-gen --events 6000 --seed 7 --late-fraction 0.05 --late-max 2m --duplicate-fraction 0.02 \
  | sx-read --time-field timestamp --watermark 2m --max-records-per-trigger 1000 \
  | sx-dedup --key event_id,timestamp \
  | sx-window --tumbling 5m --by event_type --agg count --agg 'avg(value)' \
  | tee >(sx-sink --db "sqlite:$db" --table windows) \
  | sx-sink --format table; } | cat
echo "The windows, stored in $db:"
echo "  sqlite3 $db 'SELECT event_type, SUM(count) AS events FROM windows GROUP BY event_type ORDER BY events DESC'"
sqlite3 -header -column "$db" \
  'SELECT event_type, SUM(count) AS events FROM windows GROUP BY event_type ORDER BY events DESC'
