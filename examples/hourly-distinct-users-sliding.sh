#!/usr/bin/env bash
# The seed's approx_count_distinct("user_id") over a sliding window: distinct
# users per hour, every 15 minutes (HyperLogLog++, Spark's default rsd 0.05),
# next to the exact count_distinct. 20000 generated events over about 5.5
# hours, 2000 users: each estimate must be within 3 x rsd of the exact count.
set -euo pipefail
sx-gen --events 20000 --seed 4 --users 2000 --time-step 1s \
  | sx-read --time-field timestamp --watermark 5m \
  | sx-window --window 1h --slide 15m \
    --agg 'approx_count_distinct(user_id) as users' --agg 'count_distinct(user_id) as exact' \
  | sx-sink --format table --num-rows 0 \
  | tee /dev/stderr \
  | awk -F'|' 'NF > 4 && $4 ~ /[0-9]/ { n++; e = $5 + 0; a = $4 + 0; d = a > e ? a - e : e - a
      if (d > 0.15 * e) { print "off: " $0; bad = 1 } }
      END { if (n < 10 || bad) { print n " windows checked"; exit 1 } }'
