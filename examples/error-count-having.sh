#!/usr/bin/env bash
# The seed's alert when errors exceed 100 in a window:
#   groupBy(window("timestamp", "15 minutes")).agg(count("error").alias("error_count"))
#     .filter("error_count > 100")
# as sx-window --having. Log lines at one a second for an hour; from 10:15 to
# 10:30 one line in four is an error (225 errors), otherwise one in twenty
# (45 per window): only the 10:15 window passes the HAVING filter.
set -euo pipefail
for s in $(seq 0 3599); do
  t=$(printf '2024-05-01T10:%02d:%02dZ' $((s / 60)) $((s % 60)))
  if [ "$s" -ge 900 ] && [ "$s" -lt 1800 ]; then every=4; else every=20; fi
  level=info
  [ $((s % every)) -eq 0 ] && level=error
  printf '{"timestamp":"%s","level":"%s","msg":"request %d"}\n' "$t" "$level" "$s"
done | sx-read --time-field timestamp --watermark 1m \
  | sx-window --tumbling 15m --agg 'count_if(level = "error") as error_count' --agg count \
    --having 'error_count > 100' | sx-sink \
  | tee /dev/stderr | jq -e -s 'length == 1 and .[0].window_start == "2024-05-01T10:15:00Z" and .[0].error_count == 225' > /dev/null
