#!/usr/bin/env bash
# Seed scenario: clicks per ad over a 1-minute window sliding every 30 seconds,
# late data tolerated up to 1 minute, update mode (each micro-batch shows the
# windows it changed). The click at 12:00:05 arrives late, after 12:01:40:
# the watermark (12:00:40) has closed [11:59:30,12:00:30) but not
# [12:00:00,12:01:00), so it counts in the second window only (partly late).
set -euo pipefail
sx-read --time-field timestamp --watermark 1m --max-records-per-trigger 3 <<'DATA' \
  | sx-window --window 1m --slide 30s --by ad_id --agg 'sum(clicks) as total_clicks' --mode update \
  | sx-sink --format table
{"ad_id":"ad123","clicks":50,"timestamp":"2023-08-23T12:00:10Z"}
{"ad_id":"ad456","clicks":70,"timestamp":"2023-08-23T12:00:20Z"}
{"ad_id":"ad123","clicks":100,"timestamp":"2023-08-23T12:00:25Z"}
{"ad_id":"ad456","clicks":150,"timestamp":"2023-08-23T12:00:45Z"}
{"ad_id":"ad123","clicks":30,"timestamp":"2023-08-23T12:01:05Z"}
{"ad_id":"ad456","clicks":20,"timestamp":"2023-08-23T12:01:40Z"}
{"ad_id":"ad123","clicks":5,"timestamp":"2023-08-23T12:00:05Z"}
DATA
