#!/usr/bin/env bash
# Issue 11 item 14: SIGTERM (or SIGINT) stops a --follow pipeline cleanly.
# Every stage stops between lines, flushes its side files (sx-read's dead
# letters, sx-dedup's --duplicates and --late), writes its summary, says
# "stopped by SIGTERM" and exits with 130; nothing of an unfinished epoch is
# committed, so a later run gives every record exactly once.
source "$(dirname "$0")/common.sh" "$1"
ev() { printf '{"id":%d,"ts":"2024-01-01T00:00:%02dZ"}\n' "$1" "$2"; }
lines() { [ -f "$1" ] && wc -l < "$1" || echo 0; }
mkdir in
{ ev 1 10; ev 1 10; ev 2 11; echo 'not json'; } > in/a.ndjson
# The pipeline in its own process group, as a terminal's Ctrl-C or a service
# manager's stop would signal it; the shell waits for it and records the
# stages' exit statuses.
setsid bash -c '
  trap : TERM INT
  sx-read --follow --checkpoint ck --time-field ts --watermark 2s --no-progress-line \
      --on-error dead-letter=dead.ndjson in/ 2> read.err \
    | sx-dedup --checkpoint ck --key id,ts --duplicates dup.ndjson --late late.ndjson 2> dedup.err \
    | sx-window --checkpoint ck --tumbling 5s --agg count 2> window.err \
    | sx-sink --checkpoint ck --path out 2> sink.err
  echo "${PIPESTATUS[*]}" > status' &
group=$!
wait_until 10 test -e ck/_commits/0 || fail "epoch 0 was not committed"
{ ev 3 5; ev 2 11; ev 4 20; } > in/b.ndjson   # late (5s <= 9s), a duplicate, a new one
wait_until 10 test -e ck/_commits/1 || fail "epoch 1 was not committed"
sleep 0.3
kill -TERM -- "-$group"
wait_until 10 test -s status || fail "the pipeline did not stop"
[ "$(cat status)" = "130 130 130 130" ] || fail "exit statuses $(cat status), expected 130 each: $(cat ./*.err)"
for s in read dedup window sink; do
  grep -q "^sx-[a-z]*: stopped by SIGTERM$" "$s.err" || fail "$s: no 'stopped by SIGTERM': $(cat "$s.err")"
done
# Side files flushed, summaries written.
expect_eq "$(lines dead.ndjson)" 1 "dead letters"
grep -q '"raw":"not json"' dead.ndjson || fail "dead letter: $(cat dead.ndjson)"
expect_eq "$(lines dup.ndjson)" 2 "duplicates"
expect_eq "$(lines late.ndjson)" 1 "late records"
grep -qF '\"id\":3' late.ndjson || fail "late: $(cat late.ndjson)"
grep -q 'dropped 2 duplicates of 6 records; see dup.ndjson' dedup.err || fail "dedup summary: $(cat dedup.err)"
grep -q '1 late record dropped' dedup.err || fail "dedup late summary: $(cat dedup.err)"
grep -q 'wrote 1 bad line (1 malformed JSON) to dead.ndjson' read.err || fail "sx-read summary: $(cat read.err)"

# More input while stopped, then a run that ends the stream: every window
# once, every record counted once.
ev 5 30 > in/c.ndjson
sx-read --checkpoint ck --time-field ts --watermark 2s --no-progress-line --on-error skip in/ 2> /dev/null \
  | sx-dedup --checkpoint ck --key id,ts 2> /dev/null \
  | sx-window --checkpoint ck --tumbling 5s --agg count \
  | sx-sink --checkpoint ck --path out
find out -type f -not -path '*/_*' | sort | xargs cat | sort > got.txt
cat > want.txt <<'W'
{"window_start":"2024-01-01T00:00:10Z","window_end":"2024-01-01T00:00:15Z","count":2}
{"window_start":"2024-01-01T00:00:20Z","window_end":"2024-01-01T00:00:25Z","count":1}
{"window_start":"2024-01-01T00:00:30Z","window_end":"2024-01-01T00:00:35Z","count":1}
W
cmp got.txt want.txt || fail "windows after the stop and a restart: $(cat got.txt)"
