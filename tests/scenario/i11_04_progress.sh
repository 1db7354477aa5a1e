#!/usr/bin/env bash
# Issue 11 item 4, the --progress half: a field that a flag names and that no
# record had so far is listed in each progress record as "unseenFields", with
# the nearest key; it leaves the list once a record has it, and a field every
# record has is never listed.
source "$(dirname "$0")/common.sh" "$1"
cat > in.ndjson <<'IN'
{"user_id":"a","ts":"2024-01-01T00:00:01Z","n":1}
{"user_id":"b","ts":"2024-01-01T00:00:02Z","n":2}
{"user_id":"a","ts":"2024-01-01T00:00:03Z","n":3,"extra":1}
{"user_id":"c","ts":"2024-01-01T00:00:04Z","n":4}
IN
printf 'uid,tier\na,gold\n' > users.csv
# Two data epochs of two records, then the final one: three records per stage.
sx-read --time-field ts --watermark 1s --max-records-per-trigger 2 --progress p.ndjson \
    --no-progress-line in.ndjson \
  | sx-dedup --key user_id,extra --progress p.ndjson \
  | sx-join --static users.csv --on user_idd=uid --how left --progress p.ndjson 2> join.err \
  | sx-window --tumbling 1m --by user_idd --agg 'sum(n)' --progress p.ndjson > out.ndjson 2> window.err
jq -e . p.ndjson > /dev/null || fail "progress records do not parse as JSON"
unseen() { jq -c -s "map(select(.stage == \"$1\") | .unseenFields)" p.ndjson; }
# sx-read's --time-field ts is in every record: never listed (no key at all).
expect_eq "$(jq -s 'map(select(.stage == "sx-read") | has("unseenFields")) | any' p.ndjson)" false \
  "sx-read lists no unseen field"
# "extra" first comes in the second epoch: listed after the first only.
expect_eq "$(unseen sx-dedup)" '[[{"field":"extra","namedBy":"--key"}],null,null]' "sx-dedup's unseenFields"
# The misspelled keys: in every record, with the key the records have.
expect_eq "$(unseen sx-join)" \
  "$(printf '[%s,%s,%s]' '[{"field":"user_idd","namedBy":"--on","didYouMean":"user_id"}]' \
      '[{"field":"user_idd","namedBy":"--on","didYouMean":"user_id"}]' \
      '[{"field":"user_idd","namedBy":"--on","didYouMean":"user_id"}]')" "sx-join's unseenFields"
expect_eq "$(unseen sx-window)" \
  "$(printf '[%s,%s,%s]' '[{"field":"user_idd","namedBy":"--by","didYouMean":"user_id"}]' \
      '[{"field":"user_idd","namedBy":"--by","didYouMean":"user_id"}]' \
      '[{"field":"user_idd","namedBy":"--by","didYouMean":"user_id"}]')" "sx-window's unseenFields"
# The warning at the end stays.
grep -q 'no record had the field "user_idd" (did you mean "user_id"?)' window.err \
  || fail "sx-window's end warning is gone"
# sx-read with a misspelled --time-field: every line is bad (skipped), and
# its one progress record says why.
sx-read --time-field tss --on-error skip --progress p2.ndjson --no-progress-line in.ndjson \
  > /dev/null 2> read.err
expect_eq "$(jq -c '.unseenFields' p2.ndjson)" '[{"field":"tss","namedBy":"--time-field","didYouMean":"ts"}]' \
  "sx-read's unseenFields"
echo "i11_04_progress: ok"
