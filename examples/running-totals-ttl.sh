#!/usr/bin/env bash
# Running total of transaction amounts per user, kept with an
# event-time timeout of one hour (Spark's mapGroupsWithState with
# setTimeoutTimestamp(max transactionTime + 1 hour)). user2 is silent for more
# than an hour, so its state expires and its 13:30 transaction starts a new total.
set -euo pipefail
sx-read --time-field transactionTime --time-format '%Y-%m-%d %H:%M:%S' --watermark 10m \
    --max-records-per-trigger 2 <<'DATA' \
  | sx-window --by userId --agg 'sum(amount) as total' --agg count --ttl 1h --mode update \
  | sx-sink --format table
{"userId":"user1","transactionId":"txn_101","transactionTime":"2025-03-29 10:00:00","amount":100.0}
{"userId":"user2","transactionId":"txn_102","transactionTime":"2025-03-29 10:05:00","amount":250.0}
{"userId":"user1","transactionId":"txn_103","transactionTime":"2025-03-29 10:40:00","amount":50.0}
{"userId":"user1","transactionId":"txn_104","transactionTime":"2025-03-29 11:30:00","amount":75.0}
{"userId":"user1","transactionId":"txn_105","transactionTime":"2025-03-29 12:20:00","amount":20.0}
{"userId":"user1","transactionId":"txn_106","transactionTime":"2025-03-29 13:15:00","amount":10.0}
{"userId":"user2","transactionId":"txn_107","transactionTime":"2025-03-29 13:30:00","amount":40.0}
DATA
