#!/usr/bin/env bash
# issue 11 item 17: flags that wrapped around or silently meant "none" are
# refused with exit 2 and a message that names the flag and says what to give.
source "$(dirname "$0")/common.sh" "$1"

printf '{"ts":"2024-01-01T00:00:00Z","k":1}\n' > ev.ndjson

# refused TOOL "ARGS..." "PART OF THE MESSAGE": exit 2, message on stderr,
# nothing on stdout.
refused() {
  local tool=$1 args=$2 want=$3 code=0
  eval "$tool $args" < ev.ndjson > out 2> err || code=$?
  [ "$code" = 2 ] || fail "$tool $args: exit $code, expected 2 ($(head -c 300 err))"
  grep -qF -- "$want" err || fail "$tool $args: stderr lacks '$want': $(head -c 300 err)"
  [ ! -s out ] || fail "$tool $args: wrote to stdout"
  # No 300-digit bounds: every message stays short.
  [ "$(wc -c < err)" -lt 400 ] || fail "$tool $args: a long message: $(cat err)"
}

# Negative numbers into unsigned flags (CLI11 read -1 as 2^64-1).
refused sx-read "--max-line-bytes -5" "--max-line-bytes: '-5' is not a size"
refused sx-dedup "--max-keys -1" "--max-keys: '-1' is not a count; give a whole number >= 0"
refused sx-window "--tumbling 1m --max-state-rows -1" "--max-state-rows: '-1' is not a count"
refused sx-sink "--num-rows -1" "--num-rows: '-1' is not a count"
refused sx-sink "--truncate -20" "--truncate: '-20' is not a count"
refused sx-sink "--max-partitions -1" "--max-partitions: '-1' is not a count"
refused sx-read "--max-files-per-trigger -1" "--max-files-per-trigger: '-1' is not a count"
refused sx-read "--max-records-per-trigger -1" "--max-records-per-trigger: '-1' is not a count"
refused sx-join "--static ev.ndjson --on k --max-line-bytes -1" "--max-line-bytes: '-1' is not a size"
# Zero where zero means nothing, and the range said in words, not 300 digits.
refused sx-read "--max-files-per-trigger 0" "'0' is out of range; give a whole number >= 1"
refused sx-read "--max-records-per-trigger 0" "'0' is out of range; give a whole number >= 1"
# Overflow: 2^34 GiB wrapped to 0 bytes; 2^64 and more.
refused sx-read "--max-line-bytes 17179869184GiB" "'17179869184GiB' is too large (at most 1TiB)"
refused sx-read "--max-line-bytes 99999999999999999999999" "is too large"
refused sx-dedup "--max-keys 18446744073709551616" "'18446744073709551616' is out of range"
# Other spellings CLI11 would have taken: hex, fractions, signs, spaces.
refused sx-sink "--num-rows 0x10" "'0x10' is not a count"
refused sx-sink "--num-rows 1.5" "'1.5' is not a count"
refused sx-sink "--num-rows +3" "'+3' is not a count"
refused sx-read "--max-line-bytes 1.5MiB" "unknown size unit in '1.5MiB'"
# Empty values that silently meant "none".
refused sx-read "--time-field '' ev.ndjson" "--time-field: an empty value"
refused sx-read "--time-field ts --watermark '' ev.ndjson" "--watermark: an empty value"
refused sx-read "--time-field ts --time-zone ''" "--time-zone: an empty value"
refused sx-window "--tumbling ''" "--tumbling: an empty value"
refused sx-window "--session ''" "--session: an empty value"
refused sx-dedup "--time-field ''" "--time-field: an empty value"
refused sx-dedup "--checkpoint ''" "--checkpoint: an empty value"
refused sx-sink "--checkpoint '' --path out" "--checkpoint: an empty value"
# Durations name their flag.
refused sx-read "--time-field ts --watermark 5x ev.ndjson" "--watermark: invalid duration '5x'"
refused sx-read "--idle-epoch -1s" "--idle-epoch: invalid duration '-1s'"

# "010" is ten (CLI11 alone read it as octal 8): 10 rows of 12 shown.
for i in $(seq 1 12); do printf '{"i":%d}\n' "$i"; done > twelve.ndjson
sx-sink --format table --num-rows 010 < twelve.ndjson > table.txt
expect_eq "$(grep -c '^| *[0-9]' table.txt)" 10 "--num-rows 010"

echo ok
