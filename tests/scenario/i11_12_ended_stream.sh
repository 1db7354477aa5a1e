#!/usr/bin/env bash
# Issue 11 item 12: a run without --trigger on a checkpoint ends the stream
# (its final watermark closes every window). A later run on that checkpoint
# with new input is refused (exit 2, with what to do), instead of finding
# every new record late and exiting 0; one with nothing new adds nothing and
# succeeds (a retry). --reset starts over.
source "$(dirname "$0")/common.sh" "$1"
printf '{"ts":"2024-01-01T00:00:01Z"}\n{"ts":"2024-01-01T00:00:07Z"}\n' > app.log
run() {  # the committed rows on stdout; sx-read's exit code in rc.txt, its stderr in err.txt
  set +o pipefail
  sx-read --checkpoint ck "$@" --time-field ts --watermark 10s --no-progress-line app.log \
      2> err.txt | sx-window --checkpoint ck --tumbling 5s --agg count 2> /dev/null \
    | sx-sink --checkpoint ck
  echo "${PIPESTATUS[0]}" > rc.txt
  set -o pipefail
}
w() { echo "{\"window_start\":\"2024-01-01T00:00:0$1Z\",\"window_end\":\"2024-01-01T00:00:$2Z\",\"count\":1}"; }

expect_eq "$(run)" "$(w 0 05; w 5 10)" "the first run (it ends the stream)"
expect_eq "$(cat rc.txt)" 0 "the first run's exit code"
# Run again with nothing new (a retry, make): adds nothing, succeeds.
expect_eq "$(run)" "" "a rerun with nothing new"
expect_eq "$(cat rc.txt)" 0 "exit code of a rerun with nothing new"
printf '{"ts":"2024-01-01T00:00:12Z"}\n' >> app.log
expect_eq "$(run)" "" "a run on an ended stream"
expect_eq "$(cat rc.txt)" 2 "exit code of a run on an ended stream"
grep -q "sx-read: error: checkpoint ck holds a stream that has ended: .* the records of app.log (new or grown since) would be late" err.txt ||
  fail "no refusal: $(cat err.txt)"
grep -q -- "--reset" err.txt || fail "the refusal does not say --reset: $(cat err.txt)"
# available-now runs are refused the same way.
run --trigger available-now > /dev/null
expect_eq "$(cat rc.txt)" 2 "exit code of an available-now run on an ended stream"
# --reset starts over: everything is read again.
expect_eq "$(run --reset)" "$(w 0 05; w 5 10; echo '{"window_start":"2024-01-01T00:00:10Z","window_end":"2024-01-01T00:00:15Z","count":1}')" \
  "a run with --reset"
echo "i11_12_ended_stream: ok"
