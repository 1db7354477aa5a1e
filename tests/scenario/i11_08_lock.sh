#!/usr/bin/env bash
# Issue 11 item 8: one run of a checkpointed pipeline at a time. While a
# --follow run holds the checkpoint, a second run (cron fired again) stops at
# once, every stage with exit status 75 and a message naming the lock and the
# holder's pid, and changes nothing; with --wait-lock it waits for the first
# run to end, then goes on. A run whose sx-read has finished while its sink is
# still committing (here: a sink alone, in another process group) still
# holds the pipeline: a new sx-read stops before reading or resetting.
source "$(dirname "$0")/common.sh" "$1"
ev() { printf '{"ts":"2024-01-01T00:00:%02dZ","id":%d}\n' "$1" "$2"; }
pipeline() {  # pipeline [sx-read flags...] -- [flags for every stage...]
  local rflags=()
  while [ "$1" != -- ]; do rflags+=("$1"); shift; done
  shift
  sx-read --checkpoint ck "${rflags[@]}" "$@" --time-field ts --watermark 1s --no-progress-line in/ \
    | sx-dedup --checkpoint ck --key id "$@" \
    | sx-sink --checkpoint ck --path out "$@"
}
visible() { find out -type f -not -path '*/_*' | sort | xargs -r cat | sort; }

mkdir in
ev 1 1 > in/a.ndjson
pipeline --follow -- 2> run1.err &
wait_until 10 test -e out/part-00000000.ndjson || fail "the --follow run published nothing"
# The first run's sx-read: the one running in this scenario's directory.
read_pid=$(for p in $(pgrep -x sx-read); do
  [ "$(readlink "/proc/$p/cwd")" != "$PWD" ] || echo "$p"
done)
[ -n "$read_pid" ] || fail "no sx-read of the first run"

# A second run stops at once, every stage with 75, and changes nothing.
ls -R ck out > before.txt
code=0
pipeline --trigger available-now -- 2> run2.err || code=$?
expect_eq "$code" 75 "exit status of the overlapping run"
for stage in sx-read sx-dedup sx-sink; do
  grep -q "^$stage: error: another run of this pipeline holds ck/$stage/LOCK (pid [0-9]*); wait for it to finish, or pass --wait-lock" run2.err \
    || fail "$stage did not refuse the overlapping run: $(cat run2.err)"
done
grep -q "holds ck/sx-read/LOCK (pid $read_pid)" run2.err || fail "the message does not name sx-read's pid $read_pid: $(cat run2.err)"
ls -R ck out | cmp - before.txt || fail "the refused run changed the checkpoint or the output"

# --wait-lock: the run waits while the first one goes on, then runs.
pipeline --trigger available-now -- --wait-lock 2> run3.err &
run3=$!
sleep 1
kill -0 "$run3" 2> /dev/null || fail "the --wait-lock run did not wait: $(cat run3.err)"
ev 2 2 > in/b.ndjson   # the first run reads it
wait_until 10 test -e out/part-00000001.ndjson || fail "the --follow run did not publish b"
kill -TERM "$read_pid"
wait "$run3" || fail "the --wait-lock run failed: $(cat run3.err)"
ev 3 3 > in/c.ndjson
pipeline --trigger available-now --
printf '%s\n' "$(ev 1 1)" "$(ev 2 2)" "$(ev 3 3)" | sort | cmp - <(visible) \
  || fail "every record once after the overlapping runs: $(visible)"

# Another run still committing (its sx-read done): a sink in another process
# group holds the commit log; a new sx-read stops before it reads or resets.
mkfifo feed
setsid sx-sink --checkpoint ck --path out < feed 2> sink.err &
sink=$!
exec 3> feed
wait_until 10 test -n "$(ls ck/_commits/LOCK 2> /dev/null)" || fail "no lock file"
sleep 0.5
code=0
sx-read --checkpoint ck --reset --time-field ts in/ > stream.txt 2> read.err || code=$?
expect_eq "$code" 75 "exit status of sx-read while another run's sink commits"
grep -q "another run of this pipeline holds ck/\(_commits\|sx-sink\)/LOCK (pid $sink)" read.err \
  || fail "the message does not name the sink: $(cat read.err)"
[ ! -s stream.txt ] || fail "sx-read wrote a stream: $(cat stream.txt)"
ls ck/sx-read | grep -q '^[0-9]' || fail "--reset emptied the checkpoint of a running pipeline"
exec 3>&-
wait "$sink"
sx-read --checkpoint ck --trigger available-now --time-field ts in/ > /dev/null
