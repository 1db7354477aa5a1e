#!/usr/bin/env bash
# Database sink, append mode: every purchase lands in a SQLite table once,
# however often the cron job runs. Two runs over a growing folder (a new file
# between them) and a third with nothing new: the table has each record once.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/in"
sx-gen --events 3000 --seed 3 | head -1500 > "$dir/in/part-1.ndjson"
sx-gen --events 3000 --seed 3 | tail -1500 > "$dir/part-2.ndjson"
run() {
  sx-read --time-field timestamp --trigger available-now --checkpoint "$dir/ck" "$dir/in/" \
    | sx-map --where 'event_type = "purchase"' --select event_id,timestamp,user_id,value \
    | sx-sink --checkpoint "$dir/ck" --db "sqlite:$dir/shop.db" --table purchases
}
run
mv "$dir/part-2.ndjson" "$dir/in/"
run
run
sqlite3 -header -column "$dir/shop.db" \
  'SELECT COUNT(*) AS purchases, COUNT(DISTINCT event_id) AS distinct_ids, ROUND(SUM(value), 2) AS revenue FROM purchases'
# The answer, from the input by jq: as many purchases as rows, each once.
want=$(cat "$dir"/in/*.ndjson | jq -s '[.[] | select(.event_type == "purchase")] | length')
got=$(sqlite3 "$dir/shop.db" 'SELECT COUNT(DISTINCT event_id) || "/" || COUNT(*) FROM purchases')
[ "$got" = "$want/$want" ] || { echo "expected $want/$want purchases, got $got" >&2; exit 1; }
