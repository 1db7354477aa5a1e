#!/usr/bin/env bash
# The directory sink's modes across kill -9 (sx-sink --path, man sx-sink):
#  * partitioned, compressed append: sx-read | sx-sink --partition-by
#    event_type,session_id --compress zstd (about 400 partitions an epoch, more
#    than the 256 files held open);
#  * complete: sx-read | sx-window --mode complete | sx-sink --mode complete
#    --partition-by user_id, with a reader polling DIR/current during the
#    failure-free run: every table it reads whole is the table of one epoch.
# Each pipeline is killed at the fault points in turn (a checkpoint written but
# not renamed, a commit whose files are not yet published, mid-output, between
# the publishing renames or right after the snapshot swap), and, in another
# directory, at random moments (one random stage, by its pid), restarted each
# time; the visible output must equal the failure-free one, path for path and
# byte for byte, and nothing may stay staged.
source "$(dirname "$0")/common.sh" "$1"
command -v zstd > /dev/null || fail "zstd (the command) is needed to read --compress zstd output"

# The visible output of DIR: each file with no path component starting with
# '_' or '.', decompressed, after its relative path.
visible() {
  (cd "$1" && find . -type f -not -path '*/_*' -not -path '*/.*' | LC_ALL=C sort \
    | while read -r f; do
        echo "== $f"
        case $f in *.zst) zstd -dcq "$f" ;; *) cat "$f" ;; esac
      done)
}

# stage PIDFILE CMD...: runs CMD with its pid in PIDFILE (so a test can kill
# exactly that process).
stage() { sh -c 'echo $$ > "$0"; exec "$@"' "$@"; }

append_run() {  # append_run DIR [VAR=VALUE...]: one attempt; its status
  local d=$1
  shift
  stage "$d/read.pid" env "$@" sx-read --checkpoint "$d/ck" --time-field timestamp \
      --watermark 10m --max-records-per-trigger 2000 in/ 2> /dev/null \
    | stage "$d/sink.pid" env "$@" sx-sink --checkpoint "$d/ck" --path "$d/out" \
      --partition-by event_type,session_id --compress zstd 2> /dev/null
}

complete_run() {
  local d=$1
  shift
  stage "$d/read.pid" env "$@" sx-read --checkpoint "$d/ck" --time-field timestamp \
      --watermark 10m --max-records-per-trigger 500 in/ 2> /dev/null \
    | stage "$d/window.pid" env "$@" sx-window --checkpoint "$d/ck" --by user_id --agg count \
      --mode complete 2> /dev/null \
    | stage "$d/sink.pid" env "$@" sx-sink --checkpoint "$d/ck" --path "$d/out" --mode complete \
      --partition-by user_id 2> /dev/null
}

# faults RUN DIR: kill -9 at each fault point in turn (restarting after each),
# then finish without faults.
faults() {
  local run=$1 d=$2 point
  mkdir "$d"
  for point in ckpt-before-rename commit-before-publish mid-output mid-publish; do
    if ($run "$d" SX_FAULT=$point); then fail "$run: SX_FAULT=$point did not stop the pipeline"; fi
  done
  $run "$d" || fail "$run: the pipeline did not finish after the faults"
}

# kills RUN DIR MS STAGES...: from the start, kill -9 a random stage of each
# attempt at a random moment until an attempt finishes, then finish without
# kills; prints the number of kills that landed. MS: how long the
# failure-free run took, in milliseconds: the kills land within its first
# third, so they land inside the run on a fast machine and a loaded one.
kills() {
  local run=$1 d=$2 ms=$3 kills=0 attempt victim pid job lo hi
  shift 3
  lo=$((ms / 20 > 20 ? ms / 20 : 20))
  hi=$((ms / 3 > lo + 10 ? ms / 3 : lo + 10))
  local stages=("$@")
  mkdir "$d"
  for attempt in $(seq 1 40); do
    rm -f "$d"/*.pid
    ($run "$d") &
    job=$!
    local at=$((lo + RANDOM % (hi - lo)))
    sleep "$(printf "%d.%03d" $((at / 1000)) $((at % 1000)))"
    # A random stage among those still running (an upstream stage that has
    # written everything into the pipe may have exited already), by its pid,
    # once it is running this attempt's command (its command line names $d/ck).
    local alive=()
    for _ in $(seq 1 100); do
      for victim in "${stages[@]}"; do
        pid=$(cat "$d/$victim.pid" 2> /dev/null || true)
        if [ -n "$pid" ] && grep -qaF -- "$d/ck" "/proc/$pid/cmdline" 2> /dev/null; then
          alive+=("$pid")
        fi
      done
      [ ${#alive[@]} -eq 0 ] || break
      [ -e "$d/sink.pid" ] && ! kill -0 "$(cat "$d/sink.pid")" 2> /dev/null && break  # all done
      sleep 0.01
    done
    if [ ${#alive[@]} -gt 0 ] && kill -9 "${alive[$((RANDOM % ${#alive[@]}))]}" 2> /dev/null; then
      kills=$((kills + 1))
    fi
    if wait "$job"; then break; fi  # a run finished: the stream is done
  done
  $run "$d" || $run "$d" || fail "$run: the pipeline did not finish after the kills"
  [ "$kills" -ge 1 ] || fail "$run: no kill landed"
  echo "$kills"
}

RANDOM=11

# ---- partitioned, compressed append -----------------------------------------------
mkdir in
sx-gen --events 20000 --seed 6 > all.ndjson
split -l 4000 -d -a 2 all.ndjson in/batch_
# millis: the time since $1 (an $EPOCHREALTIME), in milliseconds.
millis() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
mkdir ref
t0=$EPOCHREALTIME
append_run ref || fail "the failure-free append run failed"
append_ms=$(millis "$t0")
visible ref/out > want.txt
[ "$(find ref/out -name '*.ndjson.zst' | wc -l)" -gt 2000 ] || fail "expected thousands of partition files"
grep -v '^== ' want.txt | LC_ALL=C sort > got-sorted.ndjson
LC_ALL=C sort all.ndjson | cmp - got-sorted.ndjson || fail "the append output is not the input"
# Each file holds only its partition's records.
grep -m1 '^== ./event_type=click/session_id=session_7/' want.txt > /dev/null \
  || fail "no folder event_type=click/session_id=session_7"
awk '/^== /{split($2, p, "/"); t = substr(p[2], 12); s = substr(p[3], 12); next}
     index($0, "\"event_type\":\"" t "\"") == 0 || index($0, "\"session_id\":\"" s "\"") == 0 {
       print "misplaced: " $0; exit 1 }' want.txt || fail "a record is in another partition's file"
faults append_run fault
visible fault/out > got.txt
cmp got.txt want.txt || fail "append: after the fault points the visible output differs"
append_kills=$(kills append_run crash "$append_ms" sink read)
visible crash/out > got.txt
cmp got.txt want.txt || fail "append: after $append_kills kills the visible output differs"
[ -z "$(find fault/out/_staging crash/out/_staging -mindepth 1)" ] || fail "append: staged files left behind"

# ---- complete -----------------------------------------------------------------------
rm -rf in && mkdir in
sx-gen --events 20000 --seed 5 --users 50 > all.ndjson
split -l 2000 -d -a 2 all.ndjson in/batch_
# While the failure-free run swaps tables, read DIR/current again and again: a
# read is whole when current/_epoch is the same before and after and every
# file opened (a name of another epoch's table fails). A whole read of epoch E
# must count exactly 500 (E+1) records: the table of one epoch, never a mix.
mkdir cref
poll() {
  local whole=0 e1 e2 rows sum
  while [ ! -e cref/done ]; do
    e1=$(cat cref/out/current/_epoch 2> /dev/null) || continue
    if rows=$(cat cref/out/current/*/part-* 2> /dev/null) \
      && e2=$(cat cref/out/current/_epoch 2> /dev/null) && [ "$e1" = "$e2" ]; then
      sum=$(printf '%s\n' "$rows" | grep -o '"count":[0-9]*' | cut -d: -f2 | awk '{s += $1} END {print s + 0}') || sum=unreadable
      if [ "$sum" != $((500 * (e1 + 1))) ]; then
        echo "epoch $e1: the table counts $sum records" > cref/mixed
      fi
      whole=$((whole + 1))
    fi
  done
  echo "$whole" > cref/whole
}
poll &
poller=$!
t0=$EPOCHREALTIME
complete_run cref || fail "the failure-free complete run failed"
complete_ms=$(millis "$t0")
touch cref/done
wait "$poller"
[ ! -e cref/mixed ] || fail "a reader saw a mixed table: $(cat cref/mixed)"
[ "$(cat cref/whole)" -ge 1 ] || fail "the reader never read a whole table"
visible cref/out > want.txt
expect_eq "$(cat cref/out/current/_epoch)" 39 "the last epoch"
expect_eq "$(find cref/out -type f -not -path '*/_*' | wc -l)" 50 "visible files (one table of 50 users)"
expect_eq "$(grep -o '"count":[0-9]*' want.txt | cut -d: -f2 | awk '{s += $1} END {print s}')" 20000 "records counted"
faults complete_run cfault
visible cfault/out > got.txt
cmp got.txt want.txt || fail "complete: after the fault points the visible output differs"
kills=$(kills complete_run ccrash "$complete_ms" sink window read)
visible ccrash/out > got.txt
cmp got.txt want.txt || fail "complete: after $kills kills the visible output differs"
[ -z "$(find cfault/out/_staging ccrash/out/_staging -mindepth 1)" ] || fail "complete: staged files left behind"

echo "dir_sink: ok (4 fault points and random kills, append: $append_kills in a ${append_ms}ms run, complete: $kills in ${complete_ms}ms; $(cat cref/whole) whole reads of a changing table)"
