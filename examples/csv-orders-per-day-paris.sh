#!/usr/bin/env bash
# Orders and revenue per day in Europe/Paris from a CSV export: days are Paris
# days (an order at 23:30 UTC on March 30 falls on March 31 in Paris, and
# March 31 has 23 hours), bounds shown with their offset, money to 2 digits.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/orders.csv" <<'CSV'
order_id,ordered_at,customer,amount
1001,2024-03-30T10:15:00Z,"Dupont, Marie",19.99
1002,2024-03-30T22:30:00Z,Martin,5.10
1003,2024-03-30T23:30:00Z,"Bernard ""Bob""",100
1004,2024-03-31T21:59:00Z,Petit,0.1
1005,2024-03-31T22:00:00Z,Durand,0.2
CSV
sx-read --format csv --time-field ordered_at "$dir/orders.csv" \
  | sx-window --tumbling 1d --window-time-zone Europe/Paris \
    --agg count --agg 'sum(amount) as revenue' \
  | sx-sink --format table --truncate 0 --empty-batches skip --precision 2
