#!/usr/bin/env bash
# Seed scenario: clicks per user per minute. The five clicks of the seed notes,
# a 1-minute watermark, 1-minute tumbling windows in append mode. Spark's answer:
# user1 [10:00,10:01) 2, user1 [10:01,10:02) 1, user2 [10:01,10:02) 1,
# user2 [10:02,10:03) 1.
set -euo pipefail
sx-read --time-field eventtimestamp --watermark 1m <<'DATA' \
  | sx-window --tumbling 1m --by user_id --agg count --mode append \
  | sx-sink --format table
{"user_id":"user1","event":"click","eventtimestamp":"2023-07-30T10:00:00Z"}
{"user_id":"user1","event":"click","eventtimestamp":"2023-07-30T10:00:20Z"}
{"user_id":"user2","event":"click","eventtimestamp":"2023-07-30T10:01:00Z"}
{"user_id":"user1","event":"click","eventtimestamp":"2023-07-30T10:01:20Z"}
{"user_id":"user2","event":"click","eventtimestamp":"2023-07-30T10:02:00Z"}
DATA
