#!/usr/bin/env bash
# issue 11 item 18: when a stage gets no stream header, its message says what
# probably happened (the stage before failed; a filter dropped the control
# records; pretty-printed JSON) and shows the jq idiom that keeps control
# records, which is checked here to work with the real jq. Too-long lines give
# the limit.
source "$(dirname "$0")/common.sh" "$1"

cat > ev.ndjson <<'END'
{"ts":"2024-01-01T00:00:01Z","status":200}
{"ts":"2024-01-01T00:00:02Z","status":503}
{"ts":"2024-01-01T00:00:03Z","status":500}
END
idiom="jq -c 'if has(\"@sx\") then . else select(COND) end'"

# stage_fails CODE WANT... : runs the pipeline in ./pipeline, expects the last
# stage's exit CODE and each WANT in its stderr.
stage_fails() {
  local want_code=$1 code=0; shift
  bash -o pipefail ./pipeline > out 2> err || code=$?
  [ "$code" = "$want_code" ] || fail "$(cat pipeline): exit $code, expected $want_code: $(cat err)"
  for w in "$@"; do grep -qF -- "$w" err || fail "$(cat pipeline): stderr lacks '$w': $(cat err)"; done
}

# 1. The stage before failed (a usage error): an empty input, exit 1.
echo 'sx-read --time-feild ts ev.ndjson | sx-window --tumbling 1m' > pipeline
stage_fails 1 "sx-window: error: sx-window cannot place records in time: the input is empty" \
  "the stage before this one probably failed (see its error above)"
grep -q "no sx stream header ... pass --time-field\|pass --time-field" err \
  && fail "an empty input must not advise --time-field: $(cat err)"

# 2. A filter dropped the control records: records without a header.
echo "sx-read --time-field ts --watermark 1m ev.ndjson | jq -c 'select(.status>=500)' | sx-window --tumbling 1m" > pipeline
stage_fails 2 "the input has no sx stream header (its first line is a record)" \
  "a filter between the stages (jq, grep) dropped the control records" "$idiom" \
  "if it is plain NDJSON, pass --time-field FIELD"
echo "sx-read --time-field ts --watermark 1m ev.ndjson | jq -c 'select(.status>=500)' | sx-dedup --key status --within-watermark" > pipeline
stage_fails 2 "--within-watermark needs a watermark: the input has no sx stream header" "$idiom"

# 3. Only the header was dropped (grep -v): control records without it.
echo "sx-read --time-field ts --watermark 1m ev.ndjson | grep -v '\"stream\"' | grep -v '\"ts\"' | sx-window --tumbling 1m" > pipeline
stage_fails 2 "the input has sx control records but no stream header before them" "$idiom"

# 4. jq without -c: pretty-printed JSON.
echo "sx-read --time-field ts --watermark 1m ev.ndjson | jq . | sx-window --tumbling 1m" > pipeline
stage_fails 2 "the input is not one JSON object per line (its first line is '{')" \
  "as jq writes without -c? Use jq -c"

# 5. The idiom the messages show (and sx(7) documents) keeps the stream working.
sx-read --time-field ts --watermark 1m ev.ndjson \
  | jq -c 'if has("@sx") then . else select(.status >= 500) end' \
  | sx-window --tumbling 1m --agg count | sx-sink > counts
expect_eq "$(cat counts)" '{"window_start":"2024-01-01T00:00:00Z","window_end":"2024-01-01T00:01:00Z","count":2}' "the jq idiom"
grep -qF "if has(\"@sx\") then . else select(" "$ROOT/man/sx.7" || fail "sx(7) lacks the jq idiom"

# 6. Too-long lines name the limit.
echo "sx-read --time-field ts ev.ndjson | sx-window --by status --max-line-bytes 1KiB --agg count > /dev/null; printf '%02000d\n' 0 | sx-sink --max-line-bytes 1KiB" > pipeline
stage_fails 1 "sx-sink: error: stdin:1: line longer than --max-line-bytes (1KiB); raise it with --max-line-bytes"
printf 'k,v\n%s,x\n' "$(printf '%0200d' 0)" > big.csv
echo '{"k":"1"}' > one.ndjson
echo "sx-join --static big.csv --on k --max-line-bytes 100 one.ndjson" > pipeline
stage_fails 1 "big.csv:2: line longer than --max-line-bytes (100 bytes)"

echo ok
