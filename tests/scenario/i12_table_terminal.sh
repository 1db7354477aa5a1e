#!/usr/bin/env bash
# sx-sink --format table on a terminal leaves out the batches of epochs
# without rows (sx-sink(1), --empty-batches): live input ends an epoch every
# few milliseconds, and empty frames would push the results off the screen.
# Into a pipe or file every batch is printed, as Spark's console sink does.
# The terminal is a pseudo-terminal made by script(1).
source "$(dirname "$0")/common.sh" "$1"

# Three epochs: rows, no rows, rows.
printf '%s\n' '{"user":"a","n":1}' '{"@sx":"epoch","id":0}' '{"@sx":"epoch","id":1}' \
  '{"user":"b","n":2}' '{"@sx":"epoch","id":2}' > "$WORK/in.ndjson"

# Through a pipe: batches 0, 1 (empty) and 2.
sx-sink --format table < "$WORK/in.ndjson" | grep '^Batch' > "$WORK/pipe.txt"
expect_eq "$(tr '\n' ' ' < "$WORK/pipe.txt")" "Batch: 0 Batch: 1 Batch: 2 " "pipe batches"

# On a terminal: batch 1 is left out; --empty-batches show brings it back.
script -qec "sx-sink --format table < '$WORK/in.ndjson'" /dev/null | tr -d '\r' |
  grep '^Batch' > "$WORK/tty.txt"
expect_eq "$(tr '\n' ' ' < "$WORK/tty.txt")" "Batch: 0 Batch: 2 " "terminal batches"
script -qec "sx-sink --format table --empty-batches show < '$WORK/in.ndjson'" /dev/null |
  tr -d '\r' | grep '^Batch' > "$WORK/tty_show.txt"
expect_eq "$(tr '\n' ' ' < "$WORK/tty_show.txt")" "Batch: 0 Batch: 1 Batch: 2 " \
  "terminal batches with --empty-batches show"
echo "ok"
