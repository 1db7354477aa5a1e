#!/usr/bin/env bash
# Live inputs: a quiet stdin pipe ends an epoch after --idle-epoch; --follow
# tails a file across rotation and picks up new files in a directory once.
# Timings leave 5x margins over the idle threshold.
source "$(dirname "$0")/common.sh" "$1"


# 1. A stdin pipe that goes quiet: the first record gets its own epoch.
{ echo '{"ts":1}'; sleep 0.6; echo '{"ts":2}'; } \
  | sx-read --time-field ts --idle-epoch 100ms > pipe.out
cat > pipe.want <<'X'
{"@sx":"stream","v":1,"source":"sx-read","time_field":"ts","time_format":"auto","time_zone":"UTC"}
{"ts":1}
{"@sx":"epoch","id":0}
{"ts":2}
{"@sx":"epoch","id":1}
{"@sx":"watermark","t":"+inf"}
{"@sx":"epoch","id":2}
X
diff pipe.want pipe.out || fail "idle epoch on a quiet pipe"

# With --trigger interval=2s a pause of 0.3 s ends no epoch (issue 12: an
# interval works on a pipe, and replaces the idle rule): one epoch.
{ echo '{"ts":1}'; sleep 0.3; echo '{"ts":2}'; } \
  | sx-read --time-field ts --trigger interval=2s | grep -c '"epoch"' > n.out
expect_eq "$(cat n.out)" 2 "epochs with --trigger interval=2s (data + final)"

# 2. Tail a file through rotation.
echo '{"ts":"2023-07-30T10:00:00Z","n":1}' > app.log
sx-read --follow --time-field ts --idle-epoch 50ms app.log > tail.out &
reader=$!
wait_for_text tail.out '"n":1'
wait_for_text tail.out '"epoch","id":0'
echo '{"ts":"2023-07-30T10:00:01Z","n":2}' >> app.log
wait_for_text tail.out '"n":2'
mv app.log app.log.1
echo '{"ts":"2023-07-30T10:00:02Z","n":3}' > app.log
wait_for_text tail.out '"n":3'
kill $reader; wait $reader 2>/dev/null || true
expect_eq "$(grep -o '"n":[0-9]' tail.out | tr -d '\n')" '"n":1"n":2"n":3' "tailed records in order, once each"

# 3. New files in a directory are read once, in name order, hidden ones never.
mkdir in
echo '{"ts":"2023-07-30T10:00:00Z","f":"a"}' > in/a.json
sx-read --follow --time-field ts --watermark 0 --idle-epoch 50ms in > dir.out &
reader=$!
wait_for_text dir.out '"f":"a"'
echo '{"ts":"2023-07-30T10:05:00Z","f":"b"}' > in/.b.json.tmp
mv in/.b.json.tmp in/b.json
echo '{bad' > in/_ignored
wait_for_text dir.out '"f":"b"'
wait_for_text dir.out '"t":"2023-07-30T10:05:00Z"'
touch in/a.json   # already read: not read again
sleep 0.3
kill $reader; wait $reader 2>/dev/null || true
expect_eq "$(grep -c '"f":' dir.out)" 2 "each directory file read once"
expect_eq "$(grep -o '"f":"[ab]"' dir.out | tr -d '\n')" '"f":"a""f":"b"' "name order"
# 4. --trigger interval: an epoch every interval while records keep coming
# (records every 40 ms never leave the input idle for --idle-epoch 1s).
: > live.ndjson
sx-read --follow --trigger interval=200ms --idle-epoch 1s --time-field ts live.ndjson > live.out &
reader=$!
for i in $(seq 1 30); do echo "{\"ts\":$i}" >> live.ndjson; sleep 0.04; done
wait_for_text live.out '"ts":30'
sleep 0.5
kill $reader; wait $reader 2>/dev/null || true
epochs=$(grep -c '"@sx":"epoch"' live.out)
[ "$epochs" -ge 3 ] || fail "--trigger interval=200ms over 1.2 s of records gave $epochs epochs"
echo "follow: ok"
