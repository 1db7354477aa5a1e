#!/usr/bin/env bash
# Database sink, complete mode: a running leaderboard (purchases per user)
# whose table is replaced at each epoch in one transaction, so a dashboard
# reading it sees one epoch's table or the next, never a mix.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sx-gen --events 5000 --seed 9 --users 20 \
  | sx-read --time-field timestamp --max-records-per-trigger 1000 \
  | sx-map --where 'event_type = "purchase"' \
  | sx-window --by user_id --agg count --agg 'sum(value) as spent' --mode complete \
  | sx-sink --db "sqlite:$dir/board.db" --table leaderboard --mode complete
sqlite3 -header -column "$dir/board.db" \
  'SELECT user_id, count, ROUND(spent, 2) AS spent FROM leaderboard ORDER BY spent DESC LIMIT 5'
# The last epoch's table is the whole answer: one row per buying user.
want=$(sx-gen --events 5000 --seed 9 --users 20 | jq -s '[.[] | select(.event_type == "purchase") | .user_id] | unique | length')
got=$(sqlite3 "$dir/board.db" 'SELECT COUNT(*) FROM leaderboard')
[ "$got" = "$want" ] || { echo "expected $want users, got $got" >&2; exit 1; }
