#!/usr/bin/env bash
# Damaged checkpoints are reported, never loaded: a truncated, a corrupted and
# an empty checkpoint file each stop the stage with a message naming the file;
# --reset starts over. And a .zst input resumes mid-file at the right record.
source "$(dirname "$0")/common.sh" "$1"
mkdir in
sx-gen --events 3000 --seed 8 > in/a.ndjson
zstd -q --rm in/a.ndjson
pipeline() {
  sx-read --checkpoint ck "$@" --time-field timestamp --max-records-per-trigger 1000 \
      --no-progress-line in/ \
    | sx-dedup --checkpoint ck --key event_id 2> /dev/null \
    | sx-sink --checkpoint ck --path out
}
visible() { find out -type f -not -path '*/_*' -not -path '*/.*' | sort | xargs -r cat; }

# Resuming inside a .zst file: one epoch per run, the file read in three runs.
pipeline --trigger once
pipeline --trigger once
expect_eq "$(visible | wc -l)" 2000 "two epochs of 1000 after two runs"
# sx-dedup keeps its keys in part files that epochs share; one that no epoch
# uses (left by a run killed between writing it and its epoch) is removed.
ls ck/sx-dedup | grep -q '^keys\.' || fail "no keys.* part files in ck/sx-dedup: $(ls ck/sx-dedup)"
cp "ck/sx-dedup/$(ls ck/sx-dedup | grep '^keys\.' | head -1)" ck/sx-dedup/keys.9.0-1.9
pipeline
[ ! -e ck/sx-dedup/keys.9.0-1.9 ] || fail "an unused part file was not removed"
zstd -dc in/a.ndjson.zst | cmp - <(visible) || fail "the .zst input resumed at the wrong place"

last=$(ls ck/sx-dedup | sort -n | tail -1)
damage() {  # damage HOW: damage sx-dedup's newest checkpoint, expect a clear refusal
  cp "ck/sx-dedup/$last" saved
  case $1 in
    truncated) head -c 30 saved > "ck/sx-dedup/$last" ;;
    corrupted) { head -c 40 saved; printf 'X'; tail -c +42 saved; } > "ck/sx-dedup/$last" ;;
    empty) : > "ck/sx-dedup/$last" ;;
  esac
  code=0
  sx-dedup --checkpoint ck --key event_id < /dev/null > /dev/null 2> err.txt || code=$?
  expect_eq "$code" 1 "exit code for a $1 checkpoint"
  grep -q "ck/sx-dedup/$last" err.txt || fail "$1: the message does not name the file: $(cat err.txt)"
  cp saved "ck/sx-dedup/$last"
}
damage truncated
grep -q "truncated" err.txt || fail "truncated: $(cat err.txt)"
damage corrupted
damage empty
grep -q "empty" err.txt || fail "empty: $(cat err.txt)"
# A damaged or missing part of sx-dedup's state: the same clear refusal.
part=$(ls ck/sx-dedup | grep '^keys\.' | sort -t. -k4 -n | tail -1)  # the newest epoch's
cp "ck/sx-dedup/$part" saved
head -c 50 saved > "ck/sx-dedup/$part"
code=0
sx-dedup --checkpoint ck --key event_id < /dev/null > /dev/null 2> err.txt || code=$?
expect_eq "$code" 1 "exit code for a truncated part"
grep -q "ck/sx-dedup/$part.*truncated" err.txt || fail "truncated part: $(cat err.txt)"
rm "ck/sx-dedup/$part"
code=0
sx-dedup --checkpoint ck --key event_id < /dev/null > /dev/null 2> err.txt || code=$?
expect_eq "$code" 1 "exit code for a missing part"
grep -q "ck/sx-dedup/$part, which is missing" err.txt || fail "missing part: $(cat err.txt)"
cp saved "ck/sx-dedup/$part"
# Undamaged again: it loads.
sx-dedup --checkpoint ck --key event_id < /dev/null > /dev/null
# --reset starts over (the output directory is the user's to remove).
rm -rf out
pipeline --reset
expect_eq "$(visible | wc -l)" 3000 "everything again after --reset"
echo "checkpoint_errors: ok"
