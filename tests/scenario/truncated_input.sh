#!/usr/bin/env bash
# sx-read hands the lines of a plain file to the next stage by splice(2): the
# kernel passes the file's pages on without a copy. A file truncated while
# sx-read reads it can then not be passed on as it was read: sx-read stops
# with exit 1 and says what happened (the next stage may see damaged lines).
source "$(dirname "$0")/common.sh" "$1"
# 14 MB: far more than the pipe (1 MB) and sx-read's buffers hold.
sx-gen --events 100000 --seed 1 > big.ndjson
{ rc=0; sx-read --time-field timestamp big.ndjson 2> err.txt || rc=$?; echo "$rc" > rc.txt; } \
  | { while [ ! -e go ]; do sleep 0.05; done; cat > /dev/null; } &
sleep 1  # sx-read fills the pipe and waits for room
truncate -s 1000 big.ndjson
touch go
wait
expect_eq "$(cat rc.txt)" 1 "sx-read's exit status"
grep -q "the input file shrank while sx-read was reading it" err.txt \
  || fail "sx-read's message: $(cat err.txt)"
echo "truncated_input: ok"
