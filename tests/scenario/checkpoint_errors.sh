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
pipeline
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
# Undamaged again: it loads.
sx-dedup --checkpoint ck --key event_id < /dev/null > /dev/null
# --reset starts over (the output directory is the user's to remove).
rm -rf out
pipeline --reset
expect_eq "$(visible | wc -l)" 3000 "everything again after --reset"
echo "checkpoint_errors: ok"
