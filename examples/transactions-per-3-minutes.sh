#!/usr/bin/env bash
# Total transaction amount per user in 3-minute windows,
# written in complete mode (the whole table after every micro-batch), as
# Spark complete mode shows it; then the all-time total per user
# (a running aggregation).
# The transactions: user1 100 at 10:00, user2 200 at 10:01, user3 300 at 10:02,
# then user1 400 at 10:02:30, one per minute after that. Three per micro-batch.
set -euo pipefail
data=$(for i in $(seq 0 8); do
  user=$((i % 3 + 1))
  printf '{"user_id":"user%d","amount":%d,"timestamp":"2023-07-30T10:%02d:00Z"}\n' \
    "$user" $(((i + 1) * 100)) "$i"
done)
echo "== 3-minute windows, complete mode"
sx-read --time-field timestamp --max-records-per-trigger 3 <<< "$data" \
  | sx-window --tumbling 3m --by user_id --agg 'sum(amount) as total_amount' --mode complete \
  | sx-sink --format table
echo "== all-time totals, complete mode"
sx-read --time-field timestamp --max-records-per-trigger 3 <<< "$data" \
  | sx-window --by user_id --agg 'sum(amount) as total_amount' --mode complete \
  | sx-sink --format table
