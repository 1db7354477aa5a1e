#!/usr/bin/env bash
# Issue 11 item 13: a file rewritten in place (truncated and written again, in
# one go) with at least as many bytes as were read: sx-read sees that the
# bytes it read are no longer there and reads the new content from its start,
# with a warning, instead of going on at the old offset in the new content.
# 1. under --follow, live; 2. between checkpointed available-now runs (the
# same check a --follow restart makes).
source "$(dirname "$0")/common.sh" "$1"
ns() { grep -o '"n":[0-9]*' "$@" | tr -d '\n'; }

# 1. --follow: rewritten with more bytes, then with as many.
printf '{"n":1}\n{"n":2}\n' > app.log
sx-read --follow --idle-epoch 50ms --no-progress-line app.log > tail.out 2> tail.err &
reader=$!
wait_for_text tail.out '"n":2'
sleep 0.2
printf '{"n":3}\n{"n":4}\n{"n":5}\n' > app.log
wait_for_text tail.out '"n":5'
sleep 0.2
printf '{"n":6}\n{"n":7}\n{"n":8}\n' > app.log
wait_for_text tail.out '"n":8'
kill "$reader"; wait "$reader" 2>/dev/null || true
expect_eq "$(ns tail.out)" '"n":1"n":2"n":3"n":4"n":5"n":6"n":7"n":8' "followed records, once each"
# (A poll that falls between the truncation and the write sees a truncation.)
expect_eq "$(grep -cE 'warning: app.log was (rewritten in place|truncated)' tail.err)" 2 \
  "warnings: $(cat tail.err)"

# 2. Between available-now runs (checkpointed, committed by the sink).
run() { sx-read --checkpoint ck --trigger available-now --no-progress-line b.log 2> err.txt \
          | sx-sink --checkpoint ck; }
printf '{"n":1}\n{"n":2}\n' > b.log
expect_eq "$(run | ns)" '"n":1"n":2' "run 1"
printf '{"n":3}\n{"n":4}\n{"n":5}\n' > b.log
expect_eq "$(run | ns)" '"n":3"n":4"n":5' "run 2 (rewritten with more bytes)"
grep -q 'warning: b.log was rewritten while sx-read was stopped' err.txt || fail "run 2: $(cat err.txt)"
printf '{"n":6}\n{"n":7}\n{"n":8}\n' > b.log
expect_eq "$(run | ns)" '"n":6"n":7"n":8' "run 3 (rewritten with as many bytes)"
grep -q 'warning: b.log was rewritten while sx-read was stopped' err.txt || fail "run 3: $(cat err.txt)"
expect_eq "$(run | ns)" '' "run 4 (nothing new)"
expect_eq "$(cat err.txt)" '' "run 4 warns of nothing"
echo "i11_13_rewrite: ok"
