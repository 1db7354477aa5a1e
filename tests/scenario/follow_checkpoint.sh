#!/usr/bin/env bash
# sx-read --follow --checkpoint: a live pipeline (a tailed file and a followed
# directory into the directory sink) killed with kill -9 at random moments
# while records keep arriving, and restarted each time, shows every record
# exactly once; a restart with nothing new adds nothing; a tailed file rotated
# while the pipeline is down is read on in the old file (still in its
# directory), then the new file from its start; one replaced with the old file
# gone, or truncated, is read from its start with a warning naming it.
# Waits allow 5 s for what takes ~0.1 s (--idle-epoch 50ms).
source "$(dirname "$0")/common.sh" "$1"

mkdir in logs
: > logs/app.log
: > want.ndjson
n=0  # records appended so far (their ids)

tail_lines() {  # tail_lines K: append K records to the tailed file
  local i line
  for i in $(seq "$1"); do
    n=$((n + 1))
    line="{\"ts\":$n,\"id\":\"t$n\",\"pad\":\"$(printf '%*s' $((n % 40)) '' | tr ' ' x)\"}"
    echo "$line" >> logs/app.log
    echo "$line" >> want.ndjson
  done
}
split_line() {  # split_line [CMD]: a record written in two pieces, CMD run in between
  n=$((n + 1))
  local line="{\"ts\":$n,\"id\":\"t$n\",\"split\":true}"
  printf '%s' "${line:0:12}" >> logs/app.log
  sleep 0.0$((RANDOM % 9 + 1))
  "${@:-true}"
  printf '%s\n' "${line:12}" >> logs/app.log
  echo "$line" >> want.ndjson
}
dir_file() {  # dir_file K: a new file of K records in the followed directory
  local i line name
  name=f$(printf '%04d' $((n + 1)))
  for i in $(seq "$1"); do
    n=$((n + 1))
    line="{\"ts\":$n,\"id\":\"d$n\"}"
    echo "$line" >> "in/.$name.tmp"
    echo "$line" >> want.ndjson
  done
  mv "in/.$name.tmp" "in/$name.ndjson"
}
visible() { [ -d out ] || return 0; find out -type f -not -path '*/_*' -not -path '*/.*' | sort | xargs -r cat; }

reader='' sink=''
start() {  # start [STDERR_FILE]: the pipeline, each stage a job of its own
  rm -f pipe
  mkfifo pipe
  sx-read --follow --checkpoint ck --idle-epoch 50ms --max-records-per-trigger 3 --time-field ts \
    --watermark 0 logs/app.log in > pipe 2>> "${1:-read_err.txt}" &
  reader=$!
  sx-sink --checkpoint ck --path out < pipe 2>> sink_err.txt &
  sink=$!
}
stop() {  # kill -9 both stages: one first, chosen at random, then the other
  if [ $((RANDOM % 2)) = 0 ]; then kill -9 "$reader" 2>/dev/null || true; fi
  kill -9 "$sink" "$reader" 2>/dev/null || true
  wait "$reader" 2>/dev/null || true
  wait "$sink" 2>/dev/null || true
}
wait_for_all() {  # up to 5 s until the visible output has every record appended
  local want
  want=$(wc -l < want.ndjson)
  for _ in $(seq 100); do
    [ "$(visible | wc -l)" -ge "$want" ] && return 0
    sleep 0.05
  done
  fail "timed out waiting for $want records in out/ (have $(visible | wc -l))"
}
check_once() {  # the visible output is every appended record, once each
  visible | sort > got.txt
  sort want.ndjson > want.txt
  cmp -s got.txt want.txt ||
    fail "$1: output differs from the records appended: $(diff want.txt got.txt | head -5)"
}

# (a) Records keep arriving, the pipeline is killed at random moments and
# restarted; some records arrive while it is down.
RANDOM=11
tail_lines 3
dir_file 4
start
wait_for_all
kills=0
for round in $(seq 12); do
  case $((RANDOM % 3)) in
    0) tail_lines $((RANDOM % 5 + 1)) ;;
    1) dir_file $((RANDOM % 5 + 1)) ;;
    2) split_line ;;
  esac
  sleep 0.0$((RANDOM % 9 + 1))
  tail_lines 2
  dir_file 2
  sleep "0.$((RANDOM % 3))$((RANDOM % 10))"
  if [ $((round % 2)) = 0 ]; then split_line stop; else stop; fi  # killed mid-line, or not
  kills=$((kills + 1))
  if [ $((round % 3)) = 0 ]; then tail_lines 2; dir_file 1; fi  # while it is down
  start
done
tail_lines 5
dir_file 3
wait_for_all
sleep 0.3  # anything doubled would show up by now
check_once "after $kills kills"
[ ! -s read_err.txt ] || fail "sx-read complained: $(head -3 read_err.txt)"
[ ! -s sink_err.txt ] || fail "sx-sink complained: $(head -3 sink_err.txt)"
records=$(wc -l < want.ndjson)

# (c) A restart with nothing new adds nothing.
stop
before=$(find out -type f | sort | md5sum)
start
sleep 0.5
stop
expect_eq "$(find out -type f | sort | md5sum)" "$before" "files after a restart with nothing new"
check_once "after a restart with nothing new"

# (b) The tailed file is rotated while the pipeline is down: the two records
# appended to the old file after the checkpoint are read from the old file,
# still in the same directory (issue 11 item 11), without a warning; then the
# new file from its start.
rest1='{"ts":1001,"id":"rest1"}'
rest2='{"ts":1002,"id":"rest2"}'
printf '%s\n%s\n' "$rest1" "$rest2" | tee -a want.ndjson >> logs/app.log
mv logs/app.log logs/app.log.1
tail_lines 3
start err.txt
wait_for_all
sleep 0.2
check_once "after a rotation while down"
expect_eq "$(grep -c warning err.txt)" 0 "warnings after one rotation: $(cat err.txt)"
tail_lines 1  # still tailed after the restart
wait_for_all
stop

# The same, with the old file gone (removed after the new one exists, so
# that the new one cannot have its inode); then a truncation below the offset.
echo '{"ts":1003,"id":"lost3"}' >> logs/app.log
mv logs/app.log logs/.old
tail_lines 2
rm logs/.old
start err2.txt
wait_for_all
sleep 0.2
stop
grep -q 'warning: logs/app.log was replaced while sx-read was stopped, and the file it was is no longer in logs/' err2.txt ||
  fail "no warning for a replaced file that is gone: $(cat err2.txt)"
: > logs/app.log
tail_lines 1
start err3.txt
wait_for_all
sleep 0.2
stop
grep -q 'warning: logs/app.log was truncated while sx-read was stopped' err3.txt ||
  fail "no warning for a truncated file: $(cat err3.txt)"
check_once "after a replaced and a truncated file"
echo "follow_checkpoint: ok ($records records through $kills kills, once each; rotation while down read on)"
