#!/usr/bin/env bash
# What a person watching a live log sees: raw events fed through a FIFO into
# sx-read | sx-window --mode update | sx-sink --format live, in a 100x30 tmux
# pane, read with tmux capture-pane after each burst. sx-read ends an epoch
# when the pipe has been quiet for 100 ms (--idle-epoch), so each burst is an
# epoch; the counts of a window change in place as its events come.
source "$(dirname "$0")/common.sh" "$1"

SOCK="sx-i13-livepipe-$$"
tm() { tmux -u -L "$SOCK" "$@"; }
trap 'exec 3>&- 2>/dev/null; tm kill-server 2>/dev/null || true; cleanup' EXIT

mkfifo "$WORK/events"
tm new-session -d -x 100 -y 30 -s pipe \
  "env -u COLUMNS -u LINES sh -c 'sx-read --time-field ts --watermark 1m < \"$WORK/events\" | sx-window --tumbling 1m --by status --agg count --mode update | sx-sink --format live'; echo \"exit \$?\"; sleep 60"
exec 3<>"$WORK/events"

screen() { tm capture-pane -p -S - -t pipe | sed -e '/^$/d' -e 's/[0-9][0-9.]* rows\/s/R rows\/s/'; }
wait_screen() {
  wait_until 15 sh -c "tmux -u -L '$SOCK' capture-pane -p -t pipe | grep -qF -- '$1'" ||
    { screen >&2; fail "timed out waiting for '$1' on the screen"; }
}
expect_screen() {
  local got
  got=$(screen)
  [ "$got" = "$1" ] || { diff <(echo "$1") <(echo "$got") >&2 || true; fail "$2"; }
}
SEP='+--------------------+--------------------+------+-----+'
TOP="$SEP
|        window_start|          window_end|status|count|
$SEP"
# burst TIME STATUS ...: the events in one write, so that they make one epoch.
burst() {
  local s=""
  while [ $# -gt 0 ]; do s+=$(printf '{"ts":"2024-01-01T00:%s","status":"%s"}' "$1" "$2")$'\n'; shift 2; done
  printf '%s' "$s" >&3
}

# Burst 1: two 200s and a 404 in the first minute.
burst 00:10Z 200 00:20Z 404 00:30Z 200
wait_screen "watermark 2023-12-31T23:59:30Z"
expect_screen "$TOP
|2024-01-01T00:00:00Z|2024-01-01T00:01:00Z|   200|    2|
|2024-01-01T00:00:00Z|2024-01-01T00:01:00Z|   404|    1|
$SEP
epoch 0 | watermark 2023-12-31T23:59:30Z | R rows/s | 2 rows" "burst 1"

# Burst 2: one more 200 in the first minute (its row is replaced: 3), and a
# 500 in the second minute (a new row below).
burst 00:40Z 200 01:05Z 500
wait_screen "watermark 2024-01-01T00:00:05Z"
expect_screen "$TOP
|2024-01-01T00:00:00Z|2024-01-01T00:01:00Z|   200|    3|
|2024-01-01T00:00:00Z|2024-01-01T00:01:00Z|   404|    1|
|2024-01-01T00:01:00Z|2024-01-01T00:02:00Z|   500|    1|
$SEP
epoch 1 | watermark 2024-01-01T00:00:05Z | R rows/s | 3 rows" "burst 2"

# The log ends: sx-read ends a last (empty) epoch and sends the final
# watermark; the last table stays.
exec 3>&-
wait_screen "exit 0"
expect_screen "$TOP
|2024-01-01T00:00:00Z|2024-01-01T00:01:00Z|   200|    3|
|2024-01-01T00:00:00Z|2024-01-01T00:01:00Z|   404|    1|
|2024-01-01T00:01:00Z|2024-01-01T00:02:00Z|   500|    1|
$SEP
epoch 2 | watermark +inf | R rows/s | 3 rows | end of stream
exit 0" "the end"
echo "ok"
