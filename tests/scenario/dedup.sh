#!/usr/bin/env bash
# sx-dedup end to end on generated data: the output equals the first
# occurrences computed independently (awk), windows over the deduplicated
# stream equal counts computed by jq, dropDuplicatesWithinWatermark agrees on
# exact retries, and with a small watermark every record is accounted for as
# passed, duplicate or late, exactly as an awk model of the epochs predicts.
source "$(dirname "$0")/common.sh" "$1"
N=50000
# 2% exact re-sends of one of the last 100 events; 3% late by up to 2 minutes.
sx-gen --events $N --seed 9 --duplicate-fraction 0.02 --late-fraction 0.03 --late-max 2m > gen.ndjson

# One line per event: event time in microseconds, event_id, the raw line.
jq -r '(.timestamp | capture("^(?<d>[^.Z]+)(\\.(?<f>[0-9]+))?Z$")) as $c
       | "\(($c.d + "Z" | fromdateiso8601) * 1000000 + ((($c.f // "") + "000000")[0:6] | tonumber))\t\(.event_id)"' \
  gen.ndjson | paste - gen.ndjson > keyed.tsv
expect_eq "$(wc -l < keyed.tsv)" "$N" "keyed lines"

# (a) dropDuplicates(event_id, timestamp) with a 10m watermark (> late-max):
# the first occurrence of each (event_id, timestamp), nothing late.
awk -F'\t' '!seen[$2 "\t" $1]++ { print $3 }' keyed.tsv | sort > want_a.ndjson
unique=$(wc -l < want_a.ndjson)
if [ "$unique" -ge "$N" ] || [ "$unique" -le $((N * 95 / 100)) ]; then fail "implausible unique count $unique"; fi
sx-read --time-field timestamp --watermark 10m --max-records-per-trigger 1000 gen.ndjson \
  | sx-dedup --key event_id,timestamp 2> err_a.txt | sx-sink | sort > got_a.ndjson
cmp -s want_a.ndjson got_a.ndjson || fail "(a) output differs from the first occurrences by (event_id,timestamp)"
expect_eq "$(cat err_a.txt)" "sx-dedup: dropped $((N - unique)) duplicates of $N records" "(a) note, no late records"

# (b) The acceptance: 5-minute counts per event_type after dedup on event_id
# equal counts over the deduplicated input, computed by jq.
awk -F'\t' '!seen[$2]++ { print $3 }' keyed.tsv > dedup_b.ndjson
expect_eq "$(wc -l < dedup_b.ndjson)" "$unique" "(b) sx-gen duplicates repeat event_id and timestamp"
jq -r '"\(.timestamp | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601 | . - (. % 300) | todate) \(.event_type)"' \
  dedup_b.ndjson | sort | uniq -c | awk '{ printf "%s %s %d\n", $2, $3, $1 }' > want_b.txt
sx-read --time-field timestamp --watermark 10m --max-records-per-trigger 1000 gen.ndjson \
  | sx-dedup --key event_id 2> err_b.txt \
  | sx-window --tumbling 5m --by event_type --agg count 2> err_bw.txt | sx-sink \
  | jq -r '"\(.window_start) \(.event_type) \(.count)"' | sort > got_b.txt
[ "$(wc -l < want_b.txt)" -gt 20 ] || fail "jq computed too few windows"
cmp -s want_b.txt got_b.txt || fail "(b) window counts differ from counts over the deduplicated input"
expect_eq "$(cat err_b.txt)" "sx-dedup: dropped $((N - unique)) duplicates of $N records" "(b) dedup note"
expect_eq "$(cat err_bw.txt)" "" "(b) no late records in sx-window"

# (c) dropDuplicatesWithinWatermark(event_id): the same as (a) on exact retries.
sx-read --time-field timestamp --watermark 10m --max-records-per-trigger 1000 gen.ndjson \
  | sx-dedup --key event_id --within-watermark 2> err_c.txt | sx-sink | sort > got_c.ndjson
cmp -s want_a.ndjson got_c.ndjson || fail "(c) --within-watermark output differs from (a)"
expect_eq "$(cat err_c.txt)" "sx-dedup: dropped $((N - unique)) duplicates of $N records" "(c) note"

# (d) A 5s watermark over 500-record epochs makes some records late. An awk
# model of the epochs: the watermark in force for epoch k+1 is the maximum
# event time through epoch k minus the delay; a record at or before it is
# late; otherwise it is a duplicate when its key is held.
model() {  # $1: dd (dropDuplicates on event_id,timestamp) or ww (within watermark on event_id)
  awk -F'\t' -v mode="$1" -v delay=5000000 -v per=500 '
    function flush_epoch() { if (have && (!haswm || max - delay > wm)) { wm = max - delay; haswm = 1 } }
    {
      t = $1 + 0; id = $2
      if (!have || t > max) max = t
      have = 1
      if (haswm && t <= wm) { print "late\t" $3 }
      else if (mode == "dd") {
        k = id "\t" t
        if (k in seen) print "dup\t" $3; else { seen[k] = 1; print "pass\t" $3 }
      } else {
        if ((id in expiry) && !(haswm && expiry[id] <= wm)) print "dup\t" $3
        else { expiry[id] = t + delay; print "pass\t" $3 }
      }
      if (NR % per == 0) flush_epoch()
    }' keyed.tsv
}
for mode in dd ww; do
  if [ $mode = dd ]; then keys=(--key "event_id,timestamp"); else keys=(--key event_id --within-watermark); fi
  rm -f dups.ndjson late.ndjson
  sx-read --time-field timestamp --watermark 5s --max-records-per-trigger 500 gen.ndjson \
    | sx-dedup "${keys[@]}" --duplicates dups.ndjson --late late.ndjson 2> err_d.txt \
    | sx-sink > got_d.ndjson
  passed=$(wc -l < got_d.ndjson); dups=$(wc -l < dups.ndjson); late=$(wc -l < late.ndjson)
  [ "$late" -gt 50 ] || fail "($mode) expected late records with a 5s watermark, got $late"
  [ "$dups" -gt 50 ] || fail "($mode) expected duplicates, got $dups"
  expect_eq "$((passed + dups + late))" "$N" "($mode) passed + duplicates + late = input"
  expect_eq "$(cat err_d.txt)" "sx-dedup: dropped $dups duplicates of $N records; see dups.ndjson
sx-dedup: warning: $late late records dropped (at or before the watermark); see late.ndjson" "($mode) notes"
  model $mode > model.tsv
  cp got_d.ndjson got_pass.txt
  jq -r .raw dups.ndjson > got_dup.txt
  jq -r .raw late.ndjson > got_late.txt
  for kind in pass dup late; do
    awk -F'\t' -v k=$kind '$1 == k { print $2 }' model.tsv > want_$kind.txt
    cmp -s want_$kind.txt got_$kind.txt || fail "($mode) $kind records differ from the awk model of the epochs"
  done
done
echo "dedup: ok ($((N - unique)) duplicates of $N; with a 5s watermark $late late)"
