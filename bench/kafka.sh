#!/usr/bin/env bash
# Kafka benchmark (issue 16), same run, same messages (sx-gen events keyed by
# user_id) on librdkafka's mock cluster (build/bin/sx_test_kafka_mock, 3
# brokers on loopback, a 6-partition topic), kcat the peer:
#   sx_source   sx-read --kafka --starting-offsets earliest --ending-offsets
#               latest | sx-sink (to /dev/null): every message read as a record
#   kcat_read   kcat -C -o beginning -e | cat (target: sx >= 0.8x its messages/s)
#   sx_sink     sx-sink --kafka --topic T of the sx stream of the N records
#               (idempotent producer, every message acknowledged)
#   kcat_write  kcat -P -t T of the same N lines (target: sx >= 0.8x)
# The mock keeps at most 5 MB of batches a partition (it drops older ones):
# the topic that is read is produced with zstd so that 1M messages fit;
# larger sizes do not, and are refused. Written topics may drop old batches:
# that costs the writers nothing.
# Usage: bench/kafka.sh [--sizes 1000000]; BENCH_RUNS=3 runs each, the best
# counts. Results on stdout and in bench/out/kafka.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh
parse_sizes bench/kafka.sh 16 1000000 "$@"
tmp=$(mktemp -d)
mock_pid=""
trap '[ -z "$mock_pid" ] || kill "$mock_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

scripts/setup.sh --bench
bin=${SX_BIN:-build/bin}
runs=${BENCH_RUNS:-3}
need_tools bench/kafka.sh "$bin" sx-gen sx-read sx-sink sx_test_kafka_mock
out=bench/out
mkdir -p "$out"

declare -A secs events rss
run() { # run KEY N CMD: best of $runs
  best_of "$runs" "$3"
  secs[$1]=$wall
  events[$1]=$2
  rss[$1]=$rss_list
}

mkfifo "$tmp/mock.in"
"$bin/sx_test_kafka_mock" --brokers 3 < "$tmp/mock.in" > "$tmp/mock.out" 2> "$tmp/mock.err" &
mock_pid=$!
exec {mock_fd}> "$tmp/mock.in"
for _ in $(seq 100); do [ -s "$tmp/mock.out" ] && break; sleep 0.1; done
brokers=$(head -1 "$tmp/mock.out")
[ -n "$brokers" ] || { echo "bench/kafka.sh: the mock did not start: $(cat "$tmp/mock.err")" >&2; exit 1; }
answers=1
mock() {
  echo "$*" >&"$mock_fd"
  answers=$((answers + 1))
  for _ in $(seq 100); do [ "$(wc -l < "$tmp/mock.out")" -ge "$answers" ] && return 0; sleep 0.05; done
  echo "bench/kafka.sh: the mock did not answer $*" >&2
  exit 1
}
has_sink=0
"$bin/sx-sink" --help | grep -q -- '--kafka' && has_sink=1

{
  echo "# bench/kafka.sh, $(date -u +%Y-%m-%dT%H:%MZ), sx $(git rev-parse --short HEAD)"
  host_line
  echo "peers: kcat $(kcat -V 2>&1 | grep -m1 -o "Version [0-9.]*" | cut -d" " -f2), librdkafka $(pkg-config --modversion rdkafka) (its mock cluster, 3 brokers)"
} > "$tmp/report"

for n in "${sizes[@]}"; do
  [ "$n" -le 1000000 ] || { echo "bench/kafka.sh: the mock holds 1000000 messages at most" >&2; exit 2; }
  "$bin/sx-gen" --events "$n" --seed 1 > "$tmp/events.ndjson"
  "$bin/sx-read" "$tmp/events.ndjson" > "$tmp/events.sx"
  topic=read_$n
  mock topic "$topic" 6
  awk 'match($0, /"user_id":[0-9]+/) { print substr($0, RSTART+10, RLENGTH-10) "\t" $0 }' "$tmp/events.ndjson" \
    | kcat -P -b "$brokers" -t "$topic" -K $'\t' -z zstd -X compression.level=12 -X linger.ms=100 \
      -X batch.size=4000000 -X message.max.bytes=8000000 -X batch.num.messages=100000 -X log_level=3
  got=$(kcat -C -b "$brokers" -t "$topic" -o beginning -e -q -X log_level=3 | wc -l)
  [ "$got" = "$n" ] || { echo "bench/kafka.sh: the mock kept $got of $n messages" >&2; exit 1; }
  run sx_source "$n" "rss 1 $bin/sx-read --kafka $brokers --subscribe $topic --starting-offsets earliest \
    --ending-offsets latest | rss 2 $bin/sx-sink > $tmp/got"
  [ "$(wc -l < "$tmp/got")" = "$n" ] || { echo "sx-read: not $n records" >&2; exit 1; }
  run kcat_read "$n" "rss 1 kcat -C -b $brokers -t $topic -o beginning -e -q -X log_level=3 | rss 2 cat > $tmp/got"
  [ "$(wc -l < "$tmp/got")" = "$n" ] || { echo "kcat: not $n messages" >&2; exit 1; }
  if [ "$has_sink" = 1 ]; then
    mock topic "sx_$n" 6
    mock topic "kcat_$n" 6
    run sx_sink "$n" "rss 1 $bin/sx-sink --kafka $brokers --topic sx_$n < $tmp/events.sx"
    run kcat_write "$n" "rss 1 kcat -P -b $brokers -t kcat_$n -X log_level=3 < $tmp/events.ndjson"
  fi
  {
    echo
    echo "## $n messages on 6 partitions (best of $runs)"
    printf '%-12s %8s %12s %14s\n' "run" "wall s" "messages/s" "peak RSS MB"
    for k in sx_source kcat_read sx_sink kcat_write; do
      [ -n "${secs[$k]:-}" ] || continue
      printf '%-12s %8s %12s %14s\n' "$k" "${secs[$k]}" "$(fmt_rate "$(rate "$k")")" "${rss[$k]}"
    done
    echo
    echo "source, sx-read | sx-sink / kcat -C | cat:  $(ratio sx_source kcat_read 0.8)"
    if [ "$has_sink" = 1 ]; then
      echo "sink, sx-sink --kafka / kcat -P:          $(ratio sx_sink kcat_write 0.8)"
    else
      echo "sink: this sx-sink has no --kafka"
    fi
  } >> "$tmp/report"
done
cp "$tmp/report" "$out/kafka.txt"
cat "$tmp/report"
