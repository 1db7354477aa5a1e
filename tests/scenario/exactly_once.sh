#!/usr/bin/env bash
# Exactly-once across kill -9 (the checkpoint issue's crash test): the pipeline
# sx-read | sx-dedup | sx-window | sx-sink --path, all with --checkpoint, over
# 2000000 events (late and duplicate ones among them) in 100 files, epochs of
# 2000 records, killed at the fault-injection points (a checkpoint written but not
# renamed, a commit written but its file not published, mid-output) and then
# at random moments, one random stage at a time, restarted each time until a
# run finishes: the visible output must equal the failure-free output, byte
# for byte: nothing lost, nothing doubled.
source "$(dirname "$0")/common.sh" "$1"
mkdir in
sx-gen --events 2000000 --seed 4 --late-fraction 0.02 --duplicate-fraction 0.01 > all.ndjson
split -l 20000 -d -a 2 all.ndjson in/batch_
visible() { find "$1" -type f -not -path '*/_*' -not -path '*/.*' | sort | xargs cat; }

run() {  # run DIR [env...]: one attempt of the pipeline; its status
  local dir=$1
  shift
  env "$@" sx-read --checkpoint "$dir/ck" --time-field timestamp --watermark 10m \
      --max-records-per-trigger 2000 --no-progress-line in/ 2> /dev/null \
    | env "$@" sx-dedup --checkpoint "$dir/ck" --key event_id,timestamp 2> /dev/null \
    | env "$@" sx-window --checkpoint "$dir/ck" --tumbling 1m --by event_type --agg count \
        --agg 'sum(value)' --agg 'max(value)' 2> /dev/null \
    | env "$@" sx-sink --checkpoint "$dir/ck" --path "$dir/out" 2> /dev/null
}

mkdir ref
run ref || fail "the failure-free run failed"
visible ref/out > want.ndjson
[ "$(wc -l < want.ndjson)" -gt 1000 ] || fail "the failure-free run wrote too few windows"
expect_eq "$(jq -s 'map(.count) | add' want.ndjson)" \
  "$(jq -r '[.event_id, .timestamp] | @tsv' all.ndjson | sort -u | wc -l)" "every unique event counted once"

mkdir crash
kills=0
for point in ckpt-before-rename commit-before-publish mid-output; do
  if (run "$WORK/crash" SX_FAULT=$point); then fail "SX_FAULT=$point did not stop the pipeline"; fi
  kills=$((kills + 1))
done
# The random runs name their checkpoint by its absolute path, which
# kill_random_stage (common.sh) matches.
RANDOM=7
for attempt in $(seq 1 300); do
  (run "$WORK/crash") &
  pid=$!
  if kill_random_stage "$pid" crash/ck "0.0$((RANDOM % 9 + 1))"; then
    kills=$((kills + 1))
  fi
  if wait "$pid" 2> /dev/null; then break; fi  # a run finished: the stream is done
done
# Finish without kills.
run "$WORK/crash" || run "$WORK/crash" || fail "the pipeline did not finish after the crashes"
visible crash/out > got.ndjson
cmp got.ndjson want.ndjson || fail "after $kills kills the output differs: $(wc -l < got.ndjson) windows, want $(wc -l < want.ndjson)"
[ "$kills" -ge 20 ] || fail "only $kills kills landed"
echo "exactly_once: ok (survived $kills kills; output identical: $(wc -l < got.ndjson) windows)"
