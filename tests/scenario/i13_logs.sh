#!/usr/bin/env bash
# Issue 13: the logs people have, through windows. An nginx access log in the
# "combined" format whose older half was rotated and gzipped (logrotate's
# default), read together with the live file, and a CSV export: the counts
# per 5-minute window equal those computed independently by awk from the
# raw text.
source "$(dirname "$0")/common.sh" "$1"
cd "$WORK"

# 20000 requests, one every second on average (about 5.5 hours); 2% are 500s.
sx-gen --events 20000 --time-step 1s --format combined > all.log
head -n 12000 all.log | gzip > access.log.1.gz
tail -n +12001 all.log > access.log

# sx: requests and 5xx per 5 minutes, from the rotated file then the live one.
sx-read --format combined --time-field time_local access.log.1.gz access.log \
  | sx-window --tumbling 5m --agg count --agg 'count_if(status >= 500) as errors' \
  | sx-sink --format csv > sx.csv
# "2024-01-01T00:05:00Z,2024-01-01T00:10:00Z,312,7" -> "01 00:05 312 7"
awk -F, 'NR > 1 { print substr($1, 9, 2), substr($1, 12, 5), $3, $4 }' sx.csv | sort > sx.txt
# awk on the raw log: $4 is "[01/Jan/2024:00:07:31", $9 the status.
awk '{ day = substr($4, 2, 2); h = substr($4, 14, 2); m = substr($4, 17, 2) + 0
       k = sprintf("%s %s:%02d", day, h, int(m / 5) * 5); n[k]++; if ($9 >= 500) e[k]++ }
     END { for (k in n) print k, n[k], e[k] + 0 }' all.log | sort > awk.txt
[ -s awk.txt ] || fail "awk found no requests"
expect_eq "$(wc -l < sx.txt)" "$(wc -l < awk.txt)" "combined: number of 5-minute windows"
cmp -s sx.txt awk.txt || { diff sx.txt awk.txt | head; fail "combined: counts differ from awk's"; }
expect_eq "$(awk '{ s += $3 } END { print s }' sx.txt)" 20000 "combined: requests in all windows"

# The same events as CSV: count and sum(value) per 5 minutes by event_type.
sx-gen --events 20000 --time-step 1s --format csv > orders.csv
sx-read --format csv --time-field timestamp orders.csv \
  | sx-window --tumbling 5m --by event_type --agg count --agg 'sum(value) as total' \
  | sx-sink --format csv > sx_csv.csv
# "2024-01-01T00:05:00Z,2024-01-01T00:10:00Z,view,150,74123.5" -> "00:05 view 150 74123.50"
awk -F, 'NR > 1 { printf "%s %s %s %.2f\n", substr($1, 9, 8), $3, $4, $5 }' sx_csv.csv \
  | sort > sx_csv.txt
awk -F, 'NR > 1 { k = sprintf("%s:%02d %s", substr($2, 9, 5), int(substr($2, 15, 2) / 5) * 5, $4)
                   n[k]++; s[k] += $5 }
         END { for (k in n) printf "%s %d %.2f\n", k, n[k], s[k] }' orders.csv | sort > awk_csv.txt
expect_eq "$(wc -l < sx_csv.txt)" "$(wc -l < awk_csv.txt)" "csv: number of windows"
cmp -s sx_csv.txt awk_csv.txt || { diff sx_csv.txt awk_csv.txt | head; fail "csv: differs from awk"; }
echo "ok"
