#!/usr/bin/env bash
# Issue 11 item 18: every checkpoint error names the file. For each stateful
# stage (sx-read, sx-dedup, sx-join, sx-window, sx-sink), its newest
# checkpoint file (the sink: its newest commit) is damaged three ways: a
# flipped byte and a truncated file (the envelope's checks catch them), and a
# payload cut short inside a valid envelope (magic, sizes and CRC-32C
# rewritten, so only the stage's own decoding can tell). Each run must stop
# with exit 1 and a message naming DIR/STAGE/EPOCH (the file to remove, or
# why --reset is needed).
source "$(dirname "$0")/common.sh" "$1"
cat > in.ndjson <<'IN'
{"user_id":"a","ts":"2024-01-01T00:00:01Z","n":1}
{"user_id":"b","ts":"2024-01-01T00:00:02Z","n":2}
{"user_id":"a","ts":"2024-01-01T00:00:03Z","n":3}
{"user_id":"c","ts":"2024-01-01T00:00:04Z","n":4}
IN
printf 'user_id,tier\na,gold\n' > users.csv
# Two data epochs (and a no-data one): every stage has ck/STAGE/EPOCH, the sink ck/_commits/EPOCH.
sx-read --checkpoint ck --time-field ts --watermark 1s --max-records-per-trigger 2 --trigger available-now \
    --no-progress-line in.ndjson \
  | tee to-dedup | sx-dedup --checkpoint ck --key user_id,n \
  | tee to-join | sx-join --checkpoint ck --static users.csv --on user_id --how left \
  | tee to-window | sx-window --checkpoint ck --tumbling 2s --agg count \
  | tee to-sink | sx-sink --checkpoint ck --path out > /dev/null
# A stage reads its checkpoint when its stream begins: its input's header.
for s in dedup join window sink; do head -1 "to-$s" > "header-$s"; done

# CRC-32C (Castagnoli, reflected) of a file, as a decimal number.
crc32c() {
  local crc=$((0xFFFFFFFF)) b i
  for b in $(od -An -v -tu1 "$1"); do
    crc=$((crc ^ b))
    for ((i = 0; i < 8; i++)); do crc=$(((crc >> 1) ^ (0x82F63B78 & -(crc & 1)))); done
  done
  echo $((crc ^ 0xFFFFFFFF))
}
# le VALUE BYTES: VALUE as a little-endian integer of BYTES bytes.
le() {
  local i
  for ((i = 0; i < $2; i++)); do printf "\\x$(printf %02x $((($1 >> (8 * i)) & 255)))"; done
}
u64_at() {  # u64_at FILE OFFSET
  local v=0 i=0 b
  for b in $(od -An -v -tu1 -j "$2" -N 8 "$1"); do v=$((v | (b << (8 * i)))); i=$((i + 1)); done
  echo "$v"
}
# cut_payload FILE: rewrites FILE (sx(7), "Checkpoint file format") with its
# payload cut to its first 3 bytes, in a valid envelope.
cut_payload() {
  local f=$1 m size c
  m=$(u64_at "$f" 20)
  size=$(stat -c %s "$f")
  c=$((size - 40 - m))
  tail -c +$((37 + m)) "$f" | head -c "$c" | zstd -q -dc | head -c 3 > payload
  zstd -q -f payload -o payload.zst   # from a file: the frame records its size
  c=$(stat -c %s payload.zst)
  { printf 'SXCK'; le 1 4; le $((40 + m + c)) 8; } > new
  le "$(crc32c new)" 4 >> new
  { le "$m" 8; tail -c +29 "$f" | head -c "$m"; le 3 8; cat payload.zst; } >> new
  le "$(crc32c new)" 4 >> new
  cat new > "$f"
}
flip_byte() {  # the byte at offset 24 (the metadata size): 0x00 -> 0x58
  local f=$1
  { head -c 24 "$f"; printf 'X'; tail -c +26 "$f"; } > new
  cat new > "$f"
}
truncate_file() { head -c 30 "$1" > new; cat new > "$1"; }

# run_stage STAGE: the stage alone on its checkpoint.
run_stage() {
  case $1 in
    sx-read) sx-read --checkpoint ck --time-field ts --watermark 1s --max-records-per-trigger 2 --trigger available-now \
               --no-progress-line in.ndjson ;;
    sx-dedup) sx-dedup --checkpoint ck --key user_id,n < header-dedup ;;
    sx-join) sx-join --checkpoint ck --static users.csv --on user_id --how left < header-join ;;
    sx-window) sx-window --checkpoint ck --tumbling 2s --agg count < header-window ;;
    sx-sink) sx-sink --checkpoint ck --path out < header-sink ;;
  esac
}
newest() { ls "$1" | grep -E "^${2:-[0-9]+}\$" | sort -t. -n -k "${3:-1}" | tail -1; }
# Each stage's newest checkpoint file, sx-dedup's newest part of its keys,
# and the sink's newest commit.
for target in sx-read sx-dedup sx-dedup/keys sx-join sx-window sx-sink; do
  stage=${target%/keys}
  case $target in
    sx-sink) file=ck/_commits/$(newest ck/_commits) ;;
    */keys) file=ck/$stage/$(newest "ck/$stage" 'keys\..*' 4) ;;
    *) file=ck/$stage/$(newest "ck/$stage") ;;
  esac
  [ -f "$file" ] || fail "no checkpoint file $file: $(find ck | sort | tr '\n' ' ')"
  cp "$file" saved
  run_stage "$stage" > /dev/null 2> err.txt || fail "$target: the undamaged checkpoint does not load: $(cat err.txt)"
  for damage in flip_byte truncate_file cut_payload; do
    cp saved "$file"
    "$damage" "$file"
    code=0
    run_stage "$stage" > /dev/null 2> err.txt || code=$?
    expect_eq "$code" 1 "$target, $damage: exit status ($(cat err.txt))"
    grep -q "$file" err.txt || fail "$target, $damage: the message does not name $file: $(cat err.txt)"
  done
  cp saved "$file"
done
echo "i11_18_checkpoint_file: ok"
