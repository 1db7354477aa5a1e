#!/usr/bin/env bash
# Issue 11 item 11: a file that grows between checkpointed runs (app.log under
# cron). Three --trigger available-now runs with appends between read each
# line once: what was appended is read from where the last run stopped, and a
# last line without its newline waits for the next run (it is not bad input
# while the file may still grow). A file replaced or truncated between runs is
# read from its start, with a warning, after the rest of a rotated file when it
# is still there. In a final (continuous) run, a last line without a newline
# stays bad input.
source "$(dirname "$0")/common.sh" "$1"
run() {  # run [flags...] INPUT: the records the run commits; sx-read's stderr in err.txt
  sx-read --checkpoint ck --no-progress-line "$@" 2> err.txt | sx-sink --checkpoint ck
}

printf '{"n":1}\n{"n":2}\n' > app.log
expect_eq "$(run --trigger available-now app.log | tr -d '\n')" '{"n":1}{"n":2}' "run 1"
printf '{"n":3}\n{"n":4' >> app.log   # the writer is half-way through a line
expect_eq "$(run --trigger available-now app.log | tr -d '\n')" '{"n":3}' "run 2 (appended)"
expect_eq "$(cat err.txt)" "" "run 2 warns of nothing"
printf '}\n{"n":5}\n' >> app.log
expect_eq "$(run --trigger available-now app.log | tr -d '\n')" '{"n":4}{"n":5}' "run 3 (the rest)"
expect_eq "$(run --trigger available-now app.log | tr -d '\n')" '' "run 4 (nothing new)"

# Rotated: the old file (read to its end) moved away, a new app.log.
mv app.log app.log.1
printf '{"n":6}\n' > app.log
expect_eq "$(run --trigger available-now app.log | tr -d '\n')" '{"n":6}' "a replaced file"
grep -q 'warning: app.log was replaced' err.txt && fail "a rotation that lost nothing warned: $(cat err.txt)"
# Replaced while the old file had lines not read yet (logrotate between two
# cron runs): the rest of the old file is read first, then the new file.
printf '{"n":7}\n' >> app.log
mv app.log app.log.2
printf '{"n":8}\n' > app.log
expect_eq "$(run --trigger available-now app.log | tr -d '\n')" '{"n":7}{"n":8}' "a rotated file"
expect_eq "$(cat err.txt)" "" "a rotation that lost nothing warns of nothing"
# Replaced, and the old file with unread lines is gone: reported.
printf '{"n":80}\n' >> app.log
mv app.log gone.log
printf '{"n":81}\n' > app.log
rm gone.log
expect_eq "$(run --trigger available-now app.log | tr -d '\n')" '{"n":81}' "a replaced file, the old one gone"
grep -q 'warning: app.log was replaced while sx-read was stopped, and the file it was is no longer in' err.txt ||
  fail "no warning for the unread part of a replaced file: $(cat err.txt)"
# Truncated in place (copytruncate), then written again with less.
printf '{}\n' > app.log
expect_eq "$(run --trigger available-now app.log | tr -d '\n')" '{}' "a truncated file"
grep -q 'warning: app.log was truncated while sx-read was stopped' err.txt ||
  fail "no warning for a truncated file: $(cat err.txt)"

# A directory's files grow too; a new file is read whole.
mkdir in
printf '{"n":1}\n' > in/a.ndjson
expect_eq "$(run --trigger available-now in/ | tr -d '\n')" '{"n":1}' "dir run 1"
printf '{"n":2}\n' >> in/a.ndjson
printf '{"n":3}\n' > in/b.ndjson
expect_eq "$(run --trigger available-now in/ | tr -d '\n')" '{"n":2}{"n":3}' "dir run 2"
expect_eq "$(run --trigger once in/ | tr -d '\n')" '' "dir run 3 (nothing new)"

# A final run: the input's end is the stream's end, so a last line without its
# newline is what it always was, bad input (a truncated file?).
printf '{"n":10}\n{"n":11' >> app.log
code=0
sx-read --checkpoint ck --no-progress-line app.log 2> err.txt | sx-sink --checkpoint ck > out.txt ||
  code=$?
expect_eq "$code" 1 "exit code of a final run ending in half a line"
grep -q 'last line has no final newline' err.txt || fail "no error for half a line: $(cat err.txt)"
echo "i11_11_growing_file: ok"
