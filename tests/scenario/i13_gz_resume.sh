#!/usr/bin/env bash
# Issue 13: checkpoint resume inside gzip files, as inside zstd ones. A
# directory of rotated logs (plain, a two-member .gz as `cat a.gz b.gz`
# makes, a gzip file without .gz in its name) is read by runs of
# `--trigger once --max-records-per-trigger 7000`: each run reads one epoch
# and stops, most of them inside a gzip file (50,000 lines in it), and the
# next run goes on at the checkpoint's position in the decompressed stream.
# Every line comes out exactly once: the count equals `zcat -f | wc -l` and
# the ids are each seen once. Then the same input in one run without a
# trigger gives the same records.
source "$(dirname "$0")/common.sh" "$1"
mkdir in
seq 1 3000 | awk '{printf "{\"id\":%d,\"f\":\"a\"}\n", $1}' > in/1.log
seq 3001 30000 | awk '{printf "{\"id\":%d,\"f\":\"b\",\"pad\":\"%08x\"}\n", $1, $1 * 2654435761 % 4294967296}' \
  | gzip -n > in/2.log.gz
seq 30001 53000 | awk '{printf "{\"id\":%d,\"f\":\"b\"}\n", $1}' | gzip -n -1 >> in/2.log.gz
seq 53001 61000 | awk '{printf "{\"id\":%d,\"f\":\"c\"}\n", $1}' | gzip -n > in/3.log
want=$(zcat -f in/* | wc -l)
expect_eq "$want" 61000 "lines in the input (zcat -f)"

run() {  # run CHECKPOINT OUT [sx-read flags...]
  local ck=$1 out=$2
  shift 2
  sx-read --checkpoint "$ck" "$@" --no-progress-line in/ | sx-sink --checkpoint "$ck" --path "$out"
}
visible() { find "$1" -type f -not -path '*/_*' -not -path '*/.*' | sort | xargs -r cat; }

runs=0
last=-1
while :; do
  run ck out --trigger once --max-records-per-trigger 7000
  runs=$((runs + 1))
  n=$(visible out | wc -l)
  [ "$n" -ne "$last" ] || break
  last=$n
  [ "$runs" -lt 30 ] || fail "still reading after 30 runs ($n records)"
done
# 61,000 lines in epochs of at most 7,000: at least 9 runs with data.
[ "$runs" -ge 10 ] || fail "only $runs runs: the epochs did not stop inside the files"
expect_eq "$(visible out | wc -l)" "$want" "records after $runs runs (zcat -f | wc -l)"
expect_eq "$(visible out | jq -r .id | sort -n | uniq | wc -l)" "$want" "distinct ids"
expect_eq "$(visible out | jq -r .id | sort -n | uniq -d | wc -l)" 0 "ids seen twice"
expect_eq "$(visible out | jq -r .id | sort -n | sed -n '1p;$p' | tr '\n' ' ')" "1 61000 " \
  "first and last ids"
# Records in the order of the input, as one run without a trigger gives them.
run ck_batch out_batch
visible out_batch | cmp - <(visible out) || fail "the runs' records differ from one batch run"
zcat -f in/* | cmp - <(visible out) || fail "the records differ from zcat -f in/*"
echo "i13_gz_resume: ok"
