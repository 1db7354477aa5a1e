#!/usr/bin/env bash
# Requests and 5xx errors per 5 minutes from an nginx access log in its
# default "combined" format, the rotated and gzipped part (logrotate's
# default) read before the live file: no conversion step, and time_local
# needs no --time-format. Then the same windows as bars of the 5xx count.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/access.log.1" <<'LOG'
203.0.113.7 - - [10/Oct/2024:13:55:36 +0200] "GET /index.html HTTP/1.1" 200 2326 "-" "Mozilla/5.0 (X11; Linux x86_64)"
203.0.113.8 - alice [10/Oct/2024:13:57:02 +0200] "POST /api/orders HTTP/1.1" 502 157 "https://shop.example/" "curl/8.4.0"
198.51.100.4 - - [10/Oct/2024:13:59:59 +0200] "GET /api/orders?page=2 HTTP/1.1" 200 5120 "-" "Mozilla/5.0 (iPhone)"
LOG
gzip "$dir/access.log.1"
cat > "$dir/access.log" <<'LOG'
203.0.113.7 - - [10/Oct/2024:14:00:01 +0200] "GET /api/orders HTTP/1.1" 500 0 "-" "Mozilla/5.0 (X11; Linux x86_64)"
203.0.113.9 - - [10/Oct/2024:14:03:12 +0200] "GET /favicon.ico HTTP/1.1" 404 153 "-" "Mozilla/5.0 (X11; Linux x86_64)"
198.51.100.4 - - [10/Oct/2024:14:06:40 +0200] "GET /api/orders HTTP/1.1" 503 0 "-" "Mozilla/5.0 (iPhone)"
198.51.100.4 - - [10/Oct/2024:14:07:00 +0200] "GET /api/orders HTTP/1.1" 200 4096 "-" "Mozilla/5.0 (iPhone)"
203.0.113.7 - - [10/Oct/2024:14:08:30 +0200] "POST /api/orders HTTP/1.1" 504 0 "-" "curl/8.4.0"
LOG
echo "== requests and 5xx per 5 minutes (window bounds in Europe/Paris)"
sx-read --format combined --time-field time_local "$dir/access.log.1.gz" "$dir/access.log" \
  | sx-window --tumbling 5m --agg count --agg 'count_if(status >= 500) as errors_5xx' \
  | sx-sink --format table --truncate 0 --empty-batches skip --time-zone Europe/Paris
echo "== the 5xx count per window as bars"
sx-read --format combined --time-field time_local "$dir/access.log.1.gz" "$dir/access.log" \
  | sx-window --tumbling 5m --agg 'count_if(status >= 500) as errors_5xx' \
  | COLUMNS=72 sx-sink --format bar --value errors_5xx --time-zone Europe/Paris
