#!/usr/bin/env bash
# Issue 11 item 22: --trigger available-now runs its final no-data epoch, as
# Spark's Trigger.AvailableNow does: what the run's last watermark closes is
# committed by that run, and a repeated run with no new input commits nothing
# new. --trigger once keeps Spark's Trigger.Once delay: the no-data epoch is
# the next run's one epoch.
# Events at 1s and 16s, --watermark 10s: the watermark after the data is 6s,
# which closes the window [0s,5s).
source "$(dirname "$0")/common.sh" "$1"
mkdir in
printf '{"ts":"2024-01-01T00:00:01Z"}\n{"ts":"2024-01-01T00:00:16Z"}\n' > in/a.ndjson
run() {  # run CHECKPOINT OUT [sx-read flags...]
  local ck=$1 out=$2
  shift 2
  sx-read --checkpoint "$ck" "$@" --time-field ts --watermark 10s --no-progress-line in/ \
    | sx-window --checkpoint "$ck" --tumbling 5s --agg count \
    | sx-sink --checkpoint "$ck" --path "$out"
}
visible() { [ -d "$1" ] || return 0; find "$1" -type f -not -path '*/_*' -not -path '*/.*' | sort | xargs -r cat; }
first='{"window_start":"2024-01-01T00:00:00Z","window_end":"2024-01-01T00:00:05Z","count":1}'

run ck out --trigger available-now
expect_eq "$(visible out)" "$first" "available-now: the run publishes what its watermark closed"
commits=$(ls ck/_commits | wc -l)
run ck out --trigger available-now
expect_eq "$(visible out)" "$first" "available-now again, no new input"
expect_eq "$(ls ck/_commits | wc -l)" "$commits" "commits after a run with no new input"
# New input: the next windows, each once.
printf '{"ts":"2024-01-01T00:00:31Z"}\n' > in/b.ndjson
run ck out --trigger available-now
# (its watermark, 21s, closes [15s,20s); [30s,35s) stays open)
expect_eq "$(visible out | jq -r .window_start | sort | tr '\n' ' ')" \
  "2024-01-01T00:00:00Z 2024-01-01T00:00:15Z " "available-now with new input"

# --trigger once: one epoch a run; the no-data epoch is the next run's.
rm in/b.ndjson
run ck2 out2 --trigger once
expect_eq "$(visible out2)" "" "once: the first run publishes nothing yet"
run ck2 out2 --trigger once
expect_eq "$(visible out2)" "$first" "once: the second run publishes [0s,5s)"
commits=$(ls ck2/_commits | wc -l)
run ck2 out2 --trigger once
expect_eq "$(visible out2)" "$first" "once: a third run with no new input"
expect_eq "$(ls ck2/_commits | wc -l)" "$commits" "once: commits after a run with no new input"
echo "i11_22_available_now_final_epoch: ok"
