#!/usr/bin/env bash
# Database sink, update mode (the seed's Cassandra table kept current by
# upserts): per-minute clicks per user, upserted by (window_start, window_end,
# user_id) — the keys sx-window announces in its stream header — at every
# epoch. A late click for an open window updates its row in place.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sx-read --time-field eventtimestamp --watermark 1m --max-records-per-trigger 2 <<'DATA' \
  | sx-window --tumbling 1m --by user_id --agg count --mode update \
  | sx-sink --db "sqlite:$dir/clicks.db" --table clicks --mode update
{"user_id":"user1","eventtimestamp":"2023-07-30T10:00:00Z"}
{"user_id":"user1","eventtimestamp":"2023-07-30T10:00:20Z"}
{"user_id":"user2","eventtimestamp":"2023-07-30T10:01:00Z"}
{"user_id":"user1","eventtimestamp":"2023-07-30T10:01:20Z"}
{"user_id":"user1","eventtimestamp":"2023-07-30T10:00:40Z"}
{"user_id":"user2","eventtimestamp":"2023-07-30T10:02:00Z"}
DATA
sqlite3 -header -column "$dir/clicks.db" \
  'SELECT window_start, user_id, count FROM clicks ORDER BY window_start, user_id'
# user1 [10:00,10:01): 2 in the first epoch, then 3 (10:00:40 came later, within
# the watermark): one row, updated, not two.
got=$(sqlite3 "$dir/clicks.db" "SELECT group_concat(user_id || '=' || count, ' ') FROM (SELECT * FROM clicks ORDER BY window_start, user_id)")
[ "$got" = "user1=3 user1=1 user2=1 user2=1" ] || { echo "unexpected table: $got" >&2; exit 1; }
