#!/usr/bin/env bash
# sx-sink --format live on a terminal, as a person watching it sees it
# (sx-sink(1), LIVE TABLE): a tmux pane of 100x30 runs the sink on a FIFO,
# the test feeds it epoch by epoch and reads the screen with tmux
# capture-pane after each. Update output replaces rows by key (window and
# group), the rows stay sorted by key, the status line shows the epoch, the
# watermark, the rows/s (masked here: it depends on the clock) and the row
# count; at the end of the stream, and at Ctrl-C, the last table stays.
source "$(dirname "$0")/common.sh" "$1"

SOCK="sx-i13-live-$$"
tm() { tmux -u -L "$SOCK" "$@"; }
trap 'exec 3>&- 4>&- 2>/dev/null; tm kill-server 2>/dev/null || true; cleanup' EXIT

# start NAME FIFO LINES [FLAGS]: sx-sink --format live in a 100xLINES pane reading FIFO.
start() {
  mkfifo "$WORK/$2"
  tm new-session -d -x 100 -y "$3" -s "$1" \
    "env -u COLUMNS -u LINES sx-sink --format live ${4:-} < '$WORK/$2'; echo \"exit \$?\"; sleep 60"
}
# screen NAME: the pane's text, blank lines dropped, the rate masked.
screen() { tm capture-pane -p -S - -t "$1" | sed -e '/^$/d' -e 's/[0-9][0-9.]* rows\/s/R rows\/s/'; }
# wait_screen NAME TEXT: up to 10 s for TEXT on the screen.
wait_screen() {
  wait_until 10 sh -c "tmux -u -L '$SOCK' capture-pane -p -t '$1' | grep -qF -- '$2'" ||
    { screen "$1" >&2; fail "$1: timed out waiting for '$2' on the screen"; }
}
expect_screen() {
  local got
  got=$(screen "$1")
  [ "$got" = "$2" ] || { diff <(echo "$2") <(echo "$got") >&2 || true; fail "$3"; }
}
W0='"window_start":"2024-01-01T00:00:00Z","window_end":"2024-01-01T00:05:00Z"'
W1='"window_start":"2024-01-01T00:05:00Z","window_end":"2024-01-01T00:10:00Z"'
HEADER='{"@sx":"stream","v":1,"source":"sx-window","time_field":"window_end","time_format":"iso8601","time_zone":"UTC","time_shift_us":-1,"watermark_delay":"10m","columns":["window_start","window_end","event_type","count"]}'
SEP='+--------------------+--------------------+----------+-----+'
TOP="$SEP
|        window_start|          window_end|event_type|count|
$SEP"

# --- update output: rows replaced by key -----------------------------------
start upd upd.fifo 30
exec 3<>"$WORK/upd.fifo"
printf '%s\n' "$HEADER" "{$W0,\"event_type\":\"view\",\"count\":5}" \
  "{$W0,\"event_type\":\"click\",\"count\":4}" '{"@sx":"epoch","id":0}' \
  '{"@sx":"watermark","t":"2023-12-31T23:54:00Z"}' >&3
wait_screen upd "epoch 0 | watermark 2023-12-31T23:54:00Z"
expect_screen upd "$TOP
|2024-01-01T00:00:00Z|2024-01-01T00:05:00Z|     click|    4|
|2024-01-01T00:00:00Z|2024-01-01T00:05:00Z|      view|    5|
$SEP
epoch 0 | watermark 2023-12-31T23:54:00Z | R rows/s | 2 rows" "epoch 0: the first rows, sorted by key"

# Epoch 1: click's count changes (replaced in place), a new window comes.
printf '%s\n' "{$W1,\"event_type\":\"click\",\"count\":1}" \
  "{$W0,\"event_type\":\"click\",\"count\":9}" '{"@sx":"epoch","id":1}' \
  '{"@sx":"watermark","t":"2023-12-31T23:58:00Z"}' >&3
wait_screen upd "epoch 1 | watermark 2023-12-31T23:58:00Z"
expect_screen upd "$TOP
|2024-01-01T00:00:00Z|2024-01-01T00:05:00Z|     click|    9|
|2024-01-01T00:00:00Z|2024-01-01T00:05:00Z|      view|    5|
|2024-01-01T00:05:00Z|2024-01-01T00:10:00Z|     click|    1|
$SEP
epoch 1 | watermark 2023-12-31T23:58:00Z | R rows/s | 3 rows" "epoch 1: a row replaced, one added"

# The end of the stream: the last table stays, the status line says so.
printf '%s\n' '{"@sx":"watermark","t":"+inf"}' >&3
exec 3>&-
wait_screen upd "exit 0"
expect_screen upd "$TOP
|2024-01-01T00:00:00Z|2024-01-01T00:05:00Z|     click|    9|
|2024-01-01T00:00:00Z|2024-01-01T00:05:00Z|      view|    5|
|2024-01-01T00:05:00Z|2024-01-01T00:10:00Z|     click|    1|
$SEP
epoch 1 | watermark +inf | R rows/s | 3 rows | end of stream
exit 0" "end of stream: the last table stays"
tm kill-session -t upd

# --- append output on a short screen: the latest windows --------------------
# 10 lines: the frame (4), the status line and the cursor's line leave 4 rows.
start app app.fifo 10 "--key window_start"
exec 4<>"$WORK/app.fifo"
for i in 0 1 2 3 4 5; do
  printf '{"window_start":"2024-01-01T00:0%d:00Z","n":%d}\n{"@sx":"epoch","id":%d}\n' "$i" "$i" "$i" >&4
done
wait_screen app "epoch 5 |"
expect_screen app "+--------------------+---+
|        window_start|  n|
+--------------------+---+
|2024-01-01T00:02:00Z|  2|
|2024-01-01T00:03:00Z|  3|
|2024-01-01T00:04:00Z|  4|
|2024-01-01T00:05:00Z|  5|
+--------------------+---+
epoch 5 | watermark none | R rows/s | 6 rows (2 not shown)" "append: the latest windows that fit"

# The window grows to 12 lines: the next redraw shows 6 rows, all of them.
tm resize-window -t app -y 12
printf '%s\n' '{"@sx":"epoch","id":6}' >&4
wait_screen app "epoch 6 |"
expect_screen app "+--------------------+---+
|        window_start|  n|
+--------------------+---+
|2024-01-01T00:00:00Z|  0|
|2024-01-01T00:01:00Z|  1|
|2024-01-01T00:02:00Z|  2|
|2024-01-01T00:03:00Z|  3|
|2024-01-01T00:04:00Z|  4|
|2024-01-01T00:05:00Z|  5|
+--------------------+---+
epoch 6 | watermark none | R rows/s | 6 rows" "a resized window: the rows that fit now"
# Ctrl-C: the sink stops (exit 130), the last table stays with "stopped"
# (the pane scrolls by the lines below it: capture-pane -S - reads them too).
tm send-keys -t app C-c
wait_screen app "exit 130"
expect_screen app "+--------------------+---+
|        window_start|  n|
+--------------------+---+
|2024-01-01T00:00:00Z|  0|
|2024-01-01T00:01:00Z|  1|
|2024-01-01T00:02:00Z|  2|
|2024-01-01T00:03:00Z|  3|
|2024-01-01T00:04:00Z|  4|
|2024-01-01T00:05:00Z|  5|
+--------------------+---+
epoch 6 | watermark none | R rows/s | 6 rows | stopped
sx-sink: stopped by SIGINT
exit 130" "Ctrl-C: the last table stays"
exec 4>&-
tm kill-session -t app

# The redraw is cursor-home, clear-to-end-of-line and -screen, never a
# full-screen clear (which flickers): the bytes, through script(1).
printf '%s\n' '{"k":"a","n":1}' '{"@sx":"epoch","id":0}' '{"k":"a","n":2}' '{"@sx":"epoch","id":1}' \
  > "$WORK/in.ndjson"
script -qec "sx-sink --format live < '$WORK/in.ndjson'" "$WORK/typescript" > /dev/null
grep -q $'\e\\[H' "$WORK/typescript" || fail "no cursor-home"
grep -q $'\e\\[J' "$WORK/typescript" || fail "no clear-to-end-of-screen"
! grep -q $'\e\\[2J' "$WORK/typescript" || fail "a full-screen clear"
expect_eq "$(grep -o $'\e\\[H' "$WORK/typescript" | wc -l)" 3 "one redraw per epoch and one at the end"
echo "ok"
