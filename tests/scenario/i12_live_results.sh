#!/usr/bin/env bash
# Issue 12, "Live input shows results at once": a slow writer (20 lines/s, never
# quiet long enough for --idle-epoch) feeds a stdin pipe; with default flags a
# closed window's result reaches the sink while the writer is still writing,
# because on live input an epoch also ends when it has been open for a bounded
# time (sx-read(1), "EPOCHS"). The same lines from a file keep their
# deterministic epochs: one per file.
source "$(dirname "$0")/common.sh" "$1"

# Event times 100 ms apart from 2023-11-14T22:13:20Z (epoch ms 1700000000000):
# the window [22:13:20, 22:13:21) holds lines 0..9, and line 10 (22:13:21)
# closes it; the writer goes on for 6 s in all.
{
  for i in $(seq 0 119); do
    echo "{\"ts\":$((1700000000000 + i * 100)),\"i\":$i}"
    sleep 0.05
  done
  touch writer.done
} | sx-read --time-field ts --watermark 0s \
  | sx-window --tumbling 1s --agg count | sx-sink > live.out &
wait_until 4 grep -qF '"count":10' live.out || fail "no window result within 4 s of a live pipe"
[ ! -e writer.done ] || fail "the first window appeared only after the writer had finished"
expect_eq "$(head -1 live.out)" \
  '{"window_start":"2023-11-14T22:13:20Z","window_end":"2023-11-14T22:13:21Z","count":10}' \
  "the first window"
wait

# A file: epochs do not depend on the clock (one epoch for the file, then the
# final watermark's).
for i in $(seq 0 119); do echo "{\"ts\":$((1700000000000 + i * 100))}"; done > f.ndjson
expect_eq "$(sx-read --time-field ts --watermark 0s f.ndjson | grep -c '"@sx":"epoch"')" 2 \
  "epochs of a file"
expect_eq "$(sx-read --time-field ts --watermark 0s < f.ndjson | grep -c '"@sx":"epoch"')" 2 \
  "epochs of stdin redirected from a file"
# --trigger interval=D on a file: refused (usage error), naming what cuts a
# file's epochs.
code=0 code2=0
sx-read --trigger interval=1s f.ndjson > /dev/null 2> err.txt || code=$?
sx-read --trigger interval=1s < f.ndjson > /dev/null 2> err2.txt || code2=$?
expect_eq "$code $code2" "2 2" "exit codes of --trigger interval on files"
grep -qF 'the epochs of f.ndjson are cut by --max-files-per-trigger' err.txt || fail "$(cat err.txt)"
grep -qF 'the epochs of stdin redirected from a file' err2.txt || fail "$(cat err2.txt)"
# On a pipe, --trigger interval=D is accepted: a 5 s interval over a 1 s
# writer makes one data epoch (the input's end ends the last one).
{ for i in 1 2 3 4 5; do echo "{\"ts\":$i}"; sleep 0.2; done; } \
  | sx-read --time-field ts --trigger interval=5s > iv.out
expect_eq "$(grep -c '"@sx":"epoch"' iv.out)" 2 "epochs with --trigger interval=5s on a pipe"
echo "i12_live_results: ok"
